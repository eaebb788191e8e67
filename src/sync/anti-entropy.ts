import type { EngineDeps } from './deps';
import { localLock, type OutgoingEvent } from '../model/queue-event';
import { keys } from './state/keys';
import { OutboxEntrySchema, SweepMarkSchema, type Connection } from './state/records';
import { Repo } from './state/repo';
import { PermanentError } from './errors';

/**
 * Anti-entropy: the app never depends on a product event arriving. Forge delivers Atlassian app
 * events at least once while the platform works, and retries a trigger at most four times
 * (https://developer.atlassian.com/platform/forge/events-reference/product_events/); an event whose
 * trigger failed every time, or that never came, leaves an issue changed and not sent. So each
 * sweeper run asks Jira, per connection, for the issues in its scope and the twins it created here
 * (their origin property is indexed, manifest `jira:entityProperty`) updated since its mark (a
 * relative date: no time zone in play), and queues an outgoing sync for each whose last
 * change came after the engine last synced it, or that has no link and is no twin made by this
 * connection. The outgoing sync itself compares the replica with the last one sent, so a change
 * already sent costs one read and sends nothing.
 */

const MINUTE_MS = 60_000;
/** the entity property a twin is created with (src/adapters/forge: ORIGIN_PROPERTY), indexed for JQL */
const ORIGIN_PROPERTY_KEY = 'twinSync.origin';

export interface ChangeSweepResult {
  /** issues the search returned */
  looked: number;
  /** outgoing syncs queued */
  queued: number;
}

/** the mark of a connection never swept: its creation, at most a week back (older work is a bulk sync's) */
function firstMark(connection: Connection, now: number): number {
  return Math.max(Date.parse(connection.createdAt), now - 7 * 24 * 60 * MINUTE_MS);
}

export async function sweepChanges(deps: EngineDeps, connection: Connection): Promise<ChangeSweepResult> {
  const result: ChangeSweepResult = { looked: 0, queued: 0 };
  if (connection.status !== 'active' || connection.direction === 'receive-only') return result;
  const repo = new Repo(deps.store);
  const now = deps.clock.now();
  const mark = (await repo.read(keys.sweepMark(connection.id), SweepMarkSchema))?.through ?? firstMark(connection, now);
  // JQL compares `updated` to the minute and its index lags: look back a margin before the mark
  const minutes = Math.max(1, Math.ceil((now - mark + deps.settings.sweepMarginMs) / MINUTE_MS));
  // the scope's issues and the twins this connection made here (the other side's scope, seen from here)
  const twins = `issue.property[${ORIGIN_PROPERTY_KEY}].connectionId = "${connection.id}"`;
  const jql = `(${twins}${connection.scopeJql !== null ? ` OR (${connection.scopeJql})` : ''}) AND updated >= "-${minutes}m" ORDER BY updated ASC`;
  let token: string | null = null;
  let through = now;
  const events: OutgoingEvent[] = [];
  do {
    const page: Awaited<ReturnType<EngineDeps['jira']['searchChanged']>> = await deps.jira.searchChanged(jql, token);
    for (const found of page.issues) {
      result.looked += 1;
      const updated = Date.parse(found.updated);
      const link = await repo.getLink(connection.id, found.id);
      const seen = link ? link.seenThrough ?? link.lastSyncAt : null;
      const unsent = link
        ? seen === null || updated > Date.parse(seen)
        // a twin this connection created has its link made by the incoming sync (or its retry)
        : found.originConnectionId !== connection.id;
      if (!unsent) continue;
      const lock = localLock(connection.id, found.id);
      if ((await repo.blockedBy(lock)) !== undefined) continue;
      events.push({ kind: 'outgoing', connectionId: connection.id, localIssueId: found.id, syncBack: false, reason: 'sweep', lock, attempt: 0 });
    }
    token = page.nextPageToken;
    if (token !== null && result.looked >= deps.settings.sweepMaxIssues) {
      // the rest next run: from the last issue seen (the order is by `updated`)
      const last = page.issues[page.issues.length - 1];
      through = last ? Math.max(mark + MINUTE_MS, Date.parse(last.updated)) : now;
      break;
    }
  } while (token !== null);
  for (let i = 0; i < events.length; i += 50) await deps.queue.push(events.slice(i, i + 50));
  result.queued = events.length;
  await deps.store.set(keys.sweepMark(connection.id), { through });
  return result;
}

export interface OutboxRedriveResult {
  redriven: number;
}

/**
 * Sends a crash left reserved and not posted: each outbox entry older than `stuckOutboxMs` (no send
 * lasts that long) is queued again, with its sync-back flag; the send deletes the entry.
 */
export async function redriveOutbox(deps: EngineDeps, onItem: (what: string, connectionId: string | null, run: () => Promise<void>, discard: () => Promise<void>) => Promise<void>): Promise<number> {
  const repo = new Repo(deps.store);
  const now = deps.clock.now();
  let redriven = 0;
  let cursor: string | null = null;
  do {
    const page: { entries: { key: string; value: unknown }[]; cursor: string | null } = await deps.store.list(keys.outboxPrefix, cursor === null ? { limit: 100 } : { limit: 100, cursor });
    for (const raw of page.entries) {
      const [, connectionId = '', localIssueId = ''] = raw.key.split(':');
      await onItem(`outbox entry ${raw.key}`, connectionId, async () => {
        const parsed = OutboxEntrySchema.safeParse(raw.value);
        if (!parsed.success) throw new PermanentError('it is not a valid outbox entry');
        const entry = parsed.data;
        if (now - entry.at < deps.settings.stuckOutboxMs) return;
        const lock = localLock(connectionId, localIssueId);
        if ((await repo.blockedBy(lock)) !== undefined) return;
        await deps.queue.push([{ kind: 'outgoing', connectionId, localIssueId, syncBack: entry.syncBack, reason: 'redrive', lock, attempt: 0 }]);
        redriven += 1;
      }, async () => {
        await deps.store.delete(raw.key);
      });
    }
    cursor = page.cursor;
  } while (cursor !== null);
  return redriven;
}
