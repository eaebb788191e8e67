import { randomUUID } from 'node:crypto';
import type { StoreEntry, StoreOp, StorePort, StoreSetOptions } from '../../ports/store';
import { MAX_TRANSACTION_OPS } from '../../ports/store';
import { keys } from '../../sync/state/keys';

/**
 * Configuration (connections, their secrets, the current rules, the site metadata) changes rarely
 * and is read by almost every invocation. A warm Forge process keeps what it read across
 * invocations, per installation, and trusts it only while one small record, the configuration
 * version, is unchanged: one read per invocation instead of one per record. Every write of a
 * configuration record through this store writes a new version with it (in the same transaction
 * when it is one), so a save takes effect in every process at its next invocation.
 */
export const CONFIG_VERSION_KEY = keys.configVersion;

/** what counts as configuration */
export function isConfigKey(key: string): boolean {
  return key.startsWith('connection:') || (key.startsWith('rules:') && key.endsWith(':current')) || key === keys.siteMeta;
}
export function isConfigSecret(key: string): boolean {
  return key.startsWith('conn-secret:');
}
const CACHED_LISTS = ['connection:'];
/**
 * Markers of blocked issues (`blocked:<lock>`): read before every sync, almost never there. A warm
 * process keeps the whole set (one listing per configuration version, while it fits in one page)
 * and answers "is this issue blocked?" from it; writing a marker moves the version like a
 * configuration record, so every process sees a new block at its next invocation.
 */
const BLOCKED_PREFIX = 'blocked:';
const BLOCKED_PAGE = 100;
const isVersioned = (key: string): boolean => isConfigKey(key) || key.startsWith(BLOCKED_PREFIX);
/**
 * Records that are caches themselves (a person found by email, kept a day with a TTL): a warm
 * process keeps them for MAX_AGE_MS without any version, since a stale answer is what their TTL
 * already allows.
 */
export function isProcessCached(key: string): boolean {
  return key.startsWith('user-email:') || key.startsWith('user-id:');
}

/** a cached record is trusted at most this long even if the version never moves (e.g. TTL'd metadata) */
const MAX_AGE_MS = 60_000;

interface Partition {
  version: string | null;
  values: Map<string, { value: unknown; at: number }>;
  secrets: Map<string, { value: unknown; at: number }>;
  lists: Map<string, { entries: StoreEntry[]; at: number }>;
  /** every blocked marker, when they fit in one page; null = not read yet (or too many: read each) */
  blocked: { values: Map<string, unknown>; complete: boolean; at: number } | null;
}

/** process-wide: survives across invocations of a warm process, one partition per installation */
const partitions = new Map<string, Partition>();

/** the process-cached records (isProcessCached), by "<partition> <key>"; bounded */
const loose = new Map<string, { value: unknown; at: number }>();
const LOOSE_MAX = 1000;

/** for tests: forget everything a process cached */
export function clearConfigCache(): void {
  partitions.clear();
  loose.clear();
}

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

export class ConfigCachingStore implements StorePort {
  /** this invocation's read of the version (once) */
  private checked: Promise<Partition> | undefined;

