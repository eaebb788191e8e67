import type { LocalComment } from '../../../ports/jira';
import type { ReplicaComment } from '../../../model/replica';
import type { RulesComment } from '../../../ports/rules';
import { hashOf } from '../../canonical-json';
import type { CommentLink } from '../../state/records';
import { bodyHash } from './comment-merge';

/**
 * Comment copies an apply wrote and could not record: its invocation died after the copies and
 * before its transaction (a consumer killed at its timeout, say; an apply that fails with an error
 * records them itself). Such a copy is known by the app's attribution line (comment-attribution.ts)
 * and the body of the comment it copies. Until it is recorded it is never sent as a comment of this
 * site (the other site would copy its own comment back), and the next apply takes it for the copy
 * it is rather than copying the comment again. With attribution turned off for the connection a
 * copy cannot be told from a person's comment: such a copy may then be made twice.
 */

/** the body starts with the app's attribution line */
const attributed = (c: { body: LocalComment['body'] }): boolean => bodyHash(c.body) !== hashOf(c.body);

/**
 * The comment copies an interrupted apply (a creation, or one whose invocation died) made on the
 * issue and could not note: each comment not linked yet that starts with the app's attribution line
 * and has the body of a replica comment not linked yet (one copy each). A person's comment is never
 * taken for a copy.
 */
export function adoptedCopies(comments: readonly LocalComment[], remote: readonly ReplicaComment[], linked: readonly CommentLink[] = []): CommentLink[] {
  const known = new Set(linked.map((l) => l.localId));
  const candidates = comments.filter((c) => !known.has(c.id) && attributed(c));
  if (candidates.length === 0) return [];
  // the replica's comments not linked yet, by body (each taken once)
  const taken = new Set(linked.map((l) => l.remoteId));
  const byBody = new Map<string, string[]>();
  for (const r of remote) {
    if (r.originId !== null || taken.has(r.id)) continue;
    const hash = bodyHash(r.body);
    byBody.set(hash, [...(byBody.get(hash) ?? []), r.id]);
  }
  const out: CommentLink[] = [];
  for (const c of candidates) {
    const hash = bodyHash(c.body);
    const original = byBody.get(hash)?.shift();
    if (original !== undefined) out.push({ localId: c.id, remoteId: original, owner: 'remote', hash });
  }
  return out;
}

/**
 * The replica's comments less the copies not recorded: a comment this link does not know, that no
 * other connection of the site made (`peerCopies`: their copies' local ids), written by the app.
 */
export function withoutUnrecordedCopies<T extends { id: string; originId: string | null; body: LocalComment['body'] }>(comments: readonly T[], linked: readonly CommentLink[], peerCopies: ReadonlySet<string>): T[] {
  const known = new Set(linked.map((l) => l.localId));
  return comments.filter((c) => c.originId !== null || known.has(c.id) || peerCopies.has(c.id) || !attributed(c));
}

/**
 * The comments a person wrote on a twin whose creation was cut off before it was linked (the retry
 * finds the twin and goes on with the creation, whose rules started from a blank issue): kept, as
 * the twin's own comments. A comment the app copied (`copies`, or one with its attribution line) is
 * never one of them.
 */
export function keptFromPeople(comments: readonly LocalComment[], copies: readonly CommentLink[]): RulesComment[] {
  const copied = new Set(copies.map((c) => c.localId));
  return comments.filter((c) => !copied.has(c.id) && !attributed(c)).map((c) => ({ ...c, originId: null }));
}
