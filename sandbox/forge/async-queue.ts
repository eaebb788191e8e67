import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Scheduler, TimerHandle } from './scheduler';
import { outsideInvocation } from './runtime-context';

/**
 * Forge async events for one installation: `Queue.push` lands here (via the stargate
 * `/webhook/queue/publish/...` request), events are persisted in the installation's SQLite database
 * and delivered at least once to the queue's consumer function. Honours `delayInSeconds`,
 * `concurrency {key, limit}`, retries (thrown error, timeout, or a returned `InvocationError` /
 * `QueueResponse.retry()`) with backoff and `retryContext`, and after the retry budget writes a
 * dead letter (see DeadLetter).
 */

export const QUEUE_LIMITS = {
  maxEventsPerPush: 50,
  maxPushBytes: 200 * 1024,
  maxDelaySeconds: 900,
  /** retries after the first attempt (Forge retries an async event up to 4 times) */
  maxRetries: 4,
  maxRetryDataBytes: 4 * 1024,
  /** consumer invocations running at once per installation */
  maxParallel: 8,
  /** jobs whose statistics `Queue.getStats` can still read */
  jobsRemembered: 10_000,
} as const;

const ConcurrencySchema = z.strictObject({ key: z.string().min(1).max(255), limit: z.number().int().min(1).max(100) });
const PushEventSchema = z.looseObject({
  body: z.record(z.string(), z.unknown()),
  delayInSeconds: z.number().min(0).max(QUEUE_LIMITS.maxDelaySeconds).optional(),
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
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  state: 'waiting' | 'running';
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
  private closed = false;
  private readonly jobs = new Map<string, { success: number; failed: number }>();

  constructor(private readonly deps: QueueDeps) {
    const { db } = deps;
    db.exec(`CREATE TABLE IF NOT EXISTS queue_events (
      event_id TEXT PRIMARY KEY, queue TEXT NOT NULL, job_id TEXT NOT NULL, body TEXT NOT NULL,
      delay_s REAL, ckey TEXT, climit INTEGER, due_at INTEGER NOT NULL, seq INTEGER NOT NULL,
      retry_count INTEGER NOT NULL DEFAULT 0, retry_reason TEXT, retry_data TEXT, state TEXT NOT NULL DEFAULT 'waiting')`);
    // at-least-once: whatever was running when the platform stopped is delivered again
    db.exec(`UPDATE queue_events SET state = 'waiting' WHERE state = 'running'`);
    this.stmts = {
      insert: db.prepare('INSERT INTO queue_events (event_id, queue, job_id, body, delay_s, ckey, climit, due_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      ready: db.prepare<[number], Row>(`SELECT * FROM queue_events WHERE state = 'waiting' AND due_at <= ? ORDER BY due_at, seq`),
      nextDue: db.prepare<[], { due: number | null }>(`SELECT MIN(due_at) AS due FROM queue_events WHERE state = 'waiting'`),
      runningByKey: db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events WHERE state = 'running' AND queue = ? AND ckey = ?`),
      setState: db.prepare(`UPDATE queue_events SET state = ? WHERE event_id = ?`),
      retry: db.prepare(`UPDATE queue_events SET state = 'waiting', retry_count = ?, retry_reason = ?, retry_data = ?, due_at = ? WHERE event_id = ?`),
      remove: db.prepare(`DELETE FROM queue_events WHERE event_id = ?`),
      count: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events`),
      countDue: db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events WHERE state = 'running' OR due_at <= ?`),
      jobCount: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM queue_events WHERE job_id = ?`),
      cancelJob: db.prepare(`DELETE FROM queue_events WHERE job_id = ? AND state = 'waiting'`),
      maxSeq: db.prepare<[], { s: number | null }>(`SELECT MAX(seq) AS s FROM queue_events`),
    };
    this.seq = (this.stmts.maxSeq.get()?.s ?? 0) + 1;
    this.pump();
  }

  private seq: number;

  /** events not yet completed (waiting, delayed, retrying or running) */
  size(): number {
    return this.stmts.count.get()?.n ?? 0;
  }

  /** events running or due now (not counting those delayed into the future) */
  dueOrRunning(): number {
    return this.stmts.countDue.get(this.deps.scheduler.now())?.n ?? 0;
  }

  /** the stargate push endpoint */
  push(raw: unknown): PushOutcome {
    const bytes = Buffer.byteLength(JSON.stringify(raw ?? null));
    const parsed = PushRequestSchema.safeParse(raw);
    if (!parsed.success) return { status: 400, errorMessage: `Invalid push request: ${z.prettifyError(parsed.error)}` };
    const req = parsed.data;
    if (!this.deps.hasConsumer(req.queueName)) return { status: 400, errorMessage: `No consumer is declared in manifest.yml for queue '${req.queueName}'.` };
    if (req.payload.length === 0) return { status: 400, errorMessage: 'No events pushed.' };
    if (req.payload.length > QUEUE_LIMITS.maxEventsPerPush) return { status: 413, errorMessage: `This push contains more than the ${QUEUE_LIMITS.maxEventsPerPush} events allowed.` };
    const payloadBytes = Buffer.byteLength(JSON.stringify(req.payload));
    if (payloadBytes > QUEUE_LIMITS.maxPushBytes || bytes > QUEUE_LIMITS.maxPushBytes + 4096) {
      return { status: 413, errorMessage: `The maximum payload size is ${QUEUE_LIMITS.maxPushBytes / 1024}KB.` };
    }
    const now = this.deps.scheduler.now();
    this.deps.db.transaction(() => {
      for (const ev of req.payload) {
        const delayMs = (ev.delayInSeconds ?? 0) * 1000 * this.deps.backoffScale;
        this.stmts.insert.run(randomUUID(), req.queueName, req.jobId, JSON.stringify(ev.body), ev.delayInSeconds ?? null,
          ev.concurrency?.key ?? null, ev.concurrency?.limit ?? null, now + delayMs, this.seq++);
      }
    })();
    this.jobs.set(req.jobId, this.jobs.get(req.jobId) ?? { success: 0, failed: 0 });
    // job statistics are kept for the most recent jobs only
    for (const oldest of this.jobs.keys()) {
      if (this.jobs.size <= QUEUE_LIMITS.jobsRemembered) break;
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
    this.stmts.cancelJob.run(jobId);
    this.deps.changed();
    return true;
  }

  close(): void {
    this.closed = true;
    this.wake?.cancel();
    this.wake = null;
  }

  /** start every event that may start now, and arm a wake-up for the next delayed one */
  private pump(): void {
    if (this.closed) return;
    outsideInvocation(() => {
      const now = this.deps.scheduler.now();
      for (const row of this.stmts.ready.all(now)) {
        if (this.running >= QUEUE_LIMITS.maxParallel) break;
        if (row.ckey !== null && row.climit !== null && (this.stmts.runningByKey.get(row.queue, row.ckey)?.n ?? 0) >= row.climit) continue;
        this.stmts.setState.run('running', row.event_id);
        this.running++;
        void this.run(row);
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

  private async run(row: Row): Promise<void> {
    const event: AsyncEvent = {
      body: z.record(z.string(), z.unknown()).parse(JSON.parse(row.body)),
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
    if (this.closed) return; // the row stays; it is delivered again after a restart
    const job = this.jobs.get(row.job_id) ?? { success: 0, failed: 0 };
    if (!retry) {
      this.stmts.remove.run(row.event_id);
      job.success++;
    } else if (row.retry_count >= QUEUE_LIMITS.maxRetries) {
      this.deps.writeDeadLetter({
        queueName: row.queue, eventId: row.event_id, jobId: row.job_id, body: event.body,
        attempts: row.retry_count + 1, retryReason: retry.reason, lastError: retry.error,
        failedAt: new Date(this.deps.scheduler.now()).toISOString(),
      });
      this.stmts.remove.run(row.event_id);
      job.failed++;
    } else {
      const retryData = retry.data === undefined ? null : JSON.stringify(retry.data);
      const count = row.retry_count + 1;
      const backoff = (retry.afterMs ?? Math.min(2 ** row.retry_count, 60) * 1000) * this.deps.backoffScale;
      this.stmts.retry.run(count, retry.reason,
        retryData !== null && Buffer.byteLength(retryData) > QUEUE_LIMITS.maxRetryDataBytes ? null : retryData,
        this.deps.scheduler.now() + backoff, row.event_id);
    }
    this.pump();
    this.deps.changed();
  }
}
