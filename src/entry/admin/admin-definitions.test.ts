import { adminResolverDefinitions } from './admin-resolvers';
import { rulesResolverDefinitions } from './rules-resolvers';
import { allAdminDefinitions, guardedAdminDefinitions } from '.';

describe('twin-sync-admin resolver functions', () => {
  it('offers the engine functions and the rules functions, none shadowing another', () => {
    const engineKeys = Object.keys(adminResolverDefinitions);
    const rulesKeys = Object.keys(rulesResolverDefinitions);
    expect(engineKeys.filter((k) => rulesKeys.includes(k))).toEqual([]);
    expect(Object.keys(allAdminDefinitions).sort()).toEqual([...engineKeys, ...rulesKeys].sort());
    expect(engineKeys).toEqual(expect.arrayContaining([
      'createInvitation', 'acceptInvitation', 'listConnections', 'updateConnection', 'deleteConnection', 'syncIssue', 'listErrors', 'retryError', 'listActivity',
      'getIssueSyncState', 'countBulkSync', 'startBulkSync', 'getBulkSyncProgress',
    ]));
  });

  it('the module serves every function behind the administrator check', () => {
    expect(Object.keys(guardedAdminDefinitions).sort()).toEqual(Object.keys(allAdminDefinitions).sort());
  });

  it('answers a payload that does not parse with a readable error and runs nothing', async () => {
    const answer = await adminResolverDefinitions.createInvitation?.({ payload: { name: 42 }, context: { accountId: null, cloudId: null, extension: {} } });
    expect(answer).toEqual({ error: { code: 'invalid-payload', message: expect.stringContaining('name'), field: 'name' } });
  });
});
