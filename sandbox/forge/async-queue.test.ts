import Database from 'better-sqlite3';
import { AsyncQueue, type AsyncEvent, type DeadLetter } from './async-queue';
import { FORGE_LIMITS } from './limits/forge-limits';
import { runInInvocation, type InvocationContext } from './runtime-context';
import { Scheduler } from './scheduler';

/** a database whose statements count the rows they hand back to JavaScript */
function countingDb(): { db: Database.Database; rowsRead: () => number } {
  const real = new Database(':memory:');
  let rows = 0;
  const wrapStatement = (stmt: Database.Statement): Database.Statement => new Proxy(stmt, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop);
      if (typeof v !== 'function') return v;
      if (prop === 'get') return (...args: unknown[]) => { const r: unknown = target.get(...args); if (r !== undefined) rows++; return r; };
      if (prop === 'all') return (...args: unknown[]) => { const r = target.all(...args); rows += r.length; return r; };
      if (prop === 'iterate') {
        return function* (...args: unknown[]) {
          for (const r of target.iterate(...args)) { rows++; yield r; }
        };
      }
      return v.bind(target);
    },
  });
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql));
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db, rowsRead: () => rows };
}

interface Harness {
  queue: AsyncQueue;
  scheduler: Scheduler;
  /** events delivered, in order, with a function that finishes each */
  started: { event: AsyncEvent; finish: (result?: unknown) => void; fail: (e: Error) => void }[];
  letters: DeadLetter[];
}

const open: Harness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) {
    h.queue.close();
    h.scheduler.close();
  }
});

function harness(db: Database.Database, clock = { t: 0 }): Harness {
  const scheduler = new Scheduler(() => clock.t);
  const started: Harness['started'] = [];
  const letters: DeadLetter[] = [];
  const queue = new AsyncQueue({
    db, scheduler, backoffScale: 1,
    hasConsumer: (q) => q === 'q',
    deliver: (event) => new Promise((resolve, reject) => { started.push({ event, finish: resolve, fail: reject }); }),
    writeDeadLetter: (l) => { letters.push(l); },
    changed: () => undefined,
  });
  const h = { queue, scheduler, started, letters };
  open.push(h);
  return h;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const push = (q: AsyncQueue, payload: unknown[], jobId = 'job'): ReturnType<AsyncQueue['push']> => q.push({ queueName: 'q', jobId, payload });
const idOf = (e: AsyncEvent): unknown => e.body['id'];

describe('AsyncQueue dispatch reads only what it starts', () => {
  it.each([200, 2_000])('reads a bounded number of rows per dispatch with %i events waiting', async (backlog) => {
    const { db, rowsRead } = countingDb();
    const h = harness(db);
    // one hot key (every event of it blocked behind the one running), a few ordinary keys, and free events
    for (let i = 0; i < backlog; i += 50) {
      const payload = Array.from({ length: 50 }, (_, j) => {
        const n = i + j;
        if (n % 3 === 0) return { body: { id: n }, concurrency: { key: 'hot', limit: 1 } };
        if (n % 3 === 1) return { body: { id: n }, concurrency: { key: `k${n % 40}`, limit: 1 } };
        return { body: { id: n } };
      });
      expect(push(h.queue, payload, `job-${i}`)).toEqual({ status: 201 });
    }
    expect(h.started).toHaveLength(FORGE_LIMITS.events.maxParallel);
    const perDispatch: number[] = [];
    for (let i = 0; i < 100; i++) {
      const before = rowsRead();
      const next = h.started.find((s) => s.event.body['done'] === undefined);
      if (!next) break;
      next.event.body['done'] = true;
      next.finish(undefined);
      await tick();
      perDispatch.push(rowsRead() - before);
    }
    expect(perDispatch).toHaveLength(100);
    // the same bound at 200 and at 2,000 waiting: a dispatch never reads the backlog
    expect(Math.max(...perDispatch)).toBeLessThanOrEqual(12);
  });

  it('plans every dispatch statement on an index, without sorting or scanning the table', () => {
    const db = new Database(':memory:');
    harness(db);
    const plans = [
      `SELECT * FROM queue_events INDEXED BY queue_free WHERE state = 'waiting' AND ckey IS NULL AND due_at <= 0 ORDER BY due_at, seq LIMIT 1`,
      `SELECT * FROM temp.queue_heads WHERE due_at <= 0 ORDER BY due_at, seq`,
      `SELECT * FROM queue_events INDEXED BY queue_keyed WHERE state = 'waiting' AND ckey IS NOT NULL AND queue = 'q' AND ckey = 'k' AND climit = 1 ORDER BY due_at, seq LIMIT 1`,
      `SELECT MIN(due_at) FROM queue_events WHERE state = 'waiting'`,
      `SELECT 1 FROM queue_events WHERE state = 'waiting' AND due_at <= 0 LIMIT 1`,
      `SELECT COUNT(*) FROM queue_events WHERE job_id = 'j'`,
    ].map((sql) => db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => r.detail).join(' | '));
    for (const plan of plans) {
      expect(plan).toMatch(/SEARCH/);
      expect(plan).not.toMatch(/TEMP B-TREE|SCAN queue_events\b(?! USING)/);
    }
  });
});

