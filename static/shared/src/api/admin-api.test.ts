import { createAdminApi } from './admin-api';
import { createPanelApi } from './panel-api';
import { fakeBridge } from '../testing/fake-invoke';

describe('resolver shapes the pages accept', () => {
  it('reads a minimal connection, filling what the resolver left out', async () => {
    const api = createAdminApi(fakeBridge({ listConnections: () => [{ id: 'c1', status: 'waiting' }] }).invoke);
    await expect(api.listConnections()).resolves.toEqual([
      { id: 'c1', status: 'waiting', name: '', remoteSiteName: null, direction: 'both', lastMessageAt: null, scopeJql: '', role: null, conflictPolicy: 'later-wins', lastError: null },
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
    await expect(bare.getTwin()).resolves.toMatchObject({ linked: false, inScope: null, candidates: [], state: null, lastSyncAt: null });
    const one = createPanelApi(fakeBridge({ getTwin: () => ({ linked: false, inScope: true, connectionId: 'c1', remoteSiteName: 'external' }) }).invoke);
    await expect(one.getTwin()).resolves.toMatchObject({ candidates: [{ connectionId: 'c1', connectionName: null, remoteSiteName: 'external' }] });
  });

  it('reads the engine’s per-connection twin list as the panel’s twin', async () => {
    const api = createPanelApi(fakeBridge({
      getTwin: () => ({
        issueKey: 'INT-1',
        twins: [{
          connectionId: 'c1', connectionName: 'External', remoteSiteName: 'external', remoteIssueKey: 'CLOUD-3',
          remoteIssueUrl: 'http://x/browse/CLOUD-3', lastSyncAt: null, state: 'error', error: { id: 'e1', cause: 'boom' },
        }],
      }),
    }).invoke);
    await expect(api.getTwin()).resolves.toMatchObject({
      linked: true, twinKey: 'CLOUD-3', twinUrl: 'http://x/browse/CLOUD-3', connectionId: 'c1', state: 'failed', error: 'boom',
    });
    const waiting = createPanelApi(fakeBridge({ getTwin: () => ({ twins: [{ connectionId: 'c1', remoteIssueKey: null, state: 'waiting-for-twin' }] }) }).invoke);
    await expect(waiting.getTwin()).resolves.toMatchObject({ linked: true, twinKey: null, state: 'pending', error: null });
    const none = createPanelApi(fakeBridge({ getTwin: () => ({ twins: [], inScope: true, candidates: [{ connectionId: 'c1', remoteSiteName: 'external' }] }) }).invoke);
    await expect(none.getTwin()).resolves.toMatchObject({ linked: false, inScope: true, candidates: [{ connectionId: 'c1' }] });
  });

  it('reads the engine’s errors and activity entries', async () => {
    const api = createAdminApi(fakeBridge({
      listErrors: () => [{ id: 'e1', connectionId: 'c1', direction: 'incoming', issueKey: null, remoteIssueKey: 'INT-1', cause: 'boom', kind: 'permanent', attempts: 1, firstAt: '2026-11-26T10:00:00Z', lastAt: '2026-11-26T11:00:00Z', pending: 2, autoRetryAt: null }],
      listActivity: () => [{ id: 'a1', at: '2026-11-26T10:00:00Z', connectionId: 'c1', direction: 'local', type: 'replica', issueKey: 'INT-1', remoteIssueKey: null, outcome: 'sent', message: 'hash changed' }],
    }).invoke);
    await expect(api.listErrors()).resolves.toMatchObject([{ id: 'e1', lastAttemptAt: Date.parse('2026-11-26T11:00:00Z'), pending: 2, remoteIssueKey: 'INT-1' }]);
    await expect(api.listActivity(5)).resolves.toMatchObject([{ direction: 'local', type: 'replica', detail: 'hash changed', durationMs: null }]);
  });
});
