import { z } from 'zod';
import { activityOp, logActivity } from './activity';
import { hashOf } from './canonical-json';
import type { EngineDeps } from './deps';
import type { ReplicaMessage } from './envelope/replica-message';
import { PermanentError } from './errors';
import { fieldValuesOf, toRulesIssue } from './field-values';
import { fieldHashes, newLink, observe, pruneSent } from './link-state';
import { groupForSend, groupOf } from './groups';
import { peerLinks, withAttachmentOrigins, withOrigins } from './group-identity';
import { withoutUnrecordedCopies } from './parts/comments/unrecorded';
import { localLock, type OutgoingEvent } from '../model/queue-event';
import { ReplicaSchema, type Replica } from '../model/replica';
import { rulesConnection } from './rules-connection';
import { fromSite, sendingKey, sendToConnection, signedForAnswer } from './send';
import { releasing } from './issue-lock';
import { applyReplyToSend } from './incoming';
import { Repo } from './state/repo';
import type { LocalIssue } from '../ports/jira';
import { MAX_TRANSACTION_OPS, type StoreOp } from '../ports/store';
import type { Connection, LinkState, OutboxEntry } from './state/records';
import { keys } from './state/keys';
import { appliedThere, remoteFailure, verifiedOutcome, withOutcome } from './outcome';
import { readUnlinked, tellUnlinkedLater } from './unlink';
import { withoutAttribution } from './parts/comments/comment-attribution';
import type { RulesEngine } from '../ports/rules';
import { offerAttachments } from './parts/attachments/outgoing';
import { bringParentAlong } from './parts/hierarchy';
import { onlySyncedLinks } from './parts/links/outgoing';

/** `updated`/`created` move with every write, including the app's own: not part of "changed". */
/**
 * The replica as it travels: copies of the other site's comments without their attribution line
 * (it is the receiving site's, src/sync/parts/comments/comment-attribution.ts), whatever the outgoing rules did.
 */
export function replicaToSend(replica: Replica): Replica {
  return { ...replica, comments: replica.comments.map((c) => (c.originId !== null ? { ...c, body: withoutAttribution(c.body) } : c)) };
}

export function replicaHash(replica: Replica): string {
  return hashOf({ ...replica, created: '', updated: '' });
}

/** A follow-up given back in the answer to the request being applied (envelope/signed-answer.ts). */
export { SignedReplySchema, type SignedReply } from './envelope/signed-answer';
import { SignedReplySchema, type SignedReply } from './envelope/signed-answer';

/**
 * - 'replied': built as a reply (`reply` option), for the caller to give back in its answer;
 * - 'not-replied': too large to ride in an answer, nothing reserved (the caller queues it).
 */
export type OutgoingOutcome = 'sent' | 'replied' | 'not-replied' | 'unchanged' | 'out-of-scope' | 'inactive' | 'unlinked' | 'twin-unlinked';

export interface OutgoingOptions {
  /** the issue as just read by the caller (a sync back right after an apply), saving a read */
  preread?: LocalIssue;
  rules?: RulesEngine;
  carried?: CarriedWrites;
  /** build the message as a reply instead of posting it (an inline apply answering its request) */
  reply?: boolean;
}

export interface OutgoingResult {
  outcome: OutgoingOutcome;
  reply: SignedReply | null;
}

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

/**
 * Writes `ops`, together with the carried writes still owed, in one storage operation; the last
 * write of the invocation's work (`last`) gives its issue lock back in the same operation.
 */
async function writeWith(deps: EngineDeps, carried: CarriedWrites | undefined, ops: StoreOp[], last: boolean): Promise<void> {
  const owed = carried !== undefined && !carried.written;
  // the sync's own write of a key supersedes the carried one (a transaction names each key once)
  const merged = owed ? [...new Map([...carried.ops, ...ops].map((op) => [op.key, op])).values()] : ops;
  const { ops: all, release } = last ? releasing(deps, merged, MAX_TRANSACTION_OPS) : { ops: merged, release: () => undefined };
  const only = all.length === 1 ? all[0] : undefined;
  if (only && only.op === 'set' && only.ttlSeconds === undefined) await deps.store.set(only.key, only.value);
  else if (only && only.op === 'delete') await deps.store.delete(only.key);
  else if (all.length > 0) await deps.store.transact(all);
  if (owed) carried.written = true;
  release();
}

