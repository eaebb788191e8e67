import type { StoreOp } from '../ports/store';
import { activityOp, logActivity } from './activity';
import type { EngineDeps } from './deps';
import { fromSite, sendToConnection } from './send';
import { keys } from './state/keys';
import { UnlinkedRemoteSchema, UnlinkedSchema, type Connection, type LinkState, type Unlinked } from './state/records';
import { Repo } from './state/repo';
import { localLock } from '../model/queue-event';

/**
 * Unlink means unlink (issue 12). When a person unlinks two twins (on either side, or an incoming
 * rule calls `syncHelper.unlinkAfterProcessing()`), both sides:
 * - forget the link (its record, last replica, remote index and any send still owed);
 * - keep a small mark of it, by the local issue and by the remote one, so that no later edit, sweep
 *   or bulk sync starts a twin for the issue on that connection again, and a replica still on its
 *   way from before the unlink is dropped instead of creating a second twin;
 * - clear the "Remote issue key" field (the connection's remoteKeyField).
 * A person's own sync (the panel's "Sync", the admin page's "Sync issue") lifts the mark, and the
 * issue is paired with its old twin again, by a three-way merge, not copied into a new one.
 */

export type UnlinkedBy = 'person' | 'remote' | 'rules';

const BY_TEXT: Record<UnlinkedBy, string> = {
  person: 'unlinked here',
  remote: 'the remote site unlinked the twins',
  rules: 'unlinked by the incoming rules (unlinkAfterProcessing)',
};

/** the marks an unlink leaves: by the local issue and by its twin's id there */
export function unlinkMarkOps(link: LinkState, at: string): StoreOp[] {
  const unlinked: Unlinked = { at, remoteIssueId: link.remoteIssueId, remoteKey: link.remoteKey, localKey: link.localKey, outSeq: link.outSeq, known: link.known };
  return [
    { op: 'set', key: keys.unlinked(link.connectionId, link.localIssueId), value: unlinked },
    ...(link.remoteIssueId !== null ? [{ op: 'set' as const, key: keys.unlinkedRemote(link.connectionId, link.remoteIssueId), value: { at, localIssueId: link.localIssueId } }] : []),
  ];
}

/** the marks' removal (a person synced the issue again) */
export function liftMarkOps(connectionId: string, localIssueId: string, unlinked: Unlinked | undefined): StoreOp[] {
  return [
    { op: 'delete', key: keys.unlinked(connectionId, localIssueId) },
    ...(unlinked?.remoteIssueId != null ? [{ op: 'delete' as const, key: keys.unlinkedRemote(connectionId, unlinked.remoteIssueId) }] : []),
  ];
}

export async function readUnlinked(repo: Repo, connectionId: string, localIssueId: string): Promise<Unlinked | undefined> {
  return repo.read(keys.unlinked(connectionId, localIssueId), UnlinkedSchema);
}

/**
 * A remote issue unlinked: the local issue it was linked to (null: the remote unlinked it before
 * its twin existed here), or undefined when it was never unlinked.
 */
export async function readUnlinkedRemote(repo: Repo, connectionId: string, remoteIssueId: string): Promise<{ localIssueId: string | null } | undefined> {
  return repo.read(keys.unlinkedRemote(connectionId, remoteIssueId), UnlinkedRemoteSchema);
}

/**
 * The remote unlinked an issue this site has no link for yet (its first replica still on its
 * way): the mark by the remote issue keeps that replica from creating a twin when it arrives.
 */
export async function markUnlinkedBeforeTwin(deps: EngineDeps, connectionId: string, remoteIssueId: string): Promise<void> {
  // a mark there already (the same unlink told twice, after the link went) names the old twin: kept
  await deps.store.setIfAbsent(keys.unlinkedRemote(connectionId, remoteIssueId), { at: new Date(deps.clock.now()).toISOString(), localIssueId: null });
}

/**
 * Forgets `link` here (one transaction with the marks and the activity entry), then clears the
 * remote key field of the local issue. The field's clearing is a Jira write after the commit: if it
 * fails, the link is gone all the same and the failure is noted (the field is only a display).
 */
