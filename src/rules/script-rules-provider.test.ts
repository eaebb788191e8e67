import type { RulesEngine } from '../ports/rules';
import type { Connection } from '../sync/state/records';
import { DEFAULT_RULES_CONFIG } from '../sync/state/records';
import { MemoryRulesStore } from './memory-rules-store';
import { sampleConnection, sampleIssue } from './sample-data';
import { ScriptRulesProvider } from './script-rules-provider';

const connection: Connection = {
  id: 'conn-1',
  name: 'c',
  status: 'active',
  role: 'inviter',
  remoteSiteName: 'external',
  remoteCloudId: null,
  remoteInboxUrl: null,
  remoteSiteUrl: null,
  direction: 'both',
  scopeJql: null,
  conflictPolicy: 'later-wins',
  rulesConfig: DEFAULT_RULES_CONFIG,
  createdAt: '2026-11-26T00:00:00.000Z',
  lastMessageAt: null,
};

const fallbackEngine: RulesEngine = {
  outgoing: async () => {
    throw new Error('fallback used');
  },
  incoming: async () => {
    throw new Error('fallback used');
  },
};

describe('ScriptRulesProvider', () => {
  it('uses the fallback while nothing is saved, the saved scripts (with their limits) after', async () => {
    const store = new MemoryRulesStore();
    const provider = new ScriptRulesProvider(store, { forConnection: async () => fallbackEngine });
    expect(await provider.forConnection(connection)).toBe(fallbackEngine);

    await store.save('conn-1', { outgoing: 'replica.type = "Bug"; replica.status = "Open"; replica.summary = "from script"', incoming: '', limits: { cpuMs: 30 }, savedBy: null, savedAt: '' }, 0);
    const engine = await provider.forConnection(connection);
    const issue = { ...sampleIssue(), key: 'CLOUD-1', id: '1', projectKey: 'CLOUD' };
    expect((await engine.outgoing({ issue, connection: sampleConnection() })).replica.summary).toBe('from script');

    await store.save('conn-1', { outgoing: 'for (;;) {}', incoming: '', limits: { cpuMs: 30 }, savedBy: null, savedAt: '' }, 1);
    const looping = await provider.forConnection(connection);
    await expect(looping.outgoing({ issue, connection: sampleConnection() })).rejects.toThrow('CPU time limit of 30 ms exceeded');
  });
});
