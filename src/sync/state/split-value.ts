import { z } from 'zod';
import { hashOf } from '../canonical-json';
import type { StoreOp, StorePort } from '../../ports/store';
import { splitPartKey } from './keys';

/**
 * Records that may outgrow one Forge KVS value (240 KiB: https://developer.atlassian.com/platform/forge/runtime-reference/storage-api-limits/)
 * are written as a manifest at their own key plus parts of at most PART_BYTES each, all in the
 * caller's transaction; a reader puts them back together and checks the hash, so a half-written or
 * mixed record is an error, never a wrong value. Small records stay one plain value.
 */
export const INLINE_LIMIT_BYTES = 200 * 1024;
/** the most bytes one part's text takes once JSON-encoded in its value (escapes included) */
export const PART_TEXT_BYTES = 200 * 1024;

const ManifestSchema = z.strictObject({
  '#split': z.strictObject({
    parts: z.number().int().min(1),
    /** the most parts this record was ever written with: a delete removes them all */
    maxParts: z.number().int().min(1),
    hash: z.string(),
  }),
});
const PartSchema = z.strictObject({ t: z.string() });

/** the key of part `index` of the record at `key` (src/sync/state/keys.ts) */
export const partKey = splitPartKey;

const encodedBytes = (slice: string): number => Buffer.byteLength(JSON.stringify(slice), 'utf8');

/**
 * Slices of `text` whose JSON encoding (quotes, escapes and UTF-8 included) is at most `max` bytes
 * each, never splitting a surrogate pair; joined they give `text` back.
 */
export function sliceText(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + max);
    while (end > start + 1 && encodedBytes(text.slice(start, end)) > max) end = start + Math.max(1, Math.floor((end - start) * 0.8));
    const code = text.charCodeAt(end - 1);
    if (end < text.length && end > start + 1 && code >= 0xd800 && code <= 0xdbff) end -= 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

export interface SplitMemory {
  /** record key → the most parts it was written with (learnt from reads) */
  maxParts: Map<string, number>;
}

/** The operations that write `value` at `key`: one set when it is small, else a manifest and its parts. */
export function splitWriteOps(key: string, value: unknown, memory: SplitMemory, ttlSeconds?: number): StoreOp[] {
  const text = JSON.stringify(value);
  const ttl = ttlSeconds !== undefined ? { ttlSeconds } : {};
  const previousMax = memory.maxParts.get(key) ?? 0;
  if (Buffer.byteLength(text, 'utf8') <= INLINE_LIMIT_BYTES) {
    const stale = Array.from({ length: previousMax }, (_, i): StoreOp => ({ op: 'delete', key: partKey(key, i + 1) }));
    memory.maxParts.delete(key);
    return [{ op: 'set', key, value, ...ttl }, ...stale];
  }
  const slices = sliceText(text, PART_TEXT_BYTES);
  const maxParts = Math.max(previousMax, slices.length);
  memory.maxParts.set(key, maxParts);
  return [
    { op: 'set', key, value: { '#split': { parts: slices.length, maxParts, hash: hashOf(text) } }, ...ttl },
    ...slices.map((t, i): StoreOp => ({ op: 'set', key: partKey(key, i + 1), value: { t }, ...ttl })),
  ];
}

/** Reads what `splitWriteOps` wrote at `key` (undefined when absent); remembers its part count. */
export async function readSplit(store: StorePort, key: string, memory: SplitMemory): Promise<unknown> {
  const raw = await store.get(key);
  return joinSplit(store, key, raw, memory);
}

/** `raw` as read at `key`: itself, or the record its manifest describes. */
export async function joinSplit(store: StorePort, key: string, raw: unknown, memory: SplitMemory): Promise<unknown> {
  const manifest = ManifestSchema.safeParse(raw);
  if (!manifest.success) return raw;
  const { parts, maxParts, hash } = manifest.data['#split'];
  memory.maxParts.set(key, maxParts);
  let text = '';
  for (let i = 1; i <= parts; i++) {
    const part = PartSchema.safeParse(await store.get(partKey(key, i)));
    if (!part.success) throw new Error(`stored record ${key} is incomplete: part ${i} of ${parts} is missing`);
    text += part.data.t;
  }
  if (hashOf(text) !== hash) throw new Error(`stored record ${key} does not match its hash: its parts are from different writes`);
  return JSON.parse(text) as unknown;
}

/** The operations that delete the record at `key` and every part it was ever written with. */
export async function splitDeleteOps(store: StorePort, key: string, memory: SplitMemory): Promise<StoreOp[]> {
  let max = memory.maxParts.get(key);
  if (max === undefined) {
    const manifest = ManifestSchema.safeParse(await store.get(key));
    max = manifest.success ? manifest.data['#split'].maxParts : 0;
  }
  memory.maxParts.delete(key);
  return [{ op: 'delete', key }, ...Array.from({ length: max }, (_, i): StoreOp => ({ op: 'delete', key: partKey(key, i + 1) }))];
}
