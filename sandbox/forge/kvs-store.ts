import type Database from 'better-sqlite3';
import { FORGE_LIMITS, type KvsLimits } from './limits/forge-limits';

/**
 * Forge hosted storage (Key-Value Store, secrets, entity values) for ONE installation, in that
 * installation's SQLite database. Validation of keys and values follows Forge's documented limits
 * (https://developer.atlassian.com/platform/forge/limits-kvs-ce, "Key and object size limits") and
 * error codes (https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-kvs);
 * the HTTP shape lives in kvs-api.ts, the per-minute quotas in limits/kvs-quota.ts.
 *
 * Every lookup is on the primary key (ns, key): a prefix query reads the key range
 * [prefix, successor(prefix)) and nothing else, so its cost grows with log(keys) and the page size,
 * never with the number of keys stored.
 */
export const KVS_LIMITS: KvsLimits = FORGE_LIMITS.kvs;

export const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

/** a refusal with Forge's HTTP status and error code */
export class KvsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'KvsError';
  }
}

/** namespace of a stored item: '' for kvs.set, 'secret' for kvs.setSecret, 'entity:<name>' for entities */
export type Namespace = string;

export interface StoredItem {
  key: string;
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireAt: number | null;
}

export interface SetOptions {
  ttlMs?: number;
  keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
}

interface Row {
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
  expire_at: number | null;
}

function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let max = 0;
  for (const child of Object.values(v)) max = Math.max(max, depth(child));
  return max + 1;
}

