import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { FORGE_LIMITS, LIMIT_SOURCES, type EventLimits } from './limits/forge-limits';
import type { Scheduler, TimerHandle } from './scheduler';
import { currentInvocation, outsideInvocation } from './runtime-context';

/**
 * Forge async events for one installation: `Queue.push` lands here (via the stargate
 * `/webhook/queue/publish/...` request), events are persisted in the installation's SQLite database
 * and delivered at least once to the queue's consumer function. Honours `delayInSeconds`,
 * `concurrency {key, limit}`, retries (thrown error, timeout, or a returned `InvocationError` /
 * `QueueResponse.retry()`) with backoff and `retryContext`, and after the retry budget writes a
 * dead letter (see DeadLetter).
 *
 * Dispatch reads only what it starts: waiting events without a concurrency key come from a partial
 * index in (due_at, seq) order; for events with a key, a per-connection table holds the head (the
 * earliest waiting event) of each (queue, key, limit) group, also ordered by (due_at, seq). Starting
 * the next event is then two index seeks (LIMIT 1) plus skipping the heads of groups that are at their
 * limit, of which there are at most as many as events running (8). The cost of a dispatch grows with
 * log(backlog), never with the backlog itself.
 */

/** Forge's async events limits (limits/forge-limits.ts, with the pages they come from) */
export const QUEUE_LIMITS: EventLimits = FORGE_LIMITS.events;

const EventBodySchema = z.record(z.string(), z.unknown());
const ConcurrencySchema = z.strictObject({ key: z.string().min(1).max(255), limit: z.number().int().min(1).max(100) });
const PushEventSchema = z.looseObject({
  body: EventBodySchema,
  delayInSeconds: z.number().min(0).optional(),
  concurrency: ConcurrencySchema.optional(),
});
export const PushRequestSchema = z.looseObject({
  queueName: z.string().regex(/^[a-zA-Z0-9-_]+$/),
  jobId: z.string().min(1),
  payload: z.array(PushEventSchema),
});
export const JobRequestSchema = z.looseObject({ queueName: z.string(), jobId: z.string().min(1) });

/** a returned InvocationError / QueueResponse: `{_retry: true, retryOptions?}` */
const RetryResultSchema = z.looseObject({
  _retry: z.literal(true),
  retryOptions: z.looseObject({
    retryAfter: z.number().optional(),
    retryReason: z.string().optional(),
    retryData: z.unknown().optional(),
  }).optional(),
});

/** What the consumer is invoked with (Forge's AsyncEvent). */
export interface AsyncEvent {
  body: Record<string, unknown>;
  queueName: string;
  jobId: string;
  eventId: string;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  retryContext?: { retryCount: number; retryReason: string; retryData: unknown };
}

/**
 * A dead letter: an event that failed `1 + maxRetries` times. Stored in the installation's KVS
 * under `forge-dead-letter:<queueName>:<eventId>` so the app can read it with
 * `kvs.query().where('key', WhereConditions.beginsWith('forge-dead-letter:'))`.
 */
export interface DeadLetter {
  queueName: string;
  eventId: string;
  jobId: string;
  body: Record<string, unknown>;
  attempts: number;
  retryReason: string;
  lastError: string;
  failedAt: string;
}
export const DEAD_LETTER_PREFIX = 'forge-dead-letter:';

export class InvocationTimeoutError extends Error {
  constructor(seconds: number) {
    super(`FUNCTION_TIME_OUT: the function ran past its ${seconds} s timeout`);
    this.name = 'InvocationTimeoutError';
  }
}

interface Row {
  event_id: string;
  queue: string;
  job_id: string;
  body: string;
  delay_s: number | null;
  ckey: string | null;
  climit: number | null;
  due_at: number;
  seq: number;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  state: 'waiting' | 'running';
  chain: string | null;
}

/** the head of one (queue, key, limit) group: its earliest waiting event */
interface Head {
  queue: string;
  ckey: string;
  climit: number;
  due_at: number;
  seq: number;
  event_id: string;
}

export interface QueueDeps {
  db: Database.Database;
  scheduler: Scheduler;
  /** queue name → has a consumer */
  hasConsumer(queueName: string): boolean;
  /** run the queue's consumer; resolves with its result, rejects on error or timeout */
  deliver(event: AsyncEvent): Promise<unknown>;
  writeDeadLetter(letter: DeadLetter): void;
  /** something changed (for the idle signal) */
  changed(): void;
  /** multiplies every delay and backoff (tests may pass 0) */
  backoffScale: number;
}

