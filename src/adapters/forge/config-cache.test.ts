import { CountingStore } from '../../sync/testing/counting-store';
import { clearConfigCache, CONFIG_VERSION_KEY, ConfigCachingStore } from './config-cache';
import { keys } from '../../sync/state/keys';

describe('ConfigCachingStore: configuration read once per warm process, trusted while its version holds', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clearConfigCache();
    clock = Date.parse('2026-12-01T10:00:00Z');
  });

  it('a second invocation reads the version only, not the configuration again', async () => {
    const inner = new CountingStore(now);
    await new ConfigCachingStore(inner, 'site-a', now).set('connection:c1', { id: 'c1', name: 'one' });
    const first = new ConfigCachingStore(inner, 'site-a', now);
    expect(await first.get('connection:c1')).toEqual({ id: 'c1', name: 'one' });
    const before = inner.readsOf('connection:c1');
    const second = new ConfigCachingStore(inner, 'site-a', now);
    expect(await second.get('connection:c1')).toEqual({ id: 'c1', name: 'one' });
    expect(await second.get('connection:c1')).toEqual({ id: 'c1', name: 'one' });
    expect(inner.readsOf('connection:c1')).toBe(before);
    expect(inner.readsOf(CONFIG_VERSION_KEY)).toBe(2);
  });

  it.each([
    ['set', (s: ConfigCachingStore) => s.set('connection:c1', { id: 'c1', name: 'renamed' })],
    ['transact', (s: ConfigCachingStore) => s.transact([{ op: 'set', key: 'connection:c1', value: { id: 'c1', name: 'renamed' } }, { op: 'set', key: 'link:c1:1', value: {} }])],
  ])('a save through %s (from any process) takes effect at the next invocation', async (_how, save) => {
    const inner = new CountingStore(now);
    await inner.set('connection:c1', { id: 'c1', name: 'one' });
    expect(await new ConfigCachingStore(inner, 'site-a', now).get('connection:c1')).toEqual({ id: 'c1', name: 'one' });
    // another process (its own cache) saves
    clearConfigCache();
    await save(new ConfigCachingStore(inner, 'site-a', now));
    expect(await new ConfigCachingStore(inner, 'site-a', now).get('connection:c1')).toEqual({ id: 'c1', name: 'renamed' });
  });

  it('a write that bypassed the cache (no version bump) is still seen once the cached copy is a minute old', async () => {
    const inner = new CountingStore(now);
    await inner.set(keys.siteMeta, { n: 1 });
    expect(await new ConfigCachingStore(inner, 'site-a', now).get(keys.siteMeta)).toEqual({ n: 1 });
    await inner.set(keys.siteMeta, { n: 2 });
    expect(await new ConfigCachingStore(inner, 'site-a', now).get(keys.siteMeta)).toEqual({ n: 1 });
    clock += 60_000;
    expect(await new ConfigCachingStore(inner, 'site-a', now).get(keys.siteMeta)).toEqual({ n: 2 });
  });

  it('keeps installations apart, and caches secrets and the connection list alike', async () => {
    const inner = new CountingStore(now);
    await inner.set('connection:c1', { id: 'c1' });
    await inner.setSecret('conn-secret:c1', 's3cret');
    const a = new ConfigCachingStore(inner, 'site-a', now);
    expect(await a.getSecret('conn-secret:c1')).toBe('s3cret');
    expect((await a.list('connection:')).entries).toEqual([{ key: 'connection:c1', value: { id: 'c1' } }]);
    await new ConfigCachingStore(inner, 'site-b', now).setSecret('conn-secret:c1', 'other');
    // site-b's write bumped the shared version record: site-a reads again too (harmless), and sees the new secret
    expect(await new ConfigCachingStore(inner, 'site-a', now).getSecret('conn-secret:c1')).toBe('other');
  });

  it('leaves everything that is not configuration to the store', async () => {
    const inner = new CountingStore(now);
    await inner.set('link:c1:1', { v: 1 });
    const s = new ConfigCachingStore(inner, 'site-a', now);
    await s.get('link:c1:1');
    await s.get('link:c1:1');
    expect(inner.readsOf('link:c1:1')).toBe(2);
    expect(inner.readsOf(CONFIG_VERSION_KEY)).toBe(0);
  });
});

describe('process-cached lookups (a person found by email)', () => {
  it('are read once per minute per process, with no version check', async () => {
    clearConfigCache();
    let t = 0;
    const inner = new CountingStore(() => t);
    await new ConfigCachingStore(inner, 'site-a', () => t).set('user-email:abc', { user: null });
    for (let i = 0; i < 3; i++) expect(await new ConfigCachingStore(inner, 'site-a', () => t).get('user-email:abc')).toEqual({ user: null });
    expect(inner.readsOf('user-email:abc')).toBe(0);
    expect(inner.readsOf(CONFIG_VERSION_KEY)).toBe(0);
    t += 60_000;
    await new ConfigCachingStore(inner, 'site-a', () => t).get('user-email:abc');
    expect(inner.readsOf('user-email:abc')).toBe(1);
  });

});

describe('ConfigCachingStore: blocked markers, one listing per version, then answered from the process', () => {
  const now = () => Date.parse('2026-12-01T10:00:00Z');
  beforeEach(() => clearConfigCache());

    it('says "not blocked" without reading the marker, and sees a new block (any process) at the next invocation', async () => {
      const inner = new CountingStore(now);
      const first = new ConfigCachingStore(inner, 'site-a', now);
      expect(await first.get('blocked:c1:10')).toBeUndefined();
      expect(await first.get('blocked:c1:11')).toBeUndefined();
      expect(await new ConfigCachingStore(inner, 'site-a', now).get('blocked:c1:12')).toBeUndefined();
      expect([10, 11, 12].map((n) => inner.readsOf(`blocked:c1:${n}`))).toEqual([0, 0, 0]);
      // another process blocks issue 11 (the error record and the marker in one transaction)
      clearConfigCache();
      await new ConfigCachingStore(inner, 'site-a', now).transact([{ op: 'set', key: 'error:e1', value: { id: 'e1' } }, { op: 'set', key: 'blocked:c1:11', value: { errorId: 'e1' } }]);
      expect(await new ConfigCachingStore(inner, 'site-a', now).get('blocked:c1:11')).toEqual({ errorId: 'e1' });
      // and its removal likewise
      await new ConfigCachingStore(inner, 'site-a', now).delete('blocked:c1:11');
      expect(await new ConfigCachingStore(inner, 'site-a', now).get('blocked:c1:11')).toBeUndefined();
    });

    it('reads each marker when there are more than one page of them', async () => {
      const inner = new CountingStore(now);
      for (let i = 0; i < 101; i++) await inner.set(`blocked:c1:${1000 + i}`, { errorId: `e${i}` });
      const store = new ConfigCachingStore(inner, 'site-a', now);
      expect(await store.get('blocked:c1:1100')).toEqual({ errorId: 'e100' });
      expect(await store.get('blocked:c1:5')).toBeUndefined();
      expect(inner.readsOf('blocked:c1:5')).toBe(1);
    });
  });
