import Database from 'better-sqlite3';
import { KvsError, KvsStore, checkKey, checkValue } from './kvs-store';

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

  it('refuses values over 240 KiB and deeper than 32 levels', () => {
    expect(() => checkValue('x'.repeat(240 * 1024))).toThrow(expect.objectContaining({ code: 'MAX_SIZE' }));
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = { d: deep };
    expect(() => checkValue(deep)).toThrow(expect.objectContaining({ code: 'MAX_DEPTH' }));
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
});
