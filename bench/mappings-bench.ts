import { z } from 'zod';
import { startSandbox } from '../sandbox/start';
import { invocationClock, measure, reset } from './sync-bench';

/**
 * What issue 15's admin functions cost, counted by the sandbox (Jira REST calls per route, KVS
 * operations, both sites), on the receiving site ("external") of `count` synced issues:
 * - previewRulesChange of a drafted priority row over every synced issue, page by page;
 * - saveMappings of a priority and a status row (the values checked against the site);
 * - listUnmappedValues (gathered over the links);
 * - one sync of a new issue with the tables saved, against the same sync before them.
 * Run with `npx tsx bench/mappings-bench.ts [count]`, or `npm run bench -- mappings`.
 */
export interface CallCost {
  rest: number;
  routes: Record<string, number>;
  kvsOps: number;
  wallMs: number;
}

export interface MappingsBenchFigures {
  issues: number;
  preview: CallCost & { pages: number; perIssueRest: number };
  save: CallCost;
  unmapped: CallCost;
  syncWithoutTables: CallCost;
  syncWithTables: CallCost;
}

const ADMIN = 'twin-sync-admin';
const Created = z.looseObject({ id: z.string(), key: z.string() });
const Preview = z.looseObject({ issues: z.array(z.unknown()), checked: z.number(), cursor: z.string().nullable() });

export async function runMappingsBench(count = 40): Promise<MappingsBenchFigures> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true });
  try {
    const listed = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}));
    const connection = listed[0];
    if (!connection) throw new Error('sandbox not connected');
    await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: 'project = "INT"' });
    const c = sandbox.credentials.internal;
    const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${c.url}${path}`, {
        method,
        headers: { Authorization: `Basic ${Buffer.from(`${c.email}:${c.apiToken}`).toString('base64')}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
      return text === '' ? null : JSON.parse(text);
    };
    const create = async (summary: string) => Created.parse(await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary, priority: { name: 'Highest' } } }));
    for (let i = 0; i < count; i++) await create(`Issue ${i}`);
    await sandbox.waitForIdle();

    const clock = invocationClock(sandbox);
    const external = sandbox.installations.external;
    const remote = z.array(z.looseObject({ id: z.string() })).parse(await external.invoke(ADMIN, 'listConnections', {}))[0];
    if (!remote) throw new Error('no connection on external');
    const cost = async (act: () => Promise<unknown>, own?: string): Promise<CallCost> => {
      reset(sandbox, clock);
      const start = performance.now();
      await act();
      await sandbox.waitForIdle();
      const wallMs = Math.round(performance.now() - start);
      const m = measure(sandbox, clock.seconds(), 'Twin Sync');
      const routes = { ...m.routes };
      let rest = m.rest;
      if (own !== undefined) {
        routes[own] = (routes[own] ?? 1) - 1;
        if (routes[own] === 0) delete routes[own];
        rest -= 1;
      }
      return { rest, routes, kvsOps: m.kvs, wallMs };
    };

    const draft = { priority: [{ local: 'Low', remote: 'Highest' }], status: [{ local: 'Done', remote: 'In Progress' }] };
    let pages = 0;
    const preview = await cost(async () => {
      let cursor: string | null = null;
      do {
        const page = Preview.parse(await external.invoke(ADMIN, 'previewRulesChange', { connectionId: remote.id, mappings: draft, limit: 20, ...(cursor ? { cursor } : {}) }));
        pages += 1;
        cursor = page.cursor;
      } while (cursor !== null);
    });
    const save = await cost(() => external.invoke(ADMIN, 'saveMappings', { connectionId: remote.id, mappings: draft }));
    const unmapped = await cost(() => external.invoke(ADMIN, 'listUnmappedValues', { connectionId: remote.id }));
    const syncWithTables = await cost(() => create('After the tables'), 'internal POST /rest/api/3/issue');
    // the same sync without tables: the defaults restored
    await external.invoke(ADMIN, 'restoreRules', { connectionId: remote.id, version: 0 });
    await sandbox.waitForIdle();
    const syncWithoutTables = await cost(() => create('Without tables'), 'internal POST /rest/api/3/issue');
    return { issues: count, preview: { ...preview, pages, perIssueRest: Math.round((preview.rest / count) * 100) / 100 }, save, unmapped, syncWithoutTables, syncWithTables };
  } finally {
    await sandbox.close();
  }
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? '40');
  runMappingsBench(Number.isInteger(count) && count > 0 ? count : 40).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
