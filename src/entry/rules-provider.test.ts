import { KvRulesStore } from '../rules/kv-rules-store';
import { sampleConnection, sampleIssue } from '../rules/sample-data';
import { DEFAULT_RULES_CONFIG, type Connection } from '../sync/state/records';
import { CountingStore } from '../sync/testing/counting-store';
import { rulesProviderFor } from './rules-provider';

const connection: Connection = {
  id: 'conn-1', name: 'c', status: 'active', role: 'inviter', remoteSiteName: 'external', remoteCloudId: null, remoteInboxUrl: null, remoteSiteUrl: null,
  direction: 'both', scopeJql: null, conflictPolicy: 'later-wins', rulesConfig: DEFAULT_RULES_CONFIG, createdAt: '2026-11-26T00:00:00.000Z', lastMessageAt: null,
};
const CURRENT = KvRulesStore.currentKey('conn-1');
const issue = { ...sampleIssue(), key: 'CLOUD-1', id: '1', projectKey: 'CLOUD' };
const script = (summary: string) => `replica.type = "Bug"; replica.status = "Open"; replica.summary = "${summary}"`;
const draft = (summary: string) => ({ outgoing: script(summary), incoming: '', limits: null, savedBy: null, savedAt: '2026-11-26T00:00:00.000Z' });

async function summaryFrom(provider: ReturnType<typeof rulesProviderFor>): Promise<string> {
  const engine = await provider.forConnection(connection);
  return (await engine.outgoing({ issue, connection: sampleConnection() })).replica.summary;
}

describe('rulesProviderFor (one provider per invocation)', () => {
  it('reads the current rules of a connection once however often the invocation asks, concurrently or not', async () => {
    const store = new CountingStore();
    await new KvRulesStore(store).save('conn-1', draft('v1'), 0);
    const provider = rulesProviderFor(store);
    expect(await Promise.all([summaryFrom(provider), summaryFrom(provider)])).toEqual(['v1', 'v1']);
    expect(await summaryFrom(provider)).toBe('v1');
    expect(store.readsOf(CURRENT)).toBe(1);
  });

  it('reads once when nothing is saved too (the default scripts apply)', async () => {
    const store = new CountingStore();
    const provider = rulesProviderFor(store);
    await provider.forConnection(connection);
    await provider.forConnection(connection);
    expect(store.readsOf(CURRENT)).toBe(1);
  });

  it('a save by an admin is seen by the next invocation', async () => {
    const store = new CountingStore();
    const admin = new KvRulesStore(store);
    await admin.save('conn-1', draft('v1'), 0);
    expect(await summaryFrom(rulesProviderFor(store))).toBe('v1');
    await admin.save('conn-1', draft('v2'), 1);
    expect(await summaryFrom(rulesProviderFor(store))).toBe('v2');
    expect(store.readsOf(CURRENT)).toBe(2);
  });

  it('does not remember a failed read: the next call in the invocation reads again', async () => {
    const store = new CountingStore();
    await new KvRulesStore(store).save('conn-1', draft('v1'), 0);
    const provider = rulesProviderFor(store);
    store.failNextGet = true;
    await expect(provider.forConnection(connection)).rejects.toThrow('storage unavailable');
    expect(await summaryFrom(provider)).toBe('v1');
    expect(store.readsOf(CURRENT)).toBe(2);
  });
});
