import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, UsageError } from '../../sandbox/cli';
import { FIXTURE_APP, freePortBase } from './fixture';

const REPO = path.resolve(__dirname, '../..');
/**
 * The CLI runs in one process with tsx's loader (`node --import tsx`), so a signal the test sends
 * reaches it directly. Through tsx's own CLI, the signal would go to a parent that relays it and
 * SIGKILLs the child (exit 143) when the child does not acknowledge within 30 ms: on a loaded
 * machine it sometimes does not. A terminal's Ctrl-C reaches the whole process group, so `npm start`
 * is not concerned.
 */
const TSX_LOADER = 'tsx';

interface CliRun {
  /** the first stdout line */
  firstLine: Promise<string>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  signal(sig: NodeJS.Signals): void;
}

function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, 'sandbox/cli.ts', ...args], { cwd: REPO, env: { ...process.env, TWIN_SYNC_APP_ROOT: FIXTURE_APP }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLine: ((line: string) => void) | undefined;
  const firstLine = new Promise<string>((resolve, reject) => {
    onLine = resolve;
    child.once('exit', () => reject(new Error(`the CLI exited before printing a line; stderr:\n${stderr}`)));
  });
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const nl = stdout.indexOf('\n');
    if (nl >= 0) onLine?.(stdout.slice(0, nl));
  });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  firstLine.catch(() => undefined);
  return { firstLine, exited, signal: (sig) => { child.kill(sig); } };
}

const invoke = async (url: string, functionKey: string, payload: unknown): Promise<unknown> => {
  const res = await fetch(`${url}/_sandbox/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moduleKey: 'fixture-admin', functionKey, payload }) });
  return res.json();
};

describe('npm start (sandbox/cli.ts)', () => {
  it.each([
    [['--memory'], { memory: true }],
    [['--port-base', '0', '--no-connect'], { portBase: 0, connect: false }],
    [['--data', 'some/dir', '--reset'], { dataDir: path.resolve('some/dir'), reset: true }],
    [['--sites', 'internal,external,partner'], { sites: ['internal', 'external', 'partner'] }],
    [['--sites', 'hq,eu-2', '--topology', 'hub'], { sites: ['hq', 'eu-2'], topology: 'hub' }],
    [['--topology', 'mesh'], { topology: 'mesh' }],
    [['--sites', 'a,b,c,d,e,f', '--port-base', '65529'], { sites: ['a', 'b', 'c', 'd', 'e', 'f'], portBase: 65529 }],
  ])('parses %j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it.each([
    [['--bogus'], "unknown argument '--bogus'"],
    [['--port-base'], '--port-base needs a value'],
    [['--port-base', 'abc'], "--port-base must be an integer from 0 to 65533 (got 'abc')"],
    [['--port-base', '70000'], "--port-base must be an integer from 0 to 65533 (got '70000')"],
    [['--memory', '--data', 'x'], '--memory and --data cannot be used together'],
    [['--sites'], '--sites needs a value'],
    [['--sites', 'internal'], '--sites: the sandbox runs 2 to 6 sites (got 1)'],
    [['--sites', 'a,b,c,d,e,f,g'], '--sites: the sandbox runs 2 to 6 sites (got 7)'],
    [['--sites', 'internal,Partner'], "--sites: site name 'Partner' is not 1 to 20 lower-case letters, digits or hyphens"],
    [['--sites', 'internal,,partner'], "--sites: site name '' is not 1 to 20 lower-case letters, digits or hyphens"],
    [['--sites', 'internal,internal'], "--sites: site name 'internal' is given twice"],
    [['--topology', 'ring'], "--topology must be mesh or hub (got 'ring')"],
    [['--topology'], '--topology needs a value'],
    [['--sites', 'a,b,c,d,e,f', '--port-base', '65530'], "--port-base must be at most 65529 for 6 sites (got '65530')"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });

  it('prints the usage on stderr and exits 2 for a bad flag', async () => {
    const { code, stdout, stderr } = await runCli(['--nope']).exited;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown argument '--nope'");
    expect(stderr).toContain('Usage: npm start -- [--port-base N] [--memory | --data DIR] [--reset] [--no-connect]');
  }, 30_000);

  it('prints exactly one ready line with both URLs and credentials, and stops on SIGTERM', async () => {
    const base = await freePortBase();
    const run = runCli(['--memory', '--no-connect', '--port-base', String(base)]);
    const line = await run.firstLine;
    const internal = `http://127.0.0.1:${base + 1}`;
    const external = `http://127.0.0.1:${base + 2}`;
    expect(line).toBe(`Twin Sync sandbox ready: internal ${internal} (admin@internal.test / sandbox-token), external ${external} (admin@external.test / sandbox-token)`);
    for (const url of [internal, external]) {
      expect(await (await fetch(`${url}/_sandbox/idle`)).json()).toEqual({ idle: true, pending: 0 });
    }
    run.signal('SIGTERM');
    const { code, stdout } = await run.exited;
    expect(code).toBe(0);
    expect(stdout.split('\n').filter(Boolean)).toEqual([line]);
  }, 60_000);

  it('keeps sites and app storage in the data folder across a SIGINT and a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-data-'));
    try {
      const base = await freePortBase();
      const internal = `http://127.0.0.1:${base + 1}`;
      const first = runCli(['--data', dir, '--no-connect', '--port-base', String(base)]);
      await first.firstLine;
      expect(await invoke(internal, 'kvs-set', { key: 'kept', value: 'across restarts' })).toEqual({ result: { ok: null } });
      const created = await invoke(internal, 'jira-create', { as: 'user', project: 'INT', summary: 'persisted' }) as { result: { ok: { body: { key: string } } } };
      first.signal('SIGINT');
      expect((await first.exited).code).toBe(0);

      const second = runCli(['--data', dir, '--no-connect', '--port-base', String(base)]);
      await second.firstLine;
      expect(await invoke(internal, 'kvs-get', { key: 'kept' })).toEqual({ result: { ok: 'across restarts' } });
      const auth = `Basic ${Buffer.from('admin@internal.test:sandbox-token').toString('base64')}`;
      const issue = await fetch(`${internal}/rest/api/3/issue/${created.result.ok.body.key}`, { headers: { authorization: auth } });
      expect(issue.status).toBe(200);
      second.signal('SIGTERM');
      expect((await second.exited).code).toBe(0);

      const third = runCli(['--data', dir, '--no-connect', '--reset', '--port-base', String(base)]);
      await third.firstLine;
      expect(await invoke(internal, 'kvs-get', { key: 'kept' })).toEqual({ result: { ok: null } });
      third.signal('SIGTERM');
      expect((await third.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('refuses a second sandbox on the same data folder with a clear message, and a --memory one still starts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-lock-'));
    try {
      const first = runCli(['--data', dir, '--no-connect', '--port-base', '0']);
      await first.firstLine;
      const second = await runCli(['--data', dir, '--no-connect', '--port-base', '0']).exited;
      expect(second.code).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain(`is using the data folder ${dir}`);
      expect(second.stderr).toContain('--memory for a throw-away sandbox');
      const throwAway = runCli(['--memory', '--no-connect', '--port-base', '0']);
      expect(await throwAway.firstLine).toMatch(/^Twin Sync sandbox ready: /);
      throwAway.signal('SIGTERM');
      first.signal('SIGTERM');
      expect((await first.exited).code).toBe(0);
      expect((await throwAway.exited).code).toBe(0);
      // the lock went with the first sandbox: the folder can be used again
      const third = runCli(['--data', dir, '--no-connect', '--port-base', '0']);
      await third.firstLine;
      third.signal('SIGTERM');
      expect((await third.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
