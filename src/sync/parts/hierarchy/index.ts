import { localLock } from '../../../model/queue-event';
import type { Connection } from '../../../model/connection';
import type { Replica } from '../../../model/replica';
import type { EngineDeps } from '../../deps';
import type { Repo } from '../../state/repo';

/**
 * The hierarchy (an epic's stories, a story's sub-tasks) travels as the replica's `parent`: the
 * sender's parent issue. The receiver's rules find its twin there (nodeHelper.getLocalIssue) and
 * the fields part merges and writes the `parent` field like any other, by the parent's id there;
 * a child whose parent has no twin there yet waits for it (syncHelper.waitFor: nothing written,
 * tried again), so no child is ever created without its parent.
 *
 * On the way out a child brings its parent along: a parent this connection does not sync yet is
 * queued for a send of its own, which its scope decides (one storage read per send of a child).
 */
export async function bringParentAlong(deps: EngineDeps, repo: Repo, connection: Connection, replica: Replica): Promise<boolean> {
  if (replica.parent === null || connection.direction === 'receive-only') return false;
  if (await repo.getLink(connection.id, replica.parent.id)) return false;
  const parentId = replica.parent.id;
  await deps.queue.push([{ kind: 'outgoing', connectionId: connection.id, localIssueId: parentId, syncBack: false, reason: 'event', lock: localLock(connection.id, parentId), attempt: 0 }]);
  return true;
}
