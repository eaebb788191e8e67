import { EMPTY_MAPPINGS, incomingUserRows, type Mappings, type UnmappedValue } from '../model/mappings';
import { mappingValuesOfApply, valuesIn } from './mapping-values';
import { joinOps, memberOrClaim } from './groups';
import { asCopiesOfOurs, peerLinks, recognised, recognisedAttachments, unknownTo } from './group-identity';
import { relay, relayTargets, staleSnapshotOps } from './relay';
import { JiraError, type LocalIssue } from '../ports/jira';
import { MAX_TRANSACTION_OPS, type StoreOp } from '../ports/store';
import type { IncomingRulesResult, RulesEngine, RulesIssue } from '../ports/rules';
import { activityOp, logActivity } from './activity';
import type { EngineDeps } from './deps';
import { EnvelopeSchema } from './envelope/envelope';
import type { ReplicaMessage } from './envelope/replica-message';
import type { UnlinkMessage } from './envelope/unlink-message';
import { classify, PermanentError, TransientError } from './errors';
import { storeForQueue } from './inbox-store';
import { verifiedFromAnswer } from './send';
import { blankIssue, fieldValuesOf, toRulesIssue } from './field-values';
import { fieldHashes, newLink, pruneSent } from './link-state';
import { processOutgoing, replicaHash, replicaToSend, type CarriedWrites, type SignedReply } from './outgoing';
import { releasing } from './issue-lock';
import { localLock, type IncomingEvent, type OutgoingEvent } from '../model/queue-event';
import { AdfDocSchema, JsonValueSchema, ReplicaSchema, type AdfDoc } from '../model/replica';
import { adoptedCopies, keptFromPeople } from './parts/comments/unrecorded';
import { rulesConnection } from './rules-connection';
import { planFields, type FieldsPlan } from './parts/fields';
import { desiredValues, toFieldWrite } from './parts/fields/values';
import { keys, safePart } from './state/keys';
import type { ExecutedPart, PartContext, PlannedPart } from './parts/part';
import { PARTS } from './parts/registry';
import { provideProjectParts } from './parts/components';
import { onlySyncedLinks } from './parts/links/outgoing';
import { accountIdsToLookUp, emailsToLookUp, mapPeople, mentionsIn, peopleOf, rewriteMentions } from './people';
import { HELD_STAMP, holdUnofferedOptions } from './parts/fields';
import { CUSTOM_FIELD_PREFIX } from './field-values';
import type { PeopleSettings, RulesMetadata } from '../ports/rules';
import type { Replica } from '../model/replica';
import { CascadingValueSchema } from '../model/custom-field';
import { offeredReplica } from './parts/attachments/outgoing';
import { CreatingMarkerSchema, DirtySchema, type AttachmentLink, type CommentLink, type Connection, type FieldValues, type LinkState, type Unlinked } from './state/records';
import { Repo } from './state/repo';
import { touchConnection } from './touch-connection';
import { applyOutcome, outcomeFor, sendOutcome } from './outcome';
import { clearRemoteKeyField, liftMarkOps, markUnlinkedBeforeTwin, readUnlinked, readUnlinkedRemote, tellUnlinked, unlinkHere } from './unlink';

/**
 * Processes one stored inbox entry. The entry is deleted only when it has been applied (or found
 * stale), so a crash anywhere before leaves it for the queue's retry or the sweeper.
 */
export async function processIncoming(deps: EngineDeps, event: IncomingEvent): Promise<void> {
  const repo = new Repo(deps.store);
  const entry = await repo.getInbox(event.connectionId, event.messageId);
  if (!entry) return; // processed already (at-least-once delivery)
  const inboxKey = keys.inbox(event.connectionId, event.messageId);
  const connection = await repo.getConnection(event.connectionId);
  // deleted here, or closed by the remote: what was accepted before is dropped (the links are gone)
  if (!connection || connection.status === 'closed') {
    await deps.store.delete(inboxKey);
    await repo.deleteInboxParts(entry);
    return;
  }
  const envelope = EnvelopeSchema.parse(JSON.parse(await repo.inboxBody(entry)));
  let consumed = false;
  if (envelope.type === 'replica') {
    const result = await applyReplicaMessage(deps, repo, connection, envelope, event, QUEUED);
    const done = result.outcome;
    if (done === 'relocked') return;
    // an applied message's entry went in the same transaction as its bookkeeping
    consumed = done === 'applied' || done === 'created';
    // no message of ours carries the ack of it: the sender is told by an outcome (src/sync/outcome.ts)
    if (consumed && !result.acknowledged) await sendOutcome(deps, connection, await outcomeFor(deps, connection, envelope, result.localIssue, 'applied', null));
  } else if (envelope.type === 'unlink') {
    await applyUnlink(deps, repo, connection, envelope);
  } else if (envelope.type === 'outcome') {
    await applyOutcome(deps, connection, envelope);
  }
  await touchConnection(deps, repo, connection);
  if (!consumed) await deps.store.delete(inboxKey);
  // a message that came in parts: its parts go once the entry is consumed (their TTL covers a crash here)
  await repo.deleteInboxParts(entry);
}

/**
 * Applies a replica the inbox received, while its sender waits (src/sync/inbox.ts): no inbox entry,
 * follow-ups given back as a reply. The caller holds the issue's lock (`lock`) when the twin exists.
 */
export async function applyInline(deps: EngineDeps, connection: Connection, message: ReplicaMessage, lock: string): Promise<ApplyResult> {
  const repo = new Repo(deps.store);
  const event: IncomingEvent = { kind: 'incoming', connectionId: connection.id, messageId: safePart(message.messageId), lock, attempt: 0 };
  const result = await applyReplicaMessage(deps, repo, connection, message, event, { source: 'inline', followUps: 'reply', maxWrites: INLINE_MAX_WRITES });
  if (result.outcome !== 'relocked' && result.outcome !== 'deferred') await touchConnection(deps, repo, connection);
  return result;
}

/**
 * Jira writes an inline apply makes at most: Jira's per-issue write limit lets 20 through in 2 s
 * (https://developer.atlassian.com/cloud/jira/platform/rate-limiting), so these fit a web trigger's
 * 55 s even when told to wait; a bigger change goes to the queue.
 */
export const INLINE_MAX_WRITES = 20;

/**
 * The remote applied our send at once and answered with a reply (the sync back of the twin it just
 * created): applied here by the sender, which holds the issue's lock, with `alsoWrite` (the send's own
 * bookkeeping) in the same transaction. False when nothing was written: the reply is not a valid
 * signed replica of our twin (ignored, with a note), was stale, or failed to apply (then it is kept
 * for the queue, which retries it like any received message).
 */
