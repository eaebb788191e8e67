import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../sandbox/start';

/**
 * Bulk sync of N existing issues (default 12,000) on the sandbox under the platform's default
 * limits, on the platform clock (advanced whenever nothing is due, so the paced job and every
 * quota window run at the speed of the machine, not of the wall clock):
 * every twin created and every key written, the progress never done before it is, a second press
 * resumes the job, and the cost per issue. `npx tsx bench/bulk-bench.ts 1000`.
 */

const ADMIN = 'twin-sync-admin';
const Progress = z.looseObject({ total: z.number(), queued: z.number(), done: z.number(), failed: z.number(), created: z.number(), running: z.boolean(), state: z.string() });

function client(sandbox: Sandbox, site: 'internal' | 'external') {
  const c = sandbox.credentials[site];
  const auth = `Basic ${Buffer.from(`${c.email}:${c.apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${c.url}${path}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json', Accept: 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  };
}

/** the counts of `now` beyond those of `before` */
function since(before: Record<string, number>, now: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}

export async function runBulkBench(n: number): Promise<Record<string, unknown>> {
  // the platform clock is the wall clock plus whatever `advance` adds: work takes real time (the
  // per-second quotas see it), waits are skipped
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true });
  const clockStart = sandbox.platform.scheduler.now();
  const started = performance.now();
  let peakRss = process.memoryUsage().rss;
  try {
    const int = client(sandbox, 'internal');
    const [connection] = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}));
    if (!connection) throw new Error('not connected');
    // the issues exist before the scope does: only the bulk sync sends them
    await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: '' });
    for (let i = 0; i < n; i += 50) {
      const issueUpdates = Array.from({ length: Math.min(50, n - i) }, (_, j) => ({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: `bulk ${i + j}` } }));
      await int('POST', '/rest/api/3/issue/bulk', { issueUpdates });
      // the site's own burst limit applies to this client too: keep under 100 requests a second
      await sandbox.platform.advance(1000);
    }
    await sandbox.waitForIdle();
    await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: 'project = "INT"' });
    // the index catches up with the new issues
    await sandbox.platform.advance(120_000);
    for (const s of ['internal', 'external'] as const) { sandbox.sites[s].resetStats(); sandbox.installations[s].resetStats(); }
    // what the platform refused while the test created the issues (50 a second: the trigger reads
    // two records per new issue) is not the bulk sync's: reported apart
    const setupRefusals = sandbox.platform.limitRefusals();
    const createdAt = performance.now();

    const start = await sandbox.installations.internal.invoke(ADMIN, 'startBulkSync', { connectionId: connection.id });
    let pressedAgain: unknown = null;
    let sawDoneEarly = false;
    let steps = 0;
    for (;;) {
      await sandbox.platform.waitForSettled();
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const p = Progress.parse(await sandbox.installations.internal.invoke(ADMIN, 'getBulkSyncProgress', { connectionId: connection.id }));
      if (steps === 20) pressedAgain = await sandbox.installations.internal.invoke(ADMIN, 'startBulkSync', { connectionId: connection.id });
      if (!p.running) {
        if (p.done + p.failed < n) sawDoneEarly = true;
        break;
      }
      steps += 1;
      await sandbox.platform.advance(5_000);
    }
    await sandbox.waitForIdle();
    const progress = Progress.parse(await sandbox.installations.internal.invoke(ADMIN, 'getBulkSyncProgress', { connectionId: connection.id }));
    const stats = (['internal', 'external'] as const).map((s) => ({ site: sandbox.sites[s].stats(), inst: sandbox.installations[s].stats() }));
    const rest = stats.reduce((a, s) => a + s.site.requests, 0);
    const kvs = stats.reduce((a, s) => a + s.inst.kvsOps, 0);
    const invocations = stats.reduce((a, s) => a + Object.values(s.inst.invocations).reduce((x, y) => x + y, 0), 0);
    const rateLimited = stats.map((s) => s.site.rateLimited);
    return {
      issues: n, start, pressedAgain, progress, sawDoneEarly,
      platformMinutes: Math.round((sandbox.platform.scheduler.now() - clockStart) / 60_000),
      wallSeconds: Math.round((performance.now() - createdAt) / 1000), setupSeconds: Math.round((createdAt - started) / 1000),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      perIssue: { rest: Math.round((rest / n) * 100) / 100, kvsOps: Math.round((kvs / n) * 100) / 100, invocations: Math.round((invocations / n) * 100) / 100 },
      rateLimited, limitRefusals: since(setupRefusals, sandbox.platform.limitRefusals()), setupLimitRefusals: setupRefusals,
    };
  } finally {
    await sandbox.close();
  }
}

if (require.main === module) {
  runBulkBench(Number(process.argv[2] ?? 12_000)).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
