import { z } from 'zod';
import type { StoreOp } from '../ports/store';
import type { EngineDeps } from './deps';
import { keys } from './state/keys';

/**
 * One issue is worked on by one invocation at a time. Queue consumers are kept apart by the queue
 * itself (`concurrency: {key: <connection>:<issue>, limit: 1}`); the inbox applies small messages
 * inline, outside the queue, so both take this storage lock as well. It costs one storage operation
 * to take (`setIfAbsent`); it is given back inside the holder's last write (one more key in a
 * transaction that happens anyway), or by a delete when the holder ends without one.
 *
 * A lock outlives a holder that died only until its lease ends. A consumer finding a consumer's lock
 * takes it over at once: with one event per key at a time (`concurrency: {key, limit: 1}`,
 * https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api), and a function
 * stopped at its timeout (https://developer.atlassian.com/platform/forge/limits-invocation/), that
 * holder is this event's own earlier, killed attempt. The inbox never takes over: it stores the
 * message for the queue instead. KVS expiry is not relied on (its docs do not say how soon an
 * expired key stops being returned): the lease is in the value, and the TTL only cleans up.
 */
export interface HeldLock {
  key: string;
  released: boolean;
  /**
   * taken over from a holder that died (a consumer killed at its timeout, say): what it wrote in
   * Jira before dying may not be recorded, so the apply reads the issue afresh and takes the comment
   * copies it finds unrecorded for made (src/sync/incoming.ts)
   */
  tookOver: boolean;
}

export type LockHolder = 'worker' | 'inbox';

/**
 * the consumer's longest run (manifest `timeoutSeconds: 900`, the most Forge allows:
 * https://developer.atlassian.com/platform/forge/limits-invocation/) and a minute's margin
 */
export const WORKER_LEASE_MS = 16 * 60_000;
/** a web trigger runs at most 55 s (https://developer.atlassian.com/platform/forge/limits-invocation/), and a margin */
export const INBOX_LEASE_MS = 2 * 60_000;

const LockRecordSchema = z.strictObject({ holder: z.enum(['worker', 'inbox']), until: z.number() });

export async function tryLock(deps: EngineDeps, lock: string, holder: LockHolder): Promise<{ held: HeldLock } | { busyUntil: number }> {
  const key = keys.issueLock(lock);
  const now = deps.clock.now();
  const lease = holder === 'worker' ? WORKER_LEASE_MS : INBOX_LEASE_MS;
  const record = { holder, until: now + lease };
  const ttlSeconds = Math.ceil(lease / 1000) + 60;
  if (await deps.store.setIfAbsent(key, record, { ttlSeconds })) return { held: { key, released: false, tookOver: false } };
  const parsed = LockRecordSchema.safeParse(await deps.store.get(key));
  const current = parsed.success ? parsed.data : null;
  if (holder === 'worker' && (current === null || current.holder === 'worker' || current.until <= now)) {
    await deps.store.set(key, record, { ttlSeconds });
    return { held: { key, released: false, tookOver: true } };
  }
  return { busyUntil: current?.until ?? now + 1000 };
}

/** `ops` with the invocation's lock given back in the same write (when there is room) */
export function releasing(deps: EngineDeps, ops: StoreOp[], maxOps: number): { ops: StoreOp[]; release: () => void } {
  const held = deps.heldLock;
  if (!held || held.released || ops.length >= maxOps || ops.some((op) => op.key === held.key)) return { ops, release: () => undefined };
  return { ops: [...ops, { op: 'delete', key: held.key }], release: () => { held.released = true; } };
}

/** gives the lock back if no write took it along */
export async function releaseLock(deps: EngineDeps): Promise<void> {
  const held = deps.heldLock;
  if (!held || held.released) return;
  await deps.store.delete(held.key);
  held.released = true;
}