export async function applyReplyToSend(deps: EngineDeps, connection: Connection, link: LinkState, reply: SignedReply, alsoWrite: StoreOp[]): Promise<boolean> {
  const envelope = await verifiedFromAnswer(deps, connection, reply);
  const message = envelope?.type === 'replica' && envelope.twin?.id === link.localIssueId ? envelope : null;
  if (!message) {
    await logActivity(deps, { connectionId: connection.id, direction: 'in', type: 'sync-back', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'warning', message: 'ignored the reply in the remote\'s answer: not a valid signed replica of this issue\'s twin' });
    return false;
  }
  const event: IncomingEvent = { kind: 'incoming', connectionId: connection.id, messageId: message.messageId, lock: localLock(connection.id, link.localIssueId), attempt: 0 };
  try {
    const result = await applyReplicaMessage(deps, new Repo(deps.store), connection, message, event, { source: 'inline', followUps: 'post', link: structuredClone(link), freshSnapshot: true, alsoWrite });
    const applied = result.outcome === 'applied' || result.outcome === 'created';
    // the replier learns that its reply arrived and was applied (else its panel would wait for our next message)
    if (applied && !result.acknowledged) await sendOutcome(deps, connection, await outcomeFor(deps, connection, message, result.localIssue, 'applied', null));
    return applied;
  } catch (error) {
    if (classify(error).throttled) throw error;
    await storeForQueue(deps, connection, message, reply.body);
    return false;
  }
}

async function applyUnlink(deps: EngineDeps, repo: Repo, connection: Connection, message: UnlinkMessage): Promise<void> {
  const named = message.twin ? await repo.getLink(connection.id, message.twin.id) : undefined;
  const link = await repo.getLinkByRemote(connection.id, message.issue.id) ?? (named && named.remoteIssueId === null ? named : undefined);
  if (!link) {
    // no twin here yet: its first replica may still be on its way, and must not create one; one an
    // interrupted creation made keeps no key
    await markUnlinkedBeforeTwin(deps, connection.id, message.issue.id);
    await settleInterruptedCreation(deps, repo, connection, message.issue);
    return;
  }
  // sent before the twins were paired again (both times on the sender's clock): it is over
  if (link.pairedAt != null && message.sentAt < link.pairedAt) {
    await logActivity(deps, { connectionId: connection.id, direction: 'in', type: 'unlink', issueKey: link.localKey, remoteIssueKey: message.issue.key, outcome: 'skipped', message: 'an unlink sent before the twins were paired again: ignored' });
    return;
  }
  await unlinkHere(deps, connection, { ...link, remoteIssueId: message.issue.id, remoteKey: link.remoteKey ?? message.issue.key }, 'remote');
}

export type ApplyOutcome = 'applied' | 'created' | 'stale' | 'duplicate' | 'dropped' | 'relocked' | 'deferred';

/**
 * How a message is applied:
 * - `source`: from a stored inbox entry (consumed in the apply's own transaction), or from the
 *   request itself, applied while the sender waits (nothing stored before the apply);
 * - `followUps`: a sync back (or the ids of comment copies) is posted to the remote, or given back as
 *   a signed reply in the answer to the request being applied (no invocation of its own);
 * - `link`: the link as the caller holds it in memory (a sender applying the reply to its own send);
 * - `alsoWrite`: the caller's own writes, made in the apply's transaction.
 */
export interface ApplyMode {
  source: 'inbox' | 'inline';
  followUps: 'post' | 'reply';
  /**
   * At most this many Jira writes (an inline apply inside a web trigger's 55 s): a message needing
   * more is 'deferred', before any write, to the queue's consumer (900 s, and a failure handler).
   */
  maxWrites?: number;
  link?: LinkState;
  /** `link`'s snapshot was read from Jira in this invocation (the send a reply answers) */
  freshSnapshot?: boolean;
  alsoWrite?: StoreOp[];
}
const QUEUED: ApplyMode = { source: 'inbox', followUps: 'post' };

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** the signed follow-up to give back in the answer (followUps 'reply') */
  reply: SignedReply | null;
  /** the local issue applied to (applied or created) */
  localIssue: { id: string; key: string } | null;
  /** a message of ours carrying the ack of this one was sent, given as the reply or queued */
  acknowledged: boolean;
}

/**
 * What an apply has done in Jira that its bookkeeping has not recorded yet: a twin it created or
 * found but has not linked, and the comment copies it made. Recorded when the apply fails half way
 * (a 429 from Jira's per-issue write limit after 100 comments, say), so the retry neither searches
 * for the twin again nor copies those comments a second time.
 */
interface Unrecorded {
  twin: { id: string; key: string; startedAt: string; comments: CommentLink[] } | null;
  /** the link as read, before this apply changed it in memory */
  storedLink: LinkState | null;
  copies: CommentLink[];
}

async function applyReplicaMessage(deps: EngineDeps, repo: Repo, connection: Connection, message: ReplicaMessage, event: IncomingEvent, mode: ApplyMode, forceRead = false): Promise<ApplyResult> {
  const pending: Unrecorded = { twin: null, storedLink: null, copies: [] };
  try {
    const { next, ...applied } = await applyOnce(deps, repo, connection, message, event, mode, forceRead, pending);
    return next ? await runNext(deps, applied, next) : applied;
  } catch (error) {
    await recordUnrecorded(deps, repo, connection, message, pending).catch(() => undefined); // unrecorded, the retry searches (INDEX_SETTLE_MS) and may copy again
    throw error;
  }
}

async function recordUnrecorded(deps: EngineDeps, repo: Repo, connection: Connection, message: ReplicaMessage, pending: Unrecorded): Promise<void> {
  if (pending.twin) {
    const { startedAt, id, key, comments } = pending.twin;
    await deps.store.set(keys.creating(connection.id, message.issue.id), { startedAt, created: { id, key, comments: [...comments, ...pending.copies] } }, { ttlSeconds: MARKER_TTL_SECONDS });
  } else if (pending.storedLink && pending.copies.length > 0) {
    // the issue changed under the link's snapshot (the copies): the retry reads it again
    await repo.saveLink({ ...pending.storedLink, comments: [...pending.storedLink.comments, ...pending.copies], snapshot: null });
  }
}

