import { RULES_VERSIONS_KEPT, RulesVersionConflictError, type RulesDraftInput, type RulesStore } from '../ports/rules-store';
import { MemoryStore } from '../sync/testing/memory-store';
import { classifyKey, keys, UnsafeKeyPartError } from '../sync/state/keys';
import { KvRulesStore } from './kv-rules-store';
import { MemoryRulesStore } from './memory-rules-store';
import { EMPTY_MAPPINGS } from '../model/mappings';

/** The same contract for the in-memory fake and the store on key-value storage. */

/** a version as stored: absent tables are none, an absent summary null */
const asStored = (d: RulesDraftInput, connectionId: string, version: number) => ({ ...d, mappings: d.mappings ?? EMPTY_MAPPINGS, summary: d.summary ?? null, connectionId, version });

const draft = (n: number, over: Partial<RulesDraftInput> = {}): RulesDraftInput => ({
  outgoing: `// out ${n}`,
  incoming: `// in ${n}`,
  limits: null,
  savedBy: 'acc-admin',
  savedAt: `2026-11-26T10:00:${String(n).padStart(2, '0')}.000Z`,
  ...over,
});

const stores: [string, () => RulesStore][] = [
  ['MemoryRulesStore', () => new MemoryRulesStore()],
  ['KvRulesStore', () => new KvRulesStore(new MemoryStore({ now: () => 0 }))],
];

describe.each(stores)('%s', (_name, make) => {
  it('has nothing for a connection without saved rules', async () => {
    const store = make();
    expect(await store.getCurrent('c1')).toBeNull();
    expect(await store.listVersions('c1')).toEqual([]);
    expect(await store.getVersion('c1', 1)).toBeNull();
  });

  it('numbers versions from 1 and makes the latest current', async () => {
    const store = make();
    const v1 = await store.save('c1', draft(1, { limits: { cpuMs: 50 } }), 0);
    const v2 = await store.save('c1', draft(2), 1);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await store.getCurrent('c1')).toEqual(asStored(draft(2), 'c1', 2));
    expect(await store.getVersion('c1', 1)).toEqual(asStored(draft(1, { limits: { cpuMs: 50 } }), 'c1', 1));
    expect(await store.listVersions('c1')).toEqual([
      { version: 2, savedAt: draft(2).savedAt, savedBy: 'acc-admin', summary: null },
      { version: 1, savedAt: draft(1).savedAt, savedBy: 'acc-admin', summary: null },
    ]);
  });

  it(`keeps the last ${RULES_VERSIONS_KEPT} versions`, async () => {
    const store = make();
    for (let n = 1; n <= 13; n++) await store.save('c1', draft(n), n - 1);
    const versions = (await store.listVersions('c1')).map((v) => v.version);
    expect(versions).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(await store.getVersion('c1', 3)).toBeNull();
    expect((await store.getVersion('c1', 4))?.incoming).toBe('// in 4');
  });

  it('refuses a save based on an old version and writes nothing', async () => {
    const store = make();
    await store.save('c1', draft(1), 0);
    await store.save('c1', draft(2), 1);
    const error = await store.save('c1', draft(3), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesVersionConflictError);
    expect(error).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    expect((await store.getCurrent('c1'))?.version).toBe(2);
    expect(await store.listVersions('c1')).toHaveLength(2);
  });

  it('lets only one of two concurrent saves win', async () => {
    const store = make();
    const results = await Promise.allSettled([store.save('c1', draft(1), 0), store.save('c1', draft(2), 0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(RulesVersionConflictError);
    expect(await store.listVersions('c1')).toHaveLength(1);
  });

  it('keeps connections apart and forgets one on deleteAll', async () => {
    const store = make();
    await store.save('c1', draft(1), 0);
    await store.save('c2', draft(2), 0);
    await store.deleteAll('c1');
    expect(await store.getCurrent('c1')).toBeNull();
    expect(await store.listVersions('c1')).toEqual([]);
    expect((await store.getCurrent('c2'))?.incoming).toBe('// in 2');
  });
});

describe('KvRulesStore on storage', () => {
  it('uses the documented keys and a single read for the current rules', async () => {
    const kv = new MemoryStore({ now: () => 0 });
    const store = new KvRulesStore(kv);
    await store.save('conn-1', draft(1), 0);
    expect([...kv.data.keys()].sort()).toEqual(['rules:conn-1:current', 'rules:conn-1:v:00000001']);
    kv.ops = 0;
    await store.getCurrent('conn-1');
    expect(kv.ops).toBe(1);
  });

  it('a crash after claiming a version does not block the next save', async () => {
    const kv = new MemoryStore({ now: () => 0 });
    const store = new KvRulesStore(kv);
    await store.save('c1', draft(1), 0);
    // version 2 claimed, `current` never updated
    await kv.set(KvRulesStore.versionKey('c1', 2), { ...draft(2), connectionId: 'c1', version: 2 });
    expect((await store.getCurrent('c1'))?.version).toBe(1);
    const v3 = await store.save('c1', draft(3), 2);
    expect(v3.version).toBe(3);
    expect((await store.getCurrent('c1'))?.version).toBe(3);
  });

  it('builds its keys in the key registry: the rules family, every key under the connection\'s prefix, an unsafe id refused before anything is written', async () => {
    const kv = new MemoryStore({ now: () => 0 });
    const store = new KvRulesStore(kv);
    await store.save('conn-1', draft(1), 0);
    await store.save('conn-1', draft(2), 1);
    for (const key of kv.data.keys()) {
      expect(classifyKey(key).map((c) => [c.family.name, c.connectionId])).toEqual([['rules', 'conn-1']]);
      expect(key.startsWith(keys.rulesVersionPrefix('conn-1')) || key === keys.rulesCurrent('conn-1')).toBe(true);
    }
    const before = kv.snapshot();
    await expect(store.save('conn:1', draft(1), 0)).rejects.toThrow(UnsafeKeyPartError);
    expect(kv.snapshot()).toBe(before);
  });

  it('a corrupt stored value is an error, not silently ignored', async () => {
    const kv = new MemoryStore({ now: () => 0 });
    await kv.set('rules:c1:current', { version: 'one' });
    await expect(new KvRulesStore(kv).getCurrent('c1')).rejects.toThrow();
  });
});
