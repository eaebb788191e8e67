import { FORGE_LIMITS, resolveForgeLimits, type ForgeLimitOverrides } from './forge-limits';
import { InstallationGate } from './installation-gate';

const clock = { t: 1_000_000 };
const gate = (over: ForgeLimitOverrides, longRunning: string[] = []): InstallationGate => new InstallationGate(resolveForgeLimits(over), new Set(longRunning), () => clock.t);
const created = (): Promise<Response> => Promise.resolve(new Response('{}', { status: 201 }));
const publish = (g: InstallationGate, chain: string, events: unknown[], queueName = 'q'): Promise<Response> =>
  g.forgeFetch({ chain }, { type: 'fpp', remote: 'stargate' }, '/webhook/queue/publish/x', { method: 'POST', body: JSON.stringify({ queueName, jobId: 'j', payload: events }) }, created);
const events = (n: number, bytesEach = 1): unknown[] => Array.from({ length: n }, () => ({ body: { p: 'x'.repeat(bytesEach) } }));

beforeEach(() => { clock.t = 1_000_000; });

/** https://developer.atlassian.com/platform/forge/limits-async-events */
describe('InstallationGate: async events', () => {
  it('lets 500 events a minute through, answers 429 (RateLimitError) past that, and again a minute later', async () => {
    const g = gate({});
    for (let i = 0; i < 10; i++) expect((await publish(g, `c${i}`, events(50))).status).toBe(201);
    expect(g.eventsLastMinute()).toBe(FORGE_LIMITS.events.eventsPerMinute);
    const refused = await publish(g, 'late', events(1));
    expect(refused.status).toBe(429);
    clock.t += 59_999;
    expect((await publish(g, 'late', events(1))).status).toBe(429);
    clock.t += 1;
    expect((await publish(g, 'late', events(50))).status).toBe(201);
  });

  it('charges nothing for a push the queue refused', async () => {
    const g = gate({ events: { eventsPerMinute: 2 } });
    const refused = (): Promise<Response> => Promise.resolve(new Response('{}', { status: 400 }));
    await g.forgeFetch({ chain: 'c' }, { type: 'fpp', remote: 'stargate' }, '/webhook/queue/publish/x', { body: JSON.stringify({ queueName: 'q', payload: events(2) }) }, refused);
    expect(g.eventsLastMinute()).toBe(0);
  });

  it('answers 405 (InvocationLimitReachedError) past 1000 push requests of one chain, counting refused ones', async () => {
    const g = gate({ events: { pushesPerChain: 3, eventsPerMinute: 2 } });
    expect((await publish(g, 'chain', events(1))).status).toBe(201);
    expect((await publish(g, 'chain', events(1))).status).toBe(201);
    expect((await publish(g, 'chain', events(1))).status).toBe(429);
    const cyclic = await publish(g, 'chain', events(1));
    expect(cyclic.status).toBe(405);
    expect(await cyclic.json()).toEqual({ message: expect.stringContaining('The limit on cyclic invocation has been reached') });
    expect(g.chainPushes('chain')).toBe(4);
    expect((await publish(g, 'another', [])).status).toBe(201);
  });

  it.each([
    ['100 KB', 100 * 1024 - 17, 201],
    ['one byte over 100 KB', 100 * 1024 - 16, 413],
  ])('lets an event of %s through to a long running consumer, or answers 413 (PayloadTooBigError)', async (_what, pad, status) => {
    const g = gate({}, ['long']);
    const res = await publish(g, 'c', events(1, pad), 'long');
    expect(res.status).toBe(status);
    if (status === 413) expect(await res.json()).toEqual({ errorMessage: expect.stringContaining('100KB'), message: expect.any(String) });
    expect((await publish(g, 'c', events(1, pad), 'short')).status).toBe(201);
  });
});

describe('InstallationGate: KVS', () => {
  const kvs = (g: InstallationGate, path: string, body: unknown, answer: () => Promise<Response>): Promise<Response> =>
    g.forgeFetch({ chain: 'c' }, { type: 'kvs' }, path, { method: 'POST', body: JSON.stringify(body) }, answer);

  it('answers 429 RATE_LIMIT_EXCEEDED before a write runs, so nothing is written', async () => {
    const g = gate({ kvs: { writeUnitsPerMinute: 1 } });
    let ran = 0;
    const answer = (): Promise<Response> => { ran++; return Promise.resolve(new Response(null, { status: 204 })); };
    expect((await kvs(g, '/api/v1/set', { key: 'a', value: 1 }, answer)).status).toBe(204);
    const refused = await kvs(g, '/api/v1/set', { key: 'b', value: 2 }, answer);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ code: 'RATE_LIMIT_EXCEEDED', message: expect.any(String) });
    expect(ran).toBe(1);
  });

  it('replaces an answer that does not fit the read units with the 429', async () => {
    const g = gate({ kvs: { readUnitsPerMinute: 2 } });
    const big = (): Promise<Response> => Promise.resolve(new Response(JSON.stringify({ key: 'k', value: 'x'.repeat(15_000) }), { status: 200 }));
    expect((await kvs(g, '/api/v1/get', { key: 'k' }, big)).status).toBe(200);
    expect((await kvs(g, '/api/v1/get', { key: 'k' }, big)).status).toBe(429);
  });

  it('passes everything else through untouched', async () => {
    const g = gate({ kvs: { requestsPerSecond: 0 } });
    const res = await g.forgeFetch({ chain: 'c' }, { type: 'fpp', remote: 'jira' }, '/rest/api/3/myself', undefined, () => Promise.resolve(new Response('ok')));
    expect(await res.text()).toBe('ok');
  });
});