async function applyOnce(deps: EngineDeps, repo: Repo, connection: Connection, message: ReplicaMessage, event: IncomingEvent, mode: ApplyMode, forceRead: boolean, pending: Unrecorded): Promise<ApplyResult & { next?: NextAction }> {
  const done = (outcome: ApplyOutcome): ApplyResult => ({ outcome, reply: null, localIssue: null, acknowledged: false });
  const log = (outcome: Parameters<typeof logActivity>[1]['outcome'], text: string, issueKey: string | null) =>
    logActivity(deps, { connectionId: connection.id, direction: 'in', type: message.syncBack ? 'sync-back' : 'replica', issueKey, remoteIssueKey: message.replica.key, outcome, message: text });

  if (connection.direction === 'send-only') {
    await log('warning', `dropped seq ${message.seq}: connection "${connection.name}" only sends`, null);
    return done('dropped');
  }
  // unlinked here or there (src/sync/unlink.ts): dropped, or paired again when a person asked for it
  const gate = mode.link ? { localId: mode.link.localIssueId, pair: null } : await unlinkGate(deps, repo, connection, message);
  if ('drop' in gate) {
    await log('skipped', gate.drop, null);
    return done('dropped');
  }
  const { localId, pair } = gate;
  // a twin created now becomes the group's indexed member here (unless the group has one linked to another connection to the same site)
  const groupIndexed = gate.groupIndexed ?? true;
  // marks a person's sync lifts without a pairing (a twin is created as usual)
  const liftAlone = gate.lift ?? [];
  if (localId !== undefined && event.lock !== localLock(connection.id, localId)) {
    // The twin appeared after this message was queued: go behind the twin's own lock (an inline
    // apply leaves it to the queue, whose caller stores it).
    if (mode.source === 'inbox') await deps.queue.push([{ ...event, lock: localLock(connection.id, localId) }]);
    return done('relocked');
  }
  let link = mode.link ?? (localId !== undefined ? await repo.getLink(connection.id, localId) : undefined);
  if (pair && link && link.remoteIssueId !== null && link.remoteIssueId !== message.issue.id) {
    throw new PermanentError(`${message.replica.key} asks to be paired with ${link.localKey}, which is already synced with ${link.remoteKey ?? link.remoteIssueId} on connection "${connection.name}": unlink it first`);
  }
  // a pair asked for when this side had already linked it (a repeat): an ordinary update
  const paired = pair !== null && link === undefined;
  if (link) {
    pending.storedLink ??= structuredClone(link);
    // copies an earlier pass of this apply made (it was redone from a fresh read) are known
    if (pending.copies.length > 0) link.comments = [...link.comments, ...pending.copies];
  }
  if (link && message.seq <= link.inSeq) {
    // the very message again (a replay): nothing to learn, nothing to note
    if (mode.source === 'inline' && (await deps.store.get(keys.seen(connection.id, event.messageId))) !== undefined) return done('duplicate');
    const deleted = await learnFromStale(deps, repo, link, message);
    // A reply we gave in an answer nobody read (a replayed request's) is still unacknowledged by
    // this late copy: the remote never got it, and may send nothing more; post it instead.
    const unconfirmed = link.unconfirmed ?? null;
    const resend = unconfirmed !== null && message.ack < unconfirmed.seq && !message.syncBack && connection.direction === 'both';
    if (resend) await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: link.localIssueId, syncBack: true, reason: 'sync-back', lock: localLock(connection.id, link.localIssueId), attempt: 0 }]);
    await log('stale', `stale seq ${message.seq} (applied up to ${link.inSeq}); dropped${deleted > 0 ? `; it showed ${deleted} comment copy(ies) deleted there since: deleted here too` : ''}${resend ? `; it did not acknowledge our reply seq ${unconfirmed.seq}: sent again` : ''}`, link.localKey);
    return done('stale');
  }
  const firstSync = link === undefined;
  const previous = link ? await repo.getPrevious(connection.id, link.localIssueId, link) : null;
  const rules = await deps.rules.forConnection(connection);
  const metadata = await metadataFor(deps, repo, connection, message.replica, rules.mappings ?? EMPTY_MAPPINGS);
  let basisAt = deps.clock.now();
  let local: LocalIssue | null = null;
  let usedSnapshot = false;
  // the lock was taken over from a holder that died: it may have copied comments it did not record
  const afterDeath = deps.heldLock?.tookOver === true && link !== undefined;
  if (afterDeath) forceRead = true;
  if (link) {
    const dirty = forceRead ? undefined : await repo.read(keys.dirty(connection.id, link.localIssueId), DirtySchema);
    const snapshot = link.snapshot;
    // a snapshot from before attachments were read with the issue is read again
    const kept = snapshot ? structuredClone(snapshot.issue) : undefined;
    const { attachments, parent, links, components, fixVersions } = kept ?? {};
    // a snapshot from before these were read with the issue is read again
    const whole = attachments !== undefined && parent !== undefined && links !== undefined && components !== undefined && fixVersions !== undefined;
    if (!forceRead && snapshot && kept && whole && (!dirty || dirty.at < snapshot.at)) {
      usedSnapshot = true;
      local = { ...kept, attachments, parent, links, components, fixVersions };
      basisAt = snapshot.at;
    } else {
      local = await deps.jira.getIssue(link.localIssueId);
    }
  }
  if (link && !local) throw new PermanentError(`the local twin ${link.localKey} of ${message.replica.key} no longer exists or cannot be read; unlink it to stop syncing`);
  // copies an apply made and could not record (its invocation died after writing them): known
  if (link && local) link.comments = [...link.comments, ...adoptedCopies(local.comments, message.replica.comments, link.comments)];
  if (paired && localId !== undefined) {
    // An existing issue of ours becomes the twin: no creation, a three-way merge without a base
    // (each differing field decided by the conflict policy, on both sides alike), comments joined.
    local = await deps.jira.getIssue(localId);
    if (!local) throw new PermanentError(`${message.replica.key} asks to be paired with issue ${pair?.key ?? localId}, which does not exist here or cannot be read`);
    link = newLink(connection.id, local.id, local.key, 'local');
    // an unlinked twin paired again: it numbers on from its old link (the remote may still have
    // applied that link's messages), and its values keep the times they were made
    if (pair?.mark) {
      link.outSeq = pair.mark.outSeq ?? 0;
      link.known = pair.mark.known ?? null;
    }
    // comments an earlier attempt copied onto it are known (not copied a second time); this attempt
    // cut off in turn, its marker is written again with what it copied (as for a creation)
    if (pair?.copies) {
      link.comments = pair.copies.filter((c) => local?.comments.some((l) => l.id === c.localId));
      if (pair.startedAt !== undefined) pending.twin = { id: local.id, key: local.key, startedAt: pair.startedAt, comments: link.comments };
    }
  }

  // three or more sites: a comment or a file relayed from a third site that stands for one of ours
  // (or for a copy another connection made of it) is taken for it (group-identity.ts)
  message.replica.comments = asCopiesOfOurs(message.replica.comments, link?.comments ?? []);
  message.replica.attachments = asCopiesOfOurs(message.replica.attachments, link?.attachments ?? []);
  const newComment = unknownTo(message.replica.comments, link?.comments ?? []);
  const newFile = unknownTo(message.replica.attachments, link?.attachments ?? []);
  if (local && (newComment || newFile)) {
    const peers = await peerLinks(repo, connection, local.id);
    const context = { sender: message.from.cloudId, here: deps.site.cloudId, link, peers };
    if (newComment) message.replica.comments = recognised(message.replica.comments, context);
    if (newFile) message.replica.attachments = recognisedAttachments(message.replica.attachments, context);
  }
  const issueForRules: RulesIssue = local && link ? toRulesIssue(local, link.comments, link.attachments ?? []) : blankIssue();
  const result = await rules.incoming({
    replica: message.replica, issue: structuredClone(issueForRules), previous, firstSync, syncBackMessage: message.syncBack,
    connection: rulesConnection(connection), metadata,
  });
  const desired = result.desired;
  // a child before its parent (syncHelper.waitFor): nothing is written until the parent is synced
  // here; the retry comes back (the sender brings the parent along when it is in scope)
  if (result.waitFor && result.waitFor.length > 0) {
    throw new TransientError(`waiting: ${result.waitFor.map((w) => w.reason).join('; ')}`);
  }
  const { held, warnings, writes: projectWrites, unmapped } = await holdWhatCannotBeHeld(deps, connection, desired, local, metadata, result);
  let syncBack = false;
  // A pairing, or a sender pairing again that knows no twin (it unlinked; still linked here): the
  // other side learns our issue, our values and comments (and the merge's decisions) at once.
  const repaired = link !== undefined && !paired && message.twin === null && (message.manual === true || message.pairWith !== undefined);
  if ((paired || repaired) && connection.direction === 'both' && !message.syncBack) syncBack = true;
  if (result.syncBack) {
    if (connection.direction !== 'both') {
      throw new PermanentError(`syncBackAfterProcessing() was called, but connection "${connection.name}" is ${connection.direction}: a sync back needs direction "both". Remove the call from the incoming rules or change the direction.`);
    }
    if (message.syncBack) {
      await log('warning', 'syncBackAfterProcessing() ignored: this message is itself a sync back (loop guard)', link?.localKey ?? null);
    } else {
      syncBack = true;
    }
  }

  // a new twin's writes: the create, and a copy of each comment
  if (!link && mode.maxWrites !== undefined && 1 + desired.comments.length > mode.maxWrites) return done('deferred');
  // files to fetch and copy take longer than a web trigger can promise: the queue's consumer applies it
  if (!link && mode.followUps === 'reply' && desired.attachments.some((a) => a.id === '')) return done('deferred');
  let created = false;
  if (!link) {
    const ref = await findOrCreateTwin(deps, connection, message, desired);
    created = ref.created;
    pending.twin = { id: ref.id, key: ref.key, startedAt: ref.startedAt, comments: ref.comments };
    basisAt = deps.clock.now();
    local = await deps.jira.getIssue(ref.id);
    if (!local) throw new TransientError(`the new twin ${ref.key} cannot be read yet`);
    link = newLink(connection.id, local.id, local.key, 'remote');
    // the comment copies an interrupted attempt made (noted in the creation marker, else known by
    // their attribution line), and what a person added to the twin since: kept, as the twin's own
    link.comments = ref.created ? [...ref.comments] : [...ref.comments, ...adoptedCopies(local.comments, message.replica.comments, ref.comments)];
    if (!ref.created) desired.comments = [...desired.comments, ...keptFromPeople(local.comments, link.comments)];
    // The new twin's values came from the remote: they carry its stamps.
    const values = fieldValuesOf(toRulesIssue(local, []));
    link.known = { hashes: fieldHashes(values), editedAt: message.editedAt, stamps: Object.fromEntries(Object.keys(values).map((f) => [f, held.has(f) ? HELD_STAMP : message.fieldEditedAt[f] ?? message.editedAt ?? local?.created ?? ''])) };
  }
  if (!local) throw new Error('unreachable: no local issue');
  if (link.remoteIssueId === null) link.linkedAt = new Date(deps.clock.now()).toISOString();
  // paired by this message (on the sender's clock): an unlink sent before it is an old one. Also a
  // person's sync from a sender that knows no twin (it unlinked, and pairs again): still linked
  // here, the pairing starts again all the same.
  const newlyLinked = link.remoteIssueId === null || paired || repaired;
  if (newlyLinked) link.pairedAt = message.sentAt;
  link.remoteIssueId = message.issue.id;
  link.remoteKey = message.replica.key;
  // linked: the pairing asked for is done
  link.pairWith = null;
  // a new twin (created now, or by an earlier attempt that died before linking it) joins the
  // replica's group here, with the bookkeeping; an issue paired with keeps the group it has
  // (a group member paired with is indexed too: a claim left on it would be taken over one day)
  const joining = firstSync && !paired ? joinOps(message.group, local.id, deps.clock.now(), groupIndexed) : pair?.member ? joinOps(message.group, local.id, deps.clock.now()) : [];
  link.group ??= message.group;
  // the members the remote knows on its other connections (none of them this site's own)
  const others = (message.members ?? []).filter((m) => m.key !== local.key || m.site !== message.from.siteName).map((m) => ({ ...m, at: message.sentAt }));
  if (others.length > 0) link.groupMembers = others;
  else delete link.groupMembers;

  // The synced parts (src/sync/parts): each prepared and planned before anything is written, in
  // the registry's order; the documents the rules want written (description, comments) rewritten
  // into this site's terms by the parts that name things in them.
  let values: FieldsPlan | undefined;
  const partContext: PartContext = {
    deps, connection, message, local, link, desired, pairing: { firstSync, paired }, statuses: metadata.statuses, metadata, held,
    values: () => (values ??= planFields(partContext)),
    journal: { commentCopies: pending.copies },
  };
  const parts: PlannedPart[] = [];
  for (const plan of PARTS) {
    const part = await plan(partContext);
    parts.push(part);
    desired.description = part.rewrite(desired.description, 'description');
    desired.comments = desired.comments.map((c) => ({ ...c, body: part.rewrite(c.body, 'comment') ?? c.body }));
  }
  const { theirs, merge } = partContext.values();
  // what the parts keep in the description written here, whatever the merge took from there
  rewriteDescription(merge.apply, (doc) => parts.reduce<AdfDoc | null>((d, part) => part.protect(d, 'description'), doc));
  // left to the queue's consumer before anything else is done here (a file to fetch)
  if (mode.followUps === 'reply' && parts.some((p) => p.longRunning)) return done('deferred');
  // A status move walks the workflow from the current status, and a copy is looked for among the
  // files Jira has now: never from a snapshot.
  if (usedSnapshot && parts.some((p) => p.needsCurrentIssue)) return applyOnce(deps, repo, connection, message, event, mode, true, pending);
  if (mode.maxWrites !== undefined && !created && parts.reduce((n, p) => n + p.writes, 0) > mode.maxWrites) return done('deferred');

  const executed: ExecutedPart[] = [];
  try {
    // the parts that go first (attachments: later writes name the copies they make), then the fields
    // and the status, then the rest (comments); each part's settled references reach the documents
    // the later writes carry
    for (const phase of ['before-fields', 'fields', 'after-fields'] as const) {
      for (const part of parts.filter((p) => p.phase === phase)) {
        const ran = await part.execute();
        executed.push(ran);
        for (const values of [merge.apply, theirs]) rewriteDescription(values, (doc) => ran.settle(doc, 'description'));
        for (const later of parts) later.resettle(ran.settle);
      }
    }
  } catch (error) {
    // Refused because the snapshot was out of date (a comment deleted meanwhile…): redo from a fresh read.
    // Writes already made are idempotent under the redo (they now equal the desired values).
    if (usedSnapshot && error instanceof JiraError && error.status >= 400 && error.status < 500 && error.status !== 429) {
      return applyOnce(deps, repo, connection, message, event, mode, true, pending);
    }
    throw error;
  }
  const writes = executed.reduce((n, p) => n + p.writes, 0) + projectWrites;
  // the local issue after the app's own writes, without reading it again: null when a write's
  // effect cannot be known exactly (an assignee: only the account id is known), so the next sync reads
  const now = structuredClone(local);
  if (writes > 0) now.updated = new Date(deps.clock.now()).toISOString();
  const exact = executed.map((part) => part.after(now)).every(Boolean);
  const after = writes === 0 ? local : exact ? now : null;

  // Bookkeeping: one transaction.
  link.inSeq = message.seq;
  link.ackedSeq = Math.max(link.ackedSeq, message.ack);
  // a reply we gave in an answer is known to have arrived once the remote acknowledges its seq
  const unconfirmed = link.unconfirmed ?? null;
  if (unconfirmed && link.ackedSeq >= unconfirmed.seq) {
    if (link.outSeq === unconfirmed.seq) link.lastSentHash = unconfirmed.hash;
    link.unconfirmed = null;
  }
  link.sent = pruneSent(link);
  link.version += 1;
  // each part's link state (the fields': the remote's values at this version, ours after it)
  const partOutcomes = executed.map((part) => part.commit(link, now));
  const partsUnsent = partOutcomes.some((o) => o.unsent);
  const partNotes = [...warnings, ...partOutcomes.flatMap((o) => o.notes)];
  // what this apply could not carry, shown on the issue until an apply carries everything
  link.warnings = partNotes.slice(0, 20).map((n) => n.slice(0, 500));
  const links = link.comments;
  link.lastSyncAt = new Date(deps.clock.now()).toISOString();
  // Read now (or earlier in this invocation), the basis shows every change up to our own writes;
  // an older snapshot only those up to its read: a change since, whose product event never came,
  // may hide behind our writes, so the sweeper reads the issue again (src/sync/anti-entropy.ts).
  // A change of ours the remote has not got (seen in the basis, its event lost) is not "seen" either:
  // this apply sends nothing (no loop), so the sweeper's search must find it.
  const basisFresh = !usedSnapshot || mode.freshSnapshot === true;
  const unsentHere = partsUnsent;
  const basisIso = new Date(basisAt).toISOString();
  const seenBefore = link.seenThrough ?? basisIso;
  if (basisFresh && !unsentHere) link.seenThrough = link.lastSyncAt;
  else if (writes > 0 || unsentHere) link.seenThrough = seenBefore < basisIso ? seenBefore : basisIso;
  else link.seenThrough = seenBefore;
  link.snapshot = after ? { issue: after, at: basisAt } : null;
  // After writing, the remote's picture of this issue is our state after the apply, not the last
  // replica we sent: compare later changes with that (a change back to the last sent state is sent).
  // That holds only when nothing of ours is still unknown to the remote; otherwise the next
  // outgoing sync must send whatever it finds.
  const createdCopies = partOutcomes.some((o) => o.copied > 0 || o.tell === true);
  if (writes > 0) {
    // (and when the remote has not yet seen all our sends: those are still on their way to it)
    const pendingHere_ = createdCopies || partsUnsent || message.ack < link.outSeq;
    link.lastSentHash = after && !pendingHere_ ? await postApplyHash(repo, rules, after, links, link.attachments ?? [], connection) : null;
  }
  // the other site's values this apply met, and those it could not place: the Mappings tab's lists
  link.mappingValues = mappingValuesOfApply(valuesIn(message.replica, rules.mappings ?? EMPTY_MAPPINGS, metadata.customFields), unmapped);
  const previousOps = await repo.keepPrevious(link, message.replica);
  // what this apply changed here goes on to this site's other connections (src/sync/relay.ts)
  const relayTo = writes > 0 || created ? await relayTargets(repo, connection) : [];
  const bookkeeping: StoreOp[] = [
    ...repo.linkOps(structuredClone(link)),
    ...previousOps,
    ...(firstSync ? [{ op: 'delete' as const, key: keys.creating(connection.id, message.issue.id) }] : []),
    // an unlink's marks lifted by the person's sync that paired the issues again; once linked, the
    // mark by the remote issue has done its work (one delete per key: a transaction names each once)
    ...new Map([...(pair?.lift ?? []), ...liftAlone, ...(newlyLinked ? [{ op: 'delete' as const, key: keys.unlinkedRemote(connection.id, message.issue.id) }] : [])].map((op) => [op.key, op])).values(),
    // the inbox entry is consumed with the apply: a crash before leaves both, after leaves neither
    ...(mode.source === 'inbox'
      ? [{ op: 'delete' as const, key: keys.inbox(event.connectionId, event.messageId) }]
      // applied from the request: its id is remembered, so a replay is told from a late older message
      : [{ op: 'set' as const, key: keys.seen(event.connectionId, event.messageId), value: { receivedAt: new Date(deps.clock.now()).toISOString() }, ttlSeconds: deps.settings.seenTtlSeconds }]),
    ...(mode.alsoWrite ?? []),
    ...joining,
    ...staleSnapshotOps(relayTo, local.id, deps.clock.now()),
  ];
  const relayed = () => relay(deps, relayTo, local.id);

  // Copies of remote comments were created: send our state back so the remote learns their ids
  // (a later deletion or edit of a copy then reaches the original). Not a sync back: no loop, the
  // remote's apply of it writes nothing and sends nothing.
  // A reply we gave in an earlier answer never arrived (the remote still acknowledges less): give
  // our state again. Never in answer to a sync back (no loop).
  // A sync back right after a create with nothing written since the read: the read is current.
  const replyLost = (link.unconfirmed ?? null) !== null && !message.syncBack && connection.direction === 'both';
  const sendBack = (asSyncBack: boolean, fresh: LocalIssue | undefined) => ({
    event: { kind: 'outgoing' as const, connectionId: connection.id, localIssueId: local.id, syncBack: asSyncBack, reason: asSyncBack ? 'sync-back' as const : 'event' as const, lock: localLock(connection.id, local.id), attempt: 0 },
    fresh,
  });
  const current = writes === 0 ? local : after ?? undefined;
  const followUp = syncBack ? sendBack(true, current)
    : createdCopies && connection.direction === 'both' ? sendBack(false, after ?? undefined)
      : replyLost ? sendBack(true, current) : null;
  const partConflicts = partOutcomes.flatMap((o) => o.conflicts);
  const conflictText = partConflicts.length > 0 ? `; conflicts: ${partConflicts.join(', ')}` : '';
  const ruleLogs = result.logs.length > 0 ? `; rules: ${result.logs.map((l) => l.message).join(' | ')}` : '';
  const partText = partNotes.length > 0 ? `; ${partNotes.join('; ')}` : '';
  // the activity entry goes with the bookkeeping, in the same storage operation
  bookkeeping.push(activityOp(deps, {
    connectionId: connection.id, direction: 'in', type: message.syncBack ? 'sync-back' : 'replica', issueKey: local.key, remoteIssueKey: message.replica.key,
    outcome: created ? 'created' : merge.conflicts.length > 0 ? 'conflict' : partNotes.length > 0 ? 'warning' : 'applied', message: `seq ${message.seq}: ${created ? `created ${local.key}; ` : ''}${writes} write(s)${conflictText}${partText}${ruleLogs}`,
  }));
  const commit = async (ops: StoreOp[]): Promise<void> => {
    const r = releasing(deps, ops, MAX_TRANSACTION_OPS);
    await deps.store.transact(r.ops);
    r.release();
  };
  if (result.unlink) {
    // syncHelper.unlinkAfterProcessing(): applied, then unlinked on both sides (no sync back)
    await commit(bookkeeping);
    await unlinkHere(deps, connection, link, 'rules');
    await tellUnlinked(deps, connection, { id: local.id, key: local.key }, link.remoteKey, message.issue);
    return { outcome: created ? 'created' : 'applied', reply: null, localIssue: { id: local.id, key: local.key }, acknowledged: false };
  }
  const applied: ApplyResult = { outcome: created ? 'created' : 'applied', reply: null, localIssue: { id: local.id, key: local.key }, acknowledged: false };
  if (!followUp) {
    await commit(bookkeeping);
    await relayed();
    return applied;
  }
  await relayed();
  // The next action, for the runner (applyReplicaMessage): the follow-up, whose seq reservation
  // carries the bookkeeping (one storage operation), or alone when it sends nothing.
  return { ...applied, next: { event: followUp.event, fresh: followUp.fresh, rules, asReply: mode.followUps === 'reply', carried: { ops: bookkeeping, link, written: false } } };
}

