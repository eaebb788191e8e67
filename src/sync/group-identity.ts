import type { ReplicaComment, ReplicaAttachment } from '../model/replica';
import type { Connection, LinkState } from './state/records';
import type { Repo } from './state/repo';

/**
 * Comments and files across a twin group of three or more sites (issue 16). A comment written (or
 * a file attached) on site B reaches A and C as copies; when A then sends its issue to C (a relay,
 * or in a mesh), A's copy must be taken for the copy C already made, not copied a second time. So
 * each travels with where it was first written (`origin`: that site's cloud id and its id there):
 * - on the way out, an item of ours that is a copy made through another connection names the origin
 *   that connection's link knows for it; our own items need none (the sender is the origin);
 * - on the way in, an item whose origin is a third site (or this one) and that this connection has
 *   not linked yet is looked up here: our own item, or a copy of it made through another
 *   connection. Found, the replica says it is a copy of ours (`originId`), and no copy is made.
 * In a hub, the hub's copies are offered on to the other spokes with their origin; in a mesh, the
 * copy a site made from the origin and the one a peer relays are known as one.
 */

export type Origin = { cloudId: string; id: string };

/** an issue's link on another connection of the site: what the group identity reads of it */
export interface PeerLink {
  connection: Pick<Connection, 'id' | 'remoteCloudId'>;
  link: Pick<LinkState, 'comments' | 'attachments'>;
}

/** what both kinds of items keep on a link: the local id, the remote's, whose it is, and a third site's origin */
interface ItemLink {
  localId: string;
  remoteId: string | null;
  owner: 'local' | 'remote';
  origin?: Origin | undefined;
}

interface Kind {
  links: (link: PeerLink['link']) => readonly ItemLink[];
}

const comments: Kind = { links: (link) => link.comments };
const attachments: Kind = { links: (link) => link.attachments ?? [] };

/** this issue's links on the site's other connections */
export async function peerLinks(repo: Repo, connection: Connection, localIssueId: string): Promise<{ connection: Connection; link: LinkState }[]> {
  const out: { connection: Connection; link: LinkState }[] = [];
  for (const other of await repo.listConnections()) {
    if (other.id === connection.id) continue;
    const link = await repo.getLink(other.id, localIssueId);
    if (link) out.push({ connection: other, link });
  }
  return out;
}

/** where a copy made through a peer connection was first written (the peer's remote, unless it said otherwise) */
function copyOrigin(kind: Kind, peer: PeerLink, localId: string): Origin | null {
  const made = kind.links(peer.link).find((l) => l.localId === localId && l.owner === 'remote');
  if (!made || made.remoteId === null) return null;
  return made.origin ?? (peer.connection.remoteCloudId !== null ? { cloudId: peer.connection.remoteCloudId, id: made.remoteId } : null);
}

function withOriginsOf<T extends { id: string; originId: string | null; origin?: Origin | undefined }>(kind: Kind, items: readonly T[], peers: readonly PeerLink[]): T[] {
  if (peers.length === 0) return [...items];
  return items.map((item) => {
    if (item.originId !== null) return item;
    for (const peer of peers) {
      const origin = copyOrigin(kind, peer, item.id);
      if (origin) return { ...item, origin };
    }
    return item;
  });
}

/** the replica's comments with the origins of the copies made through other connections */
export const withOrigins = (items: readonly ReplicaComment[], peers: readonly PeerLink[]): ReplicaComment[] => withOriginsOf(comments, items, peers);

/** the replica's files with the origins of the copies made through other connections (offered on: a hub's spokes get them) */
export const withAttachmentOrigins = (items: readonly ReplicaAttachment[], peers: readonly PeerLink[]): ReplicaAttachment[] => withOriginsOf(attachments, items, peers);

export interface RecognitionContext {
  /** the sender's cloud id */
  sender: string;
  /** this site's cloud id */
  here: string;
  link: PeerLink['link'] | undefined;
  peers: readonly PeerLink[];
}

function recognisedOf<T extends { id: string; originId: string | null; origin?: Origin | undefined }>(kind: Kind, items: readonly T[], context: RecognitionContext): T[] {
  const linked = new Set((context.link ? kind.links(context.link) : []).map((l) => l.remoteId));
  return items.map((item) => {
    if (item.originId !== null || linked.has(item.id)) return item;
    // the sender's own item may have reached us first through a third site, as a copy of it
    const origin = item.origin ?? { cloudId: context.sender, id: item.id };
    // Ours, or a copy another connection made: taken for it even when the issue as read does not show
    // it (a snapshot from before a person's comment, or a copy a person deleted here): never copied
    // back onto the site it started on, never copied twice
    if (origin.cloudId === context.here) return { ...item, originId: origin.id };
    for (const peer of context.peers) {
      const copy = kind.links(peer.link).find((l) => l.owner === 'remote' && sameOrigin(copyOrigin(kind, peer, l.localId), origin));
      if (copy) return { ...item, originId: copy.localId };
    }
    return item;
  });
}

/**
 * The replica's comments with `originId` set for those that stand for a comment of ours: relayed
 * copies (an origin other than the sender) this link does not know yet, found here as our own
 * comment or as a copy another connection made of the same origin.
 */
export const recognised = (items: readonly ReplicaComment[], context: RecognitionContext): ReplicaComment[] => recognisedOf(comments, items, context);

/** the same for the replica's files */
export const recognisedAttachments = (items: readonly ReplicaAttachment[], context: RecognitionContext): ReplicaAttachment[] => recognisedOf(attachments, items, context);

/**
 * The replica's items with `originId` set for those this link knows as copies of ours (our item,
 * the remote's counterpart). Between two sites that both hold copies of a third site's item (or
 * when one site took the other's item for a copy of its own before the other learnt so), each may
 * link the pair as "ours, their copy": the sender then says nothing of an origin, and the rules
 * would read the missing origin as the copy deleted there. The link is what this site knows: the
 * counterpart stays the copy of ours while the link says so.
 */
export function asCopiesOfOurs<T extends { id: string; originId: string | null }>(items: readonly T[], known: readonly ItemLink[]): T[] {
  const ours = new Map(known.filter((l) => l.owner === 'local' && l.remoteId !== null).map((l) => [l.remoteId, l.localId]));
  if (ours.size === 0) return [...items];
  return items.map((item) => {
    const localId = item.originId === null ? ours.get(item.id) : undefined;
    return localId === undefined ? item : { ...item, originId: localId };
  });
}

/** whether a replica holds items this link does not know (only then are the peers read) */
export function unknownTo(items: readonly { id: string; originId: string | null }[], known: readonly { remoteId: string | null }[]): boolean {
  const ids = new Set(known.map((l) => l.remoteId));
  return items.some((i) => i.originId === null && !ids.has(i.id));
}

function sameOrigin(a: Origin | null, b: Origin): boolean {
  return a !== null && a.cloudId === b.cloudId && a.id === b.id;
}
