/**
 * Handlers of the platform's fixture app. They use the real, unmodified @forge packages; the
 * platform tests drive them through resolvers, the queue, web triggers and product events.
 */
import api, { fetch, getAppContext, route, webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode, Queue, type AsyncEvent } from '@forge/events';
import { Filter, FilterConditions, kvs, WhereConditions, type ForgeKvsAPIError } from '@forge/kvs';
import Resolver from '@forge/resolver';
import { z } from 'zod';

const queue = new Queue({ key: 'fixture-queue' });

/** a failure, as the tests want to see it: class name, message and (for KVS) the error code */
function describe(e: unknown): { error: { name: string; message: string; code?: string } } {
  if (e instanceof Error) {
    const code = (e as Partial<ForgeKvsAPIError>).code;
    return { error: { name: e.constructor.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { error: { name: 'unknown', message: String(e) } };
}

async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: T | null } | ReturnType<typeof describe>> {
  try {
    const ok = await fn();
    return { ok: ok === undefined ? null : ok };
  } catch (e) {
    return describe(e);
  }
}

const KeyPayload = z.object({ key: z.string() });
const SetPayload = z.object({ key: z.string(), value: z.unknown(), ttlSeconds: z.number().optional(), failIfExists: z.boolean().optional() });
const QueryPayload = z.object({ prefix: z.string(), limit: z.number().optional(), cursor: z.string().optional() });
const EntityCheck = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()), expectVersion: z.number() });
const PushPayload = z.object({ events: z.array(z.object({ body: z.record(z.string(), z.unknown()), delayInSeconds: z.number().optional(), concurrency: z.object({ key: z.string(), limit: z.number() }).optional() })) });

/** in-process probe of how many consumer invocations overlap, per probe group */
const running = new Map<string, number>();
const maxRunning = new Map<string, number>();