/**
 * What an apply leaves to do once its Jira writes are made: send our state back (a sync back, or
 * the ids of the copies it made), its bookkeeping carried by that send's first storage write.
 */
interface NextAction {
  event: OutgoingEvent;
  /** the issue after the apply's writes, when known exactly (saves the send a read) */
  fresh: LocalIssue | undefined;
  rules: RulesEngine;
  /** built as a reply for the answer to the request being applied, not posted */
  asReply: boolean;
  carried: CarriedWrites;
}

/** runs an apply's next action; a failing send leaves the follow-up to the queue, the bookkeeping written */
async function runNext(deps: EngineDeps, applied: ApplyResult, next: NextAction): Promise<ApplyResult> {
  const { event, fresh, rules, asReply, carried } = next;
  try {
    const sent = await processOutgoing(deps, event, { ...(fresh ? { preread: fresh } : {}), rules, carried, reply: asReply });
    // too large to ride in an answer: the queue posts it (in parts)
    if (sent.outcome === 'not-replied') await deps.queue.push([event]);
    return { ...applied, reply: sent.reply, acknowledged: sent.outcome === 'sent' || sent.outcome === 'replied' || sent.outcome === 'not-replied' };
  } catch {
    if (!carried.written) {
      const r = releasing(deps, carried.ops, MAX_TRANSACTION_OPS);
      await deps.store.transact(r.ops);
      r.release();
    }
    await deps.queue.push([event]);
    return { ...applied, acknowledged: true };
  }
}

