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
