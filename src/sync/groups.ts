import { z } from 'zod';
import type { StoreOp } from '../ports/store';
import { hashOf } from './canonical-json';
import type { EngineDeps } from './deps';
import { GroupRefSchema, type GroupRef } from '../model/group-ref';
import { TransientError } from './errors';
import { keys } from './state/keys';
import { CreatingMarkerSchema } from './state/records';

/**
 * Twin groups (three or more sites, issue 16). Every synced issue belongs to one group, named by its
 * origin: the site (cloud id) and the issue where it started. A site holds at most one member of a
 * group. A replica carries its group, so a site that already has a member links to it instead of
 * creating another twin, whichever connection the replica came by.
 *
 * Here (site-wide keys, src/sync/state/keys.ts):
 * - `member:<local issue id>` → the issue's group (written when it first joins one: its first send,
 *   or its creation as a twin);
 * - `group:<hash of the group>` → the local member, or the claim of the connection creating it (a
 *   first sync that finds a claim of another connection waits: never two twins of one group here).
 */

export { GroupRefSchema, type GroupRef };

const MemberSchema = z.strictObject({ group: GroupRefSchema });
const IndexSchema = z.strictObject({
  /** the member here; null while the claiming connection creates it */
  localIssueId: z.string().nullable(),
  /** the connection that claimed the creation, while it creates (null once the member is known) */
  claimedBy: z.string().nullable(),
  /** the remote issue it creates the twin of (its creation marker: `creating:<claimedBy>:<id>`) */
  remoteIssueId: z.string().nullable().optional(),
  at: z.number(),
});

/** A claim older than this with no member is taken over (its creation died and was not retried). */
export const CLAIM_TIMEOUT_MS = 10 * 60_000;

export const groupHash = (group: GroupRef): string => hashOf(group);
export const sameGroup = (a: GroupRef, b: GroupRef): boolean => a.cloudId === b.cloudId && a.issueId === b.issueId;

/** the group a local issue belongs to, or null when it joined none yet */
export async function groupOf(deps: EngineDeps, localIssueId: string): Promise<GroupRef | null> {
  const parsed = MemberSchema.safeParse(await deps.store.get(keys.groupMember(localIssueId)));
  return parsed.success ? parsed.data.group : null;
}

/** the writes that make a local issue the member of a group here */
export function joinOps(group: GroupRef, localIssueId: string, now: number, index = true): StoreOp[] {
  return [
    { op: 'set', key: keys.groupMember(localIssueId), value: { group } },
    ...(index ? [{ op: 'set' as const, key: keys.groupIndex(groupHash(group)), value: { localIssueId, claimedBy: null, at: now } }] : []),
  ];
}

/**
 * The group of a local issue about to be sent on a connection: the link's, else the one it joined
 * (through another connection), else a new group starting here. `ops`: what to write with the send
 * when the issue joins a group now.
 */
export async function groupForSend(deps: EngineDeps, known: GroupRef | undefined, localIssueId: string): Promise<{ group: GroupRef; ops: StoreOp[] }> {
  if (known) return { group: known, ops: [] };
  const joined = await groupOf(deps, localIssueId);
  if (joined) return { group: joined, ops: [] };
  const group = { cloudId: deps.site.cloudId, issueId: localIssueId };
  return { group, ops: joinOps(group, localIssueId, deps.clock.now()) };
}

/** this connection's earlier creation of the twin, as its marker has it */
export type OwnCreation = z.infer<typeof CreatingMarkerSchema>;

/**
 * The member here of the group a replica names: its first issue when the group started here, else
 * the indexed member. A creation another connection claimed and has not finished is waited for
 * (TransientError: the queue comes back); one long dead is taken over. `claim`: the creation is
 * this connection's to make (claimed now, or earlier by it: then `own`, its creation marker, when
 * it has one — with the twin it made when it noted one).
 */
export async function memberOrClaim(deps: EngineDeps, group: GroupRef, connectionId: string, remote: { id: string; key: string }): Promise<{ localIssueId: string } | { claim: true; own?: OwnCreation }> {
  // it started here: that issue is the member (never a twin of our own issue)
  if (group.cloudId === deps.site.cloudId) return { localIssueId: group.issueId };
  const key = keys.groupIndex(groupHash(group));
  const now = deps.clock.now();
  const claim = { localIssueId: null, claimedBy: connectionId, remoteIssueId: remote.id, at: now };
  const claimed = await deps.store.setIfAbsent(key, claim);
  if (claimed) return { claim: true };
  const index = IndexSchema.safeParse(await deps.store.get(key));
  if (!index.success) return { claim: true };
  if (index.data.localIssueId !== null) return { localIssueId: index.data.localIssueId };
  const by = index.data.claimedBy;
  if (by === null) return { claim: true };
  // the claimant's creation marker says how far it came
  const marker = index.data.remoteIssueId ? CreatingMarkerSchema.safeParse(await deps.store.get(keys.creating(by, index.data.remoteIssueId))) : null;
  // our own creation, cut off: the caller sees whether the twin it made moved on since
  if (by === connectionId) return marker?.success ? { claim: true, own: marker.data } : { claim: true };
  // Another connection's creation. One under way, or cut off (before or after it noted the twin),
  // is waited for: its retry links the twin, with the comment copies it made (linked now, through
  // this connection, they would be copied again). A twin it made and noted long ago (its retries
  // given up) is the member; no marker at all, long after the claim, is a claimant that died before
  // creating: taken over.
  if (marker?.success && marker.data.created && now - Date.parse(marker.data.startedAt) > CLAIM_TIMEOUT_MS) return { localIssueId: marker.data.created.id };
  if (!marker?.success && now - index.data.at > CLAIM_TIMEOUT_MS) {
    await deps.store.set(key, claim);
    return { claim: true };
  }
  throw new TransientError(`the twin of ${remote.key} is being created here by another connection; waiting for it to link to that twin instead of creating a second one`, 30);
}
