import type { LocalComment } from '../../../ports/jira';
import type { RulesComment } from '../../../ports/rules';
import { hashOf } from '../../canonical-json';
import { withoutAttribution } from './comment-attribution';
import { decideConflict } from '../../merge';
import type { AdfDoc, ReplicaComment } from '../../../model/replica';
import type { CommentLink, ConflictPolicy } from '../../state/records';

/**
 * Comments merged by identity (architecture §5): the incoming rules say which local comments
 * should exist (`desired`); the engine turns that into create / edit / delete operations, with a
 * three-way check of each body against the last agreed hash, and keeps the map local id ↔ remote id.
 * A comment the app wrote is linked to its origin, so it is never sent back as new.
 */
export type CommentOp =
  | { op: 'create'; body: AdfDoc; remoteId: string | null }
  | { op: 'update'; localId: string; body: AdfDoc }
  | { op: 'delete'; localId: string };

export interface CommentPlan {
  ops: CommentOp[];
  /** links after the ops, except those of created comments (added by `linkCreated`) */
  links: CommentLink[];
  conflicts: { localId: string; winner: 'mine' | 'theirs' }[];
}

export interface CommentMergeInput {
  local: readonly LocalComment[];
  desired: readonly RulesComment[];
  links: readonly CommentLink[];
  /** the replica's comments: copies of our comments there tell us their remote ids */
  replicaComments: readonly ReplicaComment[];
  /** the remote's agreed body hashes of its copies (by its comment id), from the envelope */
  remoteBases?: Record<string, string>;
  policy: ConflictPolicy;
  mySiteId: string;
  theirSiteId: string;
}

/** a comment body's hash, without the attribution line a copy starts with: an original and its copy hash alike */
export const bodyHash = (body: AdfDoc): string => hashOf(withoutAttribution(body));
const UNKNOWN_BASE = '';

export function planComments(input: CommentMergeInput): CommentPlan {
  const localById = new Map(input.local.map((c) => [c.id, c]));
  const links = new Map<string, CommentLink>();
  // Links whose local comment a person deleted: kept while the remote still has the comment,
  // so the copy is not created again before the deletion reaches the remote.
  const remoteIds = new Set(input.replicaComments.map((c) => c.id));
  const tombstones = input.links.filter((l) => !localById.has(l.localId) && remoteIds.has(l.remoteId));
  for (const link of input.links) if (localById.has(link.localId)) links.set(link.localId, { ...link });

  // Learn the remote ids of the remote's copies of our own comments, with the base the remote keeps
  // for each; without it, a copy never edited since its creation holds a body we sent (the base),
  // an edited one has no known base ('' below): if the bodies differ, the later edit wins.
  for (const rc of input.replicaComments) {
    if (rc.originId === null) continue;
    const local = localById.get(rc.originId);
    if (!local || links.has(local.id)) continue;
    const base = input.remoteBases?.[rc.id] ?? (rc.created === rc.updated ? bodyHash(rc.body) : UNKNOWN_BASE);
    links.set(local.id, { localId: local.id, remoteId: rc.id, owner: 'local', hash: base });
  }
  const byRemoteId = new Map([...links.values()].map((l) => [l.remoteId, l]));
  const deletedHere = new Set(tombstones.map((l) => l.remoteId));

  const ops: CommentOp[] = [];
  const conflicts: CommentPlan['conflicts'] = [];
  const kept = new Set<string>();
  for (const d of input.desired) {
    const targetId = localById.has(d.id) ? d.id : d.originId !== null ? byRemoteId.get(d.originId)?.localId : undefined;
    if (targetId === undefined) {
      // A copy whose local comment a person deleted stays deleted; anything else is new.
      if (d.originId !== null && deletedHere.has(d.originId)) continue;
      ops.push({ op: 'create', body: d.body, remoteId: d.originId });
      continue;
    }
    if (kept.has(targetId)) continue;
    kept.add(targetId);
    const local = localById.get(targetId);
    if (!local) continue;
    const link = links.get(targetId);
    const mine = bodyHash(local.body);
    const theirs = bodyHash(d.body);
    if (mine === theirs) {
      if (link) link.hash = mine;
      continue;
    }
    if (link && link.hash !== UNKNOWN_BASE && theirs === link.hash) continue;
    if (!link || mine === link.hash) {
      ops.push({ op: 'update', localId: targetId, body: d.body });
      if (link) link.hash = theirs;
      continue;
    }
    const winner = decideConflict({ policy: input.policy, mineEditedAt: local.updated, theirsEditedAt: d.updated, mySiteId: input.mySiteId, theirSiteId: input.theirSiteId });
    conflicts.push({ localId: targetId, winner });
    if (winner === 'theirs') {
      ops.push({ op: 'update', localId: targetId, body: d.body });
      link.hash = theirs;
    } else if (link.hash === UNKNOWN_BASE) {
      link.hash = theirs;
    }
  }
  for (const local of input.local) {
    if (kept.has(local.id)) continue;
    ops.push({ op: 'delete', localId: local.id });
    links.delete(local.id);
  }
  return { ops, links: [...links.values(), ...tombstones], conflicts };
}
