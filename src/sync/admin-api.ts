import { z } from 'zod';
import type { EngineDeps } from './deps';
import { UserError } from './errors';
import { localLock } from '../model/queue-event';
import type { ActivityEntry, Connection, ErrorRecord, LinkState } from './state/records';
import { readActivity } from './state/activity-log';
import { Repo } from './state/repo';
import { retryError } from './worker';
import { StorageIdSchema } from './state/keys';
import { JiraIssueIdSchema, JiraIssueKeySchema } from './envelope/common';
import { newLink } from './link-state';
import { appliedThere, remoteFailure } from './outcome';
import { liftMarkOps, readUnlinked, tellUnlinked, unlinkHere } from './unlink';

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

/**
 * The newest `limit` activity entries, newest first; with `issueKey`, only the entries of that
 * issue (its key here, or the other site's key of a message about it).
 */
export async function listActivity(deps: EngineDeps, limit: number, filter: { issueKey?: string } = {}): Promise<ActivityEntry[]> {
  const repo = new Repo(deps.store);
  const capped = Math.max(1, Math.min(500, limit));
  const key = filter.issueKey;
  if (key === undefined) return repo.listActivity(capped);
  const connections = await repo.listConnections();
  return readActivity(deps.store, connections.map((c) => c.id), capped, (entry) => entry.issueKey === key || entry.remoteIssueKey === key);
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
  /** null until the other side has answered with its twin */
  remoteIssueKey: string | null;
  remoteIssueUrl: string | null;
  lastSyncAt: string | null;
  /**
   * - `synced`: the other side applied our latest change (its ack or its signed outcome says so);
   * - `pending`: sent or being sent, not confirmed yet (also: the twin is not created yet);
   * - `error`: this side failed (an error record blocks the issue here);
   * - `remote-error`: the other side failed to apply our latest change, `remoteError` says why.
   */
  state: 'synced' | 'pending' | 'error' | 'remote-error';
  error: { id: string; cause: string } | null;
  remoteError: { reason: string; at: string } | null;
  /** the other side's files that could not be copied to this issue (over this site's size limit, say) */
  attachmentErrors: { filename: string; size: number; reason: string; at: string }[];
  /** what the last apply could not carry here (a person, an option, a component), one line each */
  warnings: string[];
  /** the twin group's members on further sites, as the other side told (three or more sites): site name and key, its sync's state with each when it told (`at`) */
  groupMembers: { site: string; key: string; state?: TwinState['state'] | undefined; at?: string | undefined }[];
}

/**
 * The twins of one local issue, across connections (the issue panel and the admin page), and the
 * connections whose sync of it failed before it had a twin (an outgoing rule refused it, say).
 */
export async function getTwins(deps: EngineDeps, issueId: string): Promise<TwinState[]> {
  const repo = new Repo(deps.store);
  const out: TwinState[] = [];
  for (const connection of await repo.listConnections()) {
    const link = await repo.getLink(connection.id, issueId);
    const errorId = await repo.blockedBy(localLock(connection.id, issueId));
    const error = errorId !== undefined ? await repo.getError(errorId) : undefined;
    if (link) out.push(twinState(connection, link, error));
    else if (error) out.push({ ...connectionPart(connection), remoteIssueKey: null, remoteIssueUrl: null, lastSyncAt: null, state: 'error', error: { id: error.id, cause: error.cause }, remoteError: null, attachmentErrors: [], warnings: [], groupMembers: [] });
  }
  return out;
}

function connectionPart(connection: Connection): Pick<TwinState, 'connectionId' | 'connectionName' | 'remoteSiteName'> {
  return { connectionId: connection.id, connectionName: connection.name, remoteSiteName: connection.remoteSiteName };
}