/**
 * A stale message is never applied, but the copies of our comments it shows are facts: the remote
 * had them. A copy the newer applied replica no longer has was deleted there, so the original is
 * deleted here (what the rules would have done had the messages come in order). Returns how many.
 */
async function learnFromStale(deps: EngineDeps, repo: Repo, link: LinkState, message: ReplicaMessage): Promise<number> {
  const known = new Set(link.comments.map((l) => l.localId));
  const shown = message.replica.comments.filter((c): c is typeof c & { originId: string } => c.originId !== null && !known.has(c.originId));
  if (shown.length === 0) return 0;
  const previous = await repo.getPrevious(link.connectionId, link.localIssueId, link);
  const stillThere = new Set((previous?.comments ?? []).map((c) => c.originId).filter((id): id is string => id !== null));
  const gone = shown.filter((c) => !stillThere.has(c.originId));
  if (gone.length === 0) return 0;
  for (const copy of gone) {
    try {
      await deps.jira.deleteComment(link.localIssueId, copy.originId);
    } catch (error) {
      if (!(error instanceof JiraError && error.status === 404)) throw error; // already gone here
    }
  }
  const goneIds = new Set(gone.map((c) => c.originId));
  if (link.snapshot) link.snapshot = { ...link.snapshot, issue: { ...link.snapshot.issue, comments: link.snapshot.issue.comments.filter((c) => !goneIds.has(c.id)) } };
  await repo.saveLink(link);
  return gone.length;
}

