import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../sandbox/start';
import { invocationClock, measure, reset } from './sync-bench';

/**
 * What attachments cost, counted by the sandbox (Jira REST calls per route, KVS operations, Forge
 * invocations, both sites), for one file added to an issue that is already synced:
 * - a 10-byte text file (one part);
 * - a 3 MB binary (two parts of 2 MiB), with the wall time from the upload's answer to the sandbox
 *   being idle (the twin has the file and the source knows the copy).
 * The user's own upload is not counted. Run with `npx tsx bench/attachment-bench.ts`, or call it.
 */
export interface AttachmentCost {
  rest: number;
  routes: Record<string, number>;
  kvsOps: number;
  invocations: Record<string, number>;
  invocationSeconds: number;
  /** from the upload's answer to quiet, sandbox wall clock */
  syncMs: number;
}

export interface AttachmentBenchFigures {
  small: AttachmentCost;
  threeMb: AttachmentCost;
}

const ADMIN = 'twin-sync-admin';
const Created = z.looseObject({ id: z.string(), key: z.string() });

async function upload(sandbox: Sandbox, key: string, filename: string, bytes: Uint8Array, type: string): Promise<void> {
  const c = sandbox.credentials.internal;
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const response = await fetch(`${c.url}/rest/api/3/issue/${key}/attachments`, {
    method: 'POST', body: form,
    headers: { Authorization: `Basic ${Buffer.from(`${c.email}:${c.apiToken}`).toString('base64')}`, 'X-Atlassian-Token': 'no-check', Accept: 'application/json' },
  });
  if (response.status !== 200) throw new Error(`upload ${filename} → ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

export async function runAttachmentBench(): Promise<AttachmentBenchFigures> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true });
  try {
    const connection = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}))[0];
    if (!connection) throw new Error('sandbox not connected');
    await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: 'project = "INT"' });
    const c = sandbox.credentials.internal;
    const created = await fetch(`${c.url}/rest/api/3/issue`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${c.email}:${c.apiToken}`).toString('base64')}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'files' } }),
    });
    const issue = Created.parse(await created.json());
    await sandbox.waitForIdle();
    // warm: the site settings and media caches, a first file
    await upload(sandbox, issue.key, 'warm.txt', new TextEncoder().encode('warm'), 'text/plain');
    await sandbox.waitForIdle();

    const appName = 'Twin Sync';
    const clock = invocationClock(sandbox);
    const one = async (filename: string, bytes: Uint8Array, type: string): Promise<AttachmentCost> => {
      const pointsBefore = sandbox.sites.internal.pointsUsed(appName) ?? 0;
      reset(sandbox, clock);
      await upload(sandbox, issue.key, filename, bytes, type);
      const started = performance.now();
      await sandbox.waitForIdle();
      const syncMs = Math.round(performance.now() - started);
      const m = measure(sandbox, clock.seconds(), appName);
      m.perSync.restPoints -= pointsBefore;
      // the user's own upload is not the app's
      const routes = { ...m.routes };
      const own = 'internal POST /rest/api/3/issue/{issueIdOrKey}/attachments';
      routes[own] = (routes[own] ?? 1) - 1;
      if (routes[own] === 0) delete routes[own];
      return { rest: m.rest - 1, routes, kvsOps: m.kvs, invocations: m.invocations, invocationSeconds: m.perSync.invocationSeconds, syncMs };
    };
    const small = await one('ten.txt', new TextEncoder().encode('0123456789'), 'text/plain');
    const threeMb = await one('three-mb.bin', new Uint8Array(randomBytes(3 * 1024 * 1024)), 'application/octet-stream');
    return { small, threeMb };
  } finally {
    await sandbox.close();
  }
}

if (require.main === module) {
  runAttachmentBench().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
