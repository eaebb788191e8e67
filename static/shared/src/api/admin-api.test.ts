import { createAdminApi } from './admin-api';
import { createPanelApi } from './panel-api';
import { fakeBridge } from '../testing/fake-invoke';

describe('resolver shapes the pages accept', () => {
  it('reads a minimal connection, filling what the resolver left out', async () => {
    const api = createAdminApi(fakeBridge({ listConnections: () => [{ id: 'c1', status: 'waiting' }] }).invoke);
    await expect(api.listConnections()).resolves.toEqual([
      { id: 'c1', status: 'waiting', name: '', remoteSiteName: null, direction: 'both', lastMessageAt: null, scopeJql: '', conflictPolicy: 'latest-wins', lastError: null },
    ]);
  });

  it.each([
    ['ISO text', '2026-11-26T10:00:00.000Z', Date.parse('2026-11-26T10:00:00.000Z')],
    ['epoch ms', 1764151200000, 1764151200000],
    ['null', null, null],
  ])('reads a time given as %s', async (_name, expiresAt, expected) => {
    const api = createAdminApi(fakeBridge({ createInvitation: () => ({ code: 'x', expiresAt }) }).invoke);
    await expect(api.createInvitation('n')).resolves.toMatchObject({ expiresAt: expected });
  });

  it('refuses a time that is not one', async () => {
    const api = createAdminApi(fakeBridge({ createInvitation: () => ({ code: 'x', expiresAt: 'soon' }) }).invoke);
    await expect(api.createInvitation('n')).rejects.toThrow('unexpected shape at expiresAt: not a time: soon');
  });

  it('reads a bare unlinked twin and a twin naming one connection to sync to', async () => {
    const bare = createPanelApi(fakeBridge({ getTwin: () => ({ linked: false }) }).invoke);
    await expect(bare.getTwin()).resolves.toMatchObject({ linked: false, inScope: false, candidates: [], state: null, lastSyncAt: null });
    const one = createPanelApi(fakeBridge({ getTwin: () => ({ linked: false, inScope: true, connectionId: 'c1', remoteSiteName: 'external' }) }).invoke);
    await expect(one.getTwin()).resolves.toMatchObject({ candidates: [{ connectionId: 'c1', connectionName: null, remoteSiteName: 'external' }] });
  });
});
