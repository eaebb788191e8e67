import type Database from 'better-sqlite3';

/**
 * Forge hosted storage (Key-Value Store, secrets, entity values) for ONE installation, in that
 * installation's SQLite database. Validation of keys and values follows Forge's documented limits
 * and error codes (storage-reference/handling-errors-kvs); the HTTP shape lives in kvs-api.ts.
 */
export const KVS_LIMITS = {
  maxKeyLength: 500,
  maxValueBytes: 240 * 1024,
  maxDepth: 32,
  maxQueryLimit: 100,
  defaultQueryLimit: 10,
  maxTransactionOps: 25,
} as const;

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

export function checkKey(key: string): void {
  if (key.length === 0) throw new KvsError(400, 'KEY_TOO_SHORT', 'The provided key needs to be more than one character.');
  if (key.length > KVS_LIMITS.maxKeyLength) throw new KvsError(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${KVS_LIMITS.maxKeyLength} characters.`);
  if (!KEY_PATTERN.test(key)) throw new KvsError(400, 'INVALID_KEY', `The provided key does not match the regex: ${KEY_PATTERN.source}`);
}

/** serialise and check a value; returns its JSON text */
export function checkValue(value: unknown): string {
  if (value === undefined) throw new KvsError(400, 'BAD_REQUEST', 'A value is required.');
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > KVS_LIMITS.maxValueBytes) throw new KvsError(400, 'MAX_SIZE', `The provided value has exceeded the maximum size limit (${KVS_LIMITS.maxValueBytes} bytes).`);
  if (depth(value) > KVS_LIMITS.maxDepth) throw new KvsError(400, 'MAX_DEPTH', `The provided value has exceeded the maximum object depth (${KVS_LIMITS.maxDepth}) limit.`);
  return text;
}

export class KvsStore {
  private ops = 0;
  private readonly stmts;

  constructor(private readonly db: Database.Database, private readonly now: () => number) {
    db.exec(`CREATE TABLE IF NOT EXISTS kvs (
      ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, expire_at INTEGER,
      PRIMARY KEY (ns, key)) WITHOUT ROWID`);
    this.stmts = {
      get: db.prepare<[string, string], Row>('SELECT key, value, created_at, updated_at, expire_at FROM kvs WHERE ns = ? AND key = ?'),
      upsert: db.prepare('INSERT INTO kvs (ns, key, value, created_at, updated_at, expire_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expire_at = excluded.expire_at'),
      del: db.prepare('DELETE FROM kvs WHERE ns = ? AND key = ?'),
      query: db.prepare<[string, number, string, string, number, number], Row>(`SELECT key, value, created_at, updated_at, expire_at FROM kvs
        WHERE ns = ? AND substr(key, 1, ?) = ? AND key > ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key LIMIT ?`),
      purge: db.prepare('DELETE FROM kvs WHERE expire_at IS NOT NULL AND expire_at <= ?'),
      keys: db.prepare<[string, number], { key: string }>('SELECT key FROM kvs WHERE ns = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key'),
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
    checkKey(key);
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
    checkKey(key);
    const text = checkValue(value);
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
    checkKey(key);
    const existed = this.get(ns, key) !== undefined;
    this.stmts.del.run(ns, key);
    return existed;
  }

  /** keys in order, starting after `after`, that begin with `prefix` */
  query(ns: Namespace, prefix: string, after: string | undefined, limit: number): { items: StoredItem[]; more: boolean } {
    const rows = this.stmts.query.all(ns, prefix.length, prefix, after ?? '', this.now(), limit + 1);
    return { items: rows.slice(0, limit).map(toItem), more: rows.length > limit };
  }

  /** run `fn` atomically */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  purgeExpired(): number {
    return this.stmts.purge.run(this.now()).changes;
  }

  /** every key of a namespace (inspection for tests) */
  keys(ns: Namespace): string[] {
    return this.stmts.keys.all(ns, this.now()).map((r) => r.key);
  }
}

function toItem(row: Row): StoredItem {
  return { key: row.key, value: JSON.parse(row.value) as unknown, createdAt: row.created_at, updatedAt: row.updated_at, expireAt: row.expire_at };
}
