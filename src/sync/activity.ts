import type { StoreOp } from '../ports/store';
import type { EngineDeps } from './deps';
import { isSafePart, keys } from './state/keys';
import type { ActivityEntry } from './state/records';

export type ActivityInput = Omit<ActivityEntry, 'id' | 'at'>;

const ACTIVITY_TTL_SECONDS = 14 * 24 * 3600;

/** Appends to the bounded activity log (newest first by key; the sweeper trims it to the limit). */
export async function logActivity(deps: EngineDeps, entry: ActivityInput): Promise<void> {
  const op = activityOp(deps, entry);
  await deps.store.set(op.key, op.value, { ttlSeconds: ACTIVITY_TTL_SECONDS });
}

/**
 * The write of an activity entry, to go in the same storage operation as the work it records. An
 * entry of a connection is kept under that connection (it goes when the connection is deleted), one
 * of no connection under the site's own log; a connection id no key can hold (no stored connection
 * has one) notes it in the site's log.
 */
export function activityOp(deps: EngineDeps, entry: ActivityInput): StoreOp & { op: 'set' } {
  const at = deps.clock.now();
  const id = deps.ids.uuid();
  const record: ActivityEntry = { id, at: new Date(at).toISOString(), ...entry, message: entry.message.slice(0, 2000) };
  const owner = entry.connectionId !== null && isSafePart(entry.connectionId) ? entry.connectionId : null;
  return { op: 'set', key: keys.activity(owner, at, id), value: record, ttlSeconds: ACTIVITY_TTL_SECONDS };
}
