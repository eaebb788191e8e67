import path from 'node:path';
import { readyLine, REPO_ROOT, siteNamesProblem, startSandbox, TOPOLOGIES, type Sandbox, type StartSandboxOptions } from './start';
import { ensureUiBuilt } from './ui-build';

/**
 * `npm start -- [--port-base N] [--memory | --data DIR] [--reset] [--no-connect] [--sites A,B,...] [--topology mesh|hub]`
 *
 * Prints exactly one line on stdout, `Twin Sync sandbox ready: ...`, once every site answers and the
 * app is installed (and connected unless --no-connect). Everything else goes to stderr.
 * `TWIN_SYNC_APP_ROOT` (environment) runs another app folder instead of this repository — used by
 * the platform's own tests.
 */
export const USAGE = `Usage: npm start -- [--port-base N] [--memory | --data DIR] [--reset] [--no-connect] [--sites A,B,...] [--topology mesh|hub]

  --port-base N      the first site at http://127.0.0.1:<N+1>, the second at <N+2>, ... (default 7100; 0 = random ports)
  --memory           keep nothing on disk (a throw-away sandbox; any number can run at once)
  --data DIR         data folder (default .sandbox/); one sandbox at a time per folder
  --reset            delete the sandbox data in the data folder before starting
  --no-connect       do not connect the sites (for the invitation flow)
  --sites A,B,...    the sites, 2 to 6 names of lower-case letters, digits and hyphens (default internal,external);
                     each has one project: internal INT, external CLOUD, any other its first four letters (partner: PART)
  --topology T       mesh: connect every pair of sites (default); hub: connect the first site to each of the others`;

export class UsageError extends Error {}

/** parse the command line; throws UsageError for anything it does not understand */
export function parseArgs(argv: readonly string[]): StartSandboxOptions {
  const opts: StartSandboxOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i++;
      return v;
    };
    switch (arg) {
      case '--port-base': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65533) throw new UsageError(`--port-base must be an integer from 0 to 65533 (got '${v}')`);
        opts.portBase = Number(v);
        break;
      }
      case '--memory':
        opts.memory = true;
        break;
      case '--data':
        opts.dataDir = path.resolve(value());
        break;
      case '--reset':
        opts.reset = true;
        break;
      case '--no-connect':
        opts.connect = false;
        break;
      case '--sites': {
        const names = value().split(',').map((n) => n.trim());
        const problem = siteNamesProblem(names);
        if (problem !== null) throw new UsageError(`--sites: ${problem}`);
        opts.sites = names;
        break;
      }
      case '--topology': {
        const v = value();
        const topology = TOPOLOGIES.find((t) => t === v);
        if (topology === undefined) throw new UsageError(`--topology must be ${TOPOLOGIES.join(' or ')} (got '${v}')`);
        opts.topology = topology;
        break;
      }
      default:
        throw new UsageError(`unknown argument '${String(arg)}'`);
    }
  }
  if (opts.memory && opts.dataDir !== undefined) throw new UsageError('--memory and --data cannot be used together');
  const siteCount = opts.sites?.length ?? 2;
  if (opts.portBase !== undefined && opts.portBase + siteCount > 65535) {
    throw new UsageError(`--port-base must be at most ${65535 - siteCount} for ${siteCount} sites (got '${opts.portBase}')`);
  }
  return opts;
}

export async function main(argv: readonly string[]): Promise<void> {
  let opts: StartSandboxOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const appRoot = process.env['TWIN_SYNC_APP_ROOT'] ? path.resolve(process.env['TWIN_SYNC_APP_ROOT']) : REPO_ROOT;
  let sandbox: Sandbox | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the sandbox\n`);
    // a stop must finish within 5 s; data is written synchronously by SQLite, so closing is the flush
    const force = setTimeout(() => process.exit(1), 4_500);
    force.unref();
    void (sandbox ? sandbox.close() : Promise.resolve()).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    // a fresh clone has no Custom UI build: build it (or rebuild a stale one) before the pages are served
    if (appRoot === REPO_ROOT) ensureUiBuilt(REPO_ROOT, (line) => process.stderr.write(`${line}\n`));
    sandbox = await startSandbox({ ...opts, appRoot, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    process.stderr.write(`The sandbox did not start:\n${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  if (stopping) return;
  process.stdout.write(`${readyLine(sandbox)}\n`);
}

if (require.main === module) void main(process.argv.slice(2));
