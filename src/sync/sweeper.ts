import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import { parseJsonOrNull } from './canonical-json';
import { EnvelopeSchema } from './envelope/envelope';
import { localLock, remoteLock } from '../model/queue-event';
import { activityNewestFirst } from './state/activity-log';
import { continuePurges, PURGE_BUDGET_CALLS, purgeMarkOp, readPurgeMark } from './state/connection-purge';
import { isSafePart, keys } from './state/keys';
import { Repo } from './state/repo';
import { WORKER_LEASE_MS } from './issue-lock';
import { retryError } from './worker';
import { kickStalledBulkJobs } from './bulk-sync';
import { classify, PermanentError } from './errors';
import { redriveOutbox, sweepChanges } from './anti-entropy';

/**
 * Runs one sweeper item; a failure (other than the platform pacing us, which ends the run: the next
 * run goes on) is noted in the activity with its cause, `discard` drops what can never succeed, and
 * the sweep goes on with the next item.
 */
async function isolated(deps: EngineDeps, connectionId: string | null, what: string, run: () => Promise<void>, discard?: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (classify(error).throttled) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    const drop = discard !== undefined && error instanceof PermanentError;
    await logActivity(deps, { connectionId, direction: 'local', type: 'sweeper', issueKey: null, remoteIssueKey: null, outcome: 'error', message: `${what}: ${cause}${drop ? '; it can never be applied: dropped' : '; tried again at the next run'}` });
    if (drop) await discard();
  }
}

export interface SweepResult {
  redrivenInbox: number;
  /** sends a crash left reserved and unposted, queued again */
  redrivenOutbox: number;
  /** issues found changed and not sent (src/sync/anti-entropy.ts), queued */
  unsentFound: number;
  retriedErrors: number;
  trimmedActivity: number;
  /** bulk jobs whose chain of steps had stopped, started again */
  kickedBulkJobs: number;
  /** deleted (or closed) connections whose keys are now all gone, and those still being removed */
  purgesFinished: number;
  purgesPending: number;
}

/**
 * The scheduled sweeper: re-drives inbox entries stuck longer than the limit (lost queue pushes,
 * crashed consumers) and sends a crash left unposted (the outbox), queues the issues changed and
 * not sent (anti-entropy), retries transient errors that are due, and trims the activity log.
 * Expired de-duplication records go by themselves (KVS TTL).
 */