/**
 * Outgoing sync of one local issue: read it (one call, which also checks the scope), run the
 * outgoing rules, skip when the replica's hash equals the last one sent (unless it is a sync back),
 * reserve the next seq in storage, then sign and send. When the remote applied it at once and
 * answered with a reply of its own (the sync back of a new twin), that reply is applied here, in
 * the same invocation, its bookkeeping and this send's in one write.
 */
export async function processOutgoing(deps: EngineDeps, event: OutgoingEvent, opts: OutgoingOptions = {}): Promise<OutgoingResult> {
  const { preread, carried } = opts;
  const result = (outcome: OutgoingOutcome, reply: SignedReply | null = null): OutgoingResult => ({ outcome, reply });
  const repo = new Repo(deps.store);
  // a re-driven send (a crash left its outbox entry) that ends without posting ends the entry too
  const ended: StoreOp[] = event.reason === 'redrive' ? [{ op: 'delete', key: keys.outbox(event.connectionId, event.localIssueId) }] : [];
  const connection = await repo.getConnection(event.connectionId);
  if (!connection || connection.status !== 'active') {
    await writeWith(deps, carried, ended, true);
    return result('inactive');
  }
  if (connection.direction === 'receive-only') {
    if (event.syncBack) {
      throw new PermanentError(`connection "${connection.name}" is receive-only, so syncBackAfterProcessing() cannot send anything back: remove the call from the incoming rules or set the direction to both`);
    }
    await writeWith(deps, carried, ended, true);
    return result('inactive');
  }
  if (event.reason === 'unlink') {
    await tellUnlinkedLater(deps, connection, event.localIssueId);
    await writeWith(deps, carried, ended, true);
    return result('unlinked');
  }
  let link = carried ? carried.link : await repo.getLink(connection.id, event.localIssueId);
  // Linked issues and manual syncs are read directly; anything else must match the scope (same single call).
  const readAt = deps.clock.now();
  const issue = preread ?? (link || event.reason === 'manual'
    ? await deps.jira.getIssue(event.localIssueId)
    : connection.scopeJql !== null ? await deps.jira.getIssueInScope(event.localIssueId, connection.scopeJql) : null);
  if (!issue) {
    await writeWith(deps, carried, ended, true);
    if (link) {
      await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'replica', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'warning', message: 'the local issue can no longer be read (deleted or no permission); nothing sent' });
    }
    return result('out-of-scope');
  }
  // Unlinked by a person (src/sync/unlink.ts): nothing starts a twin again but a person's own sync,
  // which lifts the marks and pairs the issue with its old twin instead of creating another.
  let lift: StoreOp[] = [];
  if (!link) {
    const mark = await readUnlinked(repo, connection.id, issue.id);
    if (mark && event.reason !== 'manual') {
      await writeWith(deps, carried, ended, true);
      return result('unlinked');
    }
    if (mark) {
      // the mark by the remote issue stays until the pairing is done (the other side may be
      // pairing again at the same moment: its message finds our old link through it)
      lift = [{ op: 'delete', key: keys.unlinked(connection.id, issue.id) }];
      link = newLink(connection.id, issue.id, issue.key, 'local');
      if (mark.remoteKey !== null) link.pairWith = mark.remoteKey;
      // numbered on: the other side may still hold the old link (its unlink not there yet)
      link.outSeq = mark.outSeq ?? 0;
      // the values' times as they were at the unlink: what changed since is stamped by observe below
      link.known = mark.known ?? null;
    } else if (issue.originConnectionId === connection.id) {
      // The app created this issue as the twin of a remote issue on this connection, and the link
      // is not written yet (its creation was interrupted; the remote's retry links it): sent as a
      // new issue it would get a twin of its own there, a second copy of the remote issue.
      await writeWith(deps, carried, ended, true);
      await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'replica', issueKey: issue.key, remoteIssueKey: null, outcome: 'skipped', message: `${issue.key} is the twin of an issue of the other site whose link is not written yet: nothing sent (the creation's retry links it)` });
      return result('twin-unlinked');
    } else if (issue.originConnectionId != null && !(await repo.getLink(issue.originConnectionId, issue.id)) && !(await groupOf(deps, issue.id))) {
      // The twin of a remote issue on another connection, its creation interrupted before it was
      // linked (and joined that issue's twin group): sent now it would start a group of its own, and
      // the other site would twin it a second time. The creation's retry links it; it is sent then.
      await writeWith(deps, carried, ended, true);
      await logActivity(deps, { connectionId: connection.id, direction: 'out', type: 'replica', issueKey: issue.key, remoteIssueKey: null, outcome: 'skipped', message: `${issue.key} is the twin of an issue on another connection whose link is not written yet: nothing sent until it is` });
      return result('twin-unlinked');
    }
  }
  link = link ?? newLink(connection.id, issue.id, issue.key, 'local');
  link.localKey = issue.key;
  if (!preread) {
    link.snapshot = { issue, at: readAt };
    link.seenThrough = new Date(deps.clock.now()).toISOString();
  }
  const rulesIssue = toRulesIssue(issue, link.comments, link.attachments ?? []);
  const values = fieldValuesOf(rulesIssue);
  const known = observe(link, values, issue.updated);

  const rules = opts.rules ?? await deps.rules.forConnection(connection);
  const output = await rules.outgoing({ issue: rulesIssue, connection: rulesConnection(connection) });
  const parsed = ReplicaSchema.safeParse(output.replica);
  if (!parsed.success) throw new PermanentError(`outgoing rules produced an invalid replica: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // three or more sites: comments and files copied through other connections carry where they were
  // first written (group-identity.ts)
  const peers = await peerLinks(repo, connection, issue.id);
  const toSend = replicaToSend(parsed.data);
  // a copy an apply wrote and could not record is not sent as ours (parts/comments/unrecorded.ts)
  const peerCopies = new Set(peers.flatMap((p) => p.link.comments.map((l) => l.localId)));
  const comments = withoutUnrecordedCopies(toSend.comments, link.comments, peerCopies);
  const grouped_ = { ...toSend, comments: withOrigins(comments, peers), attachments: withAttachmentOrigins(toSend.attachments, peers) };
  const replica = await offerAttachments(deps.jira, await onlySyncedLinks(repo, connection.id, grouped_), issue, link);
  // a child brings its parent along when the connection does not sync the parent yet (the other side waits for the parent's twin)
  await bringParentAlong(deps, repo, connection, replica);
  const hash = replicaHash(replica);
  if (hash === link.lastSentHash && !event.syncBack) {
    link.lastSyncAt = new Date(deps.clock.now()).toISOString();
    await writeWith(deps, carried, [...repo.linkOps(link).slice(0, 1), ...ended], true);
    return result('unchanged');
  }

  const now = new Date(deps.clock.now()).toISOString();
  const seq = link.outSeq + 1;
  // the issue's twin group: the link's, the one it joined by another connection, or one starting here
  const grouped = await groupForSend(deps, link.group, issue.id);
  link.group = grouped.group;
  const envelope: ReplicaMessage = {
    v: 1, type: 'replica', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: now, from: await fromSite(deps),
    issue: { id: issue.id, key: issue.key }, group: grouped.group,
    // the group's members on this site's other connections, for the receiver's panel
    ...(peers.length > 0 ? { members: await membersOf(repo, peers, issue.id) } : {}),
    twin: link.remoteIssueId !== null && link.remoteKey !== null ? { id: link.remoteIssueId, key: link.remoteKey } : null, seq, ack: link.inSeq, syncBack: event.syncBack,
    editedAt: known.editedAt, fieldEditedAt: known.stamps,
    commentBases: Object.fromEntries(link.comments.filter((l) => l.owner === 'remote').map((l) => [l.localId, l.hash])),
    deletedOrigins: link.comments.filter((l) => l.owner === 'remote' && !issue.comments.some((c) => c.id === l.localId)).map((l) => l.remoteId),
    deletedAttachmentOrigins: (link.attachments ?? []).filter((l) => l.owner === 'remote' && l.remoteId !== null && !issue.attachments.some((a) => a.id === l.localId)).flatMap((l) => (l.remoteId !== null ? [l.remoteId] : [])),
    replica,
    // until the remote answers with its twin: the issue there a person chose (or the old twin)
    ...(link.remoteIssueId === null && (link.pairWith ?? null) !== null ? { pairWith: link.pairWith ?? undefined } : {}),
    // a person's sync overrides an unlink on the other side too
    ...(event.reason === 'manual' ? { manual: true as const } : {}),
  };
  const sentNote = (how: string) => activityOp(deps, {
    connectionId: connection.id, direction: 'out', type: event.syncBack ? 'sync-back' : 'replica', issueKey: issue.key, remoteIssueKey: link.remoteKey, outcome: 'sent',
    message: `seq ${seq}${how}${output.logs.length > 0 ? `; rules: ${output.logs.map((l) => l.message).join(' | ')}` : ''}`,
  });
  // Reserve the seq before sending: a crash after the send never reuses it.
  const reserve = (l: LinkState) => {
    l.outSeq = seq;
    l.version += 1;
    l.sent = pruneSent({ ...l, sent: [...l.sent, { seq, version: l.version, hashes: fieldHashes(values), stamps: known.stamps }] });
  };

  if (opts.reply) {
    const text = JSON.stringify(envelope);
    if (Buffer.byteLength(text, 'utf8') > deps.settings.partBytes) {
      await writeWith(deps, carried, ended, true);
      return result('not-replied');
    }
    // a connection without its secret is refused before anything is reserved (the invocation's store keeps it for the signing)
    await sendingKey(deps, connection);
    // Given in an answer, it may never arrive (the answer lost): it counts as sent once the remote
    // acknowledges its seq; until then a message from the remote acknowledging less gets it again.
    reserve(link);
    link.lastSentHash = null;
    link.unconfirmed = { seq, hash };
    link.lastSyncAt = now;
    await writeWith(deps, carried, [...repo.linkOps(link), sentNote(' (in the answer)'), ...ended, ...lift, ...grouped.ops], true);
    return result('replied', await signedForAnswer(deps, connection, text));
  }

  reserve(link);
  // The reservation is an outbox entry too: a crash before the POST leaves it, and the sweeper sends
  // again (src/sync/sweeper.ts); the send's last write deletes it.
  const outbox = keys.outbox(connection.id, issue.id);
  const entry: OutboxEntry = { seq, syncBack: event.syncBack, at: deps.clock.now() };
  await writeWith(deps, carried, [...repo.linkOps(link), { op: 'set', key: outbox, value: entry }, ...lift, ...grouped.ops], false);
  const posted: StoreOp = { op: 'delete', key: outbox };
  let answer: { status: number; body: string };
  try {
    answer = await sendToConnection(deps, connection, envelope);
  } catch (error) {
    // It may have arrived all the same (answer lost): what the remote has is unknown now, so the
    // retry sends whatever it finds, even a state equal to the last one sent.
    link.lastSentHash = null;
    await writeWith(deps, undefined, repo.linkRecordOps(link), true);
    throw error;
  }
  link.lastSentHash = hash;
  link.lastSyncAt = now;
  // posted and stored there: it carries all an unconfirmed reply did
  link.unconfirmed = null;
  // applied there while we waited: the answer says so, signed (src/sync/outcome.ts)
  const signedOutcome = signedIn(answer.body, 'outcome');
  const outcome = signedOutcome ? await verifiedOutcome(deps, connection, signedOutcome, issue.id) : null;
  if (outcome) link.remote = withOutcome(link.remote, outcome);
  const reply = signedIn(answer.body, 'reply');
  if (reply && (await applyReplyToSend(deps, connection, link, reply, [sentNote(''), posted]))) return result('sent');
  // the link, its activity entry and the outbox entry's end in one storage operation
  await writeWith(deps, undefined, [...repo.linkRecordOps(link), sentNote(''), posted], true);
  return result('sent');
}

/** the signed reply (or outcome) in an inbox's answer, if it has one */
function signedIn(body: string, field: 'reply' | 'outcome'): SignedReply | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = z.looseObject({ [field]: SignedReplySchema }).safeParse(json);
  if (!parsed.success) return null;
  const signed = SignedReplySchema.safeParse(parsed.data[field]);
  return signed.success ? signed.data : null;
}

/**
 * The group's members on this site's other connections, for the receiver's panel: each twin's site
 * and key, and how this site's sync with it stands now (failed here, failed there, confirmed, or
 * under way), read from its link and the connection's error for the issue (one read each).
 */
async function membersOf(repo: Repo, peers: readonly { connection: Connection; link: LinkState }[], localIssueId: string): Promise<NonNullable<ReplicaMessage['members']>> {
  const out: NonNullable<ReplicaMessage['members']> = [];
  for (const { connection, link } of peers.slice(0, 20)) {
    if (link.remoteKey === null) continue;
    const failed = (await repo.blockedBy(localLock(connection.id, localIssueId))) !== undefined;
    const state = failed ? 'error' as const : remoteFailure(link) ? 'remote-error' as const : appliedThere(link) >= link.outSeq ? 'synced' as const : 'pending' as const;
    out.push({ site: connection.remoteSiteName ?? connection.name, key: link.remoteKey, state });
  }
  return out;
}
