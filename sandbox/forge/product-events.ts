import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { JiraProductEvent, JournaledProductEvent, ProductEventJournalInfo } from '../jira/contract';
import { InvocationTimeoutError } from './async-queue';
import { InvocationRateLimitError } from './limits/invocation-limits';
import { outsideInvocation } from './runtime-context';
import type { Scheduler, TimerHandle } from './scheduler';

/**
 * Product events of one installation, delivered to its `trigger` modules at least once, across
 * restarts: "Forge guarantees 'at least once' invocation for each event that has been subscribed to"
 * (https://community.developer.atlassian.com/t/forge-product-event-retries-eap/59276).
 *
 * - The site journals each committed change's events in the change's own transaction
 *   (sandbox/jira/storage/event-journal.ts). Here each event that a trigger module subscribes to
 *   (after the manifest filter and ignoreSelf) becomes one row per module in the installation's
 *   SQLite file, written in ONE transaction with the journal cursor, before the trigger is invoked.
 *   At start, journal events after the cursor that were never recorded (the platform died between
 *   Jira's commit and the recording) are recorded and delivered.
 * - A row goes when its trigger returns normally. Retries follow "Retry product events"
 *   (https://developer.atlassian.com/platform/forge/events-reference/product_events/): a returned
 *   `InvocationError` is delivered again after `retryAfter` seconds (at most 900) with
 *   `retryContext {retryCount, retryReason, retryData}` in the payload; "You can only retry an event
 *   for a maximum of four times". Platform-level errors (timeout, invocation limit refused, the
 *   process died while the trigger ran) are retried too, counting toward the same four (the page
 *   does not say they share the budget: the harsher reading). An error the app throws is NOT retried
 *   (the page: a retry is requested by returning InvocationError; harsher reading), only logged.
 */

/** "You can only retry an event for a maximum of four times" (product_events, "Retry product events") */
export const TRIGGER_MAX_RETRIES = 4;
/** "The maximum retryAfter value is 900 seconds (15 minutes). Any retryAfter values exceeding this limit are lowered to 900 seconds." */
export const TRIGGER_MAX_RETRY_AFTER_S = 900;
/**
 * retryAfter when the returned InvocationError has none: @forge/events' own default
 * (`DEFAULT_RETRY_OPTIONS.retryAfter` = `MIN_RETRY_AFTER` = 1 s, out/retryOptions.js), which is also
 * what the package turns a retryAfter ≤ 0 into. The page names no default.
 */
export const TRIGGER_DEFAULT_RETRY_AFTER_S = 1;

/**
 * a returned InvocationError: `new InvocationError(opts)` returns its toJSON(), `{_retry: true,
 * retryOptions}` (@forge/events out/invocationError.js); Forge receives the function's result as JSON
 */
const RetryResultSchema = z.looseObject({
  _retry: z.literal(true),
  retryOptions: z.looseObject({
    retryAfter: z.unknown().optional(),
    retryReason: z.unknown().optional(),
    retryData: z.unknown().optional(),
  }).nullish(),
});

/** one trigger module an event is delivered to, with the payload Forge invokes it with */
export interface TriggerMatch {
  moduleKey: string;
  payload: Record<string, unknown>;
}

/** the site's journal, as a subscriber reads it (JiraSiteApi.eventJournal / eventsAfter) */
export interface ProductEventSource {
  eventJournal(): ProductEventJournalInfo;
  eventsAfter(afterSeq: number, limit?: number): JournaledProductEvent[];
}

export interface ProductEventDeps {
  db: Database.Database;
  scheduler: Scheduler;
  /** multiplies every retry wait (tests may pass 0), as for the async queue */
  backoffScale: number;
  source: ProductEventSource;
  /** the trigger modules the event goes to (manifest events, filter, ignoreSelf) and their payloads */
  match(event: JiraProductEvent): TriggerMatch[];
  /** a trigger module of the manifest (a row for a module no longer there is dropped) */
  hasModule(moduleKey: string): boolean;
  /** invoke the module's function; resolves with its result, rejects on failure or timeout */
  invoke(moduleKey: string, payload: Record<string, unknown>): Promise<unknown>;
  log(line: string): void;
  /** something changed (for the idle signal) */
  changed(): void;
}

interface Row {
  id: number;
  journal_seq: number;
  module_key: string;
  payload: string;
  due_at: number;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  state: 'waiting' | 'running';
}

interface Cursor {
  journal_id: string;
  seq: number;
}