const resolver = new Resolver();
resolver.define('kvs-get', async ({ payload }) => attempt(() => kvs.get(KeyPayload.parse(payload).key)));
resolver.define('kvs-set', async ({ payload }) => {
  const p = SetPayload.parse(payload);
  return attempt(() => kvs.set(p.key, p.value, {
    ...(p.ttlSeconds !== undefined ? { ttl: { value: p.ttlSeconds, unit: 'SECONDS' as const } } : {}),
    ...(p.failIfExists ? { keyPolicy: 'FAIL_IF_EXISTS' as const } : { keyPolicy: 'OVERRIDE' as const }),
  }));
});
resolver.define('kvs-delete', async ({ payload }) => attempt(() => kvs.delete(KeyPayload.parse(payload).key)));
resolver.define('kvs-query', async ({ payload }) => {
  const p = QueryPayload.parse(payload);
  return attempt(async () => {
    let q = kvs.query().where('key', WhereConditions.beginsWith(p.prefix)).limit(p.limit ?? 10);
    if (p.cursor) q = q.cursor(p.cursor);
    const page = await q.getMany();
    return { keys: page.results.map((r) => r.key), nextCursor: page.nextCursor ?? null };
  });
});
resolver.define('kvs-batch', async () => attempt(async () => {
  const set = await kvs.batchSet([{ key: 'batch:a', value: 1 }, { key: 'batch:b', value: 2 }, { key: 'bad key!', value: 3 }]);
  const got = await kvs.batchGet([{ key: 'batch:a' }, { key: 'batch:b' }, { key: 'batch:none' }]);
  const deleted = await kvs.batchDelete([{ key: 'batch:a' }]);
  return {
    setOk: set.successfulKeys.map((k) => k.key), setFailed: set.failedKeys.map((k) => `${k.key}:${k.error.code}`),
    got: got.successfulKeys.map((k) => [k.key, k.value]), gotFailed: got.failedKeys.map((k) => k.key),
    deleted: deleted.successfulKeys.map((k) => k.key), after: await kvs.get('batch:a') ?? null,
  };
}));
resolver.define('secret-set', async ({ payload }) => { const p = SetPayload.parse(payload); return attempt(() => kvs.setSecret(p.key, p.value)); });
resolver.define('secret-get', async ({ payload }) => attempt(() => kvs.getSecret(KeyPayload.parse(payload).key)));
/** optimistic write of an entity value: succeeds only while the stored version equals expectVersion */
resolver.define('entity-cas', async ({ payload }) => {
  const p = EntityCheck.parse(payload);
  return attempt(() => kvs.transact()
    .set(p.key, p.value, {
      entityName: 'doc',
      conditions: p.expectVersion === 0
        ? new Filter<Record<string, unknown>>().and('version', FilterConditions.notExists())
        : new Filter<Record<string, unknown>>().and('version', FilterConditions.equalTo(p.expectVersion)),
    })
    .set(`${p.key}:audit`, { version: p.value['version'] })
    .execute());
});
resolver.define('entity-get', async ({ payload }) => attempt(() => kvs.entity('doc').get(KeyPayload.parse(payload).key)));
resolver.define('transact-many', async () => attempt(() => {
  let t = kvs.transact();
  for (let i = 0; i < 26; i++) t = t.set(`many:${i}`, i);
  return t.execute();
}));
resolver.define('push', async ({ payload }) => attempt(async () => {
  const events = PushPayload.parse(payload).events.map((e) => ({
    body: e.body,
    ...(e.delayInSeconds !== undefined ? { delayInSeconds: e.delayInSeconds } : {}),
    ...(e.concurrency ? { concurrency: e.concurrency } : {}),
  }));
  return (await queue.push(events)).jobId;
}));
resolver.define('push-raw', async ({ payload }) => attempt(async () => {
  const p = z.object({ count: z.number(), bytesEach: z.number() }).parse(payload);
  const events = Array.from({ length: p.count }, (_, i) => ({ body: { i, pad: 'x'.repeat(p.bytesEach) } }));
  return (await queue.push(events)).jobId;
}));
resolver.define('job', async ({ payload }) => attempt(async () => {
  const p = z.object({ jobId: z.string(), cancel: z.boolean().optional() }).parse(payload);
  if (p.cancel) await queue.cancel(p.jobId);
  return queue.getStats(p.jobId);
}));
resolver.define('webtrigger-url', async () => attempt(() => webTrigger.getUrl('fixture-hook')));
resolver.define('egress', async ({ payload }) => attempt(async () => {
  const res = await fetch(z.object({ url: z.string() }).parse(payload).url, { method: 'POST', body: 'ping', headers: { 'content-type': 'text/plain' } });
  return { status: res.status, body: await res.text() };
}));
resolver.define('jira-myself', async () => attempt(async () => {
  const res = await api.asApp().requestJira(route`/rest/api/3/myself`);
  return { status: res.status, body: z.object({ accountId: z.string() }).loose().parse(await res.json()) };
}));
resolver.define('jira-myself-as-user', async ({ context }) => attempt(async () => {
  const res = await api.asUser().requestJira(route`/rest/api/3/myself`);
  return { status: res.status, body: z.object({ accountId: z.string() }).loose().parse(await res.json()), accountId: z.string().parse(context['accountId']) };
}));
resolver.define('jira-admin-check', async () => attempt(async () => {
  const res = await api.asUser().requestJira(route`/rest/api/3/mypermissions?permissions=${'ADMINISTER'}`);
  const body = z.object({ permissions: z.object({ ADMINISTER: z.object({ havePermission: z.boolean() }) }) }).parse(await res.json());
  return { status: res.status, admin: body.permissions.ADMINISTER.havePermission };
}));
resolver.define('jira-create', async ({ payload, context }) => attempt(async () => {
  const p = z.object({ as: z.enum(['app', 'user']), project: z.string(), summary: z.string() }).parse(payload);
  const requester = p.as === 'app' ? api.asApp() : api.asUser();
  const res = await requester.requestJira(route`/rest/api/3/issue`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fields: { project: { key: p.project }, issuetype: { name: 'Task' }, summary: p.summary } }),
  });
  return { status: res.status, body: await res.json() as unknown, accountId: z.string().parse(context['accountId']) };
}));
resolver.define('context', async ({ context }) => {
  const app = getAppContext();
  return { context, installationId: app.installationAri.installationId, moduleKey: app.moduleKey, remainingMs: app.invocationRemainingTimeInMillis() };
});
resolver.define('probe', async ({ payload }) => ({ max: maxRunning.get(z.object({ group: z.string() }).parse(payload).group) ?? 0 }));
resolver.define('fail', async () => { throw new Error('resolver exploded'); });
resolver.define('noop', () => ({}));
/** benchmark: n sets then n gets of distinct keys, timed inside the invocation */
resolver.define('kvs-bench', async ({ payload }) => {
  const { n } = z.object({ n: z.number().int().positive() }).parse(payload);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await kvs.set(`bench:${i}`, { i, text: 'value' });
  const t1 = performance.now();
  for (let i = 0; i < n; i++) await kvs.get(`bench:${i}`);
  const t2 = performance.now();
  return { setMs: t1 - t0, getMs: t2 - t1 };
});

