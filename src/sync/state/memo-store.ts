import type { StoreEntry, StoreOp, StorePort, StoreSetOptions } from '../../ports/store';

/**
 * A store for one invocation: a key read once is not read again (and a key this invocation wrote
 * reads back what it wrote), so a record several steps need costs one storage operation.
 * Writes always go through; a failed write forgets the key (its state is unknown). Secrets are
 * kept the same way (a send signs, and its answer is verified, with the connection's secret: one
 * read). Listing is not cached. Never share one across invocations: it does not see other writers.
 */
export class MemoStore implements StorePort {
  private readonly cache = new Map<string, unknown>();
  private readonly secrets = new Map<string, unknown>();

  constructor(readonly inner: StorePort) {}

  async get(key: string): Promise<unknown> {
    if (this.cache.has(key)) return structuredClone(this.cache.get(key));
    const value = await this.inner.get(key);
    this.cache.set(key, value === null ? undefined : structuredClone(value));
    return value;
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    await this.write([key], () => this.inner.set(key, value, options));
    this.cache.set(key, asStored(value));
  }

  async setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean> {
    let written = false;
    await this.write([key], async () => {
      written = await this.inner.setIfAbsent(key, value, options);
    });
    if (written) this.cache.set(key, asStored(value));
    else this.cache.delete(key);
    return written;
  }

  async delete(key: string): Promise<void> {
    await this.write([key], () => this.inner.delete(key));
    this.cache.set(key, undefined);
  }

  list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }> {
    return this.inner.list(prefix, options);
  }

  async transact(ops: StoreOp[]): Promise<void> {
    await this.write(ops.map((o) => o.key), () => this.inner.transact(ops));
    for (const op of ops) this.cache.set(op.key, op.op === 'set' ? asStored(op.value) : undefined);
  }

  async getSecret(key: string): Promise<unknown> {
    if (this.secrets.has(key)) return structuredClone(this.secrets.get(key));
    const value = await this.inner.getSecret(key);
    this.secrets.set(key, value === null ? undefined : structuredClone(value));
    return value;
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    this.secrets.delete(key);
    await this.inner.setSecret(key, value);
    this.secrets.set(key, asStored(value));
  }

  async deleteSecret(key: string): Promise<void> {
    this.secrets.delete(key);
    await this.inner.deleteSecret(key);
    this.secrets.set(key, undefined);
  }

  private async write(keys: string[], run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      for (const key of keys) this.cache.delete(key);
      throw error;
    }
  }
}

/** What a read of the value gives back: JSON round trip, like the store itself. */
function asStored(value: unknown): unknown {
  if (value === undefined) return undefined;
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return copy;
}