export function checkKey(key: string, limits: KvsLimits = KVS_LIMITS): void {
  if (key.length === 0) throw new KvsError(400, 'KEY_TOO_SHORT', 'The provided key needs to be more than one character.');
  if (key.length > limits.maxKeyLength) throw new KvsError(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${limits.maxKeyLength} characters.`);
  if (!KEY_PATTERN.test(key)) throw new KvsError(400, 'INVALID_KEY', `The provided key does not match the regex: ${KEY_PATTERN.source}`);
}

/** serialise and check a value; returns its JSON text */
export function checkValue(value: unknown, limits: KvsLimits = KVS_LIMITS): string {
  if (value === undefined) throw new KvsError(400, 'BAD_REQUEST', 'A value is required.');
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > limits.maxValueBytes) throw new KvsError(400, 'MAX_SIZE', `The provided value has exceeded the maximum size limit (${limits.maxValueBytes} bytes).`);
  if (depth(value) > limits.maxDepth) throw new KvsError(400, 'MAX_DEPTH', `The provided value has exceeded the maximum object depth (${limits.maxDepth}) limit.`);
  return text;
}

/** SQLite's BINARY collation: UTF-8 bytes (JS `<` compares UTF-16 code units, which differs above U+FFFF) */
export function binaryCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The smallest string above every string that starts with `prefix`, in SQLite's BINARY order (UTF-8
 * bytes, which is code point order): `prefix` with its last code point incremented (dropping trailing
 * U+10FFFF, stepping over the surrogates). undefined when no such string exists (empty prefix, or
 * nothing but U+10FFFF).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (cps.length > 0) {
    const last = cps.pop() ?? 0;
    if (last >= 0x10ffff) continue;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return String.fromCodePoint(...cps, next);
  }
  return undefined;
}

export class KvsStore {
  private ops = 0;
  private readonly stmts;
  /** the key and value limits this store checks (the platform may tighten or raise them) */
  limits: KvsLimits = KVS_LIMITS;

  constructor(private readonly db: Database.Database, private readonly now: () => number) {
    db.exec(`CREATE TABLE IF NOT EXISTS kvs (
      ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, expire_at INTEGER,
      PRIMARY KEY (ns, key)) WITHOUT ROWID`);
    db.exec('CREATE INDEX IF NOT EXISTS kvs_expiry ON kvs (expire_at) WHERE expire_at IS NOT NULL');
    const page = 'SELECT key, value, created_at, updated_at, expire_at FROM kvs';
    this.stmts = {
      get: db.prepare<[string, string], Row>('SELECT key, value, created_at, updated_at, expire_at FROM kvs WHERE ns = ? AND key = ?'),
      upsert: db.prepare('INSERT INTO kvs (ns, key, value, created_at, updated_at, expire_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expire_at = excluded.expire_at'),
      del: db.prepare('DELETE FROM kvs WHERE ns = ? AND key = ?'),
      // a range of the primary key: from the prefix (or just past the cursor) to successor(prefix)
      queryRange: db.prepare<[string, string, string, number, string, number, number], Row>(`${page}
        WHERE ns = ? AND key >= ? AND key < ? AND substr(key, 1, ?) = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key LIMIT ?`),
      // the same without an upper bound (empty prefix, or no successor)
      queryFrom: db.prepare<[string, string, number, string, number, number], Row>(`${page}
        WHERE ns = ? AND key >= ? AND substr(key, 1, ?) = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key LIMIT ?`),
      purge: db.prepare('DELETE FROM kvs WHERE expire_at IS NOT NULL AND expire_at <= ?'),
      keys: db.prepare<[string, number], { key: string }>('SELECT key FROM kvs WHERE ns = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key'),
      largest: db.prepare<[string, number], { key: string; bytes: number }>('SELECT key, length(CAST(value AS BLOB)) AS bytes FROM kvs WHERE ns = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY bytes DESC LIMIT 1'),
    };
  }

  /** storage operations served (for stats) */
  opCount(): number {
    return this.ops;
  }

  resetOpCount(): void {
    this.ops = 0;
  }

  countOp(): void {
    this.ops++;
  }

  get(ns: Namespace, key: string): StoredItem | undefined {
    checkKey(key, this.limits);
    const row = this.stmts.get.get(ns, key);
    if (!row) return undefined;
    if (row.expire_at !== null && row.expire_at <= this.now()) {
      this.stmts.del.run(ns, key);
      return undefined;
    }
    return toItem(row);
  }

  /** returns the previous item (if any) and the stored one */
  set(ns: Namespace, key: string, value: unknown, opts: SetOptions = {}): { previous: StoredItem | undefined; latest: StoredItem } {
    checkKey(key, this.limits);
    const text = checkValue(value, this.limits);
    const previous = this.get(ns, key);
    if (previous && opts.keyPolicy === 'FAIL_IF_EXISTS') {
      throw new KvsError(409, 'KEY_ALREADY_EXISTS', `The key '${key}' already exists and keyPolicy is FAIL_IF_EXISTS.`);
    }
    const now = this.now();
    const createdAt = previous?.createdAt ?? now;
    const expireAt = opts.ttlMs !== undefined ? now + opts.ttlMs : null;
    this.stmts.upsert.run(ns, key, text, createdAt, now, expireAt);
    return { previous, latest: { key, value: JSON.parse(text) as unknown, createdAt, updatedAt: now, expireAt } };
  }

  /** true when something was deleted */
  delete(ns: Namespace, key: string): boolean {
    checkKey(key, this.limits);
    const existed = this.get(ns, key) !== undefined;
    this.stmts.del.run(ns, key);
    return existed;
  }

  /** keys in order, starting after `after`, that begin with `prefix` */
  query(ns: Namespace, prefix: string, after: string | undefined, limit: number): { items: StoredItem[]; more: boolean } {
    // one lower bound for the index seek: the prefix, or the key right after the cursor if that is later
    const pastCursor = after === undefined ? undefined : `${after}\u0000`;
    const lower = pastCursor !== undefined && binaryCompare(pastCursor, prefix) > 0 ? pastCursor : prefix;
    const upper = prefixSuccessor(prefix);
    const now = this.now();
    const rows = upper === undefined
      ? this.stmts.queryFrom.all(ns, lower, prefix.length, prefix, now, limit + 1)
      : this.stmts.queryRange.all(ns, lower, upper, prefix.length, prefix, now, limit + 1);
    return { items: rows.slice(0, limit).map(toItem), more: rows.length > limit };
  }

  /** run `fn` atomically */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  purgeExpired(): number {
    return this.stmts.purge.run(this.now()).changes;
  }

  /** the largest stored value of a namespace, in bytes of its JSON (inspection for tests) */
  largestValue(ns: Namespace): { key: string; bytes: number } | null {
    return this.stmts.largest.get(ns, this.now()) ?? null;
  }

  /** every key of a namespace (inspection for tests) */
  keys(ns: Namespace): string[] {
    return this.stmts.keys.all(ns, this.now()).map((r) => r.key);
  }
}

function toItem(row: Row): StoredItem {
  return { key: row.key, value: JSON.parse(row.value) as unknown, createdAt: row.created_at, updatedAt: row.updated_at, expireAt: row.expire_at };
}
