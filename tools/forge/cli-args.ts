import path from 'node:path';

/** The repository root: the app directory the tools work on unless told otherwise. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * `--name value` options (and `--name=value`) of a tool; anything else is an error, so a typo never
 * silently builds or lints the wrong thing. Paths are left as given: resolve them against the
 * caller's working directory before changing it.
 */
export function parseOptions(argv: string[], names: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (match === null || name === undefined || !names.includes(name)) throw new UsageError(`unknown argument ${arg} (options: ${names.map((n) => `--${n} VALUE`).join(', ')})`);
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return options;
}

/** A mistake in the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** Runs a tool's main: a UsageError exits 2, any other failure exits 1 with its message. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