/**
 * The local issue a replica is about: the twin the sender names (our own issue, for a message from
 * the twin of an issue we sent), else the one indexed by the sender's issue id.
 */
async function localIssueFor(repo: Repo, connection: Connection, message: ReplicaMessage): Promise<string | undefined | NotLinked> {
  // The twin's link already naming the sender's issue settles it (link and index are written together).
  const named = message.twin !== null ? await repo.getLink(connection.id, message.twin.id) : undefined;
  if (named && named.remoteIssueId === message.issue.id) return named.localIssueId;
  const indexed = await repo.localIdForRemote(connection.id, message.issue.id);
  if (indexed !== undefined) return indexed;
  if (message.twin === null) return undefined;
  const link = named;
  if (!link) return { notLinked: new PermanentError(`${message.replica.key} claims to be the twin of local issue ${message.twin.key}, which is not synced on connection "${connection.name}"`) };
  if (link.remoteIssueId !== null && link.remoteIssueId !== message.issue.id) {
    return { notLinked: new PermanentError(`${message.replica.key} claims to be the twin of ${message.twin.key}, which is already linked to ${link.remoteKey ?? link.remoteIssueId}`) };
  }
  return link.localIssueId;
}

/** the twin a message names is not linked to its sender here: why, to throw unless an unlink explains it */
interface NotLinked {
  notLinked: PermanentError;
}

type Gate = {
  localId: string | undefined;
  /**
   * `member`: the replica's group member here, found by the group gate (indexed with the link);
   * `copies`: the comment copies an earlier attempt of this connection made on it before it was cut off
   */
  pair: { key: string | null; lift: StoreOp[]; mark: Unlinked | undefined; member?: boolean; copies?: CommentLink[]; startedAt?: string } | null;
  lift?: StoreOp[];
  groupIndexed?: boolean;
} | { drop: string };

/**
 * Where an unlink (src/sync/unlink.ts) stands in a message's way:
 * - the twin it names was unlinked here (the remote was not told, or sent this before it was):
 *   dropped, and the remote told again, even when a person asked for it there (it had not heard);
 * - no twin named, and its issue was unlinked from one of ours: dropped (sent before the unlink
 *   arrived there), unless `manual` (paired again with our old twin) or `pairWith` names ours;
 * - `pairWith` alone (a person chose our issue by its key): paired with it.
 */
async function unlinkGate(deps: EngineDeps, repo: Repo, connection: Connection, message: ReplicaMessage): Promise<Gate> {
  const found = await localIssueFor(repo, connection, message);
  if (typeof found === 'object') {
    const twin = message.twin;
    const mark = twin !== null ? await readUnlinked(repo, connection.id, twin.id) : undefined;
    if (!twin || !mark || (mark.remoteIssueId !== null && mark.remoteIssueId !== message.issue.id)) throw found.notLinked;
    // The sender still holds the link (it names our issue): it has not heard of the unlink, even
    // when a person asked for this sync there. The unlink stands; the sender is told again.
    await tellUnlinked(deps, connection, twin, message.replica.key);
    return { drop: `seq ${message.seq} of ${message.replica.key}: ${twin.key} was unlinked from it here; nothing applied, the remote site told again` };
  }
  if (found !== undefined || message.twin !== null) return { localId: found, pair: null };
  if (message.pairWith !== undefined) {
    const target = await deps.jira.getIssue(message.pairWith);
    if (!target) throw new PermanentError(`${message.replica.key} asks to be paired with ${message.pairWith}, which does not exist here or cannot be read`);
    const mark = await readUnlinked(repo, connection.id, target.id);
    return { localId: target.id, pair: { key: target.key, lift: mark ? liftMarkOps(connection.id, target.id, mark) : [], mark } };
  }
  const former = await readUnlinkedRemote(repo, connection.id, message.issue.id);
  if (former === undefined) return groupGate(deps, repo, connection, message);
  if (message.manual && former.localIssueId === null) {
    // unlinked there before its twin existed here, now synced by a person: a twin is created
    return { localId: undefined, pair: null, lift: [{ op: 'delete', key: keys.unlinkedRemote(connection.id, message.issue.id) }] };
  }
  if (message.manual && former.localIssueId !== null) {
    const mark = await readUnlinked(repo, connection.id, former.localIssueId);
    return { localId: former.localIssueId, pair: { key: null, lift: liftMarkOps(connection.id, former.localIssueId, mark ?? { at: '', remoteIssueId: message.issue.id, remoteKey: null }), mark } };
  }
  await settleInterruptedCreation(deps, repo, connection, message.issue);
  return { drop: `seq ${message.seq} of ${message.replica.key}: it was unlinked here; nothing applied (a person's sync there pairs the issues again)` };
}

