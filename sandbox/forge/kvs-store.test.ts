import Database from 'better-sqlite3';
import { FORGE_LIMITS } from './limits/forge-limits';
import { KvsError, KvsStore, binaryCompare, checkKey, checkValue, prefixSuccessor } from './kvs-store';

const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
};

describe('KvsStore', () => {
  let now = 0;
  let store: KvsStore;
  beforeEach(() => {
    now = 1_000;
    store = new KvsStore(new Database(':memory:'), () => now);
  });

  it.each([
    ['', 'KEY_TOO_SHORT'],
    ['   ', 'INVALID_KEY'],
    ['a/b', 'INVALID_KEY'],
    ['x'.repeat(501), 'KEY_TOO_LONG'],
  ])('refuses key %j with %s', (key, code) => {
    expect(() => checkKey(key)).toThrow(expect.objectContaining({ code, status: 400 }));
  });

  it.each(['a', 'issue:10001', 'with space', 'a.b_c-d#e', 'x'.repeat(500)])('accepts key %j', (key) => {
    expect(() => checkKey(key)).not.toThrow();
  });

  // https://developer.atlassian.com/platform/forge/limits-kvs-ce: "Value size 240 KiB", "Object depth 31"
  it.each([
    ['a value of exactly 240 KiB', 'x'.repeat(240 * 1024 - 2), undefined],
    ['a value one byte over 240 KiB', 'x'.repeat(240 * 1024 - 1), 'MAX_SIZE'],
    ['objects nested 31 deep', nested(31), undefined],
    ['objects nested 32 deep', nested(32), 'MAX_DEPTH'],
  ])('checks %s', (_what, value, code) => {
    if (code === undefined) expect(() => checkValue(value)).not.toThrow();
    else expect(() => checkValue(value)).toThrow(expect.objectContaining({ code, status: 400 }));
  });

  it('checks keys and values against the limits it is given', () => {
    const tight = { ...FORGE_LIMITS.kvs, maxKeyLength: 3, maxValueBytes: 4, maxDepth: 1 };
    expect(() => checkKey('abcd', tight)).toThrow(expect.objectContaining({ code: 'KEY_TOO_LONG' }));
    expect(() => checkValue('abc', tight)).toThrow(expect.objectContaining({ code: 'MAX_SIZE' }));
    expect(() => checkValue(nested(2), { ...tight, maxValueBytes: 100 })).toThrow(expect.objectContaining({ code: 'MAX_DEPTH' }));
    store.limits = tight;
    expect(() => store.set('', 'long', 1)).toThrow(expect.objectContaining({ code: 'KEY_TOO_LONG' }));
    expect(store.keys('')).toEqual([]);
  });

  it('keeps namespaces apart and keeps createdAt across updates', () => {
    store.set('', 'k', 1);
    now = 2_000;
    store.set('secret', 'k', 2);
    const { previous, latest } = store.set('', 'k', 3);
    expect(previous).toEqual({ key: 'k', value: 1, createdAt: 1_000, updatedAt: 1_000, expireAt: null });
    expect(latest).toEqual({ key: 'k', value: 3, createdAt: 1_000, updatedAt: 2_000, expireAt: null });
    expect(store.get('secret', 'k')?.value).toBe(2);
    expect(store.keys('')).toEqual(['k']);
  });

  it('refuses FAIL_IF_EXISTS on an existing key with 409', () => {
    store.set('', 'k', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(() => store.set('', 'k', 2, { keyPolicy: 'FAIL_IF_EXISTS' })).toThrow(new KvsError(409, 'KEY_ALREADY_EXISTS', "The key 'k' already exists and keyPolicy is FAIL_IF_EXISTS."));
    expect(store.get('', 'k')?.value).toBe(1);
  });

  it('forgets a value at its expiry time, and lets FAIL_IF_EXISTS write over an expired key', () => {
    store.set('', 't', 'v', { ttlMs: 500 });
    now = 1_499;
    expect(store.get('', 't')?.value).toBe('v');
    now = 1_500;
    expect(store.get('', 't')).toBeUndefined();
    expect(store.query('', 't', undefined, 10).items).toEqual([]);
    store.set('', 't', 'again', { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(store.get('', 't')?.value).toBe('again');
  });

  it('pages a prefix query in key order', () => {
    for (const k of ['b:2', 'a:1', 'b:1', 'b:3', 'c:1']) store.set('', k, k);
    const first = store.query('', 'b:', undefined, 2);
    expect(first.items.map((i) => i.key)).toEqual(['b:1', 'b:2']);
    expect(first.more).toBe(true);
    const second = store.query('', 'b:', 'b:2', 2);
    expect(second.items.map((i) => i.key)).toEqual(['b:3']);
    expect(second.more).toBe(false);
  });

  it.each([
    ['b:', 'b;'],
    ['a', 'b'],
    ['z\u00ff', 'z\u0100'],
    ['\ud7ff', '\ue000'],
    ['x\u{10ffff}', 'y'],
    ['\u{10ffff}', undefined],
    ['', undefined],
  ])('bounds the keys starting with %j below %j', (prefix, upper) => {
    expect(prefixSuccessor(prefix)).toBe(upper);
  });

  it('finds exactly the keys of a prefix, in SQLite order, with the cursor, for any characters', () => {
    const keys = ['p', 'p:', 'p:a', 'p:b', 'p:\u00a0x', 'p:\u3000x', 'p.', 'o', 'q', 'p:zz', 'p:\ufeff'];
    for (const k of keys) store.set('', k, k);
    const all = (prefix: string): string[] => {
      const out: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = store.query('', prefix, after, 2);
        out.push(...page.items.map((i) => i.key));
        if (!page.more) return out;
        after = page.items[page.items.length - 1]?.key;
      }
    };
    const expected = (prefix: string): string[] => keys.filter((k) => k.startsWith(prefix)).sort(binaryCompare);
    for (const prefix of ['p:', 'p', '', 'p:\u3000', 'nothing']) expect(all(prefix)).toEqual(expected(prefix));
    // a cursor before the prefix starts at the prefix
    expect(store.query('', 'p:', 'a', 10).items.map((i) => i.key)).toEqual(expected('p:'));
  });

  it('reads a prefix as a range of the primary key', () => {
    const db = new Database(':memory:');
    new KvsStore(db, () => 0);
    const plan = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT key FROM kvs WHERE ns = '' AND key >= 'p:' AND key < 'p;' AND substr(key, 1, 2) = 'p:' ORDER BY key LIMIT 11`).all().map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/SEARCH kvs USING PRIMARY KEY \(ns=\? AND key>\? AND key<\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
