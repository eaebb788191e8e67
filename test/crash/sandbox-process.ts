import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** The repository root (this file is test/crash/sandbox-process.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface SiteAccess {
  url: string;
  email: string;
  apiToken: string;
}

export interface Ready {
  internal: SiteAccess;
  external: SiteAccess;
}

const READY = /^Twin Sync sandbox ready: internal (\S+) \((\S+) \/ (\S+)\), external (\S+) \((\S+) \/ (\S+)\)$/;

/** two consecutive free ports (the sandbox's sites listen on base+1 and base+2) */
export async function freePortBase(): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await free(base + 1)) && (await free(base + 2))) return base;
  }
  throw new Error('no two free consecutive ports found');
}

/**
 * `npm start -- --data DIR --port-base N` as a child process (node with tsx's loader, one process,
 * so SIGKILL kills the sandbox itself and nothing survives it). The same folder and ports after a
 * restart: the installations' web trigger URLs are stored with their connections.
 */
export class SandboxProcess {
  private child: ChildProcess | null = null;
  private stderrTail: string[] = [];

  constructor(private readonly dataDir: string, private readonly portBase: number, private readonly log: (line: string) => void = () => undefined) {}

  async start(timeoutMs = 180_000): Promise<Ready> {
    if (this.child) throw new Error('already running');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--data', this.dataDir, '--port-base', String(this.portBase)], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' },
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        this.stderrTail.push(line);
        if (this.stderrTail.length > 40) this.stderrTail.shift();
        this.log(line);
      }
    });
    return new Promise<Ready>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the sandbox did not get ready within ${timeoutMs} ms:\n${this.stderrTail.join('\n')}`)), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited before it was ready (code ${String(code)}, signal ${String(signal)}):\n${this.stderrTail.join('\n')}`));
      });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => READY.test(l.trim()));
        if (!line) return;
        const m = READY.exec(line.trim());
        clearTimeout(timer);
        child.removeAllListeners('exit');
        if (!m) return;
        resolve({
          internal: { url: m[1] ?? '', email: m[2] ?? '', apiToken: m[3] ?? '' },
          external: { url: m[4] ?? '', email: m[5] ?? '', apiToken: m[6] ?? '' },
        });
      });
    });
  }

  /** SIGKILL: no handler runs, nothing is flushed beyond what SQLite already wrote */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM, the sandbox's own orderly stop */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