/**
 * A replica of an issue this connection has no twin of: its twin group may have a member here
 * already (a twin made through another connection, or the group's first issue), which it is linked
 * to instead of creating a second one (src/sync/groups.ts). When that member has this connection's
 * link waiting for its twin (our own send crossed this message), that link is the one; otherwise the
 * two are paired (a three-way merge without a base). Else this connection claims the creation.
 */
async function groupGate(deps: EngineDeps, repo: Repo, connection: Connection, message: ReplicaMessage): Promise<Gate> {
  const found = await memberOrClaim(deps, message.group, connection.id, message.issue);
  if ('claim' in found) {
    // Our own creation made the twin and was cut off before linking it; meanwhile another connection
    // took that twin for the group's member and linked it (comments and all). Linked now as a
    // creation, it would be held to the blank issue the creation started from: it is paired instead,
    // the comments the creation copied known. (With no other link, the creation goes on: it keeps
    // what a person added meanwhile, see keptFromPeople.)
    const own = found.own;
    if (own?.created && (await peerLinks(repo, connection, own.created.id)).length > 0) {
      const made = await deps.jira.getIssue(own.created.id);
      if (made) return { localId: made.id, pair: { key: made.key, lift: [], mark: undefined, member: true, copies: own.created.comments ?? [], startedAt: own.startedAt } };
    }
    if (own && !own.created && (await repo.listConnections()).length > 1) {
      // cut off before it could even note the twin's id: found by its origin (once Jira's search shows
      // it; until then findOrCreateTwin waits), the copies it made known by their attribution; noted
      // in the marker, so the pass behind the twin's lock does not search again
      const ref = await deps.jira.findIssueByOrigin({ connectionId: connection.id, remoteIssueId: message.issue.id });
      const made = ref ? await deps.jira.getIssue(ref.id) : null;
      if (made && (await peerLinks(repo, connection, made.id)).length > 0) {
        const copies = adoptedCopies(made.comments, message.replica.comments);
        await deps.store.set(keys.creating(connection.id, message.issue.id), { startedAt: own.startedAt, created: { id: made.id, key: made.key, comments: copies } }, { ttlSeconds: MARKER_TTL_SECONDS });
        return { localId: made.id, pair: { key: made.key, lift: [], mark: undefined, member: true, copies, startedAt: own.startedAt } };
      }
    }
    return { localId: undefined, pair: null, groupIndexed: true };
  }
  // Two connections to one other site (two pairs of projects, say) keep a twin each: the member
  // linked to that site already is not linked a second time (its comments would be copied twice)
  for (const other of await repo.listConnections()) {
    if (other.id === connection.id || other.remoteCloudId === null || other.remoteCloudId !== connection.remoteCloudId) continue;
    if (await repo.getLink(other.id, found.localIssueId)) return { localId: undefined, pair: null, groupIndexed: false };
  }
  const link = await repo.getLink(connection.id, found.localIssueId);
  if (link && link.remoteIssueId === null) return { localId: found.localIssueId, pair: null };
  if (link && link.remoteIssueId !== message.issue.id) {
    throw new PermanentError(`${message.replica.key} belongs to the twin group of ${link.localKey}, which is already synced with ${link.remoteKey ?? link.remoteIssueId} on connection "${connection.name}": the other site holds two issues of one group`);
  }
  const member = await deps.jira.getIssue(found.localIssueId);
  if (!member) throw new PermanentError(`${message.replica.key} belongs to the twin group of issue ${found.localIssueId} here, which no longer exists or cannot be read`);
  return { localId: member.id, pair: { key: member.key, lift: [], mark: undefined, member: true } };
}



/**
 * A twin a creation made before the remote issue was unlinked (the creation interrupted: by an
 * error, which noted its id, or by a crash, which did not): it stays, unlinked, without the other
 * side's key. Found by the marker's id, else by its origin once Jira's search can show it (until
 * then a TransientError: the queue comes back).
 */
async function settleInterruptedCreation(deps: EngineDeps, repo: Repo, connection: Connection, remote: { id: string; key: string }): Promise<void> {
  const marker = await repo.read(keys.creating(connection.id, remote.id), CreatingMarkerSchema);
  if (!marker) return;
  const made = marker.created ?? await deps.jira.findIssueByOrigin({ connectionId: connection.id, remoteIssueId: remote.id });
  const age = deps.clock.now() - Date.parse(marker.startedAt);
  if (!made && age < INDEX_SETTLE_MS) {
    throw new TransientError(`the creation of a twin of ${remote.key} was interrupted before it was unlinked; waiting for Jira's search to show whether it exists`, Math.ceil((INDEX_SETTLE_MS - age) / 1000));
  }
  if (made) await clearRemoteKeyField(deps, connection, { localIssueId: made.id, localKey: made.key, remoteKey: remote.key });
  await deps.store.delete(keys.creating(connection.id, remote.id));
}

/** Exactly one twin: the origin property is written by the create itself; after a crash we search before creating again. */
async function findOrCreateTwin(deps: EngineDeps, connection: Connection, message: ReplicaMessage, desired: RulesIssue): Promise<{ id: string; key: string; created: boolean; startedAt: string; comments: CommentLink[] }> {
  if (!desired.projectKey) throw new PermanentError('the incoming rules did not choose a project for the new twin (set issue.projectKey on first sync)');
  const origin = { connectionId: connection.id, remoteIssueId: message.issue.id };
  const markerKey = keys.creating(connection.id, message.issue.id);
  const startedAt = new Date(deps.clock.now()).toISOString();
  // One storage operation: the marker is written unless an earlier attempt left it (then look first).
  const firstAttempt = await deps.store.setIfAbsent(markerKey, { startedAt }, { ttlSeconds: MARKER_TTL_SECONDS });
  if (!firstAttempt) {
    const marker = await new Repo(deps.store).read(markerKey, CreatingMarkerSchema);
    const earlier = marker?.startedAt ?? startedAt;
    if (marker?.created) return { id: marker.created.id, key: marker.created.key, created: false, startedAt: earlier, comments: marker.created.comments ?? [] };
    const existing = await deps.jira.findIssueByOrigin(origin);
    if (existing) return { ...existing, created: false, startedAt: earlier, comments: [] };
    // The earlier attempt may have created the twin and died before noting its id, and Jira's search
    // may not show a new issue yet ("recent updates might not be immediately visible"). Until the
    // search has had time to catch up, wait rather than risk a second twin.
    const age = deps.clock.now() - Date.parse(marker?.startedAt ?? startedAt);
    if (age < INDEX_SETTLE_MS) {
      throw new TransientError(`a creation of the twin of ${message.replica.key} was interrupted; waiting for Jira's search to show it before creating again`, Math.ceil((INDEX_SETTLE_MS - age) / 1000));
    }
  }
  const fields = toFieldWrite(desiredValues(desired));
  if (desired.reporter) fields.reporter = desired.reporter.accountId;
  // The marker learns the new twin's id only if this apply fails before linking it (applyReplicaMessage):
  // on success the link, written with the marker's removal, says it.
  const ref = await deps.jira.createIssue({ projectKey: desired.projectKey, typeName: desired.typeName ?? 'Task', fields, origin });
  return { ...ref, created: true, startedAt, comments: [] };
}

const MARKER_TTL_SECONDS = 30 * 24 * 3600;
/** the issues a replica names (its parent, its links' other ends) looked up for twins here, at most */
const MAX_TWIN_LOOKUPS = 100;