describe('AsyncQueue keeps its delivery semantics', () => {
  it('starts events in (due time, push order), never more of one key than its limit', async () => {
    const h = harness(new Database(':memory:'));
    push(h.queue, [
      { body: { id: 'a1' }, concurrency: { key: 'a', limit: 1 } },
      { body: { id: 'a2' }, concurrency: { key: 'a', limit: 1 } },
      { body: { id: 'free1' } },
      { body: { id: 'b1' }, concurrency: { key: 'b', limit: 2 } },
      { body: { id: 'b2' }, concurrency: { key: 'b', limit: 2 } },
      { body: { id: 'b3' }, concurrency: { key: 'b', limit: 2 } },
      // same key as a, a higher limit: it may run beside a1 (a row's own limit decides, as before)
      { body: { id: 'a3' }, concurrency: { key: 'a', limit: 2 } },
    ]);
    expect(h.started.map((s) => idOf(s.event))).toEqual(['a1', 'free1', 'b1', 'b2', 'a3']);
    h.started[0]?.finish(undefined); // a1 done, a3 still runs: a2 (limit 1) still waits
    await tick();
    expect(h.started).toHaveLength(5);
    h.started[4]?.finish(undefined); // a3 done: a2 may start
    await tick();
    expect(h.started.map((s) => idOf(s.event))).toEqual(['a1', 'free1', 'b1', 'b2', 'a3', 'a2']);
    h.started[2]?.finish(undefined); // b1 done: b3 may start
    await tick();
    expect(idOf(h.started[6]!.event)).toBe('b3');
  });

  it('holds delayed events until the clock reaches them, and orders them by due time', async () => {
    const clock = { t: 0 };
    const h = harness(new Database(':memory:'), clock);
    push(h.queue, [{ body: { id: 'late' }, delayInSeconds: 20 }, { body: { id: 'soon' }, delayInSeconds: 10 }]);
    expect(h.started).toHaveLength(0);
    expect(h.queue.hasDueOrRunning()).toBe(false);
    clock.t = 10_000;
    h.scheduler.advance(0);
    expect(h.started.map((s) => idOf(s.event))).toEqual(['soon']);
    clock.t = 20_000;
    h.scheduler.advance(0);
    expect(h.started.map((s) => idOf(s.event))).toEqual(['soon', 'late']);
    expect(h.queue.dueOrRunning()).toBe(2);
  });

  it('redelivers what was running after a restart, keys and heads rebuilt from the table', async () => {
    const db = new Database(':memory:');
    const first = harness(db);
    push(first.queue, [
      { body: { id: 'k1' }, concurrency: { key: 'k', limit: 1 } },
      { body: { id: 'k2' }, concurrency: { key: 'k', limit: 1 } },
    ]);
    expect(first.started.map((s) => idOf(s.event))).toEqual(['k1']);
    first.queue.close();
    const second = harness(db);
    expect(second.queue.size()).toBe(2);
    expect(second.started.map((s) => idOf(s.event))).toEqual(['k1']);
    second.started[0]?.finish(undefined);
    await tick();
    expect(second.started.map((s) => idOf(s.event))).toEqual(['k1', 'k2']);
    expect(second.queue.size()).toBe(1);
  });

  it('takes over a file of the previous schema (no chain column)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE queue_events (
      event_id TEXT PRIMARY KEY, queue TEXT NOT NULL, job_id TEXT NOT NULL, body TEXT NOT NULL,
      delay_s REAL, ckey TEXT, climit INTEGER, due_at INTEGER NOT NULL, seq INTEGER NOT NULL,
      retry_count INTEGER NOT NULL DEFAULT 0, retry_reason TEXT, retry_data TEXT, state TEXT NOT NULL DEFAULT 'waiting')`);
    db.prepare(`INSERT INTO queue_events (event_id, queue, job_id, body, due_at, seq, state) VALUES ('e1', 'q', 'j', '{"id":"old"}', 0, 1, 'running')`).run();
    const h = harness(db);
    expect(h.started.map((s) => idOf(s.event))).toEqual(['old']);
    expect(h.queue.chainOf('e1')).toBeUndefined();
  });

  it('cancels the waiting events of a job and moves the key heads past them', async () => {
    const h = harness(new Database(':memory:'));
    push(h.queue, [{ body: { id: 'x1' }, concurrency: { key: 'x', limit: 1 } }], 'keep');
    push(h.queue, [{ body: { id: 'x2' }, concurrency: { key: 'x', limit: 1 } }], 'drop');
    push(h.queue, [{ body: { id: 'x3' }, concurrency: { key: 'x', limit: 1 } }], 'keep2');
    expect(h.queue.cancelJob('drop')).toBe(true);
    expect(h.queue.size()).toBe(2);
    h.started[0]?.finish(undefined);
    await tick();
    expect(h.started.map((s) => idOf(s.event))).toEqual(['x1', 'x3']);
  });

  it('records the chain of the invocation that pushed', () => {
    const h = harness(new Database(':memory:'));
    const ctx = { chain: 'chain-1' } as unknown as InvocationContext;
    runInInvocation(ctx, () => push(h.queue, [{ body: { id: 'c' } }]));
    push(h.queue, [{ body: { id: 'outside' } }]);
    expect(h.queue.chainOf(h.started[0]!.event.eventId)).toBe('chain-1');
    expect(h.queue.chainOf(h.started[1]!.event.eventId)).toBeUndefined();
  });
});

describe('AsyncQueue limits (https://developer.atlassian.com/platform/forge/limits-async-events)', () => {
  it.each([
    ['50 events', Array.from({ length: 50 }, (_, i) => ({ body: { i } })), { status: 201 }],
    ['51 events', Array.from({ length: 51 }, (_, i) => ({ body: { i } })), { status: 413, errorMessage: 'This push contains more than the 50 events allowed.' }],
    ['200 KB exactly', [{ body: { p: 'x'.repeat(200 * 1024 - 19) } }], { status: 201 }],
    ['one byte over 200 KB', [{ body: { p: 'x'.repeat(200 * 1024 - 18) } }], { status: 413, errorMessage: 'The maximum payload size is 200KB.' }],
    ['delayInSeconds 900', [{ body: {}, delayInSeconds: 900 }], { status: 201 }],
    ['delayInSeconds 901', [{ body: {}, delayInSeconds: 901 }], { status: 400, errorMessage: 'The delayInSeconds setting must be between 0 and 900.' }],
  ])('answers a push of %s as Forge does, and queues nothing when it refuses', (_what, payload, outcome) => {
    const h = harness(new Database(':memory:'));
    expect(push(h.queue, payload)).toEqual(outcome);
    expect(h.queue.size()).toBe(outcome.status === 201 ? payload.length : 0);
  });

  it.each([
    ['4 KB of retryData', 4 * 1024, 1, 0],
    ['one byte over 4 KB', 4 * 1024 + 1, 0, 1],
  ])('retries an InvocationError with %s, and dead-letters it past the limit', async (_what, bytes, retried, dead) => {
    const h = harness(new Database(':memory:'));
    push(h.queue, [{ body: { id: 'r' } }]);
    // JSON of a string of n - 2 characters is n bytes
    h.started[0]?.finish({ _retry: true, retryOptions: { retryAfter: 1, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: 'd'.repeat(bytes - 2) } });
    await tick();
    expect(h.queue.size()).toBe(retried);
    expect(h.letters).toHaveLength(dead);
    if (dead) expect(h.letters[0]?.lastError).toContain(`the retryData is ${bytes} bytes, over the 4096 bytes allowed`);
  });
});