export async function unlinkHere(deps: EngineDeps, connection: Connection, link: LinkState, by: UnlinkedBy, alsoWrite: StoreOp[] = []): Promise<void> {
  const repo = new Repo(deps.store);
  const at = new Date(deps.clock.now()).toISOString();
  await deps.store.transact([
    ...(await repo.unlinkOps(link)),
    ...unlinkMarkOps(link, at),
    activityOp(deps, { connectionId: connection.id, direction: by === 'remote' ? 'in' : 'local', type: 'unlink', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'applied', message: `${BY_TEXT[by]}: changes stop flowing on "${connection.name}"; a sync from the panel pairs the issues again` }),
    ...alsoWrite,
  ]);
  await clearRemoteKeyField(deps, connection, link);
}

/**
 * Clears the remote key field of a local issue (the connection's remoteKeyField); a failure is noted,
 * not thrown. When other connections of the site write the same field (three or more sites: it lists
 * each twin's key), only this twin's key is taken out of it.
 */
export async function clearRemoteKeyField(deps: EngineDeps, connection: Connection, link: Pick<LinkState, 'localIssueId' | 'localKey' | 'remoteKey'>): Promise<void> {
  const name = connection.rulesConfig.remoteKeyField;
  if (name === null) return;
  try {
    const metadata = await deps.jira.getMetadata();
    const field = metadata.customFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) return;
    const shared = (await new Repo(deps.store).listConnections()).some((c) => c.id !== connection.id && c.rulesConfig.remoteKeyField?.toLowerCase() === name.toLowerCase());
    let rest: string | null = null;
    if (shared && link.remoteKey !== null) {
      const held = (await deps.jira.getIssue(link.localIssueId))?.customFields[field.name]?.value;
      const others = typeof held === 'string' ? held.split(',').map((k) => k.trim()).filter((k) => k !== '' && k !== link.remoteKey) : [];
      rest = others.length > 0 ? others.join(', ') : null;
      if (typeof held === 'string' && rest === held) return;
    }
    await deps.jira.updateIssue(link.localIssueId, { customFields: { [field.name]: rest } });
  } catch (error) {
    await logActivity(deps, { connectionId: connection.id, direction: 'local', type: 'unlink', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'warning', message: `unlinked, but "${name}" could not be cleared: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function postUnlink(deps: EngineDeps, connection: Connection, issue: { id: string; key: string }, twin: { id: string; key: string } | null): Promise<void> {
  await sendToConnection(deps, connection, {
    v: 1, type: 'unlink', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from: await fromSite(deps), issue, twin,
  });
}

/**
 * Tells the remote site the twins are unlinked (signed `unlink`). When it cannot be reached now,
 * the queue tells it later, with its retries (an outgoing event, reason 'unlink'): false then (noted).
 */
export async function tellUnlinked(deps: EngineDeps, connection: Connection, issue: { id: string; key: string }, remoteKey: string | null, twin: { id: string; key: string } | null = null): Promise<boolean> {
  try {
    await postUnlink(deps, connection, issue, twin);
    return true;
  } catch (error) {
    await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: issue.id, syncBack: false, reason: 'unlink', lock: localLock(connection.id, issue.id), attempt: 0 }]);
    await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'unlink', issueKey: issue.key, remoteIssueKey: remoteKey, outcome: 'warning', message: `unlinked here; the remote site could not be told yet (${error instanceof Error ? error.message : String(error)}): it is told again later` });
    return false;
  }
}

/**
 * The queue's later telling of an unlink: nothing when the issue was linked again meanwhile or
 * the mark is gone (a person synced it); else the `unlink` is posted, and a failure propagates (the
 * queue's retries, then an error on the issue that Retry and the sweeper take up again).
 */
export async function tellUnlinkedLater(deps: EngineDeps, connection: Connection, localIssueId: string): Promise<void> {
  const repo = new Repo(deps.store);
  if (await repo.getLink(connection.id, localIssueId)) return;
  const mark = await readUnlinked(repo, connection.id, localIssueId);
  if (!mark) return;
  const twin = mark.remoteIssueId !== null && mark.remoteKey !== null ? { id: mark.remoteIssueId, key: mark.remoteKey } : null;
  const localKey = mark.localKey ?? (await deps.jira.getIssue(localIssueId))?.key;
  if (localKey === undefined) return;
  await postUnlink(deps, connection, { id: localIssueId, key: localKey }, twin);
  await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'unlink', issueKey: localKey, remoteIssueKey: mark.remoteKey, outcome: 'sent', message: 'the remote site was told of the unlink' });
}
