import { activityOp, logActivity } from './activity';
import { hashOf } from './canonical-json';
import type { EngineDeps } from './deps';
import type { ReplicaMessage } from './envelope/replica-message';
import { PermanentError } from './errors';
import { fieldValuesOf, toRulesIssue } from './field-values';
import { fieldHashes, newLink, observe, pruneSent } from './link-state';
import type { OutgoingEvent } from './queue-event';
import { ReplicaSchema, type Replica } from './replica';
import { rulesConnection } from './rules-connection';
import { fromSite, sendToConnection } from './send';
import { Repo } from './state/repo';
import type { LocalIssue } from '../ports/jira';
import type { StoreOp } from '../ports/store';
import type { LinkState } from './state/records';
import type { RulesEngine } from '../ports/rules';

/** `updated`/`created` move with every write, including the app's own: not part of "changed". */
export function replicaHash(replica: Replica): string {
  return hashOf({ ...replica, created: '', updated: '' });
}

export type OutgoingOutcome = 'sent' | 'unchanged' | 'out-of-scope' | 'inactive';

/**
 * Writes the caller still owes when it starts this sync (an apply's bookkeeping, `link` being that
 * apply's link): made together with this sync's first write (the seq reservation), or alone on an
 * early return. `written` tells the caller whether they were made when this sync throws.
 */
export interface CarriedWrites {
  ops: StoreOp[];
  link: LinkState;
  written: boolean;
}

/** Writes `ops`, together with the carried writes still owed, in one storage operation. */
async function writeWith(deps: EngineDeps, carried: CarriedWrites | undefined, ops: StoreOp[]): Promise<void> {
  const owed = carried !== undefined && !carried.written;
  // the sync's own write of a key supersedes the carried one (a transaction names each key once)
  const all = owed ? [...new Map([...carried.ops, ...ops].map((op) => [op.key, op])).values()] : ops;
  const only = all.length === 1 ? all[0] : undefined;
  if (only && only.op === 'set' && only.ttlSeconds === undefined) await deps.store.set(only.key, only.value);
  else if (all.length > 0) await deps.store.transact(all);
  if (owed) carried.written = true;
}

/**
 * Outgoing sync of one local issue: read it (one call, which also checks the scope), run the
 * outgoing rules, skip when the replica's hash equals the last one sent (unless it is a sync back),
 * reserve the next seq in storage, then sign and send.
 * `preread` is the issue as just read by the caller (a sync back right after an apply), saving a read.
 */
export async function processOutgoing(deps: EngineDeps, event: OutgoingEvent, preread?: LocalIssue, connectionRules?: RulesEngine, carried?: CarriedWrites): Promise<OutgoingOutcome> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(event.connectionId);
  if (!connection || connection.status !== 'active') {
    await writeWith(deps, carried, []);
    return 'inactive';
  }
  if (connection.direction === 'receive-only') {
    if (event.syncBack) {
      throw new PermanentError(`connection "${connection.name}" is receive-only, so syncBackAfterProcessing() cannot send anything back: remove the call from the incoming rules or set the direction to both`);
    }
    await writeWith(deps, carried, []);
    return 'inactive';
  }
  let link = carried ? carried.link : await repo.getLink(connection.id, event.localIssueId);
  // Linked issues and manual syncs are read directly; anything else must match the scope (same single call).
  const readAt = deps.clock.now();
  const issue = preread ?? (link || event.reason === 'manual'
    ? await deps.jira.getIssue(event.localIssueId)
    : connection.scopeJql !== null ? await deps.jira.getIssueInScope(event.localIssueId, connection.scopeJql) : null);
  if (!issue) {
    await writeWith(deps, carried, []);
    if (link) {
      await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'replica', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'warning', message: 'the local issue can no longer be read (deleted or no permission); nothing sent' });
    }
    return 'out-of-scope';
  }
  link = link ?? newLink(connection.id, issue.id, issue.key, 'local');
  link.localKey = issue.key;
  if (!preread) link.snapshot = { issue, at: readAt };
  const rulesIssue = toRulesIssue(issue, link.comments);
  const values = fieldValuesOf(rulesIssue);
  const known = observe(link, values, issue.updated);

  const rules = connectionRules ?? await deps.rules.forConnection(connection);
  const output = await rules.outgoing({ issue: rulesIssue, connection: rulesConnection(connection) });
  const parsed = ReplicaSchema.safeParse(output.replica);
  if (!parsed.success) throw new PermanentError(`outgoing rules produced an invalid replica: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const replica = parsed.data;
  const hash = replicaHash(replica);
  if (hash === link.lastSentHash && !event.syncBack) {
    link.lastSyncAt = new Date(deps.clock.now()).toISOString();
    await writeWith(deps, carried, repo.linkOps(link).slice(0, 1));
    return 'unchanged';
  }

  // Reserve the seq before sending: a crash after the send never reuses it.
  link.outSeq += 1;
  link.version += 1;
  link.sent = pruneSent({ ...link, sent: [...link.sent, { seq: link.outSeq, version: link.version, hashes: fieldHashes(values), stamps: known.stamps }] });
  await writeWith(deps, carried, repo.linkOps(link));

  const now = new Date(deps.clock.now()).toISOString();
  const envelope: ReplicaMessage = {
    v: 1, type: 'replica', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: now, from: await fromSite(deps),
    issue: { id: issue.id, key: issue.key }, twin: link.remoteIssueId !== null && link.remoteKey !== null ? { id: link.remoteIssueId, key: link.remoteKey } : null, seq: link.outSeq, ack: link.inSeq, syncBack: event.syncBack,
    editedAt: known.editedAt, fieldEditedAt: known.stamps,
    commentBases: Object.fromEntries(link.comments.filter((l) => l.owner === 'remote').map((l) => [l.localId, l.hash])),
    deletedOrigins: link.comments.filter((l) => l.owner === 'remote' && !issue.comments.some((c) => c.id === l.localId)).map((l) => l.remoteId),
    replica,
  };
  try {
    await sendToConnection(deps, connection, envelope);
  } catch (error) {
    // It may have arrived all the same (answer lost): what the remote has is unknown now, so the
    // retry sends whatever it finds, even a state equal to the last one sent.
    link.lastSentHash = null;
    await repo.saveLink(link);
    throw error;
  }
  link.lastSentHash = hash;
  link.lastSyncAt = now;
  // the link and its activity entry in one storage operation
  await deps.store.transact([...repo.linkRecordOps(link), activityOp(deps, {
    connectionId: connection.id, direction: 'out', type: event.syncBack ? 'sync-back' : 'replica', issueKey: issue.key, remoteIssueKey: link.remoteKey, outcome: 'sent',
    message: `seq ${envelope.seq}${output.logs.length > 0 ? `; rules: ${output.logs.map((l) => l.message).join(' | ')}` : ''}`,
  })]);
  return 'sent';
}
