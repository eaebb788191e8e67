import type { StoreEntry, StorePort } from '../../ports/store';
import { keys } from './keys';
import { ActivityEntrySchema, type ActivityEntry } from './records';

/**
 * The activity log is kept per connection (`activity:<connection>:…`, so a connection's entries go
 * with it) and for the site (`siteactivity:…`); each is newest first by key. This reads them as
 * one log, newest first: a merge of the logs of the connections given and the site's, a page of
 * each at a time (at most `pageSize` entries per list call, Forge's 100 by default).
 */
export async function* activityNewestFirst(store: StorePort, connectionIds: readonly string[], pageSize = 100): AsyncGenerator<StoreEntry> {
  const sources = [keys.siteActivityPrefix, ...connectionIds.map((id) => keys.activityPrefix(id))].map((prefix) => ({
    prefix, buffer: [] as StoreEntry[], cursor: null as string | null, exhausted: false,
  }));
  const limit = Math.max(1, Math.min(100, pageSize));
  for (;;) {
    for (const source of sources) {
      if (source.buffer.length > 0 || source.exhausted) continue;
      const page = await store.list(source.prefix, source.cursor === null ? { limit } : { limit, cursor: source.cursor });
      source.buffer = page.entries;
      source.cursor = page.cursor;
      if (page.cursor === null) source.exhausted = true;
    }
    let best: (typeof sources)[number] | undefined;
    let bestTail = '';
    for (const source of sources) {
      const head = source.buffer[0];
      if (!head) continue;
      // `<inverted time>:<id>`: the smaller, the newer
      const tail = head.key.slice(source.prefix.length);
      if (best === undefined || tail < bestTail) {
        best = source;
        bestTail = tail;
      }
    }
    if (!best) return;
    const next = best.buffer.shift();
    if (next) yield next;
  }
}

/**
 * The newest `limit` activity entries (of the site and of `connectionIds`) that `keep` accepts,
 * newest first. With a selective `keep` this reads the whole log: it is bounded (the sweeper trims
 * it to `activityLimit` entries, 500 by default), so that is a handful of list calls.
 */
export async function readActivity(store: StorePort, connectionIds: readonly string[], limit: number, keep: (entry: ActivityEntry) => boolean): Promise<ActivityEntry[]> {
  const out: ActivityEntry[] = [];
  if (limit <= 0) return out;
  for await (const entry of activityNewestFirst(store, connectionIds)) {
    const parsed = ActivityEntrySchema.safeParse(entry.value);
    if (!parsed.success) throw new Error(`stored record ${entry.key} is invalid`);
    if (!keep(parsed.data)) continue;
    out.push(parsed.data);
    if (out.length >= limit) break;
  }
  return out;
}
