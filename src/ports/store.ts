/**
 * Key-value storage (Forge KVS semantics): values are JSON, keys ≤ 500 chars from
 * `[a-zA-Z0-9:._\s-#]`, values ≤ 240 KiB, prefix queries only, transactions ≤ 25 operations.
 * Reads return `unknown`: callers parse with zod.
 */
export interface StoreSetOptions {
  ttlSeconds?: number;
}

export type StoreOp =
  | { op: 'set'; key: string; value: unknown; ttlSeconds?: number }
  | { op: 'delete'; key: string };

export interface StoreEntry {
  key: string;
  value: unknown;
}

export interface StorePort {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, options?: StoreSetOptions): Promise<void>;
  /** false when the key already exists (nothing written) */
  setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** entries whose key starts with `prefix`, in key order */
  list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }>;
  /** all or nothing, at most 25 operations */
  transact(ops: StoreOp[]): Promise<void>;
  getSecret(key: string): Promise<unknown>;
  setSecret(key: string, value: unknown): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}

/**
 * A storage request the platform refused or could not serve: `status` is the HTTP status Forge KVS
 * answered (429 with `RATE_LIMIT_EXCEEDED` when the installation's quota is used up, 5xx when it
 * failed), `code` its error code. Classified by status and code, never by message.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_TRANSACTION_OPS = 25;
