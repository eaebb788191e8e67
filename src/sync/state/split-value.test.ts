import { MAX_VALUE_BYTES } from '../../ports/store';
import { MemoryStore } from '../testing/memory-store';
import { INLINE_LIMIT_BYTES, PART_TEXT_BYTES, partKey, readSplit, sliceText, splitDeleteOps, splitWriteOps, type SplitMemory } from './split-value';

const memory = (): SplitMemory => ({ maxParts: new Map() });

describe('sliceText', () => {
  it.each([
    ['plain ASCII', 'a'.repeat(1000), 100],
    ['quotes and backslashes (escaped twice as long)', '"\\'.repeat(800), 100],
    ['control characters (six bytes each once escaped)', '\u0001'.repeat(500), 100],
    ['astral characters (surrogate pairs never split)', '😀'.repeat(400), 101],
    ['mixed', 'é"😀\n\\x'.repeat(300), 64],
  ])('%s: joins back exactly, every encoded slice within the bound', (_what, text, max) => {
    const slices = sliceText(text, max);
    expect(slices.join('')).toBe(text);
    for (const s of slices) {
      expect(Buffer.byteLength(JSON.stringify(s), 'utf8')).toBeLessThanOrEqual(max);
      expect(s.length).toBeGreaterThan(0);
      // a slice never ends inside a surrogate pair
      expect(() => encodeURIComponent(s)).not.toThrow();
    }
  });
});

describe('split records', () => {
  const big = (n: number) => ({ comments: Array.from({ length: n }, (_, i) => ({ id: String(10000 + i), body: `"quoted" text ${'x'.repeat(1900)} 😀` })) });

  it('keeps a small record as one plain value', async () => {
    const store = new MemoryStore({ now: () => 0 });
    await store.transact(splitWriteOps('link:c:1', { a: 1 }, memory()));
    expect(await store.get('link:c:1')).toEqual({ a: 1 });
    expect(await readSplit(store, 'link:c:1', memory())).toEqual({ a: 1 });
  });

  it('writes a record over the inline limit in parts the store accepts, and reads it back', async () => {
    const store = new MemoryStore({ now: () => 0 }); // enforces the 240 KiB value limit
    const value = big(300); // ~600 KB
    expect(JSON.stringify(value).length).toBeGreaterThan(INLINE_LIMIT_BYTES);
    const ops = splitWriteOps('link:c:1', value, memory());
    expect(ops.length).toBeGreaterThan(2);
    await store.transact(ops);
    for (const op of ops) if (op.op === 'set') expect(Buffer.byteLength(JSON.stringify(op.value))).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    expect(PART_TEXT_BYTES).toBeLessThan(MAX_VALUE_BYTES);
    expect(await readSplit(store, 'link:c:1', memory())).toEqual(value);
  });

  it('refuses parts from different writes (a hash mismatch) and a missing part', async () => {
    const store = new MemoryStore({ now: () => 0 });
    await store.transact(splitWriteOps('k', big(300), memory()));
    const other = splitWriteOps('other', { comments: big(300).comments.map((c) => ({ ...c, body: c.body.toUpperCase() })) }, memory());
    const part2 = other.find((op) => op.key === partKey('other', 2));
    if (part2?.op !== 'set') throw new Error('expected a second part');
    await store.set(partKey('k', 2), part2.value);
    await expect(readSplit(store, 'k', memory())).rejects.toThrow('does not match its hash');
    await store.delete(partKey('k', 2));
    await expect(readSplit(store, 'k', memory())).rejects.toThrow('part 2 of');
  });

  it('a record that shrinks drops the parts it no longer needs, and a delete removes every part ever written', async () => {
    const store = new MemoryStore({ now: () => 0 });
    const mem = memory();
    await store.transact(splitWriteOps('k', big(300), mem));
    const parts = (await store.list('split:k:')).entries.length;
    expect(parts).toBeGreaterThan(1);
    await store.transact(splitWriteOps('k', big(150), mem));
    const reader = memory();
    expect(await readSplit(store, 'k', reader)).toEqual(big(150));
    await store.transact(await splitDeleteOps(store, 'k', reader));
    expect(await store.get('k')).toBeUndefined();
    expect((await store.list('split:k:')).entries).toEqual([]);
    // written small again after being split: the old parts go in the same write
    await store.transact(splitWriteOps('k', big(300), mem));
    await store.transact(splitWriteOps('k', { small: true }, mem));
    expect((await store.list('split:k:')).entries).toEqual([]);
  });
});
