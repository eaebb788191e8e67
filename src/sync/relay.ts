import { localLock } from '../model/queue-event';
import type { StoreOp } from '../ports/store';
import type { Connection } from './state/records';
import type { EngineDeps } from './deps';
import { keys } from './state/keys';
import type { Repo } from './state/repo';

/**
 * Relaying (three or more sites, issue 16). The app's own writes fire no product event it acts on
 * (the trigger's `ignoreSelf`), so a change a replica brought to this site would stop here: with
 * A–B and B–C, an edit on A would never reach C. After an apply that changed the issue, the issue
 * is queued for an outgoing sync on each of this site's other connections that sends; there, its
 * link or its scope decides whether it goes (src/sync/outgoing.ts).
 *
 * No loop: a relay is queued only by an apply that wrote something, and an apply of values the
 * issue already has writes nothing (fields merge per field with their stamps travelling along;
 * comments are known by where they were first written, src/sync/group-identity.ts),
 * so a change goes round the group's connections a bounded number of times and stops. The
 * connection it came by is left out: what it needs back is the sync back's.
 *
 * The other connections' snapshots of the issue (each link keeps the issue as it last saw it) are
 * stale after this apply's writes: their "changed" markers are set with the apply's bookkeeping, so
 * their next apply reads the issue again.
 */
export async function relayTargets(repo: Repo, from: Connection): Promise<Connection[]> {
  return (await repo.listConnections()).filter((c) => c.id !== from.id && c.status === 'active');
}

/** the other connections' snapshots of the issue marked stale, in the apply's own transaction */
export function staleSnapshotOps(targets: readonly Connection[], localIssueId: string, at: number): StoreOp[] {
  return targets.map((c) => ({ op: 'set' as const, key: keys.dirty(c.id, localIssueId), value: { at }, ttlSeconds: 7 * 24 * 3600 }));
}

/** queues the issue's outgoing sync on each other connection that sends */
export async function relay(deps: EngineDeps, targets: readonly Connection[], localIssueId: string): Promise<number> {
  const sending = targets.filter((c) => c.direction !== 'receive-only');
  if (sending.length === 0) return 0;
  await deps.queue.push(sending.map((c) => ({ kind: 'outgoing' as const, connectionId: c.id, localIssueId, syncBack: false, reason: 'relay' as const, lock: localLock(c.id, localIssueId), attempt: 0 })));
  return sending.length;
}
