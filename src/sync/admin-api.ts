import { z } from 'zod';
import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import { UserError } from './errors';
import { localLock } from './queue-event';
import { fromSite, sendToConnection } from './send';
import type { ActivityEntry, Connection, ErrorRecord, LinkState } from './state/records';
import { Repo } from './state/repo';
import { StorageIdSchema } from './state/keys';
import { JiraIssueIdSchema } from './envelope/common';

export interface ErrorSummary {
  id: string;
  connectionId: string;
  direction: ErrorRecord['direction'];
  issueKey: string | null;
  remoteIssueKey: string | null;
  cause: string;
  kind: ErrorRecord['kind'];
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** work waiting behind this error */
  pending: number;
  autoRetryAt: string | null;
}

export async function listErrors(deps: EngineDeps): Promise<ErrorSummary[]> {
  const records = await new Repo(deps.store).listErrors();
  return records.map((r) => ({
    id: r.id, connectionId: r.connectionId, direction: r.direction, issueKey: r.issueKey, remoteIssueKey: r.remoteIssueKey, cause: r.cause, kind: r.kind,
    attempts: r.attempts, firstAt: r.firstAt, lastAt: r.lastAt, pending: r.pending.length, autoRetryAt: r.autoRetryAt,
  }));
}

export async function listActivity(deps: EngineDeps, limit: number): Promise<ActivityEntry[]> {
  return new Repo(deps.store).listActivity(Math.max(1, Math.min(500, limit)));
}

async function requireConnection(repo: Repo, id: string): Promise<Connection> {
  const connection = await repo.getConnection(id);
  if (!connection) throw new UserError('not-found', `No connection with id ${id}.`);
  if (connection.status === 'closed') throw new UserError('closed', `Connection "${connection.name}" was ended by the other site${connection.closedAt ? ` at ${connection.closedAt}` : ''}: create a new invitation to connect again.`);
  if (connection.status !== 'active') throw new UserError('not-active', `Connection "${connection.name}" is not connected yet (its invitation was not accepted).`);
  return connection;
}

/** Queues an outgoing sync of one issue, in scope or not. */
export async function syncIssue(deps: EngineDeps, input: { issueKey: string; connectionId: string }): Promise<{ queued: true; issueKey: string; issueId: string }> {
  const repo = new Repo(deps.store);
  const connection = await requireConnection(repo, input.connectionId);
  if (connection.direction === 'receive-only') throw new UserError('receive-only', `Connection "${connection.name}" only receives: nothing can be sent on it.`);
  const issue = await deps.jira.getIssue(input.issueKey);
  if (!issue) throw new UserError('issue-not-found', `Issue ${input.issueKey} does not exist or the app cannot see it.`);
  await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: issue.id, syncBack: false, reason: 'manual', lock: localLock(connection.id, issue.id), attempt: 0 }]);
  return { queued: true, issueKey: issue.key, issueId: issue.id };
}

export interface TwinState {
  connectionId: string;
  connectionName: string;
  remoteSiteName: string | null;
  remoteIssueKey: string | null;
  remoteIssueUrl: string | null;
  lastSyncAt: string | null;
  state: 'synced' | 'waiting-for-twin' | 'error';
  error: { id: string; cause: string } | null;
}

/** The twins of one local issue, across connections (the issue panel and the admin page). */
export async function getTwins(deps: EngineDeps, issueId: string): Promise<TwinState[]> {
  const repo = new Repo(deps.store);
  const out: TwinState[] = [];
  for (const connection of await repo.listConnections()) {
    const link = await repo.getLink(connection.id, issueId);
    if (!link) continue;
    const errorId = await repo.blockedBy(localLock(connection.id, issueId));
    const error = errorId !== undefined ? await repo.getError(errorId) : undefined;
    out.push(twinState(connection, link, error));
  }
  return out;
}

