import { kvs, WhereConditions } from '@forge/kvs';
import type { StoreEntry, StoreOp, StorePort, StoreSetOptions } from '../../ports/store';

const ttl = (options?: StoreSetOptions) => (options?.ttlSeconds !== undefined ? { ttl: { value: Math.max(1, Math.ceil(options.ttlSeconds)), unit: 'SECONDS' as const } } : undefined);

/** StorePort over Forge KVS (values are parsed by the caller; nothing is trusted here). */
export class ForgeKvsStore implements StorePort {
  ops = 0;

  async get(key: string): Promise<unknown> {
    this.ops += 1;
    return kvs.get<unknown>(key);
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    this.ops += 1;
    const t = ttl(options);
    if (t) await kvs.set(key, value, t);
    else await kvs.set(key, value);
  }

  async setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean> {
    this.ops += 1;
    try {
      await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ...(ttl(options) ?? {}) });
      return true;
    } catch (error) {
      if (isKeyExists(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    this.ops += 1;
    await kvs.delete(key);
  }

  async list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }> {
    this.ops += 1;
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(Math.min(100, options?.limit ?? 100));
    if (options?.cursor !== undefined) query = query.cursor(options.cursor);
    const page = await query.getMany<unknown>();
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
    await tx.execute();
  }

  async getSecret(key: string): Promise<unknown> {
    this.ops += 1;
    return kvs.getSecret<unknown>(key);
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    this.ops += 1;
    await kvs.setSecret(key, value);
  }

  async deleteSecret(key: string): Promise<void> {
    this.ops += 1;
    await kvs.deleteSecret(key);
  }
}

function isKeyExists(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = 'code' in error ? error.code : undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return code === 'KEY_ALREADY_EXISTS' || /already exists/i.test(message);
}