export async function sweep(deps: EngineDeps): Promise<SweepResult> {
  const repo = new Repo(deps.store);
  const now = deps.clock.now();
  // first what deleted (or closed) connections left: removed within a budget, the next run goes on
  const purges = await continuePurges(deps.store, now, PURGE_BUDGET_CALLS, (mark, run) => isolated(deps, null, `the removal of what connection "${mark.name}" left (${mark.mode === 'close' ? 'closed by the remote' : 'deleted'})`, run));
  const connections = await repo.listConnections();
  // only these connections' items are acted on; another's are what a deletion or a close left
  const live = new Set(connections.filter((c) => c.status !== 'closed').map((c) => c.id));
  const leftover = leftoverAdopter(deps, repo);
  // Messages waiting behind an error (its failed item, or work folded in behind it) are not stuck:
  // the error's retry takes them up. (A message re-queued behind another issue's lock, a pairing's,
  // would otherwise be re-driven on every run.)
  const errors = await repo.listAllErrors();
  const parked = new Set(errors.flatMap((r) => [r.event, ...r.pending]).flatMap((e) => (e.kind === 'incoming' ? [`${e.connectionId}:${e.messageId}`] : [])));
  let redrivenInbox = 0;
  for (const entry of await repo.listInbox()) {
    if (!live.has(entry.connectionId)) {
      await leftover(entry.connectionId);
      continue;
    }
    if (now - Date.parse(entry.receivedAt) < deps.settings.stuckInboxMs) continue;
    if (parked.has(`${entry.connectionId}:${entry.messageId}`)) continue;
    // one entry that cannot be taken up never stops the sweep: it is noted, and the next comes
    await isolated(deps, entry.connectionId, `inbox entry ${entry.messageId}`, async () => {
      let text: string;
      try {
        text = await repo.inboxBody(entry);
      } catch (error) {
        throw new PermanentError(`its message cannot be put together (${error instanceof Error ? error.message : String(error)})`);
      }
      const parsed = EnvelopeSchema.safeParse(parseJsonOrNull(text));
      if (!parsed.success || !('issue' in parsed.data)) throw new PermanentError('its message is not a valid envelope');
      const envelope = parsed.data;
      // an outcome is about our own issue (its twin), a replica or an unlink about the remote's
      const localId = envelope.type === 'outcome' ? envelope.twin.id : await repo.localIdForRemote(entry.connectionId, envelope.issue.id);
      const lock = localId !== undefined ? localLock(entry.connectionId, localId) : remoteLock(entry.connectionId, envelope.type === 'outcome' ? envelope.twin.id : envelope.issue.id);
      if ((await repo.blockedBy(lock)) !== undefined) return;
      await deps.queue.push([{ kind: 'incoming', connectionId: entry.connectionId, messageId: entry.messageId, lock, attempt: 0 }]);
      redrivenInbox += 1;
    }, async () => {
      // it can never be applied (a PermanentError): kept no longer, the note says what it was
      await deps.store.delete(keys.inbox(entry.connectionId, entry.messageId));
      await repo.deleteInboxParts(entry).catch(() => undefined);
    });
  }
  const redrivenOutbox = await redriveOutbox(deps, (what, connectionId, run, discard) => (connectionId !== null && !live.has(connectionId) ? leftover(connectionId) : isolated(deps, connectionId, what, run, discard)));
  let unsentFound = 0;
  for (const connection of connections) {
    await isolated(deps, connection.id, `the search for changes not sent on "${connection.name}"`, async () => {
      unsentFound += (await sweepChanges(deps, connection)).queued;
    });
  }
  const kickedBulkJobs = await kickStalledBulkJobs(deps);
  let retriedErrors = 0;
  for (const record of errors) {
    if (!live.has(record.connectionId)) {
      await leftover(record.connectionId);
      continue;
    }
    if (record.autoRetryAt !== null && Date.parse(record.autoRetryAt) <= now) {
      await isolated(deps, record.connectionId, `the retry of error ${record.id} (${record.issueKey ?? 'no issue'})`, async () => {
        await retryError(deps, record.id);
        retriedErrors += 1;
      });
    }
  }
  // Newest first (the site's log and every connection's, merged): keep the first `activityLimit`
  // entries, delete (at most 200 per run) beyond. A deleted connection's entries go with its purge.
  const trim: string[] = [];
  let seen = 0;
  for await (const entry of activityNewestFirst(deps.store, connections.map((c) => c.id))) {
    seen += 1;
    if (seen <= deps.settings.activityLimit) continue;
    trim.push(entry.key);
    if (trim.length >= 200) break;
  }
  for (const key of trim) await deps.store.delete(key);
  const trimmedActivity = trim.length;
  if (redrivenInbox + redrivenOutbox + unsentFound + retriedErrors > 0) {
    await logActivity(deps, {
      connectionId: null, direction: 'local', type: 'sweeper', issueKey: null, remoteIssueKey: null, outcome: 'info',
      message: `re-drove ${redrivenInbox} inbox entries and ${redrivenOutbox} unposted sends, found ${unsentFound} issues changed and not sent, retried ${retriedErrors} errors`,
    });
  }
  return { redrivenInbox, redrivenOutbox, unsentFound, retriedErrors, trimmedActivity, kickedBulkJobs, purgesFinished: purges.finished, purgesPending: purges.pending };
}

/**
 * What to do with an item of a connection that is not live (gone, or closed): nothing while its
 * purge runs (that removes it); without a purge (something written after one ended, say, or a close
 * that predates purges) a purge is started for it, so the next runs remove it with everything else
 * of that connection. Once per connection and run.
 */
function leftoverAdopter(deps: EngineDeps, repo: Repo): (connectionId: string) => Promise<void> {
  const looked = new Set<string>();
  return async (connectionId) => {
    if (looked.has(connectionId) || !isSafePart(connectionId)) return;
    looked.add(connectionId);
    if (await readPurgeMark(deps.store, connectionId)) return;
    // read again: the listing may be older than a connection created since
    const connection = await repo.getConnection(connectionId);
    if (connection && connection.status !== 'closed') return;
    const now = deps.clock.now();
    await deps.store.transact([purgeMarkOp({
      connectionId, mode: connection ? 'close' : 'delete', name: connection?.name ?? 'a connection deleted before', since: now, settleAt: now + WORKER_LEASE_MS, links: 0, remoteNotified: false,
    })]);
  };
}
