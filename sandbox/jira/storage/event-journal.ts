import { randomUUID } from 'node:crypto';
import type { JiraProductEvent, JournaledProductEvent, ProductEventJournalInfo } from '../contract';
import type { Db } from './db';

/**
 * The site's product event journal: every committed change's product events, written in the SAME
 * transaction as the change (IssueService.run), each with a sequence number that is never reused
 * (AUTOINCREMENT: not even after the newest rows were pruned). A subscriber that was down (the Forge
 * platform killed right after Jira's commit) reads what it missed with `after(seq)`: Forge promises
 * "'at least once' invocation for each event that has been subscribed to"
 * (https://community.developer.atlassian.com/t/forge-product-event-retries-eap/59276), so an event
 * Jira committed must still reach the app after a crash.
 *
 * Bounded: rows older than JOURNAL_RETENTION_MS (on the site clock) and rows beyond the newest
 * JOURNAL_MAX_ROWS are pruned as new events are written. Atlassian documents no retention for product
 * events: the sandbox's own numbers (sandbox/jira/README.md, "Product event journal"); a subscriber
 * away for longer loses what was pruned (it is told: `firstSeq` moved past its cursor).
 */
export const JOURNAL_RETENTION_MS = 14 * 86_400_000;
export const JOURNAL_MAX_ROWS = 10_000;
/** the most events one `after()` call answers */
export const JOURNAL_PAGE = 500;

export class EventJournal {
  private readonly stmts;
  /** the journal's identity: a new database is a new journal (its sequence numbers start again) */
  readonly journalId: string;
  /** the last sequence number committed (kept in memory: readable after the database is closed) */
  private lastSeq: number;

  constructor(private readonly db: Db, private readonly now: () => number) {
    this.stmts = {
      insert: db.prepare<[number, string], { seq: number }>('INSERT INTO event_journal (at, event) VALUES (?, ?) RETURNING seq'),
      after: db.prepare<[number, number], { seq: number; event: string }>('SELECT seq, event FROM event_journal WHERE seq > ? ORDER BY seq LIMIT ?'),
      pruneOld: db.prepare<[number]>('DELETE FROM event_journal WHERE at < ?'),
      pruneBeyond: db.prepare<[number]>('DELETE FROM event_journal WHERE seq <= ?'),
      first: db.prepare<[], { seq: number | null }>('SELECT MIN(seq) AS seq FROM event_journal'),
      last: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'event_journal'"),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM site_meta WHERE name = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO site_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
    };
    this.journalId = db.transaction(() => {
      this.stmts.setMeta.run('eventJournalId', randomUUID());
      return this.stmts.meta.get('eventJournalId')?.value ?? '';
    })();
    this.lastSeq = this.stmts.last.get()?.seq ?? 0;
  }

  /**
   * write the events of the change being committed; must run inside its transaction. Returns them
   * with their sequence numbers; call `committed` with them once the transaction has committed.
   */
  append(events: readonly JiraProductEvent[]): JournaledProductEvent[] {
    if (events.length === 0) return [];
    const at = this.now();
    const out = events.map((event) => ({ ...event, journalSeq: this.stmts.insert.get(at, JSON.stringify(event))?.seq ?? 0 }));
    const last = out[out.length - 1]?.journalSeq ?? 0;
    // both deletes are range scans of an index: they cost the rows they remove, not the journal's size
    this.stmts.pruneOld.run(at - JOURNAL_RETENTION_MS);
    this.stmts.pruneBeyond.run(last - JOURNAL_MAX_ROWS);
    return out;
  }

  committed(events: readonly JournaledProductEvent[]): void {
    for (const e of events) if (e.journalSeq > this.lastSeq) this.lastSeq = e.journalSeq;
  }

  /** readable after the site closed (the oldest kept is then unknown: reported as none kept) */
  info(): ProductEventJournalInfo {
    const first = this.db.open ? this.stmts.first.get()?.seq ?? null : null;
    return { journalId: this.journalId, lastSeq: this.lastSeq, firstSeq: first ?? this.lastSeq + 1 };
  }

  /** events with a sequence number above `afterSeq`, oldest first, at most `limit` (≤ JOURNAL_PAGE) */
  after(afterSeq: number, limit = JOURNAL_PAGE): JournaledProductEvent[] {
    const rows = this.stmts.after.all(afterSeq, Math.max(1, Math.min(limit, JOURNAL_PAGE)));
    return rows.map((r) => {
      const event = JSON.parse(r.event) as JiraProductEvent;
      return { ...event, journalSeq: r.seq };
    });
  }
}