  constructor(
    private readonly inner: StorePort,
    /** the installation this invocation runs for */
    private readonly partitionKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  private partition(): Promise<Partition> {
    this.checked ??= (async () => {
      const raw = await this.inner.get(CONFIG_VERSION_KEY);
      const version = raw !== null && typeof raw === 'object' && 'v' in raw && typeof raw.v === 'string' ? raw.v : null;
      let p = partitions.get(this.partitionKey);
      if (!p || p.version !== version) {
        p = { version, values: new Map(), secrets: new Map(), lists: new Map(), blocked: null };
        partitions.set(this.partitionKey, p);
      }
      return p;
    })().catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked;
  }

  private fresh(at: number): boolean {
    return this.now() - at < MAX_AGE_MS;
  }

  async get(key: string): Promise<unknown> {
    if (isProcessCached(key)) {
      if (loose.size >= LOOSE_MAX) loose.clear();
      return this.cached(loose, `${this.partitionKey} ${key}`, () => this.inner.get(key));
    }
    if (key.startsWith(BLOCKED_PREFIX)) return this.blockedMarker(key);
    if (!isConfigKey(key)) return this.inner.get(key);
    return this.cached((await this.partition()).values, key, () => this.inner.get(key));
  }

  private async blockedMarker(key: string): Promise<unknown> {
    const p = await this.partition();
    if (!p.blocked || !this.fresh(p.blocked.at)) {
      const page = await this.inner.list(BLOCKED_PREFIX, { limit: BLOCKED_PAGE });
      p.blocked = { values: new Map(page.entries.map((e) => [e.key, clone(e.value)])), complete: page.cursor === null, at: this.now() };
    }
    if (!p.blocked.complete) return this.inner.get(key);
    return clone(p.blocked.values.get(key));
  }

  /** `key` from this process's copy while fresh, else read and kept */
  private async cached(map: Map<string, { value: unknown; at: number }>, key: string, read: () => Promise<unknown>): Promise<unknown> {
    const hit = map.get(key);
    if (hit && this.fresh(hit.at)) return clone(hit.value);
    const value = await read();
    map.set(key, { value: clone(value), at: this.now() });
    return value;
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    if (isProcessCached(key)) {
      await this.inner.set(key, value, options);
      loose.set(`${this.partitionKey} ${key}`, { value: clone(value), at: this.now() });
      return;
    }
    if (!isVersioned(key)) return this.inner.set(key, value, options);
    await this.inner.transact([{ op: 'set', key, value, ...(options?.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}) }, this.bumpOp()]);
    this.forget();
  }

  async setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean> {
    const written = await this.inner.setIfAbsent(key, value, options);
    if (written && isVersioned(key)) await this.bump();
    return written;
  }

  async delete(key: string): Promise<void> {
    if (!isVersioned(key)) return this.inner.delete(key);
    await this.inner.transact([{ op: 'delete', key }, this.bumpOp()]);
    this.forget();
  }

  async list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }> {
    if (!CACHED_LISTS.includes(prefix) || options?.cursor !== undefined || options?.limit !== undefined) return this.inner.list(prefix, options);
    const p = await this.partition();
    const hit = p.lists.get(prefix);
    if (hit && this.fresh(hit.at)) return { entries: clone(hit.entries), cursor: null };
    const page = await this.inner.list(prefix, options);
    if (page.cursor === null) p.lists.set(prefix, { entries: clone(page.entries), at: this.now() });
    return page;
  }

  async transact(ops: StoreOp[]): Promise<void> {
    if (!ops.some((op) => isVersioned(op.key))) return this.inner.transact(ops);
    if (ops.length < MAX_TRANSACTION_OPS) await this.inner.transact([...ops, this.bumpOp()]);
    else {
      await this.inner.transact(ops);
      await this.bump();
    }
    this.forget();
  }

  async getSecret(key: string): Promise<unknown> {
    if (!isConfigSecret(key)) return this.inner.getSecret(key);
    return this.cached((await this.partition()).secrets, key, () => this.inner.getSecret(key));
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    await this.inner.setSecret(key, value);
    if (isConfigSecret(key)) await this.bump();
  }

  async deleteSecret(key: string): Promise<void> {
    await this.inner.deleteSecret(key);
    if (isConfigSecret(key)) await this.bump();
  }

  private bumpOp(): StoreOp {
    return { op: 'set', key: CONFIG_VERSION_KEY, value: { v: randomUUID() } };
  }

  private async bump(): Promise<void> {
    const op = this.bumpOp();
    if (op.op === 'set') await this.inner.set(op.key, op.value);
    this.forget();
  }

  /** this process's copy is out of date once it wrote configuration: the next read checks the version again */
  private forget(): void {
    partitions.delete(this.partitionKey);
    this.checked = undefined;
  }
}
