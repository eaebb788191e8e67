import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import { parseJsonOrNull } from './canonical-json';
import { EnvelopeSchema } from './envelope/envelope';
import { localLock, remoteLock } from './queue-event';
import { keys } from './state/keys';
import { Repo } from './state/repo';
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
  let redrivenInbox = 0;
  for (const entry of await repo.listInbox()) {
    if (now - Date.parse(entry.receivedAt) < deps.settings.stuckInboxMs) continue;
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
      const localId = await repo.localIdForRemote(entry.connectionId, parsed.data.issue.id);
      const lock = localId !== undefined ? localLock(entry.connectionId, localId) : remoteLock(entry.connectionId, parsed.data.issue.id);
      if ((await repo.blockedBy(lock)) !== undefined) return;
      await deps.queue.push([{ kind: 'incoming', connectionId: entry.connectionId, messageId: entry.messageId, lock, attempt: 0 }]);
      redrivenInbox += 1;
    }, async () => {
      // it can never be applied (a PermanentError): kept no longer, the note says what it was
      await deps.store.delete(keys.inbox(entry.connectionId, entry.messageId));
      await repo.deleteInboxParts(entry).catch(() => undefined);
    });
  }
  const redrivenOutbox = await redriveOutbox(deps, (what, connectionId, run, discard) => isolated(deps, connectionId, what, run, discard));
  let unsentFound = 0;
  for (const connection of await repo.listConnections()) {
    await isolated(deps, connection.id, `the search for changes not sent on "${connection.name}"`, async () => {
      unsentFound += (await sweepChanges(deps, connection)).queued;
    });
  }
  const kickedBulkJobs = await kickStalledBulkJobs(deps);
  let retriedErrors = 0;
  for (const record of await repo.listErrors()) {
    if (record.autoRetryAt !== null && Date.parse(record.autoRetryAt) <= now) {
      await isolated(deps, record.connectionId, `the retry of error ${record.id} (${record.issueKey ?? 'no issue'})`, async () => {
        await retryError(deps, record.id);
        retriedErrors += 1;
      });
    }
  }
  // Newest first by key: keep the first `activityLimit` entries, delete (at most 200 per run) beyond.
  let trimmedActivity = 0;
  let seen = 0;
  let cursor: string | null = null;
  do {
    const page: { entries: { key: string }[]; cursor: string | null } = await deps.store.list(keys.activityPrefix, cursor === null ? { limit: 100 } : { limit: 100, cursor });
    for (const entry of page.entries) {
      seen += 1;
      if (seen <= deps.settings.activityLimit || trimmedActivity >= 200) continue;
      await deps.store.delete(entry.key);
      trimmedActivity += 1;
    }
    cursor = page.cursor;
  } while (cursor !== null && trimmedActivity < 200);
  if (redrivenInbox + redrivenOutbox + unsentFound + retriedErrors > 0) {
    await logActivity(deps, {
      connectionId: null, direction: 'local', type: 'sweeper', issueKey: null, remoteIssueKey: null, outcome: 'info',
      message: `re-drove ${redrivenInbox} inbox entries and ${redrivenOutbox} unposted sends, found ${unsentFound} issues changed and not sent, retried ${retriedErrors} errors`,
    });
  }
  return { redrivenInbox, redrivenOutbox, unsentFound, retriedErrors, trimmedActivity, kickedBulkJobs };
}
