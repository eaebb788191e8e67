import { MemoryStore } from '../testing/memory-store';
import { MemoStore } from './memo-store';

const clock = { now: () => Date.parse('2026-03-01T00:00:00.000Z') };

function stores() {
  const inner = new MemoryStore(clock);
  return { inner, memo: new MemoStore(inner) };
}

describe('MemoStore (one invocation)', () => {
  it.each([
    ['a present key', { n: 1 }],
    ['a missing key', undefined],
  ])('reads %s from storage once', async (_name, value) => {
    const { inner, memo } = stores();
    if (value !== undefined) await inner.set('k', value);
    const before = inner.ops;
    expect(await memo.get('k')).toEqual(value);
    expect(await memo.get('k')).toEqual(value);
    expect(inner.ops - before).toBe(1);
  });

  it('hands out copies: changing a value read does not change the next read', async () => {
    const { inner, memo } = stores();
    await inner.set('k', { list: [1] });
    const first = await memo.get('k');
    if (typeof first === 'object' && first !== null && 'list' in first && Array.isArray(first.list)) first.list.push(2);
    expect(await memo.get('k')).toEqual({ list: [1] });
  });

  it.each([
    ['set', async (m: MemoStore) => m.set('k', { n: 2, gone: undefined }), { n: 2 }],
    ['delete', async (m: MemoStore) => m.delete('k'), undefined],
    ['transact', async (m: MemoStore) => m.transact([{ op: 'set', key: 'k', value: { n: 3 } }, { op: 'delete', key: 'other' }]), { n: 3 }],
    ['setIfAbsent on a present key (nothing written)', async (m: MemoStore) => { await m.setIfAbsent('k', { n: 4 }); }, { n: 1 }],
  ])('reads back its own %s without storage, as stored', async (_name, write, expected) => {
    const { inner, memo } = stores();
    await inner.set('k', { n: 1 });
    await memo.get('k');
    await write(memo);
    expect(await memo.get('k')).toEqual(expected);
    expect(await inner.get('k')).toEqual(expected);
  });

  it('a write that failed forgets the key: the next read goes to storage', async () => {
    const { inner, memo } = stores();
    await inner.set('k', { n: 1 });
    await memo.get('k');
    await expect(memo.set('k', { big: 'x'.repeat(300 * 1024) })).rejects.toThrow(/too large/);
    const before = inner.ops;
    expect(await memo.get('k')).toEqual({ n: 1 });
    expect(inner.ops - before).toBe(1);
  });

  it('does not cache listings; a secret is read once and reads back what this invocation wrote', async () => {
    const { inner, memo } = stores();
    await memo.set('p:1', 1);
    await inner.set('p:2', 2);
    expect((await memo.list('p:')).entries.map((e) => e.value)).toEqual([1, 2]);
    await inner.setSecret('s', 'one');
    expect(await memo.getSecret('s')).toBe('one');
    await inner.setSecret('s', 'two');
    expect(await memo.getSecret('s')).toBe('one');
    await memo.setSecret('s', 'three');
    expect(await memo.getSecret('s')).toBe('three');
    await memo.deleteSecret('s');
    expect(await memo.getSecret('s')).toBeUndefined();
  });
});
