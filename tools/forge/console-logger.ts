import type { Logger } from '@forge/cli-shared';

/** The Forge CLI's Logger on stdout/stderr, keeping every warning so a tool can fail on them. */
export class ConsoleLogger implements Logger {
  readonly warnings: string[] = [];
  readonly traceEnabled = false;
  readonly debugEnabled: boolean;

  constructor(options: { debug?: boolean } = {}) {
    this.debugEnabled = options.debug ?? process.env['DEBUG_FORGE_TOOLS'] === '1';
  }

  trace(_message: string): void {}

  debug(message: string): void {
    if (this.debugEnabled) process.stderr.write(`debug: ${message}\n`);
  }

  info(message: string): void {
    process.stdout.write(`${message}\n`);
  }

  warn(message: string): void {
    this.warnings.push(message);
    process.stderr.write(`warning: ${message}\n`);
  }

  error(error: Error): void {
    process.stderr.write(`error: ${error.message}\n`);
  }
}
