import { MemoryStore } from './memory-store';

/**
 * The in-memory store (Forge KVS limits included) that also counts reads per key and can fail the
 * next read: for tests asserting how often an adapter or provider goes to storage.
 */
export class CountingStore extends MemoryStore {
  private readonly reads = new Map<string, number>();
  failNextGet = false;

  constructor(now: () => number = () => Date.parse('2026-11-26T10:00:00.000Z')) {
    super({ now });
  }

  override async get(key: string): Promise<unknown> {
    this.reads.set(key, this.readsOf(key) + 1);
    if (this.failNextGet) {
      this.failNextGet = false;
      throw new Error('storage unavailable');
    }
    return super.get(key);
  }

  readsOf(key: string): number {
    return this.reads.get(key) ?? 0;
  }
}
