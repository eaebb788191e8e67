import { startFixture, type FixtureSandbox } from './fixture';

// loading the emulated site and the app under ts-jest takes seconds on a shared machine
jest.setTimeout(60_000);

let sb: FixtureSandbox;
beforeAll(async () => { sb = await startFixture(['internal', 'external']); });
afterAll(async () => { await sb.close(); });

const internal = (): FixtureSandbox['installs'][number] => sb.installs[0]!;
const external = (): FixtureSandbox['installs'][number] => sb.installs[1]!;
const call = async (inst: FixtureSandbox['installs'][number], fn: string, payload: unknown = {}): Promise<unknown> => {
  const r = await sb.call(inst, fn, payload);
  expect(r.status).toBe(200);
  return (r.body as { result: unknown }).result;
};
const invokeRaw = async (inst: FixtureSandbox['installs'][number], body: unknown): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${inst.siteUrl}/_sandbox/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as unknown };
};

describe('installations', () => {
  it('gives each site its own installation id, cloud id, app account and web trigger URL', () => {
    expect(internal().id).not.toBe(external().id);
    expect(internal().cloudId).not.toBe(external().cloudId);
    expect(internal().appAccountId).not.toBe(external().appAccountId);
    expect(internal().siteName).toBe('internal');
    expect(external().siteUrl).toBe(sb.sites[1]!.baseUrl);
  });

  it('refuses a second installation on a site of the same name', async () => {
    await expect(sb.platform.install(sb.sites[0]!)).rejects.toThrow("the app is already installed on a site named 'internal'");
    expect(sb.platform.installations().map((i) => i.id)).toEqual([internal().id, external().id]);
  });

  it('keeps two installations apart, even under concurrent invocations', async () => {
    const writes = Array.from({ length: 10 }, (_, i) => [
      call(internal(), 'kvs-set', { key: `shared:${i}`, value: `internal-${i}` }),
      call(external(), 'kvs-set', { key: `shared:${i}`, value: `external-${i}` }),
    ]).flat();
    await Promise.all(writes);
    const reads = await Promise.all(Array.from({ length: 10 }, async (_, i) => [
      await call(internal(), 'kvs-get', { key: `shared:${i}` }), await call(external(), 'kvs-get', { key: `shared:${i}` }),
    ]));
    reads.forEach(([a, b], i) => {
      expect(a).toEqual({ ok: `internal-${i}` });
      expect(b).toEqual({ ok: `external-${i}` });
    });
    const contexts = await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2 ? external() : internal(), 'context')));
    contexts.forEach((c, i) => expect(c).toEqual(expect.objectContaining({ installationId: (i % 2 ? external() : internal()).id })));
    await call(internal(), 'secret-set', { key: 'only-internal', value: 'x' });
    expect(await call(external(), 'secret-get', { key: 'only-internal' })).toEqual({ ok: null });
  });
});

describe('resolvers through POST /_sandbox/invoke', () => {
  it("calls the module's resolver with Forge's resolver context", async () => {
    const result = await call(internal(), 'context') as { context: Record<string, unknown>; installationId: string; moduleKey: string; remainingMs: number };
    expect(result.context).toEqual(expect.objectContaining({
      accountId: sb.sites[0]!.admin.accountId, cloudId: internal().cloudId, moduleKey: 'fixture-admin',
      extension: { type: 'jira:adminPage' }, installContext: `ari:cloud:jira::site/${internal().cloudId}`,
    }));
    expect(result.installationId).toBe(internal().id);
    expect(result.moduleKey).toBe('fixture-admin');
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(25_000);
  });

  it('answers the same through Installation.invoke, with the given accountId', async () => {
    const result = await internal().invoke('fixture-admin', 'context', {}, { accountId: 'someone-else' }) as { context: Record<string, unknown> };
    expect(result.context['accountId']).toBe('someone-else');
  });

  it.each([
    ['a resolver that throws', { moduleKey: 'fixture-admin', functionKey: 'fail' }, 500, 'resolver exploded'],
    ['an undefined function key', { moduleKey: 'fixture-admin', functionKey: 'nope' }, 500, "Resolver has no definition for 'nope'."],
    ['a module without a resolver', { moduleKey: 'fixture-hook', functionKey: 'context' }, 400, "module 'fixture-hook' has no resolver in manifest.yml"],
    ['a body that is not the invoke shape', { functionKey: 'context' }, 400, expect.stringContaining('moduleKey')],
    ['a body that is not JSON', '{not json', 400, 'request body is not valid JSON'],
  ])('answers an error object for %s', async (_what, body, status, message) => {
    expect(await invokeRaw(internal(), body)).toEqual({ status, body: { error: { name: expect.any(String), message } } });
  });
});

