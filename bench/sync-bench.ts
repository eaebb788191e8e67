import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../sandbox/start';
import { costReport, type CostReport, type PerSync } from './cost-report';

/**
 * Benchmark of the sync engine on the sandbox (everything counted by the sandbox itself:
 * `site.stats()` for Jira REST calls, `installation.stats()` for KVS operations and invocations):
 * - Jira REST calls per create-with-sync-back, per field update, per no-op event (the user's own
 *   request excluded), with the metadata cache warm;
 * - KVS operations and Forge invocations per create-with-sync-back;
 * - median and p95 time from creating an INT issue to its twin's key written back.
 * Run with `npx tsx bench/sync-bench.ts`, or call `runSyncBench()`.
 */

export interface SyncBenchOptions {
  /** creates timed for the latency figures (default 30) */
  creates?: number;
}

export interface SyncBenchFigures {
  restPerCreateWithSyncBack: number;
  restPerFieldUpdate: number;
  restPerNoOpEvent: number;
  /** REST calls per route for one create-with-sync-back */
  createRoutes: Record<string, number>;
  updateRoutes: Record<string, number>;
  kvsOpsPerCreateWithSyncBack: number;
  invocationsPerCreateWithSyncBack: Record<string, number>;
  kvsOpsPerFieldUpdate: number;
  invocationsPerFieldUpdate: Record<string, number>;
  /** per field update, both sites: what costs money */
  perFieldUpdate: PerSync;
  perCreateWithSyncBack: PerSync;
  /** REST calls of the first sweeper runs after the update (both sites) */
  sweepRecheckRoutes: Record<string, number>;
  /** what the sweeper's re-read of an issue applied from a snapshot adds to an update (at most once a run) */
  recheckPerUpdate: PerSync;
  /** one sweeper run on both sites with nothing to do */
  quietSweep: PerSync;
  /** a customer with 10,000 synced issues and 5 edits per issue per day: each update with its re-read, and the sweeper */
  cost: CostReport;
  createToKeyMedianMs: number;
  createToKeyP95Ms: number;
  samples: number;
}

const ADMIN = 'twin-sync-admin';

function client(sandbox: Sandbox, site: 'internal' | 'external') {
  const c = sandbox.credentials[site];
  const auth = `Basic ${Buffer.from(`${c.email}:${c.apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${c.url}${path}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json', Accept: 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text === '' ? null : (JSON.parse(text) as unknown);
  };
}

export function reset(sandbox: Sandbox, clock: { reset(): void }): void {
  for (const s of ['internal', 'external'] as const) {
    sandbox.sites[s].resetStats();
    sandbox.installations[s].resetStats();
  }
  clock.reset();
}

/** wall time of invocations since the last reset, from the platform's start/end reports */
export function invocationClock(sandbox: Sandbox) {
  const started = new Map<string, number>();
  let total = 0;
  sandbox.platform.onInvocation((e) => {
    const id = `${e.siteName} ${e.moduleKey} ${e.functionKey} ${e.chain}`;
    if (e.phase === 'start') started.set(id, performance.now());
    else {
      total += performance.now() - (started.get(id) ?? performance.now());
      started.delete(id);
    }
  });
  return { seconds: () => total / 1000, reset: () => { total = 0; } };
}

export function measure(sandbox: Sandbox, seconds: number, appName: string) {
  const routes: Record<string, number> = {};
  let rest = 0;
  let kvs = 0;
  let kvsBytesRead = 0;
  let kvsBytesWritten = 0;
  let points = 0;
  const invocations: Record<string, number> = {};
  for (const s of ['internal', 'external'] as const) {
    const stats = sandbox.sites[s].stats();
    rest += stats.requests;
    for (const [route, n] of Object.entries(stats.byRoute)) routes[`${s} ${route}`] = (routes[`${s} ${route}`] ?? 0) + n;
    const inst = sandbox.installations[s].stats();
    kvs += inst.kvsOps;
    kvsBytesRead += inst.kvsBytesRead;
    kvsBytesWritten += inst.kvsBytesWritten;
    for (const [fn, n] of Object.entries(inst.invocations)) invocations[`${s} ${fn}`] = (invocations[`${s} ${fn}`] ?? 0) + n;
  }
  // the quota pool is shared by both sites: read it once
  points = sandbox.sites.internal.pointsUsed(appName) ?? 0;
  const perSync: PerSync = { restPoints: points, kvsOps: kvs, kvsBytesRead, kvsBytesWritten, invocations: Object.values(invocations).reduce((a, b) => a + b, 0), invocationSeconds: Math.round(seconds * 1000) / 1000 };
  return { rest, routes, kvs, invocations, perSync };
}

const NOTHING: PerSync = { restPoints: 0, kvsOps: 0, kvsBytesRead: 0, kvsBytesWritten: 0, invocations: 0, invocationSeconds: 0 };

