import { z } from 'zod';
import type { EngineDeps } from './deps';
import { UserError } from './errors';
import { localLock, type OutgoingEvent } from './queue-event';
import { keys } from './state/keys';
import { Repo } from './state/repo';

const BulkRecordSchema = z.strictObject({ startedAt: z.string(), total: z.number().int(), truncated: z.boolean() });

/** Issues queued by one bulk sync at most (the resolver has 25 s). */
export const BULK_LIMIT = 5000;

/** Queues an outgoing sync of every issue in the connection's scope. */
export async function startBulkSync(deps: EngineDeps, connectionId: string): Promise<{ queued: number; truncated: boolean }> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(connectionId);
  if (!connection) throw new UserError('not-found', `No connection with id ${connectionId}.`);
  if (connection.status === 'closed') throw new UserError('closed', `Connection "${connection.name}" was ended by the other site: create a new invitation to connect again.`);
  if (connection.status !== 'active') throw new UserError('not-active', `Connection "${connection.name}" is not connected yet.`);
  if (connection.direction === 'receive-only') throw new UserError('receive-only', `Connection "${connection.name}" only receives: nothing can be sent on it.`);
  if (connection.scopeJql === null) throw new UserError('no-scope', `Connection "${connection.name}" has no scope: set its JQL first.`);
  const startedAt = new Date(deps.clock.now()).toISOString();
  let token: string | null = null;
  let total = 0;
  let truncated = false;
  do {
    const page: { ids: string[]; nextPageToken: string | null } = await deps.jira.searchIssueIds(connection.scopeJql, token);
    const events: OutgoingEvent[] = page.ids.map((id) => ({ kind: 'outgoing', connectionId, localIssueId: id, syncBack: false, reason: 'bulk', lock: localLock(connectionId, id), attempt: 0 }));
    if (events.length > 0) await deps.queue.push(events);
    total += events.length;
    token = page.nextPageToken;
    if (total >= BULK_LIMIT && token !== null) {
      truncated = true;
      break;
    }
  } while (token !== null);
  await deps.store.set(bulkKey(connectionId), { startedAt, total, truncated });
  return { queued: total, truncated };
}

/** Progress of the last bulk sync: issues synced (or found unchanged) since it started, and errors. */
export async function getBulkSyncProgress(deps: EngineDeps, connectionId: string): Promise<{ total: number; done: number; failed: number; running: boolean; truncated: boolean; startedAt: string | null }> {
  const repo = new Repo(deps.store);
  const record = await repo.read(bulkKey(connectionId), BulkRecordSchema);
  if (!record) return { total: 0, done: 0, failed: 0, running: false, truncated: false, startedAt: null };
  const since = Date.parse(record.startedAt);
  const links = await repo.listLinks(connectionId);
  const done = links.filter((l) => l.lastSyncAt !== null && Date.parse(l.lastSyncAt) >= since).length;
  const failed = (await repo.listErrors()).filter((e) => e.connectionId === connectionId && Date.parse(e.firstAt) >= since).length;
  return { total: record.total, done: Math.min(done, record.total), failed, running: done + failed < record.total, truncated: record.truncated, startedAt: record.startedAt };
}

function bulkKey(connectionId: string): string {
  return `bulk:${keys.connection(connectionId).slice('connection:'.length)}`;
}