function twinState(connection: Connection, link: LinkState, error: ErrorRecord | undefined): TwinState {
  const url = connection.remoteSiteUrl !== null && link.remoteKey !== null ? `${connection.remoteSiteUrl.replace(/\/$/, '')}/browse/${link.remoteKey}` : null;
  return {
    connectionId: connection.id, connectionName: connection.name, remoteSiteName: connection.remoteSiteName, remoteIssueKey: link.remoteKey, remoteIssueUrl: url,
    lastSyncAt: link.lastSyncAt, state: error ? 'error' : link.remoteKey === null ? 'waiting-for-twin' : 'synced', error: error ? { id: error.id, cause: error.cause } : null,
  };
}

export async function getIssueSyncState(deps: EngineDeps, issueKey: string): Promise<{ issueKey: string; issueId: string; twins: TwinState[] }> {
  const issue = await deps.jira.getIssue(issueKey);
  if (!issue) throw new UserError('issue-not-found', `Issue ${issueKey} does not exist or the app cannot see it.`);
  return { issueKey: issue.key, issueId: issue.id, twins: await getTwins(deps, issue.id) };
}

/** Connections this issue could start syncing on (active, sending, not linked yet). */
export async function candidateConnections(deps: EngineDeps, issueId: string): Promise<{ connectionId: string; connectionName: string; remoteSiteName: string | null }[]> {
  const repo = new Repo(deps.store);
  const out = [];
  for (const connection of await repo.listConnections()) {
    if (connection.status !== 'active' || connection.direction === 'receive-only') continue;
    if (await repo.getLink(connection.id, issueId)) continue;
    out.push({ connectionId: connection.id, connectionName: connection.name, remoteSiteName: connection.remoteSiteName });
  }
  return out;
}

/** Queues an outgoing sync on every connection the issue is linked on (or only on `connectionId`). */
export async function syncNow(deps: EngineDeps, issueId: string, connectionId?: string): Promise<{ queued: number }> {
  const repo = new Repo(deps.store);
  let queued = 0;
  for (const connection of await repo.listConnections()) {
    if (connectionId !== undefined && connection.id !== connectionId) continue;
    if (connection.status !== 'active' || connection.direction === 'receive-only') continue;
    if (!(await repo.getLink(connection.id, issueId))) continue;
    await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: issueId, syncBack: false, reason: 'manual', lock: localLock(connection.id, issueId), attempt: 0 }]);
    queued += 1;
  }
  return { queued };
}

/** Starts syncing an issue on a connection (creates its twin there), in scope or not. */
export async function syncToRemote(deps: EngineDeps, input: { issueId: string; connectionId: string }): Promise<{ queued: true }> {
  const repo = new Repo(deps.store);
  const connection = await requireConnection(repo, input.connectionId);
  if (connection.direction === 'receive-only') throw new UserError('receive-only', `Connection "${connection.name}" only receives: nothing can be sent on it.`);
  await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: input.issueId, syncBack: false, reason: 'manual', lock: localLock(connection.id, input.issueId), attempt: 0 }]);
  return { queued: true };
}

export const UnlinkSchema = z.strictObject({ issueId: JiraIssueIdSchema, connectionId: StorageIdSchema });

/** Stops syncing one issue: forgets the link here and tells the remote (both twins stay). */
export async function unlink(deps: EngineDeps, input: z.infer<typeof UnlinkSchema>): Promise<{ unlinked: boolean; remoteNotified: boolean }> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(input.connectionId);
  if (!connection) throw new UserError('not-found', `No connection with id ${input.connectionId}.`);
  const link = await repo.getLink(connection.id, input.issueId);
  if (!link) return { unlinked: false, remoteNotified: false };
  await deps.store.transact(await repo.unlinkOps(link));
  let remoteNotified = false;
  try {
    await sendToConnection(deps, connection, {
      v: 1, type: 'unlink', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from: await fromSite(deps),
      issue: { id: link.localIssueId, key: link.localKey },
    });
    remoteNotified = true;
  } catch (error) {
    await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'unlink', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'warning', message: `unlinked here; the remote site was not told: ${error instanceof Error ? error.message : String(error)}` });
  }
  return { unlinked: true, remoteNotified };
}
