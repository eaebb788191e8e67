import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JiraSite } from '../jira/site';
import { CLOCK_FILE } from './clock-file';
import { ForgePlatform, type Installation, type ForgePlatformOptions } from './platform';

/**
 * What the platform still delivers after a crash, the sandbox delivers after a restart on the same
 * data folder: product events at least once (with Forge's retries), scheduled triggers on their
 * grid, a clock that never runs backwards. Time moves only by `advance` (frozen base clocks).
 */
jest.setTimeout(60_000);

const APP = path.join(__dirname, 'testing', 'delivery-app');
const T0 = Date.parse('2026-03-01T00:00:00Z');
const MINUTE = 60_000;

interface Run {
  platform: ForgePlatform;
  site: JiraSite;
  inst: Installation;
  logs: string[];
}

const dirs: string[] = [];
const runs: Run[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-delivery-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const r of runs.splice(0)) await stop(r);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** the platform and the internal site on `dir` (the site's file too), base clock frozen at `base` */
async function startRun(dir: string, base = T0, opts: { beforeInstall?: (site: JiraSite, platform: ForgePlatform) => void | Promise<void>; platform?: Partial<ForgePlatformOptions> } = {}): Promise<Run> {
  const logs: string[] = [];
  const platform = new ForgePlatform({ appRoot: APP, dataDir: dir, now: () => base, log: (line) => logs.push(line), ...opts.platform });
  await platform.start();
  const site = JiraSite.create({
    name: 'internal', db: path.join(dir, 'jira-internal.sqlite'), seed: 'default',
    now: () => platform.scheduler.now(), rateLimits: false, searchIndexLagMs: 0,
  });
  await site.listen(0, '127.0.0.1');
  await opts.beforeInstall?.(site, platform);
  const inst = await platform.install(site);
  const run = { platform, site, inst, logs };
  runs.push(run);
  return run;
}

async function stop(run: Run): Promise<void> {
  const i = runs.indexOf(run);
  if (i >= 0) runs.splice(i, 1);
  await run.platform.close();
  await run.site.close();
}

/** create an issue as the site's user (a person: not dropped by ignoreSelf) */
async function createIssue(site: JiraSite, summary: string): Promise<string> {
  const who = site.user;
  const res = await fetch(`${site.baseUrl ?? ''}/rest/api/3/issue`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${who.email}:${who.apiToken}`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary } }),
  });
  const body = await res.json() as { key?: string };
  if (res.status !== 201 || body.key === undefined) throw new Error(`create → ${res.status} ${JSON.stringify(body)}`);
  return body.key;
}

/** what a trigger module recorded for its delivery number `retryCount` of the issue's event */
const attempt = (inst: Installation, moduleKey: string, key: string, retryCount: number): unknown => inst.kvsValue(`attempt:${moduleKey}:${key}:${retryCount}`);
const attempts = (inst: Installation, key: string): string[] => inst.kvsKeys('attempt:').filter((k) => k.includes(`:${key}:`));

/** resolves once `moduleKey` has started `count` invocations */
function started(platform: ForgePlatform, moduleKey: string, count = 1): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const off = platform.onInvocation((e) => {
      if (e.phase === 'start' && e.moduleKey === moduleKey && ++seen === count) { off(); resolve(); }
    });
  });
}

/** yields to the event loop until `done()` (a hung handler's own KVS write has no other signal) */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise<void>((r) => setImmediate(r));
  expect(done()).toBe(true);
}

describe('product events: at least once', () => {
  it('delivers an event once to each matching trigger, with Forge’s payload, and is idle only when both are done', async () => {
    const run = await startRun(dataDir());
    const key = await createIssue(run.site, 'ok');
    await run.platform.waitForIdle();
    expect(attempts(run.inst, key).sort()).toEqual([`attempt:delivery-events:${key}:0`, `attempt:delivery-second:${key}:0`]);
    expect(attempt(run.inst, 'delivery-events', key, 0)).toEqual({
      eventType: 'avi:jira:created:issue', retryContext: null,
      // the journal's sequence number is the sandbox's own: not in the app's payload
      payloadKeys: ['associatedUsers', 'atlassianId', 'context', 'eventType', 'issue', 'selfGenerated', 'timestamp'],
    });
    expect(run.platform.pending()).toBe(0);
  });

  it('counts an event as pending from Jira’s commit until its triggers are done', async () => {
    const run = await startRun(dataDir());
    let pendingAtCommit = -1;
    // runs in the site's own turn after the commit, before the installation has seen the event
    run.site.onEvent(() => { pendingAtCommit = run.platform.pending(); });
    const hung = started(run.platform, 'delivery-events');
    await createIssue(run.site, 'hang');
    await hung;
    expect(run.platform.pending()).toBe(2); // two trigger modules, both delivering
    expect(pendingAtCommit).toBeGreaterThanOrEqual(1);
  });

  it('does not deliver events from before the installation', async () => {
    let before = '';
    const run = await startRun(dataDir(), T0, { beforeInstall: async (site) => { before = await createIssue(site, 'ok'); } });
    const after = await createIssue(run.site, 'ok');
    await run.platform.waitForIdle();
    expect(attempts(run.inst, before)).toEqual([]);
    expect(attempts(run.inst, after)).toHaveLength(2);
  });

  it('delivers again after a restart an event whose trigger was running when the platform closed (a platform error: retryCount 1)', async () => {
    const dir = dataDir();
    const first = await startRun(dir);
    const both = Promise.all([started(first.platform, 'delivery-events'), started(first.platform, 'delivery-second')]);
    const key = await createIssue(first.site, 'hang-first');
    await both;
    expect(first.platform.pending()).toBe(2);
    await stop(first); // as a kill: the triggers never returned

    const second = await startRun(dir);
    await second.platform.waitForIdle();
    for (const moduleKey of ['delivery-events', 'delivery-second']) {
      expect(attempt(second.inst, moduleKey, key, 1)).toEqual(expect.objectContaining({
        eventType: 'avi:jira:created:issue', retryContext: { retryCount: 1, retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR' },
      }));
    }
    expect(second.platform.pending()).toBe(0);
    await stop(second);

    // delivered: a third start has nothing left to deliver
    const third = await startRun(dir);
    await third.platform.waitForIdle();
    expect(third.inst.kvsKeys(`attempt:delivery-events:${key}:`)).toEqual([`attempt:delivery-events:${key}:0`, `attempt:delivery-events:${key}:1`]);
  });

  it('delivers after a restart an event Jira committed but the platform never recorded (closed right after the commit)', async () => {
    const dir = dataDir();
    let closeOnNextEvent = false;
    const first = await startRun(dir, T0, {
      // subscribed before the installation: runs first, and closes the platform before it records the event
      beforeInstall: (site, platform) => { site.onEvent(() => { if (closeOnNextEvent) void platform.close(); }); },
    });
    const invoked: string[] = [];
    first.platform.onInvocation((e) => invoked.push(`${e.phase} ${e.moduleKey}`));
    closeOnNextEvent = true;
    const key = await createIssue(first.site, 'ok');
    await stop(first);
    expect(invoked).toEqual([]);

    const second = await startRun(dir);
    await second.platform.waitForIdle();
    expect(attempts(second.inst, key).sort()).toEqual([`attempt:delivery-events:${key}:0`, `attempt:delivery-second:${key}:0`]);
    expect(attempt(second.inst, 'delivery-events', key, 0)).toEqual(expect.objectContaining({ retryContext: null }));
    // recorded once: live events after the restart go on from there
    const later = await createIssue(second.site, 'ok');
    await second.platform.waitForIdle();
    expect(attempts(second.inst, later)).toHaveLength(2);
    expect(attempts(second.inst, key)).toHaveLength(2);
  });

  it('retries a returned InvocationError after retryAfter, with the retry count and data, at most 4 times', async () => {
    const run = await startRun(dataDir());
    const key = await createIssue(run.site, 'retry 30');
    await run.platform.waitForSettled();
    expect(attempt(run.inst, 'delivery-events', key, 0)).toEqual(expect.objectContaining({ retryContext: null }));
    expect(run.platform.pending()).toBe(2); // both modules wait for their retry
    for (let n = 1; n <= 4; n++) {
      await run.platform.advance(29_999);
      await run.platform.waitForSettled();
      expect(attempt(run.inst, 'delivery-events', key, n)).toBeUndefined();
      await run.platform.advance(1);
      await run.platform.waitForSettled();
      expect(attempt(run.inst, 'delivery-events', key, n)).toEqual(expect.objectContaining({
        retryContext: { retryCount: n, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: { attempt: n - 1 } },
      }));
    }
    // the fourth retry asked for a fifth: "You can only retry an event for a maximum of four times"
    expect(run.platform.pending()).toBe(0);
    await run.platform.advance(60 * MINUTE);
    await run.platform.waitForIdle();
    expect(run.inst.kvsKeys(`attempt:delivery-events:${key}:`)).toHaveLength(5);
    expect(run.logs).toEqual(expect.arrayContaining([expect.stringContaining('its 4 retries are spent')]));
  });

  it('lowers retryAfter to 900 s, and waits 1 s for an InvocationError with the package defaults', async () => {
    const run = await startRun(dataDir());
    const long = await createIssue(run.site, 'retry 5000');
    const plain = await createIssue(run.site, 'retry');
    await run.platform.waitForSettled();
    await run.platform.advance(999);
    await run.platform.waitForSettled();
    expect(attempt(run.inst, 'delivery-events', plain, 1)).toBeUndefined();
    await run.platform.advance(1);
    await run.platform.waitForSettled();
    expect(attempt(run.inst, 'delivery-events', plain, 1)).toEqual(expect.objectContaining({ retryContext: { retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST' } }));
    await run.platform.advance(900_000 - 1_000 - 1);
    await run.platform.waitForSettled();
    expect(attempt(run.inst, 'delivery-events', long, 1)).toBeUndefined();
    await run.platform.advance(1);
    await run.platform.waitForSettled();
    expect(attempt(run.inst, 'delivery-events', long, 1)).toEqual(expect.objectContaining({ retryContext: expect.objectContaining({ retryCount: 1 }) }));
  });

  it('does not retry an error the app throws, and logs it', async () => {
    const run = await startRun(dataDir());
    const key = await createIssue(run.site, 'throw');
    await run.platform.waitForIdle();
    expect(run.platform.pending()).toBe(0);
    await run.platform.advance(60 * MINUTE);
    await run.platform.waitForIdle();
    expect(attempts(run.inst, key).sort()).toEqual([`attempt:delivery-events:${key}:0`, `attempt:delivery-second:${key}:0`]);
    expect(run.logs).toEqual(expect.arrayContaining([expect.stringMatching(/trigger delivery-events .* failed: the trigger threw Error: the app failed on INT-\d+ \(an error thrown is not retried/)]));
  });

  it('retries a trigger that timed out (a platform error), counting toward the same four retries', async () => {
    const run = await startRun(dataDir());
    const key = await createIssue(run.site, 'hang');
    for (let n = 0; n <= 4; n++) {
      await until(() => attempt(run.inst, 'delivery-events', key, n) !== undefined);
      if (n > 0) {
        expect(attempt(run.inst, 'delivery-events', key, n)).toEqual(expect.objectContaining({ retryContext: { retryCount: n, retryReason: 'FUNCTION_TIME_OUT' } }));
      }
      await run.platform.advance(25_000); // product triggers: 25 s
      await run.platform.waitForSettled();
      if (n < 4) {
        expect(run.platform.pending()).toBe(2);
        await run.platform.advance(2 ** n * 1000); // 1, 2, 4, 8 s
      }
    }
    expect(run.platform.pending()).toBe(0);
    expect(run.inst.kvsKeys(`attempt:delivery-events:${key}:`)).toHaveLength(5);
  });
});

describe('product events and the invocation limits', () => {
  it('retries a trigger the invocation limit refused (a platform error) once the window has room', async () => {
    const run = await startRun(dataDir(), T0, { platform: { limits: { invocations: { perInstallationPerMinute: 1 } } } });
    const key = await createIssue(run.site, 'ok');
    await run.platform.waitForSettled();
    // the first module took the minute's only invocation; the second was refused before it ran
    expect(attempts(run.inst, key)).toEqual([`attempt:delivery-events:${key}:0`]);
    expect(run.platform.pending()).toBe(1);
    expect(run.platform.limitRefusals()).toEqual({ 'invocations.perInstallationPerMinute': 1 });
    await run.platform.advance(60_000);
    await run.platform.waitForIdle();
    expect(attempt(run.inst, 'delivery-second', key, 1)).toEqual(expect.objectContaining({ retryContext: { retryCount: 1, retryReason: 'FUNCTION_PLATFORM_RATE_LIMITED' } }));
  });
});

describe('scheduled triggers across restarts', () => {
  const ticks = (run: Run): unknown => run.inst.kvsValue('ticks') ?? 0;

  it('runs one interval after a fresh install, then after a restart on the grid it ran on, without a burst of missed runs', async () => {
    const dir = dataDir();
    const first = await startRun(dir);
    await first.platform.advance(5 * MINUTE - 1);
    await first.platform.waitForIdle();
    expect(ticks(first)).toBe(0);
    await first.platform.advance(1);
    await first.platform.waitForIdle();
    expect(ticks(first)).toBe(1); // T0 + 5 min
    await first.platform.advance(3 * MINUTE); // T0 + 8 min
    await stop(first);

    // the same base clock: the platform time comes back from the data folder (T0 + 8 min)
    const second = await startRun(dir);
    expect(second.platform.scheduler.now()).toBe(T0 + 8 * MINUTE);
    await second.platform.advance(2 * MINUTE - 1);
    await second.platform.waitForIdle();
    expect(ticks(second)).toBe(1);
    await second.platform.advance(1);
    await second.platform.waitForIdle();
    expect(ticks(second)).toBe(2); // T0 + 10 min: the old grid, not restart + 5 min
    await stop(second);

    // an hour passed on the base clock while nothing ran: no catch-up runs, the next grid point
    const third = await startRun(dir, T0 + 62 * MINUTE);
    expect(third.platform.scheduler.now()).toBe(T0 + 72 * MINUTE);
    await third.platform.waitForIdle();
    expect(ticks(third)).toBe(2);
    await third.platform.advance(3 * MINUTE - 1);
    await third.platform.waitForIdle();
    expect(ticks(third)).toBe(2);
    await third.platform.advance(1);
    await third.platform.waitForIdle();
    expect(ticks(third)).toBe(3); // T0 + 75 min
  });

  it('runs once when the clock jumps several intervals at once, then on the grid', async () => {
    const run = await startRun(dataDir());
    await run.platform.advance(17 * MINUTE); // past T0 + 5, 10, 15
    await run.platform.waitForIdle();
    expect(ticks(run)).toBe(1);
    await run.platform.advance(3 * MINUTE - 1);
    await run.platform.waitForIdle();
    expect(ticks(run)).toBe(1);
    await run.platform.advance(1);
    await run.platform.waitForIdle();
    expect(ticks(run)).toBe(2); // T0 + 20 min
  });
});

describe('the platform clock across restarts', () => {
  it('never runs backwards: a restarted platform starts at least at the last platform time of its data folder', async () => {
    const dir = dataDir();
    const first = await startRun(dir);
    await first.platform.advance(10 * MINUTE);
    expect(JSON.parse(readFileSync(path.join(dir, CLOCK_FILE), 'utf8'))).toEqual({ advancedMs: 10 * MINUTE, now: T0 + 10 * MINUTE });
    await stop(first);

    // a base clock behind the stored time (set back, or a test's earlier frozen time)
    const behind = await startRun(dir, T0 - 60 * MINUTE);
    expect(behind.platform.scheduler.now()).toBe(T0 + 10 * MINUTE);
    await stop(behind);

    // a base clock that moved on keeps the time advanced on top of it
    const ahead = await startRun(dir, T0 + 60 * MINUTE);
    expect(ahead.platform.scheduler.now()).toBe(T0 + 70 * MINUTE);
    await stop(ahead);

    // in memory nothing is kept
    const memory = new ForgePlatform({ appRoot: APP, dataDir: null, now: () => T0 });
    expect(memory.scheduler.now()).toBe(T0);
    await memory.close();
  });
});

describe('POST /_sandbox/advance', () => {
  it('advances the platform clock (and what is due runs), answering the new time', async () => {
    const run = await startRun(dataDir());
    const post = (body: string): Promise<Response> => fetch(`${run.site.baseUrl ?? ''}/_sandbox/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const res = await post(JSON.stringify({ ms: 5 * MINUTE }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ now: T0 + 5 * MINUTE });
    expect(run.platform.scheduler.now()).toBe(T0 + 5 * MINUTE);
    await run.platform.waitForIdle();
    expect(run.inst.kvsValue('ticks')).toBe(1);
    const zero = await post('{"ms":0}');
    expect(await zero.json()).toEqual({ now: T0 + 5 * MINUTE });
  });

  it.each([
    ['a negative ms', '{"ms":-1}'],
    ['a fraction', '{"ms":1.5}'],
    ['a string', '{"ms":"1000"}'],
    ['no ms', '{}'],
    ['another field', '{"ms":1,"by":"me"}'],
    ['not JSON', 'soon'],
    ['a body over 1 KB', JSON.stringify({ ms: 1, pad: 'x'.repeat(2000) })],
  ])('answers 400 for %s and leaves the clock alone', async (_what, body) => {
    const run = await startRun(dataDir());
    const res = await fetch(`${run.site.baseUrl ?? ''}/_sandbox/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { name: 'BadRequest', message: expect.any(String) } });
    expect(run.platform.scheduler.now()).toBe(T0);
  });

  it('answers 405 to anything but POST', async () => {
    const run = await startRun(dataDir());
    const res = await fetch(`${run.site.baseUrl ?? ''}/_sandbox/advance`);
    expect(res.status).toBe(405);
    await res.body?.cancel();
  });
});