export const resolverHandler = resolver.getDefinitions();
export { resolverHandler as resolver };

/** product events: record what arrived */
export async function onEvent(event: { eventType: string; issue: { key: string; fields: Record<string, unknown> }; selfGenerated: boolean; context: { cloudId: string; moduleKey: string } }): Promise<void> {
  if (event.issue.fields['summary'] === 'hang') await new Promise(() => undefined);
  await kvs.set(`event:${event.issue.key}:${event.eventType}`, { selfGenerated: event.selfGenerated, moduleKey: event.context.moduleKey, cloudId: event.context.cloudId });
}

const Hook = z.object({ method: z.string(), path: z.string(), headers: z.record(z.string(), z.array(z.string())), body: z.string().optional(), queryParameters: z.record(z.string(), z.array(z.string())).optional() }).loose();

/** web trigger: echo the request; the body "malformed" gets a result that is not a web trigger response */
export async function hook(request: unknown): Promise<unknown> {
  const r = Hook.parse(request);
  if (r.body === 'malformed') return { status: 200, text: 'not the web trigger shape' };
  if (r.body === 'hang') await new Promise(() => undefined);
  const contentType = Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? [];
  return {
    statusCode: 201,
    headers: { 'Content-Type': ['application/json'], 'X-Echo-Method': [r.method] },
    body: JSON.stringify({ method: r.method, path: r.path, query: r.queryParameters ?? {}, body: r.body ?? '', contentType }),
  };
}

const WorkBody = z.object({
  id: z.string(),
  mode: z.enum(['ok', 'fail-until', 'invocation-error', 'always-fail', 'hang', 'overlap']),
  until: z.number().optional(),
  group: z.string().optional(),
  steps: z.number().optional(),
});

/** queue consumer: behaviour chosen by the event body */
export async function worker(event: AsyncEvent): Promise<unknown> {
  const body = WorkBody.parse(event.body);
  const retryCount = event.retryContext?.retryCount ?? 0;
  await kvs.set(`attempt:${body.id}:${retryCount}`, { retryContext: event.retryContext ?? null, concurrency: event.concurrency ?? null });
  switch (body.mode) {
    case 'ok':
      await kvs.set(`done:${body.id}`, { retryCount });
      return undefined;
    case 'fail-until':
      if (retryCount < (body.until ?? 1)) throw new Error(`failing attempt ${retryCount}`);
      await kvs.set(`done:${body.id}`, { retryCount });
      return undefined;
    case 'invocation-error':
      if (retryCount === 0) return new InvocationError({ retryAfter: 30, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED, retryData: { note: 'later' } });
      await kvs.set(`done:${body.id}`, { retryCount });
      return undefined;
    case 'always-fail':
      throw new Error(`permanent failure of ${body.id}`);
    case 'hang':
      if (retryCount === 0) await new Promise(() => undefined);
      await kvs.set(`done:${body.id}`, { retryCount });
      return undefined;
    case 'overlap': {
      const group = body.group ?? 'default';
      running.set(group, (running.get(group) ?? 0) + 1);
      maxRunning.set(group, Math.max(maxRunning.get(group) ?? 0, running.get(group) ?? 0));
      try {
        for (let i = 0; i < (body.steps ?? 5); i++) await kvs.get(`overlap:${group}`);
        await kvs.set(`done:${body.id}`, { retryCount });
      } finally {
        running.set(group, (running.get(group) ?? 1) - 1);
      }
      return undefined;
    }
  }
}

/** scheduled trigger: count the runs */
export async function tick(): Promise<void> {
  const n = z.number().optional().parse(await kvs.get('ticks')) ?? 0;
  await kvs.set('ticks', n + 1);
}
