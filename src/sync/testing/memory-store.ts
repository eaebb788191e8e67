import type { Clock } from '../../ports/clock';
import type { StoreEntry, StoreOp, StorePort, StoreSetOptions } from '../../ports/store';
import { MAX_KEY_LENGTH, MAX_TRANSACTION_OPS, MAX_VALUE_BYTES } from '../../ports/store';

const KEY = /^[a-zA-Z0-9:._\s#-]+$/;

/** In-memory StorePort with Forge KVS's limits (key charset/length, value size, 25-op transactions, TTL). */
export class MemoryStore implements StorePort {
  readonly data = new Map<string, { value: string; expiresAt: number | null }>();
  readonly secrets = new Map<string, string>();
  ops = 0;
  /** every key ever written (set, setIfAbsent, transact), deleted since or not: for the key registry's test */
  readonly writtenKeys = new Set<string>();
  /** every secret key ever written */
  readonly writtenSecrets = new Set<string>();

  constructor(private readonly clock: Clock) {}

  private check(key: string, value?: unknown): string | undefined {
    if (key.length > MAX_KEY_LENGTH || !KEY.test(key)) throw new Error(`invalid KVS key: ${key}`);
    if (value === undefined) return undefined;
    const text = JSON.stringify(value);
    if (Buffer.byteLength(text) > MAX_VALUE_BYTES) throw new Error(`KVS value too large for ${key}`);
    return text;
  }

  private live(key: string): string | undefined {
    const entry = this.data.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.clock.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async get(key: string): Promise<unknown> {
    this.ops += 1;
    this.check(key);
    const text = this.live(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async set(key: string, value: unknown, options?: StoreSetOptions): Promise<void> {
    this.ops += 1;
    const text = this.check(key, value) as string;
    this.data.set(key, { value: text, expiresAt: options?.ttlSeconds !== undefined ? this.clock.now() + options.ttlSeconds * 1000 : null });
    this.writtenKeys.add(key);
  }

  async setIfAbsent(key: string, value: unknown, options?: StoreSetOptions): Promise<boolean> {
    this.ops += 1;
    if (this.live(key) !== undefined) return false;
    const text = this.check(key, value) as string;
    this.data.set(key, { value: text, expiresAt: options?.ttlSeconds !== undefined ? this.clock.now() + options.ttlSeconds * 1000 : null });
    this.writtenKeys.add(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.ops += 1;
    this.data.delete(key);
  }

  async list(prefix: string, options?: { limit?: number; cursor?: string }): Promise<{ entries: StoreEntry[]; cursor: string | null }> {
    this.ops += 1;
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix) && this.live(k) !== undefined).sort();
    const start = options?.cursor !== undefined ? Number(options.cursor) : 0;
    const limit = options?.limit ?? 100;
    const page = keys.slice(start, start + limit);
    const entries = page.map((key) => ({ key, value: JSON.parse(this.live(key) as string) as unknown }));
    return { entries, cursor: start + limit < keys.length ? String(start + limit) : null };
  }

  async transact(ops: StoreOp[]): Promise<void> {
    this.ops += 1;
    if (ops.length > MAX_TRANSACTION_OPS) throw new Error(`transaction of ${ops.length} operations (max ${MAX_TRANSACTION_OPS})`);
    const texts = ops.map((op) => (op.op === 'set' ? this.check(op.key, op.value) : this.check(op.key)));
    ops.forEach((op, i) => {
      if (op.op === 'delete') this.data.delete(op.key);
      else {
        this.data.set(op.key, { value: texts[i] as string, expiresAt: op.ttlSeconds !== undefined ? this.clock.now() + op.ttlSeconds * 1000 : null });
        this.writtenKeys.add(op.key);
      }
    });
  }

  async getSecret(key: string): Promise<unknown> {
    this.ops += 1;
    const text = this.secrets.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    this.ops += 1;
    this.secrets.set(key, JSON.stringify(value));
    this.writtenSecrets.add(key);
  }

  async deleteSecret(key: string): Promise<void> {
    this.ops += 1;
    this.secrets.delete(key);
  }

  /** a copy of everything stored, for "nothing changed" assertions */
  snapshot(): string {
    const all = [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v.value}`);
    const secrets = [...this.secrets.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
    return [...all, '--', ...secrets].join('\n');
  }
}
