import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { AsyncQueue } from '../sandbox/forge/async-queue';
import { KvsStore } from '../sandbox/forge/kvs-store';
import { ForgePlatform } from '../sandbox/forge/platform';
import { Scheduler } from '../sandbox/forge/scheduler';
import { JiraSite } from '../sandbox/jira/site';

/**
 * Benchmark of the local Forge platform with the fixture app (test/forge/fixture-app):
 * - overhead per invocation: median time of a no-op resolver invoked through the platform
 *   (in process, and over HTTP `POST /_sandbox/invoke`), minus the median of calling the same
 *   handler directly without the platform;
 * - KVS throughput through the real @forge/kvs: sets and gets per second inside one invocation;
 * - scale (`runScaleBench`): the cost of one queue dispatch and of one KVS prefix query with 1,000
 *   and with 10,000 rows in the installation's SQLite file, so that growth with the backlog shows.
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
  // the figures are of the platform's own cost: Forge's rate quotas (thousands of invocations and KVS
  // operations a minute here) are switched off, the size limits stay
  const platform = new ForgePlatform({ appRoot: FIXTURE, dataDir: opts.dataDir ?? null, quotaScale: Number.POSITIVE_INFINITY });
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

/** per-operation cost of the queue and of KVS prefix queries at one table size */
export interface ScaleFigures {
  rows: number;
  /** µs per event pushed (50 per push, as @forge/events sends them), with the backlog growing to `rows` */
  queuePushUs: number;
  /** µs per dispatch (one event delivered and the next one started) with about `rows` events waiting */
  queueDispatchUs: number;
  /** dispatches measured */
  dispatches: number;
  /** µs per `query beginsWith(prefix)` (10 matches each) over `rows` keys */
  kvsPrefixQueryUs: number;
  queries: number;
}

/**
 * The queue as the platform runs it (AsyncQueue over an installation's SQLite database, platform
 * clock frozen, consumers that answer at once), and KVS prefix queries on KvsStore, the layer the
 * `/api/v1/query` endpoint serves from. Half of the events carry a concurrency key (one per
 * "issue", limit 1, 10 events per key), as the app pushes them.
 */
async function scaleAt(rows: number, dispatches: number, queries: number): Promise<ScaleFigures> {
  const db = new Database(':memory:');
  const scheduler = new Scheduler(() => 0);
  let delivered = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: () => void = () => undefined;
  const queue = new AsyncQueue({
    db, scheduler, backoffScale: 1,
    hasConsumer: () => true,
    deliver: async () => {
      await Promise.resolve();
      delivered += 1;
      if (delivered >= target) reached();
    },
    writeDeadLetter: () => undefined,
    changed: () => undefined,
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += 50) {
    const payload = Array.from({ length: Math.min(50, rows - i) }, (_, j) => {
      const n = i + j;
      return n % 2 === 0 ? { body: { n } } : { body: { n }, concurrency: { key: `issue-${Math.floor(n / 20)}`, limit: 1 } };
    });
    const outcome = queue.push({ queueName: 'bench-queue', jobId: `job-${i}`, payload });
    if (outcome.status !== 201) throw new Error(`push refused: ${JSON.stringify(outcome)}`);
  }
  const queuePushUs = ((performance.now() - t0) * 1000) / rows;
  const started = delivered;
  const t1 = performance.now();
  await new Promise<void>((resolve) => {
    target = started + dispatches;
    reached = resolve;
    if (delivered >= target) resolve();
  });
  const queueDispatchUs = ((performance.now() - t1) * 1000) / dispatches;
  queue.close();

  const store = new KvsStore(db, () => 0);
  const groupOf = (i: number): number => Math.floor(i / 10);
  for (let i = 0; i < rows; i++) store.set('', `link:c${groupOf(i) % 7}:g${groupOf(i)}:${i}`, { i, twin: `CLOUD-${i}` });
  const groups = Math.ceil(rows / 10);
  const t2 = performance.now();
  for (let q = 0; q < queries; q++) {
    const g = (q * 7919) % groups;
    const found = store.query('', `link:c${g % 7}:g${g}:`, undefined, 100).items.length;
    if (found !== 10) throw new Error(`prefix query ${g} found ${found} keys, not 10`);
  }
  const kvsPrefixQueryUs = ((performance.now() - t2) * 1000) / queries;
  db.close();
  return { rows, queuePushUs, queueDispatchUs, dispatches, kvsPrefixQueryUs, queries };
}

/** queue dispatch and KVS prefix query cost at 1,000 and at 10,000 rows */
export async function runScaleBench(opts: { sizes?: number[]; dispatches?: number; queries?: number } = {}): Promise<ScaleFigures[]> {
  const out: ScaleFigures[] = [];
  for (const rows of opts.sizes ?? [1_000, 10_000]) out.push(await scaleAt(rows, opts.dispatches ?? 500, opts.queries ?? 10_000));
  return out;
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
    return runScaleBench().then((scale) => {
      for (const s of scale) {
        rows.push([`queue push, backlog growing to ${s.rows} events (per event)`, `${s.queuePushUs.toFixed(1)} µs`]);
        rows.push([`queue dispatch with ~${s.rows} events waiting (per dispatch, ${s.dispatches})`, `${s.queueDispatchUs.toFixed(1)} µs`]);
        rows.push([`KVS prefix query over ${s.rows} keys (per query, ${s.queries})`, `${s.kvsPrefixQueryUs.toFixed(1)} µs`]);
      }
      const w = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
    });
  }).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
