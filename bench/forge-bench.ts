import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { ForgePlatform } from '../sandbox/forge/platform';
import { JiraSite } from '../sandbox/jira/site';

/**
 * Benchmark of the local Forge platform with the fixture app (test/forge/fixture-app):
 * - overhead per invocation: median time of a no-op resolver invoked through the platform
 *   (in process, and over HTTP `POST /_sandbox/invoke`), minus the median of calling the same
 *   handler directly without the platform;
 * - KVS throughput through the real @forge/kvs: sets and gets per second inside one invocation.
 * Run directly with `npx tsx bench/forge-bench.ts`, or call `runForgeBench()`.
 */

export interface ForgeBenchOptions {
  /** timed invocations per mode (default 2000 in process, a quarter of it over HTTP) */
  invocations?: number;
  /** KVS sets and gets (default 5000 each) */
  kvsOps?: number;
  /** file-backed KVS (a temp folder) instead of memory */
  dataDir?: string | null;
}

export interface ForgeBenchFigures {
  /** median µs of the handler called directly (no platform) */
  directHandlerMedianUs: number;
  /** median µs of Installation.invoke of a no-op resolver */
  invokeMedianUs: number;
  /** median µs of POST /_sandbox/invoke of the same resolver (HTTP round trip included) */
  httpInvokeMedianUs: number;
  /** invokeMedianUs - directHandlerMedianUs */
  platformOverheadUs: number;
  kvsSetPerSecond: number;
  kvsGetPerSecond: number;
  kvsOps: number;
  invocations: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

type Handler = (request: unknown, context: unknown) => unknown;
const isHandler = (v: unknown): v is Handler => typeof v === 'function';

const FIXTURE = path.join(__dirname, '..', 'test', 'forge', 'fixture-app');
const Timings = z.object({ setMs: z.number(), getMs: z.number() });

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(100, n); i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) * 1000);
  }
  return out;
}

export async function runForgeBench(opts: ForgeBenchOptions = {}): Promise<ForgeBenchFigures> {
  const invocations = opts.invocations ?? 2000;
  const kvsOps = opts.kvsOps ?? 5000;
  const platform = new ForgePlatform({ appRoot: FIXTURE, dataDir: opts.dataDir ?? null });
  const site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default' });
  try {
    await site.listen(0, '127.0.0.1');
    const inst = await platform.install(site);
    // the same handler, called without the platform (its module is already loaded by the platform)
    const fixture: unknown = module.require(path.join(FIXTURE, 'src', 'index.ts'));
    const exported = fixture !== null && typeof fixture === 'object' && 'resolver' in fixture ? fixture.resolver : undefined;
    if (!isHandler(exported)) throw new Error('the fixture app exports no resolver handler');
    const handler = exported;
    const request = { call: { functionKey: 'noop', payload: {} }, context: { accountId: site.admin.accountId, moduleKey: 'fixture-admin' } };
    const direct = await timed(invocations, async () => handler(request, { principal: { accountId: site.admin.accountId } }));
    const viaPlatform = await timed(invocations, () => inst.invoke('fixture-admin', 'noop', {}));
    const body = JSON.stringify({ moduleKey: 'fixture-admin', functionKey: 'noop', payload: {} });
    const viaHttp = await timed(Math.max(1, Math.floor(invocations / 4)), async () => {
      const res = await fetch(`${inst.siteUrl}/_sandbox/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.json();
    });
    const kvs = Timings.parse(await inst.invoke('fixture-admin', 'kvs-bench', { n: kvsOps }));
    const directHandlerMedianUs = median(direct);
    const invokeMedianUs = median(viaPlatform);
    return {
      directHandlerMedianUs,
      invokeMedianUs,
      httpInvokeMedianUs: median(viaHttp),
      platformOverheadUs: invokeMedianUs - directHandlerMedianUs,
      kvsSetPerSecond: kvsOps / (kvs.setMs / 1000),
      kvsGetPerSecond: kvsOps / (kvs.getMs / 1000),
      kvsOps,
      invocations,
    };
  } finally {
    await platform.close();
    await site.close();
  }
}

if (require.main === module) {
  void runForgeBench().then((f) => {
    const rows: [string, string][] = [
      ['no-op handler called directly (median)', `${f.directHandlerMedianUs.toFixed(1)} µs`],
      ['no-op resolver via Installation.invoke (median)', `${f.invokeMedianUs.toFixed(1)} µs`],
      ['platform overhead per invocation (median)', `${f.platformOverheadUs.toFixed(1)} µs`],
      ['no-op resolver via POST /_sandbox/invoke (median)', `${f.httpInvokeMedianUs.toFixed(1)} µs`],
      [`kvs.set through @forge/kvs (${f.kvsOps})`, `${Math.round(f.kvsSetPerSecond)} ops/s`],
      [`kvs.get through @forge/kvs (${f.kvsOps})`, `${Math.round(f.kvsGetPerSecond)} ops/s`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  }, (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
