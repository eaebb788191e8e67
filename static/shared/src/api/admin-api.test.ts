import { createAdminApi } from './admin-api';
import { createPanelApi } from './panel-api';
import { fakeBridge } from '../testing/fake-invoke';
import { makeBulkCount, makeConnection, makeIssueTwins, makeMappings, makeMappingTables, makeMappingValues, makePreview, makeProjects, makeRestoreRules, makeRulesDiff, makeSaveMappings, makeSyncError, makeTwinState, makeUnmapped } from '../testing/builders';

/*
 * The clients read the resolvers' answers with their result contracts (src/contracts): what the
 * server sends passes as it is; anything else is a BAD_REPLY, also the shapes these pages once
 * accepted and the server never sent.
 */

describe('the resolver answers the pages accept', () => {
  it('reads a connection exactly as the resolver sends it', async () => {
    const api = createAdminApi(fakeBridge({ listConnections: () => [makeConnection()] }).invoke);
    await expect(api.listConnections()).resolves.toEqual([makeConnection()]);
  });

  it.each<[string, unknown, string]>([
    ['a status word the server never sends', [{ ...makeConnection(), status: 'connected' }], 'at 0.status'],
    ['a connection missing its fields', [{ id: 'c1', status: 'pending' }], 'at 0.name'],
    ['a field the server does not send', [{ ...makeConnection(), lastError: 'boom' }], 'at 0'],
    ['the list wrapped in an object', { connections: [makeConnection()] }, 'expected array'],
    ['a time in epoch milliseconds', [{ ...makeConnection(), lastMessageAt: 1764151200000 }], 'at 0.lastMessageAt'],
  ])('refuses %s', async (_name, answer, where) => {
    const api = createAdminApi(fakeBridge({ listConnections: () => answer }).invoke);
    await expect(api.listConnections()).rejects.toMatchObject({ code: 'BAD_REPLY', message: expect.stringContaining(where) });
  });

  it('refuses an error as the old pages read it (lastAttemptAt), and reads it as the server sends it', async () => {
    const old = createAdminApi(fakeBridge({ listErrors: () => [{ id: 'e1', cause: 'boom', lastAttemptAt: '2026-11-26T10:00:00.000Z' }] }).invoke);
    await expect(old.listErrors()).rejects.toMatchObject({ code: 'BAD_REPLY' });
    const api = createAdminApi(fakeBridge({ listErrors: () => [makeSyncError({ pending: 2 })] }).invoke);
    await expect(api.listErrors()).resolves.toEqual([makeSyncError({ pending: 2 })]);
  });

  it('refuses the flat twin the panel once read, and reads the twins as the server sends them', async () => {
    const flat = createPanelApi(fakeBridge({ getTwin: () => ({ linked: true, twinKey: 'CLOUD-3', twinUrl: 'http://x/browse/CLOUD-3', state: 'synced' }) }).invoke);
    await expect(flat.getTwin()).rejects.toMatchObject({ code: 'BAD_REPLY' });
    const old = createPanelApi(fakeBridge({ getTwin: () => ({ issueId: '10001', twins: [{ ...makeTwinState(), state: 'waiting-for-twin' }], candidates: [] }) }).invoke);
    await expect(old.getTwin()).rejects.toMatchObject({ code: 'BAD_REPLY', message: expect.stringContaining('twins.0.state') });
    const api = createPanelApi(fakeBridge({ getTwin: () => makeIssueTwins() }).invoke);
    await expect(api.getTwin()).resolves.toEqual(makeIssueTwins());
  });

  it('turns the resolver’s failure answer into a ResolverError with its code', async () => {
    const api = createAdminApi(fakeBridge({ createInvitation: () => ({ error: { code: 'invalid-payload', message: 'name: Too small', field: 'name' } }) }).invoke);
    await expect(api.createInvitation('')).rejects.toMatchObject({ code: 'invalid-payload', message: 'name: Too small' });
  });

  it('sends the optional fields of a payload only when they are given', async () => {
    const bridge = fakeBridge({ listActivity: () => [], countBulkSync: () => makeBulkCount(), listProjects: () => makeProjects('INT') });
    const api = createAdminApi(bridge.invoke);
    await api.listActivity(50);
    await api.listActivity(50, 'INT-2');
    await api.countBulkSync('c1');
    await api.countBulkSync('c1', 'status != "Done"');
    await expect(api.listProjects()).resolves.toEqual([{ key: 'INT', name: null }]);
    expect(bridge.calls.map((c) => c.payload)).toEqual([{ limit: 50 }, { limit: 50, issueKey: 'INT-2' }, { connectionId: 'c1' }, { connectionId: 'c1', jql: 'status != "Done"' }, {}]);
  });

  it('sends the payloads the resolver’s payload schemas describe', async () => {
    const bridge = fakeBridge({ getRules: () => ({ error: { code: 'not-found', message: 'x' } }), syncNow: () => ({ queued: 1 }) });
    const api = createAdminApi(bridge.invoke);
    await api.getRules('c1').catch(() => undefined);
    await api.getRules('c1', 3).catch(() => undefined);
    await createPanelApi(bridge.invoke).syncNow('c1');
    expect(bridge.calls).toEqual([
      { functionKey: 'getRules', payload: { connectionId: 'c1' } },
      { functionKey: 'getRules', payload: { connectionId: 'c1', version: 3 } },
      { functionKey: 'syncNow', payload: { connectionId: 'c1' } },
    ]);
  });

  it('sends the mappings, preview and history calls as their payload schemas describe, and reads their answers', async () => {
    const tables = makeMappingTables({ status: [{ local: 'Done', remote: 'Closed', direction: 'both' }] });
    const bridge = fakeBridge({
      getMappings: () => makeMappings({ version: 3, ...tables }),
      saveMappings: () => makeSaveMappings(4),
      listMappingValues: () => makeMappingValues(),
      listUnmappedValues: () => makeUnmapped([{ table: 'status', value: 'Blocked', count: 2 }]),
      searchPeople: () => ({ users: [{ accountId: 'acc-1', displayName: 'Ana Silva', email: null }] }),
      previewRulesChange: () => makePreview({ cursor: 'p2', issues: [{ issueKey: 'INT-1', local: [{ field: 'priority', from: 'High', to: 'Low' }] }] }),
      restoreRules: () => makeRestoreRules(5),
      diffRules: () => makeRulesDiff({ outgoing: [{ op: '+', text: 'x' }] }),
    });
    const api = createAdminApi(bridge.invoke);
    await expect(api.getMappings('c1')).resolves.toMatchObject({ version: 3, status: tables.status });
    await api.getMappings('c1', 2);
    await expect(api.saveMappings('c1', tables, 3)).resolves.toEqual({ ok: true, version: 4, errors: [] });
    await api.listMappingValues('c1');
    await api.listMappingValues('c1', ['Severity']);
    await expect(api.listUnmappedValues('c1')).resolves.toMatchObject({ values: [{ table: 'status', value: 'Blocked', count: 2 }] });
    await expect(api.searchPeople('ana')).resolves.toEqual({ users: [{ accountId: 'acc-1', displayName: 'Ana Silva', email: null }] });
    await expect(api.previewRulesChange('c1', { mappings: tables })).resolves.toMatchObject({ cursor: 'p2' });
    await api.previewRulesChange('c1', { outgoing: 'a', incoming: 'b' }, 'p2', 10);
    await api.restoreRules('c1', 0, 4);
    await api.diffRules('c1', 2);
    await api.diffRules('c1', 3, 1);
    expect(bridge.calls).toEqual([
      { functionKey: 'getMappings', payload: { connectionId: 'c1' } },
      { functionKey: 'getMappings', payload: { connectionId: 'c1', version: 2 } },
      { functionKey: 'saveMappings', payload: { connectionId: 'c1', mappings: tables, baseVersion: 3 } },
      { functionKey: 'listMappingValues', payload: { connectionId: 'c1' } },
      { functionKey: 'listMappingValues', payload: { connectionId: 'c1', optionsOf: ['Severity'] } },
      { functionKey: 'listUnmappedValues', payload: { connectionId: 'c1' } },
      { functionKey: 'searchPeople', payload: { query: 'ana' } },
      { functionKey: 'previewRulesChange', payload: { connectionId: 'c1', mappings: tables } },
      { functionKey: 'previewRulesChange', payload: { connectionId: 'c1', outgoing: 'a', incoming: 'b', cursor: 'p2', limit: 10 } },
      { functionKey: 'restoreRules', payload: { connectionId: 'c1', version: 0, baseVersion: 4 } },
      { functionKey: 'diffRules', payload: { connectionId: 'c1', version: 2 } },
      { functionKey: 'diffRules', payload: { connectionId: 'c1', version: 3, against: 1 } },
    ]);
  });

  it.each<[string, string, unknown]>([
    ['a mapping row without its direction', 'getMappings', { ...makeMappings(), status: [{ local: 'Done', remote: 'Closed' }] }],
    ['a problem without its side', 'saveMappings', { ok: false, version: 1, errors: [{ table: 'status', field: null, row: 0, message: 'x' }] }],
    ['a preview without its cursor', 'previewRulesChange', { issues: [], checked: 0, stoppedEarly: false }],
  ])('refuses %s', async (_name, functionKey, answer) => {
    const api = createAdminApi(fakeBridge({ [functionKey]: () => answer }).invoke);
    const call = functionKey === 'getMappings' ? api.getMappings('c1') : functionKey === 'saveMappings' ? api.saveMappings('c1', makeMappingTables(), 0) : api.previewRulesChange('c1', {});
    await expect(call).rejects.toMatchObject({ code: 'BAD_REPLY' });
  });
});