export type PushOutcome = { status: 201 } | { status: 413 | 400; errorMessage: string };

export class AsyncQueue {
  private readonly stmts;
  private wake: TimerHandle | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private running = 0;
  /** running events per concurrency key (queue NUL key) */
  private readonly runningByKey = new Map<string, number>();
  /** rows in queue_events (waiting or running) */
  private rows: number;
  private closed = false;
  private readonly jobs = new Map<string, { success: number; failed: number }>();
  private limits: EventLimits = QUEUE_LIMITS;
  private seq: number;

  constructor(private readonly deps: QueueDeps) {
    const { db } = deps;
    db.exec(`CREATE TABLE IF NOT EXISTS queue_events (
      event_id TEXT PRIMARY KEY, queue TEXT NOT NULL, job_id TEXT NOT NULL, body TEXT NOT NULL,
      delay_s REAL, ckey TEXT, climit INTEGER, due_at INTEGER NOT NULL, seq INTEGER NOT NULL,
      retry_count INTEGER NOT NULL DEFAULT 0, retry_reason TEXT, retry_data TEXT, state TEXT NOT NULL DEFAULT 'waiting',
      chain TEXT)`);
    // files written before the cyclic invocation limit have no chain column
    const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('queue_events')`).all().map((c) => c.name);
    if (!columns.includes('chain')) db.exec('ALTER TABLE queue_events ADD COLUMN chain TEXT');
    // waiting events without a concurrency key, in dispatch order
    db.exec(`CREATE INDEX IF NOT EXISTS queue_free ON queue_events (due_at, seq) WHERE state = 'waiting' AND ckey IS NULL`);
    // waiting events with a key, per group in dispatch order (a group's next head is one seek away)
    db.exec(`CREATE INDEX IF NOT EXISTS queue_keyed ON queue_events (queue, ckey, climit, due_at, seq) WHERE state = 'waiting' AND ckey IS NOT NULL`);
    // the next wake-up and "anything due?"
    db.exec(`CREATE INDEX IF NOT EXISTS queue_due ON queue_events (state, due_at)`);
    db.exec(`CREATE INDEX IF NOT EXISTS queue_job ON queue_events (job_id, state)`);
    // derived from queue_events, so it lives with the connection and is rebuilt on every start
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS queue_heads (
      queue TEXT NOT NULL, ckey TEXT NOT NULL, climit INTEGER NOT NULL, due_at INTEGER NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL,
      PRIMARY KEY (queue, ckey, climit)) WITHOUT ROWID`);
    db.exec(`CREATE INDEX IF NOT EXISTS temp.queue_heads_due ON queue_heads (due_at, seq)`);
    // at-least-once: whatever was running when the platform stopped is delivered again
    db.exec(`UPDATE queue_events SET state = 'waiting' WHERE state = 'running'`);
    db.exec(`DELETE FROM temp.queue_heads`);
    db.exec(`INSERT INTO temp.queue_heads (queue, ckey, climit, due_at, seq, event_id)
      SELECT queue, ckey, climit, due_at, seq, event_id FROM (
        SELECT queue, ckey, climit, due_at, seq, event_id,
          ROW_NUMBER() OVER (PARTITION BY queue, ckey, climit ORDER BY due_at, seq) AS n
        FROM queue_events WHERE state = 'waiting' AND ckey IS NOT NULL)
      WHERE n = 1`);
    this.stmts = {
      insert: db.prepare('INSERT INTO queue_events (event_id, queue, job_id, body, delay_s, ckey, climit, due_at, seq, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      // INDEXED BY: left alone, SQLite prefers queue_due and sorts every due row for the LIMIT 1
      nextFree: db.prepare<[number], Row>(`SELECT * FROM queue_events INDEXED BY queue_free
        WHERE state = 'waiting' AND ckey IS NULL AND due_at <= ? ORDER BY due_at, seq LIMIT 1`),
      dueHeads: db.prepare<[number], Head>(`SELECT * FROM temp.queue_heads WHERE due_at <= ? ORDER BY due_at, seq`),
      groupHead: db.prepare<[string, string, number], Head>(`SELECT queue, ckey, climit, due_at, seq, event_id FROM queue_events INDEXED BY queue_keyed
        WHERE state = 'waiting' AND ckey IS NOT NULL AND queue = ? AND ckey = ? AND climit = ? ORDER BY due_at, seq LIMIT 1`),
      putHead: db.prepare(`INSERT INTO temp.queue_heads (queue, ckey, climit, due_at, seq, event_id) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (queue, ckey, climit) DO UPDATE SET due_at = excluded.due_at, seq = excluded.seq, event_id = excluded.event_id`),
      dropHead: db.prepare(`DELETE FROM temp.queue_heads WHERE queue = ? AND ckey = ? AND climit = ?`),
      byId: db.prepare<[string], Row>(`SELECT * FROM queue_events WHERE event_id = ?`),
      nextDue: db.prepare<[], { due: number | null }>(`SELECT MIN(due_at) AS due FROM queue_events WHERE state = 'waiting'`),
      anyDue: db.prepare<[number], { one: number }>(`SELECT 1 AS one FROM queue_events WHERE state = 'waiting' AND due_at <= ? LIMIT 1`),
      countDue: db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events WHERE state = 'waiting' AND due_at <= ?`),
      setRunning: db.prepare(`UPDATE queue_events SET state = 'running' WHERE event_id = ?`),
      retry: db.prepare(`UPDATE queue_events SET state = 'waiting', retry_count = ?, retry_reason = ?, retry_data = ?, due_at = ? WHERE event_id = ?`),
      remove: db.prepare(`DELETE FROM queue_events WHERE event_id = ?`),
      count: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events`),
      jobCount: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events WHERE job_id = ?`),
      jobGroups: db.prepare<[string], { queue: string; ckey: string; climit: number }>(`SELECT DISTINCT queue, ckey, climit FROM queue_events
        WHERE job_id = ? AND state = 'waiting' AND ckey IS NOT NULL`),
      cancelJob: db.prepare(`DELETE FROM queue_events WHERE job_id = ? AND state = 'waiting'`),
      maxSeq: db.prepare<[], { s: number | null }>(`SELECT MAX(seq) AS s FROM queue_events`),
      chainOf: db.prepare<[string], { chain: string | null }>(`SELECT chain FROM queue_events WHERE event_id = ?`),
    };
    this.seq = (this.stmts.maxSeq.get()?.s ?? 0) + 1;
    this.rows = this.stmts.count.get()?.n ?? 0;
    this.pump();
  }

  /** the platform's limits (tightened or raised by its options) */
  setLimits(limits: EventLimits): void {
    this.limits = limits;
  }

  /** events not yet completed (waiting, delayed, retrying or running) */
  size(): number {
    return this.rows;
  }

  /** events running or due now (not counting those delayed into the future) */
  dueOrRunning(): number {
    return this.running + (this.stmts.countDue.get(this.deps.scheduler.now())?.n ?? 0);
  }

  /** dueOrRunning() > 0, in one index seek */
  hasDueOrRunning(): boolean {
    return this.running > 0 || this.stmts.anyDue.get(this.deps.scheduler.now()) !== undefined;
  }

  /** the invocation chain an event was pushed from (for the cyclic invocation limit) */
  chainOf(eventId: string): string | undefined {
    return this.stmts.chainOf.get(eventId)?.chain ?? undefined;
  }

  /** the stargate push endpoint */
  push(raw: unknown): PushOutcome {
    const limits = this.limits;
    const bytes = Buffer.byteLength(JSON.stringify(raw ?? null));
    const parsed = PushRequestSchema.safeParse(raw);
    if (!parsed.success) return { status: 400, errorMessage: `Invalid push request: ${z.prettifyError(parsed.error)}` };
    const req = parsed.data;
    if (!this.deps.hasConsumer(req.queueName)) return { status: 400, errorMessage: `No consumer is declared in manifest.yml for queue '${req.queueName}'.` };
    if (req.payload.length === 0) return { status: 400, errorMessage: 'No events pushed.' };
    // the texts are @forge/events' own (out/text.js), so a refusal reads the same from either side
    if (req.payload.some((ev) => (ev.delayInSeconds ?? 0) > limits.maxDelaySeconds)) {
      return { status: 400, errorMessage: `The delayInSeconds setting must be between 0 and ${limits.maxDelaySeconds}.` };
    }
    if (req.payload.length > limits.maxEventsPerPush) return { status: 413, errorMessage: `This push contains more than the ${limits.maxEventsPerPush} events allowed.` };
    const payloadBytes = Buffer.byteLength(JSON.stringify(req.payload));
    if (payloadBytes > limits.maxPushBytes || bytes > limits.maxPushBytes + 4096) {
      return { status: 413, errorMessage: `The maximum payload size is ${limits.maxPushBytes / 1024}KB.` };
    }
    const now = this.deps.scheduler.now();
    // pushed from inside an invocation: the events belong to its chain (cyclic invocation limit)
    const chain = currentInvocation()?.chain ?? null;
    const groups = new Map<string, [string, string, number]>();
    this.deps.db.transaction(() => {
      for (const ev of req.payload) {
        const delayMs = (ev.delayInSeconds ?? 0) * 1000 * this.deps.backoffScale;
        const c = ev.concurrency;
        this.stmts.insert.run(randomUUID(), req.queueName, req.jobId, JSON.stringify(ev.body), ev.delayInSeconds ?? null,
          c?.key ?? null, c?.limit ?? null, now + delayMs, this.seq++, chain);
        if (c) groups.set(`${c.key}\u0000${c.limit}`, [req.queueName, c.key, c.limit]);
      }
      for (const [queue, key, limit] of groups.values()) this.refreshHead(queue, key, limit);
    })();
    this.rows += req.payload.length;
    this.jobs.set(req.jobId, this.jobs.get(req.jobId) ?? { success: 0, failed: 0 });
    // job statistics are kept for the most recent jobs only
    for (const oldest of this.jobs.keys()) {
      if (this.jobs.size <= limits.jobsRemembered) break;
      this.jobs.delete(oldest);
    }
    this.deps.changed();
    this.pump();
    return { status: 201 };
  }

  /** job statistics (`Queue.getStats`), or undefined for an unknown job */
  jobStats(jobId: string): { success: number; inProgress: number; failed: number } | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    return { success: job.success, inProgress: this.stmts.jobCount.get(jobId)?.n ?? 0, failed: job.failed };
  }

  /** cancel the job's events that have not started; false for an unknown job */
  cancelJob(jobId: string): boolean {
    if (!this.jobs.has(jobId)) return false;
    this.deps.db.transaction(() => {
      const groups = this.stmts.jobGroups.all(jobId);
      this.rows -= this.stmts.cancelJob.run(jobId).changes;
      for (const g of groups) this.refreshHead(g.queue, g.ckey, g.climit);
    })();
    this.deps.changed();
    return true;
  }

  close(): void {
    this.closed = true;
    this.wake?.cancel();
    this.wake = null;
  }

  /** point the group's head at its earliest waiting event (or drop it): one index seek */
  private refreshHead(queue: string, ckey: string, climit: number): void {
    const head = this.stmts.groupHead.get(queue, ckey, climit);
    if (head) this.stmts.putHead.run(head.queue, head.ckey, head.climit, head.due_at, head.seq, head.event_id);
    else this.stmts.dropHead.run(queue, ckey, climit);
  }

  private keyOf(queue: string, ckey: string): string {
    return `${queue}\u0000${ckey}`;
  }

  /** the earliest due event that may start now: no key, or its key below the event's limit */
  private nextStartable(now: number): Row | undefined {
    const free = this.stmts.nextFree.get(now);
    let keyed: Head | undefined;
    // heads of groups at their limit are skipped; such a group has an event running, so there are
    // at most as many of them as events running
    for (const head of this.stmts.dueHeads.iterate(now)) {
      if (free && (head.due_at > free.due_at || (head.due_at === free.due_at && head.seq > free.seq))) break;
      if ((this.runningByKey.get(this.keyOf(head.queue, head.ckey)) ?? 0) < head.climit) {
        keyed = head;
        break;
      }
    }
    if (keyed) return this.stmts.byId.get(keyed.event_id);
    return free;
  }

  /** start every event that may start now, and arm a wake-up for the next delayed one */
  private pump(): void {
    if (this.closed) return;
    outsideInvocation(() => {
      const now = this.deps.scheduler.now();
      while (this.running < this.limits.maxParallel) {
        const row = this.nextStartable(now);
        if (!row) break;
        this.stmts.setRunning.run(row.event_id);
        if (row.ckey !== null && row.climit !== null) {
          const key = this.keyOf(row.queue, row.ckey);
          this.runningByKey.set(key, (this.runningByKey.get(key) ?? 0) + 1);
          this.refreshHead(row.queue, row.ckey, row.climit);
        }
        this.running++;
        void this.run({ ...row, state: 'running' });
      }
      const next = this.stmts.nextDue.get()?.due ?? null;
      if (next !== null && next > now && next !== this.wakeAt) {
        this.wake?.cancel();
        this.wakeAt = next;
        this.wake = this.deps.scheduler.at(next, () => {
          this.wake = null;
          this.wakeAt = Number.POSITIVE_INFINITY;
          this.pump();
        });
      }
    });
  }

  /** why a retry cannot be queued (retryData limits), or undefined */
  private retryRefusal(body: string, retryData: string | null): string | undefined {
    if (retryData === null) return undefined;
    const dataBytes = Buffer.byteLength(retryData);
    // limits-async-events "Retry data size 4 KB"; the page names no error: the retry is refused, as
    // Forge refuses one whose event and retryData together pass 200 KB (https://jira.atlassian.com/browse/ECO-759)
    if (dataBytes > this.limits.maxRetryDataBytes) return `the retryData is ${dataBytes} bytes, over the ${this.limits.maxRetryDataBytes} bytes allowed (${LIMIT_SOURCES.events})`;
    const total = dataBytes + Buffer.byteLength(body);
    if (total > this.limits.maxPushBytes) return `the event and its retryData are ${total} bytes, over the ${this.limits.maxPushBytes} bytes allowed (https://jira.atlassian.com/browse/ECO-759)`;
    return undefined;
  }

  private async run(row: Row): Promise<void> {
    const event: AsyncEvent = {
      body: EventBodySchema.parse(JSON.parse(row.body)),
      queueName: row.queue,
      jobId: row.job_id,
      eventId: row.event_id,
      ...(row.delay_s !== null ? { delayInSeconds: row.delay_s } : {}),
      ...(row.ckey !== null && row.climit !== null ? { concurrency: { key: row.ckey, limit: row.climit } } : {}),
      ...(row.retry_count > 0 ? { retryContext: { retryCount: row.retry_count, retryReason: row.retry_reason ?? 'FUNCTION_RETRY_REQUEST', retryData: row.retry_data === null ? undefined : JSON.parse(row.retry_data) as unknown } } : {}),
    };
    let retry: { reason: string; data: unknown; afterMs: number | null; error: string } | null = null;
    try {
      const result = await this.deps.deliver(event);
      const asRetry = RetryResultSchema.safeParse(result);
      if (asRetry.success) {
        const o = asRetry.data.retryOptions;
        retry = {
          reason: o?.retryReason ?? 'FUNCTION_RETRY_REQUEST',
          data: o?.retryData,
          afterMs: o?.retryAfter !== undefined ? Math.max(1, o.retryAfter) * 1000 : null,
          error: 'the consumer asked for a retry (InvocationError)',
        };
      }
    } catch (e) {
      retry = {
        reason: e instanceof InvocationTimeoutError ? 'FUNCTION_TIME_OUT' : 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
        data: undefined,
        afterMs: null,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
    this.running--;
    if (row.ckey !== null && row.climit !== null) {
      const key = this.keyOf(row.queue, row.ckey);
      const n = (this.runningByKey.get(key) ?? 1) - 1;
      if (n > 0) this.runningByKey.set(key, n);
      else this.runningByKey.delete(key);
    }
    if (this.closed) return; // the row stays; it is delivered again after a restart
    const job = this.jobs.get(row.job_id) ?? { success: 0, failed: 0 };
    const retryData = retry?.data === undefined ? null : JSON.stringify(retry.data);
    const refusal = retry ? this.retryRefusal(row.body, retryData) : undefined;
    if (!retry) {
      this.stmts.remove.run(row.event_id);
      this.rows--;
      job.success++;
    } else if (row.retry_count >= this.limits.maxRetries || refusal !== undefined) {
      this.deps.writeDeadLetter({
        queueName: row.queue, eventId: row.event_id, jobId: row.job_id, body: event.body,
        attempts: row.retry_count + 1, retryReason: retry.reason,
        lastError: refusal !== undefined ? `${retry.error}; not retried: ${refusal}` : retry.error,
        failedAt: new Date(this.deps.scheduler.now()).toISOString(),
      });
      this.stmts.remove.run(row.event_id);
      this.rows--;
      job.failed++;
    } else {
      const count = row.retry_count + 1;
      const backoff = (retry.afterMs ?? Math.min(2 ** row.retry_count, 60) * 1000) * this.deps.backoffScale;
      this.deps.db.transaction(() => {
        this.stmts.retry.run(count, retry.reason, retryData, this.deps.scheduler.now() + backoff, row.event_id);
        if (row.ckey !== null && row.climit !== null) this.refreshHead(row.queue, row.ckey, row.climit);
      })();
    }
    this.pump();
    this.deps.changed();
  }
}