function twinState(connection: Connection, link: LinkState, error: ErrorRecord | undefined): TwinState {
  const url = connection.remoteSiteUrl !== null && link.remoteKey !== null ? `${connection.remoteSiteUrl.replace(/\/$/, '')}/browse/${link.remoteKey}` : null;
  const failure = remoteFailure(link);
  const confirmed = link.remoteKey !== null && appliedThere(link) >= link.outSeq;
  return {
    ...connectionPart(connection), remoteIssueKey: link.remoteKey, remoteIssueUrl: url, lastSyncAt: link.lastSyncAt,
    state: error ? 'error' : failure ? 'remote-error' : confirmed ? 'synced' : 'pending',
    error: error ? { id: error.id, cause: error.cause } : null,
    remoteError: failure ? { reason: failure.reason, at: failure.at } : null,
    attachmentErrors: (link.attachmentFailures ?? []).map(({ filename, size, reason, at }) => ({ filename, size, reason, at })),
    warnings: link.warnings ?? [],
    groupMembers: link.groupMembers ?? [],
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

/**
 * Stops syncing one issue: forgets the link here (and marks it unlinked, so no later edit starts a
 * new twin), clears the remote key field, and tells the remote, which does the same (both twins stay).
 */
export async function unlink(deps: EngineDeps, input: z.infer<typeof UnlinkSchema>): Promise<{ unlinked: boolean; remoteNotified: boolean }> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(input.connectionId);
  if (!connection) throw new UserError('not-found', `No connection with id ${input.connectionId}.`);
  const link = await repo.getLink(connection.id, input.issueId);
  if (!link) return { unlinked: false, remoteNotified: false };
  await unlinkHere(deps, connection, link, 'person');
  const remoteNotified = connection.status === 'active' ? await tellUnlinked(deps, connection, { id: link.localIssueId, key: link.localKey }, link.remoteKey, link.remoteIssueId !== null && link.remoteKey !== null ? { id: link.remoteIssueId, key: link.remoteKey } : null) : false;
  return { unlinked: true, remoteNotified };
}

export const LinkToExistingSchema = z.strictObject({ issueId: JiraIssueIdSchema, connectionId: StorageIdSchema, remoteIssueKey: JiraIssueKeySchema });

/**
 * Pairs this issue with an existing issue of the other site (by its key there), instead of letting
 * a sync create a new twin: the first message names it (`pairWith`), the other side links it and
 * merges both by the three-way rules with no base (each differing field decided by the conflict
 * policy, comments joined), then syncs back. Refused when this issue is already synced on the
 * connection; the other side refuses (an error on both panels) when its issue is synced already.
 */
export async function linkToExisting(deps: EngineDeps, input: z.infer<typeof LinkToExistingSchema>): Promise<{ queued: true; remoteIssueKey: string }> {
  const repo = new Repo(deps.store);
  const connection = await requireConnection(repo, input.connectionId);
  if (connection.direction === 'receive-only') throw new UserError('receive-only', `Connection "${connection.name}" only receives: a pairing needs to send this issue.`);
  const existing = await repo.getLink(connection.id, input.issueId);
  if (existing && existing.remoteIssueId !== null) {
    throw new UserError('already-linked', `This issue is already synced with ${existing.remoteKey ?? existing.remoteIssueId} on "${connection.name}": unlink it first.`);
  }
  const issue = await deps.jira.getIssue(input.issueId);
  if (!issue) throw new UserError('issue-not-found', `Issue ${input.issueId} does not exist or the app cannot see it.`);
  const link = existing ?? newLink(connection.id, issue.id, issue.key, 'local');
  link.pairWith = input.remoteIssueKey;
  // a new pairing: whatever was sent before goes again, to the chosen issue
  link.lastSentHash = null;
  const mark = await readUnlinked(repo, connection.id, issue.id);
  await deps.store.transact([...repo.linkOps(link), ...(mark ? liftMarkOps(connection.id, issue.id, mark) : [])]);
  await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: issue.id, syncBack: false, reason: 'manual', lock: localLock(connection.id, issue.id), attempt: 0 }]);
  return { queued: true, remoteIssueKey: input.remoteIssueKey };
}

/** Retries the error blocking one issue on one connection (the panel's Retry): only that issue's. */
export async function retryIssue(deps: EngineDeps, input: { issueId: string; connectionId: string }): Promise<{ retried: boolean; events: number }> {
  const errorId = await new Repo(deps.store).blockedBy(localLock(input.connectionId, input.issueId));
  if (errorId === undefined) return { retried: false, events: 0 };
  return retryError(deps, errorId);
}
