import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixture, type FixtureSandbox } from './fixture';

// loading the emulated site and the app under ts-jest takes seconds on a shared machine
jest.setTimeout(60_000);

let sb: FixtureSandbox;
beforeEach(async () => { sb = await startFixture(['internal']); });
afterEach(async () => { await sb.close(); });

const inst = (): FixtureSandbox['installs'][number] => sb.installs[0]!;
const call = async (fn: string, payload: unknown = {}): Promise<unknown> => {
  const r = await sb.call(inst(), fn, payload);
  expect(r.status).toBe(200);
  return (r.body as { result: unknown }).result;
};
const get = async (key: string): Promise<unknown> => ((await call('kvs-get', { key })) as { ok: unknown }).ok;
const push = async (...events: unknown[]): Promise<void> => {
  expect(await call('push', { events })).toEqual({ ok: expect.any(String) });
};
const settle = (): Promise<void> => sb.platform.waitForSettled();
const advance = async (ms: number): Promise<void> => { await sb.platform.advance(ms); await settle(); };

describe('async events through the real @forge/events', () => {
  it('delivers an event to the queue consumer with the AsyncEvent shape', async () => {
    await push({ body: { id: 'e1', mode: 'ok' } });
    await sb.platform.waitForIdle();
    expect(await get('done:e1')).toEqual({ retryCount: 0 });
    expect(await get('attempt:e1:0')).toEqual({ retryContext: null, concurrency: null });
    expect(inst().stats().invocations['fixture-consumer']).toBe(1);
  });

  it('retries a throwing consumer with exponential backoff and retryContext', async () => {
    await push({ body: { id: 'r1', mode: 'fail-until', until: 2 } });
    await settle();
    expect(await get('attempt:r1:0')).toEqual({ retryContext: null, concurrency: null });
    expect(await get('attempt:r1:1')).toBeNull();
    await advance(999);
    expect(await get('attempt:r1:1')).toBeNull();
    await advance(1);
    expect(await get('attempt:r1:1')).toEqual({ retryContext: { retryCount: 1, retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR' }, concurrency: null });
    await advance(2000);
    expect(await get('done:r1')).toEqual({ retryCount: 2 });
    await sb.platform.waitForIdle();
    expect(await inst().deadLetters()).toEqual([]);
  });

  it('honours a returned InvocationError: retryAfter, retryReason and retryData', async () => {
    await push({ body: { id: 'ie', mode: 'invocation-error' } });
    await settle();
    await advance(29_999);
    expect(await get('done:ie')).toBeNull();
    await advance(1);
    expect(await get('attempt:ie:1')).toEqual({ retryContext: { retryCount: 1, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: { note: 'later' } }, concurrency: null });
    expect(await get('done:ie')).toEqual({ retryCount: 1 });
  });

  it('holds an event for delayInSeconds', async () => {
    await push({ body: { id: 'd1', mode: 'ok' }, delayInSeconds: 10 });
    await settle();
    expect((await (await fetch(`${inst().siteUrl}/_sandbox/idle`)).json())).toEqual({ idle: false, pending: 1 });
    await advance(9_999);
    expect(await get('done:d1')).toBeNull();
    await advance(1);
    expect(await get('done:d1')).toEqual({ retryCount: 0 });
    expect((await (await fetch(`${inst().siteUrl}/_sandbox/idle`)).json())).toEqual({ idle: true, pending: 0 });
  });

  it('dead-letters an event after the retry budget, readable by the app and by tests', async () => {
    await push({ body: { id: 'dead', mode: 'always-fail' } });
    await settle();
    for (const backoff of [1000, 2000, 4000, 8000]) await advance(backoff);
    await sb.platform.waitForIdle();
    const letters = await inst().deadLetters();
    expect(letters).toEqual([expect.objectContaining({
      queueName: 'fixture-queue', body: { id: 'dead', mode: 'always-fail' }, attempts: 5,
      retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR', lastError: 'Error: permanent failure of dead',
    })]);
    expect(await get('attempt:dead:4')).not.toBeNull();
    expect(await get('attempt:dead:5')).toBeNull();
    const listed = await call('kvs-query', { prefix: 'forge-dead-letter:' }) as { ok: { keys: string[] } };
    expect(listed.ok.keys).toEqual([`forge-dead-letter:fixture-queue:${letters[0]!.eventId}`]);
  });

  it('fails a consumer past its timeoutSeconds and retries it with FUNCTION_TIME_OUT', async () => {
    await push({ body: { id: 'slow', mode: 'hang' } });
    await sb.platform.advance(29_999);
    expect(await get('attempt:slow:1')).toBeNull();
    await advance(1);
    await advance(1000);
    expect(await get('attempt:slow:1')).toEqual({ retryContext: { retryCount: 1, retryReason: 'FUNCTION_TIME_OUT' }, concurrency: null });
    expect(await get('done:slow')).toEqual({ retryCount: 1 });
  });

  it.each([
    ['limit-1', { key: 'issue-1', limit: 1 }, 1],
    ['limit-2', { key: 'issue-2', limit: 2 }, 2],
  ])('never runs more events of one concurrency key than its limit (%s)', async (group, concurrency, max) => {
    await push(...Array.from({ length: 6 }, (_, i) => ({ body: { id: `${group}-${i}`, mode: 'overlap', group, steps: 4 }, concurrency })));
    await sb.platform.waitForIdle();
    expect(await call('probe', { group })).toEqual({ max });
    for (let i = 0; i < 6; i++) expect(await get(`done:${group}-${i}`)).toEqual({ retryCount: 0 });
  });

  it('runs events without a concurrency key side by side (the probe sees overlap)', async () => {
    await push(...Array.from({ length: 6 }, (_, i) => ({ body: { id: `free-${i}`, mode: 'overlap', group: 'free', steps: 4 } })));
    await sb.platform.waitForIdle();
    expect(((await call('probe', { group: 'free' })) as { max: number }).max).toBeGreaterThan(1);
  });

  it('reports job statistics and cancels the events of a job that have not started', async () => {
    const pushed = await call('push', { events: [{ body: { id: 'j1', mode: 'ok' } }, { body: { id: 'j2', mode: 'ok' }, delayInSeconds: 60 }] }) as { ok: string };
    await settle();
    expect(await call('job', { jobId: pushed.ok })).toEqual({ ok: { success: 1, inProgress: 1, failed: 0 } });
    expect(await call('job', { jobId: pushed.ok, cancel: true })).toEqual({ ok: { success: 1, inProgress: 0, failed: 0 } });
    await advance(60_000);
    expect(await get('done:j2')).toBeNull();
    expect(await call('job', { jobId: 'no-such-job' })).toEqual({ error: expect.objectContaining({ name: 'JobDoesNotExistError' }) });
  });

  it.each([
    ['more than 50 events', { count: 51, bytesEach: 1 }, 'TooManyEventsError', 'This push contains more than the 50 events allowed.'],
    ['more than 200 KB', { count: 2, bytesEach: 110_000 }, 'PayloadTooBigError', 'The maximum payload size is 200KB.'],
  ])('refuses a push of %s with the package error', async (_what, payload, name, message) => {
    expect(await call('push-raw', payload)).toEqual({ error: { name, message } });
    expect(sb.platform.pending()).toBe(0);
  });
});

describe('async events across a platform restart (data folder)', () => {
  it('delivers delayed and interrupted events after the restart: at least once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-queue-'));
    try {
      await sb.close();
      sb = await startFixture(['internal'], { dataDir: dir });
      // 'cut' starts at once and hangs: the platform stops while it runs
      await push({ body: { id: 'later', mode: 'ok' }, delayInSeconds: 10 }, { body: { id: 'cut', mode: 'hang' } });
      expect(sb.platform.pending()).toBe(2);
      await sb.close();

      sb = await startFixture(['internal'], { dataDir: dir });
      expect(sb.platform.pending()).toBe(2);
      await sb.platform.advance(10_000); // 'later' is due; 'cut' was delivered again and hangs again
      await advance(20_000); // 'cut' times out (30 s) and waits for its retry
      expect(await get('done:later')).toEqual({ retryCount: 0 });
      await advance(1_000);
      expect(await get('done:cut')).toEqual({ retryCount: 1 });
      await sb.platform.waitForIdle();
    } finally {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The async events limits (https://developer.atlassian.com/platform/forge/limits-async-events),
 * tightened so a test reaches them, seen through the real @forge/events: the error class the package
 * makes of the platform's answer, nothing queued, and the quota back once the clock has moved on.
 */
describe('async events limits through the real @forge/events', () => {
  let lsb: FixtureSandbox;
  beforeAll(async () => {
    // the fixture's consumer has timeoutSeconds 30: over 20 it counts as long running (100 KB per event)
    lsb = await startFixture(['internal'], { limits: { events: { eventsPerMinute: 3, longRunningAboveSeconds: 20, maxRetryDataBytes: 10 } } });
  });
  afterAll(async () => { await lsb.close(); });
  beforeEach(async () => { await lsb.platform.advance(60_000); await lsb.platform.waitForSettled(); });

  const linst = (): FixtureSandbox['installs'][number] => lsb.installs[0]!;
  const lcall = async (fn: string, payload: unknown = {}): Promise<unknown> => {
    const r = await lsb.call(linst(), fn, payload);
    expect(r.status).toBe(200);
    return (r.body as { result: unknown }).result;
  };

  it('answers RateLimitError past the events of a minute (500, tightened to 3), queues nothing, and takes events again a minute later', async () => {
    expect(await lcall('push', { events: [1, 2, 3].map((i) => ({ body: { id: `m${i}`, mode: 'ok' } })) })).toEqual({ ok: expect.any(String) });
    await lsb.platform.waitForIdle();
    const late = { events: [{ body: { id: 'm4', mode: 'ok' } }] };
    expect(await lcall('push', late)).toEqual({ error: { name: 'RateLimitError', message: 'Too many requests.' } });
    expect(lsb.platform.pending()).toBe(0);
    expect(lsb.platform.limitRefusals()).toEqual({ 'events.eventsPerMinute': 1 });
    await lsb.platform.advance(59_999);
    expect(await lcall('push', late)).toEqual({ error: expect.objectContaining({ name: 'RateLimitError' }) });
    await lsb.platform.advance(1);
    expect(await lcall('push', late)).toEqual({ ok: expect.any(String) });
    await lsb.platform.waitForIdle();
    expect(await lcall('kvs-get', { key: 'done:m4' })).toEqual({ ok: { retryCount: 0 } });
  });

  // push-raw sends {body: {i, pad}}: its JSON is 25 bytes plus the padding
  it.each([
    ['of exactly 100 KB', 100 * 1024 - 25, { ok: expect.any(String) }],
    ['one byte over 100 KB', 100 * 1024 - 24, { error: { name: 'PayloadTooBigError', message: expect.stringContaining('over the 100KB allowed for each event of a long running consumer') } }],
  ])('takes an event %s for a long running consumer, or answers PayloadTooBigError', async (_what, bytesEach, answer) => {
    expect(await lcall('push-raw', { count: 1, bytesEach })).toEqual(answer);
    // the fixture's consumer refuses a push-raw body: let the taken event use up its retries
    await lsb.platform.waitForSettled();
    for (const backoff of [1000, 2000, 4000, 8000]) { await lsb.platform.advance(backoff); await lsb.platform.waitForSettled(); }
    await lsb.platform.waitForIdle();
  });

  it('does not retry an InvocationError whose retryData is over the limit (4 KB, tightened to 10 bytes): a dead letter', async () => {
    expect(await lcall('push', { events: [{ body: { id: 'rd', mode: 'invocation-error' } }] })).toEqual({ ok: expect.any(String) });
    await lsb.platform.waitForIdle();
    expect((await linst().deadLetters()).filter((l) => l.body['id'] === 'rd')).toEqual([expect.objectContaining({
      body: { id: 'rd', mode: 'invocation-error' }, attempts: 1, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      lastError: expect.stringContaining('not retried: the retryData is 16 bytes, over the 10 bytes allowed'),
    })]);
    expect(await lcall('kvs-get', { key: 'attempt:rd:1' })).toEqual({ ok: null });
  });

  it('runs a consumer in the chain of the invocation that pushed its event', async () => {
    const chains: { kind: string; chain: string }[] = [];
    const off = lsb.platform.onInvocation((e) => { if (e.phase === 'start') chains.push({ kind: e.kind, chain: e.chain }); });
    try {
      await lcall('push', { events: [{ body: { id: 'ch', mode: 'ok' } }] });
      await lsb.platform.waitForIdle();
      await lcall('noop');
    } finally {
      off();
    }
    const [pusher, consumer, other] = chains;
    expect([pusher?.kind, consumer?.kind, other?.kind]).toEqual(['resolver', 'consumer', 'resolver']);
    expect(consumer?.chain).toBe(pusher?.chain);
    expect(other?.chain).not.toBe(pusher?.chain);
  });
});

describe('the cyclic invocation limit through the real @forge/events', () => {
  it('answers InvocationLimitReachedError past the push requests of one chain (1000, tightened to 0) and queues nothing', async () => {
    const csb = await startFixture(['internal'], { limits: { events: { pushesPerChain: 0 } } });
    try {
      const r = await csb.call(csb.installs[0]!, 'push', { events: [{ body: { id: 'cy', mode: 'ok' } }] });
      expect(r.body).toEqual({ result: { error: { name: 'InvocationLimitReachedError', message: 'The limit on cyclic invocation has been reached.' } } });
      expect(csb.platform.pending()).toBe(0);
    } finally {
      await csb.close();
    }
  });
});