const Created = z.looseObject({ id: z.string(), key: z.string() });
const Fields = z.array(z.looseObject({ id: z.string(), name: z.string() }));
const IssueFields = z.looseObject({ fields: z.record(z.string(), z.unknown()) });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function runSyncBench(opts: SyncBenchOptions = {}): Promise<SyncBenchFigures> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true });
  try {
    const connections = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}));
    const connection = connections[0];
    if (!connection) throw new Error('sandbox not connected');
    await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: 'project = "INT"' });
    const int = client(sandbox, 'internal');
    const keyField = Fields.parse(await int('GET', '/rest/api/3/field')).find((f) => f.name === 'Remote issue key')?.id;
    if (!keyField) throw new Error('no Remote issue key field');
    const create = async (summary: string) => Created.parse(await int('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary } }));

    // warm the metadata caches and the workflow graph on both sides
    const warm = await create('warm-up');
    await sandbox.waitForIdle();
    await int('PUT', `/rest/api/3/issue/${warm.key}`, { fields: { summary: 'warm-up 2' } });
    await sandbox.waitForIdle();

    const appName = 'Twin Sync';
    const clock = invocationClock(sandbox);
    let pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
    reset(sandbox, clock);
    const one = await create('counted create');
    await sandbox.waitForIdle();
    const created = measure(sandbox, clock.seconds(), appName);
    created.perSync.restPoints -= pointsBefore;
    pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
    const written = IssueFields.parse(await int('GET', `/rest/api/3/issue/${one.key}?fields=${keyField}`)).fields[keyField];
    if (typeof written !== 'string') throw new Error('the key was not written back');

    reset(sandbox, clock);
    await int('PUT', `/rest/api/3/issue/${one.key}`, { fields: { summary: 'counted update' } });
    await sandbox.waitForIdle();
    const updated = measure(sandbox, clock.seconds(), appName);
    updated.perSync.restPoints -= pointsBefore;

    // a no-op event: an update that changes only the field the rules never send
    reset(sandbox, clock);
    await int('PUT', `/rest/api/3/issue/${one.key}`, { fields: { [keyField]: written } });
    await int('PUT', `/rest/api/3/issue/${one.key}`, { fields: { [keyField]: written } });
    await sandbox.waitForIdle();
    const noop = measure(sandbox, clock.seconds(), appName);

    // The sweeper after these syncs (measured last, so nothing above can meet a sweeper run): its
    // searches, and the re-read of the issues updates were applied to from the link's snapshot (a
    // person's change there with its event lost could hide behind the app's write): the warm-up
    // issue and the counted one, two re-reads. Then a quiet run: the fixed cost every five minutes.
    const sweepBoth = async () => {
      await sandbox.installations.internal.runScheduled('sweeper');
      await sandbox.installations.external.runScheduled('sweeper');
      await sandbox.waitForIdle();
    };
    // (the search index shows the update after its lag: the platform clock is moved past it)
    await sandbox.platform.advance(61_000);
    pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
    reset(sandbox, clock);
    await sweepBoth();
    const recheck = measure(sandbox, clock.seconds(), appName);
    recheck.perSync.restPoints -= pointsBefore;
    pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
    // ten minutes on, nothing changed within the sweeper's look-back window
    await sandbox.platform.advance(10 * 60_000);
    await sandbox.waitForIdle();
    pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
    reset(sandbox, clock);
    await sweepBoth();
    const quiet = measure(sandbox, clock.seconds(), appName);
    quiet.perSync.restPoints -= pointsBefore;
    const minus = (a: PerSync, b: PerSync): PerSync => ({
      restPoints: a.restPoints - b.restPoints, kvsOps: a.kvsOps - b.kvsOps, kvsBytesRead: a.kvsBytesRead - b.kvsBytesRead, kvsBytesWritten: a.kvsBytesWritten - b.kvsBytesWritten,
      invocations: a.invocations - b.invocations, invocationSeconds: Math.round((a.invocationSeconds - b.invocationSeconds) * 1000) / 1000,
    });
    const plus = (a: PerSync, b: PerSync): PerSync => minus(a, minus(NOTHING, b));
    // at most one re-read per issue and sweeper run: the worst case, every edit more than five minutes apart
    const twoRechecks = minus(recheck.perSync, quiet.perSync);
    const recheckPerUpdate: PerSync = {
      restPoints: twoRechecks.restPoints / 2, kvsOps: twoRechecks.kvsOps / 2, kvsBytesRead: Math.round(twoRechecks.kvsBytesRead / 2), kvsBytesWritten: Math.round(twoRechecks.kvsBytesWritten / 2),
      invocations: twoRechecks.invocations / 2, invocationSeconds: Math.round((twoRechecks.invocationSeconds / 2) * 1000) / 1000,
    };
    const updateWithRecheck = plus(updated.perSync, recheckPerUpdate);

    const latencies: number[] = [];
    const n = opts.creates ?? 30;
    for (let i = 0; i < n; i += 1) {
      const started = performance.now();
      const issue = await create(`latency ${i}`);
      await sandbox.waitForIdle();
      latencies.push(performance.now() - started);
      const key = IssueFields.parse(await int('GET', `/rest/api/3/issue/${issue.key}?fields=${keyField}`)).fields[keyField];
      if (typeof key !== 'string') throw new Error(`${issue.key}: key not written back`);
    }
    latencies.sort((a, b) => a - b);
    return {
      restPerCreateWithSyncBack: created.rest - 1,
      restPerFieldUpdate: updated.rest - 1,
      restPerNoOpEvent: (noop.rest - 2) / 2,
      createRoutes: created.routes,
      updateRoutes: updated.routes,
      kvsOpsPerCreateWithSyncBack: created.kvs,
      invocationsPerCreateWithSyncBack: created.invocations,
      kvsOpsPerFieldUpdate: updated.kvs,
      invocationsPerFieldUpdate: updated.invocations,
      perFieldUpdate: updated.perSync,
      perCreateWithSyncBack: created.perSync,
      sweepRecheckRoutes: recheck.routes,
      recheckPerUpdate,
      quietSweep: quiet.perSync,
      cost: costReport(updateWithRecheck, 10_000, 5, quiet.perSync),
      createToKeyMedianMs: Math.round(percentile(latencies, 50) * 10) / 10,
      createToKeyP95Ms: Math.round(percentile(latencies, 95) * 10) / 10,
      samples: latencies.length,
    };
  } finally {
    await sandbox.close();
  }
}

if (require.main === module) {
  runSyncBench().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
