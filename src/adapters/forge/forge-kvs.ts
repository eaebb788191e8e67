import { kvs, WhereConditions } from '@forge/kvs';
import { z } from 'zod';
import { StoreError, type StoreEntry, type StoreOp, type StorePort, type StoreSetOptions } from '../../ports/store';

const ttl = (options?: StoreSetOptions) => (options?.ttlSeconds !== undefined ? { ttl: { value: Math.max(1, Math.ceil(options.ttlSeconds)), unit: 'SECONDS' as const } } : undefined);

/** StorePort over Forge KVS (values are parsed by the caller; nothing is trusted here). */
export class ForgeKvsStore implements StorePort {
  ops = 0;

  async get(key: string): Promise<unknown> {
    this.ops += 1;
    return kvsCall(() => kvs.get<unknown>(key));
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    this.ops += 1;
    const t = ttl(options);
    await kvsCall(() => (t ? kvs.set(key, value, t) : kvs.set(key, value)));
  }

  async setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean> {
    this.ops += 1;
    try {
      await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ...(ttl(options) ?? {}) });
      return true;
    } catch (error) {
      if (isKeyExists(error)) return false;
      throw toStoreError(error);
    }
  }

  async delete(key: string): Promise<void> {
    this.ops += 1;
    await kvsCall(() => kvs.delete(key));
  }

  async list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }> {
    this.ops += 1;
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(Math.min(100, options?.limit ?? 100));
    if (options?.cursor !== undefined) query = query.cursor(options.cursor);
    const page = await kvsCall(() => query.getMany<unknown>());
    return { entries: page.results.map((r) => ({ key: r.key, value: r.value })), cursor: page.nextCursor ?? null };
  }

  async transact(ops: StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    this.ops += 1;
    let tx = kvs.transact();
    for (const op of ops) {
      if (op.op === 'delete') tx = tx.delete(op.key);
      else tx = tx.set(op.key, op.value, undefined, ttl(op.ttlSeconds !== undefined ? { ttlSeconds: op.ttlSeconds } : undefined));
    }
    await kvsCall(() => tx.execute());
  }

  async getSecret(key: string): Promise<unknown> {
    this.ops += 1;
    return kvsCall(() => kvs.getSecret<unknown>(key));
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    this.ops += 1;
    await kvsCall(() => kvs.setSecret(key, value));
  }

  async deleteSecret(key: string): Promise<void> {
    this.ops += 1;
    await kvsCall(() => kvs.deleteSecret(key));
  }
}

function isKeyExists(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = 'code' in error ? error.code : undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return code === 'KEY_ALREADY_EXISTS' || /already exists/i.test(message);
}

/** what @forge/kvs throws for an answer it got (ForgeKvsAPIError): its status and code */
const KvsApiErrorSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  responseDetails: z.looseObject({ status: z.number().int() }),
});

/**
 * Runs one @forge/kvs call; an error answer becomes a StoreError carrying the status and code
 * (429 `RATE_LIMIT_EXCEEDED` when the installation's storage quota is used up:
 * https://developer.atlassian.com/platform/forge/runtime-reference/storage-api-limits/), which the
 * engine classifies as throttling. Anything else (a bug, a network failure inside the runtime)
 * propagates as it is.
 */
async function kvsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error);
  }
}

function toStoreError(error: unknown): unknown {
  const parsed = KvsApiErrorSchema.safeParse(error);
  if (!parsed.success) return error;
  return new StoreError(parsed.data.message ?? 'storage request failed', parsed.data.responseDetails.status, parsed.data.code ?? null);
}
