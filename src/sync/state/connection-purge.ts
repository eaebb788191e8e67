import { z } from 'zod';
import type { StoreOp, StorePort } from '../../ports/store';
import { connectionKeyLocations, keys, SPLIT_PREFIX } from './keys';

/**
 * Removing everything a connection owned, resumably.
 *
 * A delete (or a close, when the remote deleted it) first writes the connection's purge mark,
 * `purging:<connection>` (in the same transaction that deletes the connection record, or marks it
 * closed), then walks the registry's families of that connection (src/sync/state/keys.ts,
 * `connectionKeyLocations`), deleting in pages: a list of at most 100 keys, deleted in transactions
 * of at most 24 (a configuration write adds the version to it: 25). Nothing is loaded whole, and
 * each invocation stops after a budget of storage calls. Every walk starts at the first family
 * again: what an earlier walk deleted is not listed any more, so a walk that died half way (a crash,
 * a timeout) is simply walked again, by the next delete of the same id or by the sweeper, which
 * takes up every mark it finds (`continuePurges`).
 *
 * The mark goes last, and only after a walk that started once `settleAt` had passed (the longest an
 * invocation that read the connection before it went can still run: a consumer's lease): such an
 * invocation may still write a link or an activity entry after the first walk, and the later walk
 * removes it. Until then the mark is the only key left of a deleted connection.
 *
 * Mid-walk nothing acts on what is left: the connection record is gone (or closed), so the trigger,
 * the inbox and the consumer ignore the connection, `Repo.listErrors`/`getError` hide its errors
 * (a blocked marker without its error is no block), the sweeper skips its items, and the activity
 * log lists only the connections that exist.
 */
export const PurgeMarkSchema = z.strictObject({
  connectionId: z.string(),
  /** 'delete': everything goes; 'close': the connection record, its rules and its activity stay */
  mode: z.enum(['delete', 'close']),
  name: z.string(),
  /** when the connection was deleted or closed (ms) */
  since: z.number(),
  /** a walk started at or after this (ms) that finds nothing left removes the mark */
  settleAt: z.number(),
  /** link records removed so far */
  links: z.number().int().min(0),
  /** the remote site was told (a delete's goodbye) */
  remoteNotified: z.boolean(),
});
export type PurgeMark = z.infer<typeof PurgeMarkSchema>;

/** storage calls one invocation spends on purging, by default */
export const PURGE_BUDGET_CALLS = 300;
/** deletes per transaction: one left for the configuration version a config write adds */
const DELETES_PER_TRANSACTION = 24;
/** keys listed per page (Forge KVS's most) */
const PAGE = 100;

export interface PurgeProgress {
  /** no mark (nothing to do), or the mark is gone: everything was removed */
  finished: boolean;
  /** this invocation's walk found everything removed (the mark may still wait for `settleAt`) */
  walked: boolean;
  /** link records removed, all walks together */
  links: number;
  remoteNotified: boolean;
  /** storage calls this invocation spent */
  calls: number;
}

export async function readPurgeMark(store: StorePort, connectionId: string): Promise<PurgeMark | undefined> {
  const raw = await store.get(keys.purging(connectionId));
  if (raw === undefined || raw === null) return undefined;
  const parsed = PurgeMarkSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`stored record ${keys.purging(connectionId)} is invalid`);
  return parsed.data;
}

/** the ops that mark the connection as being purged (to go with the record's delete or close) */
export function purgeMarkOp(mark: PurgeMark): StoreOp {
  return { op: 'set', key: keys.purging(mark.connectionId), value: mark };
}

interface WalkResult {
  complete: boolean;
  links: number;
  calls: number;
}

