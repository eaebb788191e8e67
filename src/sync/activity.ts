import type { EngineDeps } from './deps';
import { keys } from './state/keys';
import type { ActivityEntry } from './state/records';

export type ActivityInput = Omit<ActivityEntry, 'id' | 'at'>;

/** Appends to the bounded activity log (newest first by key; the sweeper trims it to the limit). */
export async function logActivity(deps: EngineDeps, entry: ActivityInput): Promise<void> {
  const at = deps.clock.now();
  const id = deps.ids.uuid();
  const record: ActivityEntry = { id, at: new Date(at).toISOString(), ...entry, message: entry.message.slice(0, 2000) };
  await deps.store.set(keys.activity(at, id), record, { ttlSeconds: 14 * 24 * 3600 });
}