/**
 * The desired issue brought to what this site can hold (in place), before anything is written:
 * a parent and the other ends of links only among this connection's twins (or what the issue has:
 * never another issue of this site a rule or a replica names by id); mentions naming people here
 * or written as text (nobody notified by mistake); an option a field here does not offer left out
 * (the field stays as it is); components and versions the project lacks created, or left out.
 * What is not written as it came (a person, an option, a component, a mention written as text) is
 * `held`: such a field keeps the time of the value it replaced, so the remote does not take it for
 * a newer value of its own (src/sync/merge.ts). `warnings`: one line each, for the issue.
 */
async function holdWhatCannotBeHeld(deps: EngineDeps, connection: Connection, desired: RulesIssue, local: LocalIssue | null, metadata: RulesMetadata, result: IncomingRulesResult): Promise<{ held: Set<string>; warnings: string[]; writes: number; unmapped: UnmappedValue[] }> {
  const guardNotes = keepToTwins(desired, local, metadata);
  const held = new Set(heldFields(result.held ?? [], metadata));
  const mapped = metadata.mappedPeople ?? {};
  const described = desired.description;
  desired.description = rewriteMentions(desired.description, mapped);
  if (mentionsIn(desired.description).length < mentionsIn(described).length) held.add('description');
  desired.comments = desired.comments.map((c) => ({ ...c, body: rewriteMentions(c.body, mapped) ?? c.body }));
  // the options of the fields the rules chose (a cache hit, unless the rules named a field the replica did not)
  const chosen = await deps.jira.getMetadata({ customFields: optionsNamed(desired.customFields) });
  const options = holdUnofferedOptions(desired, chosen.customFields);
  const projectParts = await provideProjectParts(deps, connection, desired, local);
  for (const f of [...options.held, ...projectParts.held]) held.add(f);
  // an option the field here lacks is a value the Mappings tab lists (an option row may place it)
  const unmapped = [...(result.unmapped ?? []), ...options.unmapped.map((o) => ({ table: 'options' as const, field: o.field, value: o.value, label: null }))];
  return { held, warnings: [...(result.warnings ?? []), ...guardNotes, ...options.notes, ...projectParts.notes], writes: projectParts.writes, unmapped };
}

/**
 * The site's metadata for an apply of `replica`: the people it names looked up and mapped here
 * (src/sync/people.ts), the fields and options it names (loaded again when one is new), and the
 * twins here of the issues it names (its parent, its links' other ends), for the rules' helpers.
 */
export async function metadataFor(deps: EngineDeps, repo: Repo, connection: Connection, replica: Replica, mappings: Mappings): Promise<RulesMetadata> {
  const people = peopleOf(replica);
  const settings: PeopleSettings = { userMappings: incomingUserRows(mappings), fallbackAccountId: connection.rulesConfig.unmappedUser ?? null };
  const metadata = await deps.jira.getMetadata({ userEmails: emailsToLookUp(people), accountIds: accountIdsToLookUp(people, settings), customFields: optionsNamed(replica.customFields) });
  const named = [...new Set([...(replica.parent ? [replica.parent.id] : []), ...replica.links.map((l) => l.issue.id)])].slice(0, MAX_TWIN_LOOKUPS);
  const twins: Record<string, { id: string; key: string }> = {};
  for (const remoteId of named) {
    const twin = await repo.getLinkByRemote(connection.id, remoteId);
    if (twin) twins[remoteId] = { id: twin.localIssueId, key: twin.localKey };
  }
  return { ...metadata, twins, mappedPeople: mapPeople(people, metadata, settings) };
}

/** the desired parent and links restricted to twins of this connection and to what the issue has (in place); one note each refused */
function keepToTwins(desired: RulesIssue, local: LocalIssue | null, metadata: RulesMetadata): string[] {
  const twins = new Set(Object.values(metadata.twins ?? {}).map((t) => t.id));
  const notes: string[] = [];
  const current = local?.parent?.id ?? null;
  if (desired.parent !== null && desired.parent.id !== current && !twins.has(desired.parent.id)) {
    notes.push(`parent ${desired.parent.key} is not an issue this connection syncs; kept the local parent`);
    desired.parent = local?.parent ?? null;
  }
  const linked = new Set((local?.links ?? []).map((l) => l.issue.id));
  const refused = desired.links.filter((l) => !twins.has(l.issue.id) && !linked.has(l.issue.id));
  if (refused.length > 0) {
    notes.push(`${refused.length} link(s) to issues this connection does not sync left out`);
    desired.links = desired.links.filter((l) => !refused.includes(l));
  }
  return notes;
}

/** the field-value names of what the rules' helpers could not carry (their labels: "assignee", a custom field's name) */
function heldFields(labels: readonly string[], metadata: RulesMetadata): string[] {
  return labels.flatMap((label) => {
    if (label === 'assignee') return ['assignee'];
    const field = metadata.customFields.find((f) => f.name.toLowerCase() === label.toLowerCase());
    return field ? [CUSTOM_FIELD_PREFIX + field.name] : [];
  });
}

/** custom fields by name with the texts their values may name as options: what getMetadata loads the options of */
function optionsNamed(fields: Record<string, { value: unknown }>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, optionTexts(f.value)]));
}

/** the texts a custom field value may name as options (strings, and a cascading value's parts) */
function optionTexts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  const cascading = CascadingValueSchema.safeParse(value);
  if (cascading.success) return [cascading.data.value, ...(cascading.data.child !== null ? [cascading.data.child] : [])];
  return [];
}
/**
 * How long after an interrupted creation the engine trusts a search that does not find the twin.
 * Atlassian documents the lag of the search index without a bound
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/): five minutes is
 * our reading, kept harsh; the sandbox's default lag is far below it.
 */
export const INDEX_SETTLE_MS = 5 * 60 * 1000;

/**
 * The hash of the replica the outgoing rules would build of `issue` now: what the remote has after
 * this apply, when it has every file that replica names (a copy of it there, or a copy here of its
 * own); null when it has not (a file added here whose send never happened: it must be sent).
 */
async function postApplyHash(repo: Repo, rules: RulesEngine, issue: LocalIssue, links: CommentLink[], attachmentLinks: AttachmentLink[], connection: Connection): Promise<string | null> {
  const output = await rules.outgoing({ issue: toRulesIssue(issue, links, attachmentLinks), connection: rulesConnection(connection) });
  const parsed = ReplicaSchema.safeParse(output.replica);
  if (!parsed.success) return null;
  const replica = offeredReplica(await onlySyncedLinks(repo, connection.id, replicaToSend(parsed.data)), issue, attachmentLinks);
  const there = new Set(attachmentLinks.filter((l) => l.remoteId !== null).map((l) => l.localId));
  return replica.attachments.every((a) => there.has(a.id)) ? replicaHash(replica) : null;
}

export type { LinkState };

/** field values' description, when they carry one, rewritten (in place): what a part settles or keeps in it */
function rewriteDescription(values: FieldValues, rewrite: (doc: AdfDoc | null) => AdfDoc | null): void {
  if (!('description' in values)) return;
  const doc = AdfDocSchema.nullable().safeParse(values.description);
  if (doc.success) values.description = JsonValueSchema.parse(JSON.parse(JSON.stringify(rewrite(doc.data))));
}