describe('product requests', () => {
  it('sends requestJira asApp to the installation site as the app account', async () => {
    internal().resetStats();
    expect(await call(internal(), 'jira-myself')).toEqual({ ok: { status: 200, body: expect.objectContaining({ accountId: internal().appAccountId }) } });
    expect(internal().stats()).toEqual(expect.objectContaining({ productRequests: 1 }));
  });

  it('sends requestJira asUser as the invoking user: the site admin by default', async () => {
    const admin = sb.sites[0]!.admin.accountId;
    expect(await call(internal(), 'jira-myself-as-user')).toEqual({ ok: { status: 200, body: expect.objectContaining({ accountId: admin, emailAddress: 'admin@internal.test' }), accountId: admin } });
    expect(await call(internal(), 'jira-admin-check')).toEqual({ ok: { status: 200, admin: true } });
  });

  const invokeAs = async (accountId: string, functionKey: string): Promise<unknown> => {
    const res = await fetch(`${internal().siteUrl}/_sandbox/invoke`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ moduleKey: 'fixture-admin', functionKey, context: { accountId } }),
    });
    expect(res.status).toBe(200);
    return (await res.json() as { result: unknown }).result;
  };

  it.each([
    ['POST /_sandbox/invoke with context.accountId', (accountId: string, fn: string) => invokeAs(accountId, fn)],
    ['Installation.invoke with opts.accountId', (accountId: string, fn: string) => internal().invoke('fixture-admin', fn, {}, { accountId })],
  ])('sends requestJira asUser as the non-admin user through %s', async (_how, invoke) => {
    const user = sb.sites[0]!.user;
    expect(await invoke(user.accountId, 'jira-myself-as-user')).toEqual({
      ok: { status: 200, body: expect.objectContaining({ accountId: user.accountId, emailAddress: 'user@internal.test', displayName: 'Sandbox User (internal)' }), accountId: user.accountId },
    });
    expect(await invoke(user.accountId, 'jira-admin-check')).toEqual({ ok: { status: 200, admin: false } });
  });

  it.each([
    ['an account the site does not know', () => 'someone-else'],
    ["the app's own account", () => internal().appAccountId],
  ])('fails requestJira asUser with NeedsAuthenticationError for %s, and sends nothing', async (_who, accountId) => {
    internal().resetStats();
    sb.sites[0]!.resetStats();
    expect(await internal().invoke('fixture-admin', 'jira-myself-as-user', {}, { accountId: accountId() })).toEqual({
      error: { name: 'NeedsAuthenticationError', message: expect.any(String) },
    });
    expect(sb.sites[0]!.stats().requests).toBe(0);
    expect(internal().stats().productRequests).toBe(0);
  });
});

