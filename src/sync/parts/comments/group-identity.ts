import type { ReplicaComment, ReplicaAttachment } from '../../../model/replica';
import type { Connection, LinkState } from '../../state/records';
import type { Repo } from '../../state/repo';

/**
 * Comments and files across a twin group of three or more sites (issue 16). A comment written on
 * site B reaches A and C as copies; when A then sends its issue to C (a relay, or in a mesh), A's
 * copy must be taken for the copy C already made, not copied a second time. So a comment travels
 * with where it was first written (`origin`: that site's cloud id and the comment's id there):
 * - on the way out, a comment of ours that is a copy made through another connection names the
 *   origin that connection's link knows for it; our own comments need none (the sender is the origin);
 * - on the way in, a comment whose origin is a third site (or this one) and that this connection has
 *   not linked yet is looked up here: our own comment, or a copy of it made through another
 *   connection. Found, the replica says it is a copy of ours (`originId`), and no copy is made.
 *
 * Files: a copy made through another connection is not offered on (its origin site offers it, in
 * a mesh; in a hub, files do not reach the other spokes yet).
 */

export type Origin = { cloudId: string; id: string };

export interface PeerLink {
  connection: Connection;
  link: LinkState;
}

/** this issue's links on the site's other connections */
export async function peerLinks(repo: Repo, connection: Connection, localIssueId: string): Promise<PeerLink[]> {
  const out: PeerLink[] = [];
  for (const other of await repo.listConnections()) {
    if (other.id === connection.id) continue;
    const link = await repo.getLink(other.id, localIssueId);
    if (link) out.push({ connection: other, link });
  }
  return out;
}

/** where a copy made through a peer connection was first written (the peer's remote, unless it said otherwise) */
function copyOrigin(peer: PeerLink, localId: string): Origin | null {
  const made = peer.link.comments.find((l) => l.localId === localId && l.owner === 'remote');
  if (!made) return null;
  return made.origin ?? (peer.connection.remoteCloudId !== null ? { cloudId: peer.connection.remoteCloudId, id: made.remoteId } : null);
}

/** the replica's comments with the origins of the copies made through other connections */
export function withOrigins(comments: readonly ReplicaComment[], peers: readonly PeerLink[]): ReplicaComment[] {
  if (peers.length === 0) return [...comments];
  return comments.map((c) => {
    if (c.originId !== null) return c;
    for (const peer of peers) {
      const origin = copyOrigin(peer, c.id);
      if (origin) return { ...c, origin };
    }
    return c;
  });
}

/** the replica's files less the copies made through other connections */
export function withoutPeerCopies(attachments: readonly ReplicaAttachment[], peers: readonly PeerLink[]): ReplicaAttachment[] {
  if (peers.length === 0) return [...attachments];
  const copies = new Set(peers.flatMap((p) => (p.link.attachments ?? []).filter((l) => l.owner === 'remote').map((l) => l.localId)));
  return attachments.filter((a) => !copies.has(a.id));
}

/**
 * The replica's comments with `originId` set for those that stand for a comment of ours: relayed
 * copies (an origin other than the sender) this link does not know yet, found here as our own
 * comment or as a copy another connection made of the same origin.
 */
export function recognised(comments: readonly ReplicaComment[], context: { sender: string; here: string; link: LinkState | undefined; localIds: ReadonlySet<string>; peers: readonly PeerLink[] }): ReplicaComment[] {
  const linked = new Set((context.link?.comments ?? []).map((l) => l.remoteId));
  return comments.map((c) => {
    if (c.originId !== null || linked.has(c.id)) return c;
    // the sender's own comment may have reached us first through a third site, as a copy of it
    const origin = c.origin ?? { cloudId: context.sender, id: c.id };
    if (origin.cloudId === context.here) return context.localIds.has(origin.id) ? { ...c, originId: origin.id } : c;
    for (const peer of context.peers) {
      const copy = peer.link.comments.find((l) => l.owner === 'remote' && sameOrigin(copyOrigin(peer, l.localId), origin));
      if (copy && context.localIds.has(copy.localId)) return { ...c, originId: copy.localId };
    }
    return c;
  });
}

function sameOrigin(a: Origin | null, b: Origin): boolean {
  return a !== null && a.cloudId === b.cloudId && a.id === b.id;
}