type Outcome =
  | { kind: 'done' }
  | { kind: 'retry'; reason: string; data: unknown; afterMs: number; why: string }
  | { kind: 'failed'; why: string };

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export class ProductEventDelivery {
  private readonly stmts;
  private rows = 0;
  private running = 0;
  private cursor: Cursor | undefined;
  private started = false;
  private closed = false;
  private wake: TimerHandle | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(private readonly deps: ProductEventDeps) {
    const { db } = deps;
    db.exec(`CREATE TABLE IF NOT EXISTS trigger_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT, journal_seq INTEGER NOT NULL, module_key TEXT NOT NULL, payload TEXT NOT NULL,
      due_at INTEGER NOT NULL, retry_count INTEGER NOT NULL DEFAULT 0, retry_reason TEXT, retry_data TEXT,
      state TEXT NOT NULL DEFAULT 'waiting')`);
    db.exec(`CREATE INDEX IF NOT EXISTS trigger_due ON trigger_deliveries (state, due_at, id)`);
    // the journal position recorded up to: one row, written in the transaction that records the events
    db.exec(`CREATE TABLE IF NOT EXISTS trigger_cursor (one INTEGER PRIMARY KEY CHECK (one = 1), journal_id TEXT NOT NULL, seq INTEGER NOT NULL)`);
    this.stmts = {
      insert: db.prepare<[number, string, string, number]>('INSERT INTO trigger_deliveries (journal_seq, module_key, payload, due_at) VALUES (?, ?, ?, ?)'),
      cursor: db.prepare<[], Cursor>('SELECT journal_id, seq FROM trigger_cursor WHERE one = 1'),
      setCursor: db.prepare<[string, number]>(`INSERT INTO trigger_cursor (one, journal_id, seq) VALUES (1, ?, ?)
        ON CONFLICT (one) DO UPDATE SET journal_id = excluded.journal_id, seq = excluded.seq`),
      nextDue: db.prepare<[number], Row>(`SELECT * FROM trigger_deliveries WHERE state = 'waiting' AND due_at <= ? ORDER BY due_at, id LIMIT 1`),
      earliest: db.prepare<[], { due: number | null }>(`SELECT MIN(due_at) AS due FROM trigger_deliveries WHERE state = 'waiting'`),
      anyDue: db.prepare<[number], { one: number }>(`SELECT 1 AS one FROM trigger_deliveries WHERE state = 'waiting' AND due_at <= ? LIMIT 1`),
      interrupted: db.prepare<[], Row>(`SELECT * FROM trigger_deliveries WHERE state = 'running' ORDER BY id`),
      setRunning: db.prepare<[number]>(`UPDATE trigger_deliveries SET state = 'running' WHERE id = ?`),
      retry: db.prepare<[number, string, string | null, number, number]>(`UPDATE trigger_deliveries
        SET state = 'waiting', retry_count = ?, retry_reason = ?, retry_data = ?, due_at = ? WHERE id = ?`),
      remove: db.prepare<[number]>('DELETE FROM trigger_deliveries WHERE id = ?'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM trigger_deliveries'),
    };
    // the process died while these ran: a platform-level failure, delivered again (it counts as a retry)
    const now = deps.scheduler.now();
    db.transaction(() => {
      for (const row of this.stmts.interrupted.all()) {
        this.settle(row, { kind: 'retry', reason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR', data: undefined, afterMs: 0, why: 'the platform stopped while the trigger ran' }, now);
      }
    })();
    this.rows = this.stmts.count.get()?.n ?? 0;
    this.cursor = this.stmts.cursor.get();
  }

  /**
   * start delivering: record what the journal holds after the cursor (a fresh installation starts at
   * the journal's end: events before the install are not its events), then invoke what is due
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const info = this.deps.source.eventJournal();
    if (!this.cursor || this.cursor.journal_id !== info.journalId) {
      if (this.cursor) this.deps.log(`product events: the site's event journal is a new one (its database was replaced): delivering from its end, seq ${info.lastSeq}`);
      this.cursor = { journal_id: info.journalId, seq: info.lastSeq };
      this.stmts.setCursor.run(this.cursor.journal_id, this.cursor.seq);
    }
    this.catchUp();
    this.pump();
  }

  /** deliveries not yet done (waiting, waiting for their retry, running) plus journal events not yet recorded */
  size(): number {
    return this.rows + this.unrecorded();
  }

  /** something runs, is due at the current platform time, or is still to be recorded */
  hasDueOrRunning(): boolean {
    return this.running > 0 || this.unrecorded() > 0 || this.stmts.anyDue.get(this.deps.scheduler.now()) !== undefined;
  }

  /** a product event from the site, as it is delivered live (after its commit) */
  onEvent(event: JournaledProductEvent): void {
    if (!this.started || this.closed || !this.cursor) return;
    if (event.journalSeq <= this.cursor.seq) return; // recorded already (read from the journal)
    if (event.journalSeq === this.cursor.seq + 1) this.record([event]);
    else this.catchUp(); // a gap: read the journal, which holds this event too
    this.pump();
  }

  close(): void {
    // rows stay as they are: 'running' ones are delivered again at the next start
    this.closed = true;
    this.wake?.cancel();
    this.wake = null;
  }

  private unrecorded(): number {
    if (!this.started || this.closed || !this.cursor) return 0;
    const info = this.deps.source.eventJournal();
    return info.journalId === this.cursor.journal_id ? Math.max(0, info.lastSeq - this.cursor.seq) : 0;
  }

  private catchUp(): void {
    if (!this.cursor) return;
    const info = this.deps.source.eventJournal();
    if (info.firstSeq > this.cursor.seq + 1 && info.lastSeq > this.cursor.seq) {
      const lost = Math.min(info.firstSeq - 1, info.lastSeq) - this.cursor.seq;
      this.deps.log(`product events: ${lost} event(s) after seq ${this.cursor.seq} were pruned from the site's journal before they were recorded: never delivered`);
    }
    for (;;) {
      const page = this.deps.source.eventsAfter(this.cursor.seq);
      if (page.length === 0) break;
      this.record(page);
    }
  }

  /** one transaction: a row per matching trigger module of each event, and the cursor past them */
  private record(events: readonly JournaledProductEvent[]): void {
    const cursor = this.cursor;
    if (!cursor) return;
    const now = this.deps.scheduler.now();
    let added = 0;
    let seq = cursor.seq;
    this.deps.db.transaction(() => {
      for (const journaled of events) {
        if (journaled.journalSeq <= seq) continue;
        seq = journaled.journalSeq;
        // journalSeq is the sandbox's own: the app's payload is Forge's
        const { journalSeq: _seq, ...event } = journaled;
        for (const m of this.deps.match(event)) {
          this.stmts.insert.run(journaled.journalSeq, m.moduleKey, JSON.stringify(m.payload), now);
          added++;
        }
      }
      this.stmts.setCursor.run(cursor.journal_id, seq);
    })();
    this.cursor = { journal_id: cursor.journal_id, seq };
    this.rows += added;
    this.deps.changed();
  }

  /** start every row due now; arm a wake-up for the next one waiting */
  private pump(): void {
    if (!this.started || this.closed) return;
    outsideInvocation(() => {
      const now = this.deps.scheduler.now();
      for (let row = this.stmts.nextDue.get(now); row; row = this.stmts.nextDue.get(now)) {
        if (!this.deps.hasModule(row.module_key)) {
          this.deps.log(`product events: dropped an event for trigger '${row.module_key}', no longer in manifest.yml`);
          this.stmts.remove.run(row.id);
          this.rows--;
          continue;
        }
        this.stmts.setRunning.run(row.id);
        this.running++;
        void this.run(row);
      }
      const next = this.stmts.earliest.get()?.due ?? null;
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
    const payload: Record<string, unknown> = {
      ...(JSON.parse(row.payload) as Record<string, unknown>),
      // "Retry product events": the retried event's payload carries the retry information, in the
      // shape @forge/events declares (RetryContext {retryCount, retryReason, retryData}, out/types.d.ts)
      ...(row.retry_count > 0 ? {
        retryContext: {
          retryCount: row.retry_count,
          retryReason: row.retry_reason ?? 'FUNCTION_RETRY_REQUEST',
          retryData: row.retry_data === null ? undefined : JSON.parse(row.retry_data) as unknown,
        },
      } : {}),
    };
    let outcome: Outcome;
    try {
      outcome = this.outcomeOf(await this.deps.invoke(row.module_key, payload), row.retry_count);
    } catch (e) {
      outcome = this.failureOf(e, row.retry_count);
    }
    this.running--;
    if (this.closed) return; // the row stays 'running': delivered again after a restart
    this.deps.db.transaction(() => this.settle(row, outcome, this.deps.scheduler.now()))();
    this.pump();
    this.deps.changed();
  }

  /** what a normal return means: done, or a retry the app asked for */
  private outcomeOf(result: unknown, retryCount: number): Outcome {
    const asRetry = RetryResultSchema.safeParse(result);
    if (!asRetry.success) return { kind: 'done' };
    const o = asRetry.data.retryOptions;
    const requested = typeof o?.retryAfter === 'number' && Number.isFinite(o.retryAfter) ? o.retryAfter : TRIGGER_DEFAULT_RETRY_AFTER_S;
    // "Any retryAfter values exceeding this limit are lowered to 900 seconds"; ≤ 0 is raised to 1 s (as @forge/events does)
    const afterS = Math.min(TRIGGER_MAX_RETRY_AFTER_S, Math.max(1, requested));
    return {
      kind: 'retry',
      reason: typeof o?.retryReason === 'string' ? o.retryReason : 'FUNCTION_RETRY_REQUEST',
      data: o?.retryData,
      afterMs: afterS * 1000 * this.deps.backoffScale,
      why: `the trigger returned InvocationError (retry ${retryCount + 1} of at most ${TRIGGER_MAX_RETRIES})`,
    };
  }

  /**
   * what a failed invocation means. Platform-level errors are retried ("Retry for platform level
   * errors", product_events page: out of memory, function timeouts, rate limiting); the page gives no
   * wait: 1, 2, 4, 8 s (× backoffScale), as the sandbox's async queue waits. Anything else was thrown
   * by the app: not retried, logged.
   */
  private failureOf(e: unknown, retryCount: number): Outcome {
    const platform = e instanceof InvocationTimeoutError ? 'FUNCTION_TIME_OUT' : e instanceof InvocationRateLimitError ? 'FUNCTION_PLATFORM_RATE_LIMITED' : undefined;
    if (platform === undefined) return { kind: 'failed', why: `the trigger threw ${describe(e)} (an error thrown is not retried: return InvocationError to ask for a retry)` };
    return { kind: 'retry', reason: platform, data: undefined, afterMs: 2 ** retryCount * 1000 * this.deps.backoffScale, why: describe(e) };
  }

  /** "avi:jira:created:issue INT-1", "avi:jira:created:attachment 10000 on issue 10001", "avi:jira:created:issuelink 10000 from issue 10001 to issue 10002", for log lines */
  private eventOf(row: Row): string {
    const payload: unknown = JSON.parse(row.payload);
    const p = z.looseObject({ eventType: z.string(), issue: z.looseObject({ key: z.string() }) }).safeParse(payload);
    if (p.success) return `${p.data.eventType} ${p.data.issue.key}`;
    // issue link events carry the link's ids, no issue (sandbox/jira/contract.ts, JiraIssueLinkProductEvent)
    const l = z.looseObject({ eventType: z.string(), id: z.string(), sourceIssueId: z.string(), destinationIssueId: z.string() }).safeParse(payload);
    if (l.success) return `${l.data.eventType} ${l.data.id} from issue ${l.data.sourceIssueId} to issue ${l.data.destinationIssueId}`;
    // attachment events carry no issue, only the attachment (sandbox/jira/contract.ts, JiraAttachmentProductEvent)
    const a = z.looseObject({ eventType: z.string(), attachment: z.looseObject({ id: z.string(), issueId: z.string() }) }).safeParse(payload);
    return a.success ? `${a.data.eventType} ${a.data.attachment.id} on issue ${a.data.attachment.issueId}` : 'an event';
  }

  /** apply an outcome to a row (inside a transaction) */
  private settle(row: Row, outcome: Outcome, now: number): void {
    const what = `trigger ${row.module_key} on ${this.eventOf(row)} (journal seq ${row.journal_seq})`;
    if (outcome.kind === 'done') {
      this.stmts.remove.run(row.id);
      this.rows--;
      return;
    }
    if (outcome.kind === 'failed') {
      this.deps.log(`product events: ${what} failed: ${outcome.why}`);
      this.stmts.remove.run(row.id);
      this.rows--;
      return;
    }
    if (row.retry_count >= TRIGGER_MAX_RETRIES) {
      this.deps.log(`product events: ${what} not delivered: ${outcome.why}, and its ${TRIGGER_MAX_RETRIES} retries are spent (event dropped)`);
      this.stmts.remove.run(row.id);
      this.rows--;
      return;
    }
    let data: string | null = null;
    try {
      data = outcome.data === undefined ? null : (JSON.stringify(outcome.data) ?? null);
    } catch {
      data = null; // what JSON cannot carry does not reach the retry (Forge receives the result as JSON)
    }
    this.stmts.retry.run(row.retry_count + 1, outcome.reason, data, now + outcome.afterMs, row.id);
    this.deps.log(`product events: ${what} will be retried (${row.retry_count + 1} of ${TRIGGER_MAX_RETRIES}, ${outcome.reason}) in ${Math.round(outcome.afterMs / 1000)} s: ${outcome.why}`);
  }
}