/** one walk over the connection's keys, from the first family; stops when `budget` calls are spent */
async function walk(store: StorePort, connectionId: string, closing: boolean, budget: number): Promise<WalkResult> {
  let calls = 0;
  let links = 0;
  const exact: string[] = [];
  for (const { family, storage, location } of connectionKeyLocations(connectionId, closing)) {
    if ('key' in location) {
      if (storage === 'secret') {
        if (calls >= budget) return { complete: false, links, calls };
        await store.deleteSecret(location.key);
        calls += 1;
      } else {
        exact.push(location.key);
      }
      continue;
    }
    for (;;) {
      if (calls >= budget) return { complete: false, links, calls };
      const page = await store.list(location.prefix, { limit: PAGE });
      calls += 1;
      if (page.entries.length === 0) break;
      const found = page.entries.map((e) => e.key);
      for (let i = 0; i < found.length; i += DELETES_PER_TRANSACTION) {
        await store.transact(found.slice(i, i + DELETES_PER_TRANSACTION).map((key): StoreOp => ({ op: 'delete', key })));
        calls += 1;
      }
      if (family.name === 'link' && !location.prefix.startsWith(SPLIT_PREFIX)) links += found.length;
      // everything listed is gone: the next page is the first again (or there is none)
      if (page.cursor === null) break;
    }
  }
  if (exact.length > 0) {
    if (calls >= budget) return { complete: false, links, calls };
    for (let i = 0; i < exact.length; i += DELETES_PER_TRANSACTION) {
      await store.transact(exact.slice(i, i + DELETES_PER_TRANSACTION).map((key): StoreOp => ({ op: 'delete', key })));
      calls += 1;
    }
  }
  return { complete: true, links, calls };
}

/**
 * Goes on with the connection's purge, if it has a mark: one walk within `budget` storage calls;
 * the mark goes once a walk started after `settleAt` found everything removed.
 */
export async function continuePurge(store: StorePort, connectionId: string, now: number, budget = PURGE_BUDGET_CALLS): Promise<PurgeProgress> {
  const mark = await readPurgeMark(store, connectionId);
  if (!mark) return { finished: true, walked: true, links: 0, remoteNotified: false, calls: 1 };
  const result = await walk(store, connectionId, mark.mode === 'close', Math.max(1, budget - 1));
  let calls = 1 + result.calls;
  const links = mark.links + result.links;
  if (result.complete && now >= mark.settleAt) {
    // a delete may have taken a close's mark over meanwhile: that one is not finished
    const again = await readPurgeMark(store, connectionId);
    calls += 1;
    if (again && again.mode === mark.mode && again.since === mark.since) {
      await store.delete(keys.purging(connectionId));
      return { finished: true, walked: true, links, remoteNotified: mark.remoteNotified, calls: calls + 1 };
    }
    return { finished: again === undefined, walked: true, links, remoteNotified: mark.remoteNotified, calls };
  }
  if (result.links > 0) {
    await store.set(keys.purging(connectionId), { ...mark, links });
    calls += 1;
  }
  return { finished: false, walked: result.complete, links, remoteNotified: mark.remoteNotified, calls };
}

/**
 * The sweeper's part: goes on with every purge mark it finds, within one budget for them all; each
 * through `each` (the sweeper's isolation: one that fails is noted and the others go on).
 */
export async function continuePurges(
  store: StorePort, now: number, budget = PURGE_BUDGET_CALLS,
  each: (mark: PurgeMark, run: () => Promise<void>) => Promise<void> = (_mark, run) => run(),
): Promise<{ finished: number; pending: number }> {
  let spent = 0;
  let finished = 0;
  let pending = 0;
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<StorePort['list']>> = await store.list(keys.purgingPrefix, cursor === null ? { limit: PAGE } : { limit: PAGE, cursor });
    spent += 1;
    for (const entry of page.entries) {
      const parsed = PurgeMarkSchema.safeParse(entry.value);
      if (!parsed.success) continue;
      if (spent >= budget) {
        pending += 1;
        continue;
      }
      let done = false;
      await each(parsed.data, async () => {
        const progress = await continuePurge(store, parsed.data.connectionId, now, budget - spent);
        spent += progress.calls;
        done = progress.finished;
      });
      if (done) finished += 1;
      else pending += 1;
    }
    cursor = page.cursor;
  } while (cursor !== null);
  return { finished, pending };
}