describe('web triggers', () => {
  it('returns a loopback URL from webTrigger.getUrl and round-trips a request', async () => {
    const url = await internal().webTriggerUrl('fixture-hook');
    expect(await call(internal(), 'webtrigger-url')).toEqual({ ok: url });
    expect(url.startsWith(`${internal().siteUrl}/x1/`)).toBe(true);
    const res = await fetch(`${url}/extra/path?a=1&a=2&b=x`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo-method')).toBe('PUT');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ method: 'PUT', path: new URL(url).pathname + '/extra/path', query: { a: ['1', '2'], b: ['x'] }, body: 'hello', contentType: ['text/plain'] });
  });

  it('answers 500 when the function result is not a web trigger response', async () => {
    const res = await fetch(await internal().webTriggerUrl('fixture-hook'), { method: 'POST', body: 'malformed' });
    expect(res.status).toBe(500);
  });

  it('answers 404 for an unknown web trigger id', async () => {
    expect((await fetch(`${internal().siteUrl}/x1/not-a-trigger`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('egress', () => {
  it('refuses fetch to an address the manifest does not declare, as Forge does', async () => {
    expect(await call(internal(), 'egress', { url: 'https://evil.example.org/steal' })).toEqual({ error: {
      name: 'ExternalEndpointNotAllowedError',
      message: 'URL not included in the external fetch backend permissions: https://evil.example.org/steal. Visit go.atlassian.com/forge-egress for more information.',
    } });
  });

  it("allows fetch to another installation's sandbox web trigger URL", async () => {
    const url = await external().webTriggerUrl('fixture-hook');
    expect(await call(internal(), 'egress', { url })).toEqual({ ok: { status: 201, body: expect.stringContaining('"body":"ping"') } });
  });

  it('leaves fetch outside invocations alone (the platform and tests are not the app)', async () => {
    expect((await fetch(`${internal().siteUrl}/_sandbox/idle`)).status).toBe(200);
  });
});

describe('product events and triggers', () => {
  it('delivers events to trigger modules and drops the app’s own with ignoreSelf', async () => {
    const asUser = await call(internal(), 'jira-create', { as: 'user', project: 'INT', summary: 'by a person' }) as { ok: { status: number; body: { key: string } } };
    const asApp = await call(internal(), 'jira-create', { as: 'app', project: 'INT', summary: 'by the app' }) as { ok: { status: number; body: { key: string } } };
    expect(asUser.ok.status).toBe(201);
    expect(asApp.ok.status).toBe(201);
    await sb.platform.waitForIdle();
    expect(await call(internal(), 'kvs-get', { key: `event:${asUser.ok.body.key}:avi:jira:created:issue` })).toEqual({
      ok: { selfGenerated: false, moduleKey: 'fixture-events', cloudId: internal().cloudId },
    });
    expect(internal().kvsKeys(`event:${asApp.ok.body.key}:`)).toEqual([]);
    expect(external().kvsKeys('event:')).toEqual([]);
  });
});

describe('scheduled triggers', () => {
  it('run on demand and on their interval', async () => {
    await internal().runScheduled('fixture-tick');
    expect(await call(internal(), 'kvs-get', { key: 'ticks' })).toEqual({ ok: 1 });
    await sb.platform.advance(3_600_000);
    await sb.platform.waitForIdle();
    expect(await call(internal(), 'kvs-get', { key: 'ticks' })).toEqual({ ok: 2 });
    expect(await call(external(), 'kvs-get', { key: 'ticks' })).toEqual({ ok: 1 });
  });
});

describe('time limits', () => {
  const started = (moduleKey: string): Promise<void> => new Promise((resolve) => {
    const off = sb.platform.onInvocation((e) => { if (e.phase === 'start' && e.moduleKey === moduleKey) { off(); resolve(); } });
  });
  const ended = (moduleKey: string): Promise<Error | undefined> => new Promise((resolve) => {
    const off = sb.platform.onInvocation((e) => { if (e.phase === 'end' && e.moduleKey === moduleKey) { off(); resolve(e.error); } });
  });

  it('fails a web trigger call past 55 s with a 500', async () => {
    const start = started('fixture-hook');
    const answer = fetch(await internal().webTriggerUrl('fixture-hook'), { method: 'POST', body: 'hang' });
    await start;
    await sb.platform.advance(54_999);
    expect((await (await fetch(`${internal().siteUrl}/_sandbox/idle`)).json())).toEqual({ idle: false, pending: 1 });
    await sb.platform.advance(1);
    const res = await answer;
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'web trigger function failed: FUNCTION_TIME_OUT: the function ran past its 55 s timeout' });
  });

  it('fails a product trigger past 25 s', async () => {
    const start = started('fixture-events');
    const end = ended('fixture-events');
    expect(await call(internal(), 'jira-create', { as: 'user', project: 'INT', summary: 'hang' })).toEqual({ ok: expect.objectContaining({ status: 201 }) });
    await start;
    await sb.platform.advance(25_000);
    expect(await end).toEqual(expect.objectContaining({ name: 'InvocationTimeoutError' }));
    // a timeout is a platform-level failure: Forge delivers the event again, four times at most
    // (https://developer.atlassian.com/platform/forge/events-reference/product_events/); each retry hangs too
    for (let retry = 0; retry < 4; retry += 1) {
      await sb.platform.waitForSettled();
      await sb.platform.advance(2 ** retry * 1000);
      await sb.platform.advance(25_000);
    }
    await sb.platform.waitForIdle();
  });
});

describe('GET /_sandbox/idle', () => {
  it('reports idle over all installations', async () => {
    await sb.platform.waitForIdle();
    for (const inst of sb.installs) {
      expect(await (await fetch(`${inst.siteUrl}/_sandbox/idle`)).json()).toEqual({ idle: true, pending: 0 });
    }
  });
});

/**
 * Invocation limits (https://developer.atlassian.com/platform/forge/limits-invocation and the web
 * trigger page), tightened so a test reaches them: the status the resolver bridge and the web trigger
 * answer, and the quota back in the next fixed minute of the platform clock.
 */
describe('invocation limits', () => {
  let lsb: FixtureSandbox;
  beforeAll(async () => {
    lsb = await startFixture(['internal'], {
      limits: { invocations: { perUserPerMinute: 2, perInstallationPerMinute: 4, requestPayloadBytes: 2000, responsePayloadBytes: 1000 } },
    });
  });
  afterAll(async () => { await lsb.close(); });
  beforeEach(async () => { await lsb.platform.advance(60_000); }); // a fresh fixed minute

  const inst = (): FixtureSandbox['installs'][number] => lsb.installs[0]!;
  const invoke = async (functionKey: string, payload: unknown = {}, accountId?: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${inst().siteUrl}/_sandbox/invoke`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ moduleKey: 'fixture-admin', functionKey, payload, ...(accountId ? { context: { accountId } } : {}) }),
    });
    return { status: res.status, body: await res.json() as unknown };
  };
  const hook = async (body: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(await inst().webTriggerUrl('fixture-hook'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    return { status: res.status, body: await res.json() as unknown };
  };
  const rateLimited = (what: string): unknown => ({ status: 429, body: { error: { name: 'InvocationRateLimitError', message: expect.stringContaining(what) } } });

  it('answers 429 past the invocations of a user (1,200, tightened to 2) and of an installation (5,000, tightened to 4), until the next minute', async () => {
    const user = lsb.sites[0]!.user.accountId;
    expect((await invoke('noop')).status).toBe(200);
    expect((await invoke('noop')).status).toBe(200);
    expect(await invoke('noop')).toEqual(rateLimited('more than 2 invocations by this user on this installation'));
    expect((await invoke('noop', {}, user)).status).toBe(200);
    expect((await invoke('noop', {}, user)).status).toBe(200);
    expect(await invoke('noop', {}, 'a-third-person')).toEqual(rateLimited('more than 4 invocations on this installation'));
    expect(await hook('hello')).toEqual({ status: 429, body: { message: expect.stringContaining('more than 4 invocations on this installation') } });
    expect(lsb.platform.limitRefusals()).toEqual(expect.objectContaining({ 'invocations.perUserPerMinute': 1, 'invocations.perInstallationPerMinute': 2 }));
    await lsb.platform.advance(60_000);
    expect((await invoke('noop')).status).toBe(200);
    expect((await hook('hello')).status).toBe(201);
  });

  it.each<[string, () => Promise<{ status: number; body: unknown }>, number, unknown]>([
    ['a resolver body over the request payload limit', () => invoke('kvs-set', { key: 'big', value: 'x'.repeat(2100) }), 413, { error: { name: 'BadRequest', message: 'request body over 2000 bytes' } }],
    ['a resolver request (payload and context) over the limit', () => invoke('kvs-set', { key: 'big', value: 'x'.repeat(1800) }), 413, { error: { name: 'InvocationPayloadTooLargeError', message: expect.stringContaining('over the 2000 bytes allowed') } }],
    ['a web trigger body over the request payload limit', () => hook('x'.repeat(2100)), 413, { message: expect.stringContaining('request body over 2000 bytes') }],
    ['a web trigger request (body, headers, query) over the limit', () => hook('x'.repeat(1900)), 413, { message: expect.stringContaining('over the 2000 bytes allowed') }],
    ['a web trigger response over the response payload limit', () => hook('x'.repeat(1100)), 500, { message: expect.stringContaining('The invocation response is') }],
  ])('refuses %s', async (_what, send, status, body) => {
    expect(await send()).toEqual({ status, body });
    expect(inst().kvsKeys('big')).toEqual([]);
  });

  it('answers 500 for a resolver result over the response payload limit (the resolver ran)', async () => {
    expect((await invoke('kvs-set', { key: 'answer', value: 'x'.repeat(1200) })).status).toBe(200);
    expect(await invoke('kvs-get', { key: 'answer' })).toEqual({ status: 500, body: { error: { name: 'InvocationResponseTooLargeError', message: expect.stringContaining('over the 1000 bytes allowed') } } });
    expect((await invoke('kvs-get', { key: 'missing' }, lsb.sites[0]!.user.accountId)).status).toBe(200);
  });
});
