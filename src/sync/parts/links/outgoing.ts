import type { Replica } from '../../../model/replica';
import type { Repo } from '../../state/repo';

/** links of one replica whose other end is looked up, at most (one storage read each) */
export const MAX_LINKS_SENT = 100;

/**
 * The replica's links to issues this connection syncs, and no others: the other site can only use
 * those, and the keys of issues outside the sync are not the other site's to see. One storage read
 * per distinct issue linked; none for a replica without links.
 */
export async function onlySyncedLinks(repo: Repo, connectionId: string, replica: Replica): Promise<Replica> {
  if (replica.links.length === 0) return replica;
  const ids = [...new Set(replica.links.map((l) => l.issue.id))].slice(0, MAX_LINKS_SENT);
  const synced = new Set<string>();
  for (const id of ids) if ((await repo.getLink(connectionId, id))?.remoteIssueId) synced.add(id);
  return { ...replica, links: replica.links.filter((l) => synced.has(l.issue.id)) };
}
