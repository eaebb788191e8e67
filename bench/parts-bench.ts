import { z } from 'zod';
import { startSandbox, type Sandbox } from '../sandbox/start';
import { invocationClock, measure, reset } from './sync-bench';

/**
 * What issue 14's parts cost, counted by the sandbox (Jira REST calls per route, KVS operations,
 * Forge invocations, both sites), each on issues already synced, the person's own call not counted:
 * - a "Blocks" link made between two synced issues (it reaches the other site as one link);
 * - a story moved under another epic (the parent field);
 * - a child created under a synced parent (the create with its parent).
 * Run with `npx tsx bench/parts-bench.ts`, or `npm run bench -- parts`, or call it.
 */
export interface PartCost {
  rest: number;
  routes: Record<string, number>;
  kvsOps: number;
  invocations: Record<string, number>;
}

export interface PartsBenchFigures {
  link: PartCost;
  parentMove: PartCost;
  childCreate: PartCost;
}

const ADMIN = 'twin-sync-admin';
const Created = z.looseObject({ id: z.string(), key: z.string() });

export async function runPartsBench(): Promise<PartsBenchFigures> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true });
  try {
    const connection = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}))[0];
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
    const create = async (summary: string, type: string, parent?: string) =>
      Created.parse(await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: type }, summary, ...(parent ? { parent: { key: parent } } : {}) } }));
    const epic = await create('Epic one', 'Epic');
    const other = await create('Epic two', 'Epic');
    const a = await create('Story A', 'Story', epic.key);
    const b = await create('Story B', 'Story', epic.key);
    await settle(sandbox);
    // warm: a first link (metadata of both sites loaded)
    await call('POST', '/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } });
    await settle(sandbox);

    const appName = 'Twin Sync';
    const clock = invocationClock(sandbox);
    const one = async (act: () => Promise<unknown>, own: string): Promise<PartCost> => {
      reset(sandbox, clock);
      await act();
      await settle(sandbox);
      const m = measure(sandbox, clock.seconds(), appName);
      const routes = { ...m.routes };
      routes[own] = (routes[own] ?? 1) - 1;
      if (routes[own] === 0) delete routes[own];
      return { rest: m.rest - 1, routes, kvsOps: m.kvs, invocations: m.invocations };
    };
    const link = await one(() => call('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } }), 'internal POST /rest/api/3/issueLink');
    const parentMove = await one(() => call('PUT', `/rest/api/3/issue/${a.key}`, { fields: { parent: { key: other.key } } }), 'internal PUT /rest/api/3/issue/{issueIdOrKey}');
    const childCreate = await one(() => create('Sub-task of B', 'Sub-task', b.key), 'internal POST /rest/api/3/issue');
    return { link, parentMove, childCreate };
  } finally {
    await sandbox.close();
  }
}

/** quiet, with what waits for the clock (a child waiting for its parent's twin) given its time */
async function settle(sandbox: Sandbox): Promise<void> {
  for (let round = 0; round < 30 && sandbox.platform.pending() > 0; round++) {
    await sandbox.platform.waitForSettled();
    if (sandbox.platform.pending() === 0) break;
    await sandbox.platform.advance(15_000);
  }
  await sandbox.waitForIdle();
}

if (require.main === module) {
  runPartsBench().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
