import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import { EnvelopeSchema } from './envelope/envelope';
import { localLock, remoteLock } from './queue-event';
import { keys } from './state/keys';
import { Repo } from './state/repo';
import { retryError } from './worker';
import { kickStalledBulkJobs } from './bulk-sync';

export interface SweepResult {
  redrivenInbox: number;
  retriedErrors: number;
  trimmedActivity: number;
  /** bulk jobs whose chain of steps had stopped, started again */
  kickedBulkJobs: number;
}

/**
 * The scheduled sweeper: re-drives inbox entries stuck longer than the limit (lost queue pushes,
 * crashed consumers), retries transient errors that are due, and trims the activity log.
 * Expired de-duplication records go by themselves (KVS TTL).
 */
export async function sweep(deps: EngineDeps): Promise<SweepResult> {
  const repo = new Repo(deps.store);
  const now = deps.clock.now();
  let redrivenInbox = 0;
  for (const entry of await repo.listInbox()) {
    if (now - Date.parse(entry.receivedAt) < deps.settings.stuckInboxMs) continue;
    const parsed = EnvelopeSchema.safeParse(JSON.parse(await repo.inboxBody(entry)));
    if (!parsed.success || !('issue' in parsed.data)) {
      await deps.store.delete(keys.inbox(entry.connectionId, entry.messageId));
      await repo.deleteInboxParts(entry);
      continue;
    }
    const localId = await repo.localIdForRemote(entry.connectionId, parsed.data.issue.id);
    const lock = localId !== undefined ? localLock(entry.connectionId, localId) : remoteLock(entry.connectionId, parsed.data.issue.id);
    if ((await repo.blockedBy(lock)) !== undefined) continue;
    await deps.queue.push([{ kind: 'incoming', connectionId: entry.connectionId, messageId: entry.messageId, lock, attempt: 0 }]);
    redrivenInbox += 1;
  }
  const kickedBulkJobs = await kickStalledBulkJobs(deps);
  let retriedErrors = 0;
  for (const record of await repo.listErrors()) {
    if (record.autoRetryAt !== null && Date.parse(record.autoRetryAt) <= now) {
      await retryError(deps, record.id);
      retriedErrors += 1;
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
  if (redrivenInbox + retriedErrors > 0) {
    await logActivity(deps, { connectionId: null, direction: 'local', type: 'sweeper', issueKey: null, remoteIssueKey: null, outcome: 'info', message: `re-drove ${redrivenInbox} inbox entries, retried ${retriedErrors} errors` });
  }
  return { redrivenInbox, retriedErrors, trimmedActivity, kickedBulkJobs };
}
