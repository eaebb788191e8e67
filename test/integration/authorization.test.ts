import { z } from 'zod';
import type { Sandbox } from '../../sandbox/start';
import { allAdminDefinitions } from '../../src/entry/admin';
import { ADMIN_ONLY_MESSAGE, CANNOT_SEE_ISSUE_MESSAGE } from '../../src/entry/authorization';
import { ADMIN, connectedSandbox, connectionId, createIssue, rest, twinOf } from './helpers';

const PANEL = 'twin-sync-panel';
const Forbidden = { error: { code: 'forbidden', message: ADMIN_ONLY_MESSAGE } };
const InvokeAnswer = z.strictObject({ result: z.unknown() });
const Twin = z.looseObject({ issueId: z.string(), twins: z.array(z.looseObject({ connectionId: z.string() })), candidates: z.array(z.unknown()) });

describe('authorization of the resolvers (admin page and issue panel)', () => {
  let sandbox: Sandbox;
  let connection: string;
  let issue: { id: string; key: string };
  const user = () => sandbox.sites.internal.user.accountId;

  /** `/_sandbox/invoke` on the internal site: the way the UI calls, with a context extension */
  async function invokeHttp(moduleKey: string, functionKey: string, payload: unknown, context: { accountId?: string; extension?: Record<string, unknown> }): Promise<unknown> {
    const response = await fetch(`${sandbox.urls.internal}/_sandbox/invoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ moduleKey, functionKey, payload, context }),
    });
    const json: unknown = await response.json();
    if (response.status !== 200) throw new Error(`invoke ${functionKey} → ${response.status} ${JSON.stringify(json)}`);
    return InvokeAnswer.parse(json).result;
  }

  beforeAll(async () => {
    sandbox = await connectedSandbox();
    connection = await connectionId(sandbox, 'internal');
    issue = await createIssue(rest(sandbox, 'internal'), { summary: 'Seen by everyone' });
    await sandbox.waitForIdle();
    expect(await twinOf(sandbox, issue.id)).toHaveLength(1);
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  // one payload per admin function, valid where it can be, so that only the permission check stops it
  const adminCalls = (): Record<string, unknown> => ({
    createInvitation: { name: 'sneaky' },
    acceptInvitation: { code: 'not-a-code' },
    listConnections: {},
    updateConnection: { id: connection, scopeJql: 'project = "OTHER"' },
    deleteConnection: { id: connection },
    syncIssue: { issueKey: issue.key, connectionId: connection },
    listErrors: {},
    retryError: { id: 'x' },
    listActivity: {},
    countBulkSync: { connectionId: connection },
    startBulkSync: { connectionId: connection },
    getBulkSyncProgress: { connectionId: connection },
    unlink: { issueId: issue.id, connectionId: connection },
    getIssueSyncState: { issueKey: issue.key },
    listProjects: {},
    getRules: { connectionId: connection },
    validateRules: { outgoing: '', incoming: '' },
    saveRules: { connectionId: connection, outgoing: 'replica.summary = "x"', incoming: '' },
    dryRun: { connectionId: connection, issueKey: issue.key },
    getMappings: { connectionId: connection },
    saveMappings: { connectionId: connection, mappings: { priority: [{ local: 'Low', remote: 'Highest' }] } },
    listMappingValues: { connectionId: connection },
    listUnmappedValues: { connectionId: connection },
    searchPeople: { query: 'a' },
    previewRulesChange: { connectionId: connection },
    restoreRules: { connectionId: connection, version: 0 },
    diffRules: { connectionId: connection, version: 0 },
  });

  it('covers every admin function', () => {
    expect(Object.keys(adminCalls()).sort()).toEqual(Object.keys(allAdminDefinitions).sort());
  });

  it('refuses every admin function to a user who is not a Jira administrator, and changes nothing', async () => {
    await sandbox.waitForIdle();
    const connectionsBefore = await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {});
    const keysBefore = { internal: sandbox.installations.internal.kvsKeys(), external: sandbox.installations.external.kvsKeys() };
    const remoteBefore = await sandbox.installations.external.invoke(ADMIN, 'listConnections', {});

    for (const [fn, payload] of Object.entries(adminCalls())) {
      expect([fn, await sandbox.installations.internal.invoke(ADMIN, fn, payload, { accountId: user() })]).toEqual([fn, Forbidden]);
    }
    // a bad payload gets the same answer: the check comes first
    expect(await sandbox.installations.internal.invoke(ADMIN, 'createInvitation', { name: 42 }, { accountId: user() })).toEqual(Forbidden);
    // and over HTTP, as the UI calls
    expect(await invokeHttp(ADMIN, 'saveRules', adminCalls().saveRules, { accountId: user() })).toEqual(Forbidden);
    await sandbox.waitForIdle();

    expect(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {})).toEqual(connectionsBefore);
    expect(await sandbox.installations.external.invoke(ADMIN, 'listConnections', {})).toEqual(remoteBefore);
    expect(sandbox.installations.internal.kvsKeys()).toEqual(keysBefore.internal);
    expect(sandbox.installations.external.kvsKeys()).toEqual(keysBefore.external);
  });

  it('lets the administrator call them (the default caller and by account id)', async () => {
    const admin = sandbox.sites.internal.admin.accountId;
    expect(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}, { accountId: admin })).toEqual([expect.objectContaining({ id: connection })]);
    expect(await sandbox.installations.internal.invoke(ADMIN, 'getRules', { connectionId: connection }, { accountId: admin })).not.toHaveProperty('error');
    const keysBefore = sandbox.installations.internal.kvsKeys();
    expect(await sandbox.installations.internal.invoke(ADMIN, 'createInvitation', { name: 'by the admin' })).toMatchObject({ code: expect.any(String), connectionId: expect.any(String) });
    expect(sandbox.installations.internal.kvsKeys().length).toBeGreaterThan(keysBefore.length);
    expect(await invokeHttp(ADMIN, 'listConnections', {}, {})).toEqual(expect.arrayContaining([expect.objectContaining({ id: connection })]));
  });

  it('shows the panel to a user who can browse the issue, and lets them sync it (they may edit it)', async () => {
    const twin = Twin.parse(await invokeHttp(PANEL, 'getTwin', {}, { accountId: user(), extension: { issue: { id: issue.id, key: issue.key } } }));
    expect(twin).toMatchObject({ issueId: issue.id, twins: [expect.objectContaining({ connectionId: connection })] });
    expect(await invokeHttp(PANEL, 'syncNow', { connectionId: connection }, { accountId: user(), extension: { issue: { id: issue.id, key: issue.key } } })).not.toHaveProperty('error');
    await sandbox.waitForIdle();
  });

  it('refuses the panel for an issue the user cannot see (Jira answers 404), and one opened without an issue', async () => {
    const keysBefore = sandbox.installations.internal.kvsKeys();
    expect(await invokeHttp(PANEL, 'getTwin', {}, { accountId: user(), extension: { issue: { id: '99999999' } } }))
      .toEqual({ error: { code: 'forbidden', message: CANNOT_SEE_ISSUE_MESSAGE } });
    expect(await invokeHttp(PANEL, 'unlink', {}, { accountId: user(), extension: { issue: { id: '99999999' } } }))
      .toEqual({ error: { code: 'forbidden', message: CANNOT_SEE_ISSUE_MESSAGE } });
    expect(await invokeHttp(PANEL, 'getTwin', {}, { accountId: user() })).toEqual({ error: { code: 'no-issue', message: expect.stringContaining('without an issue') } });
    expect(sandbox.installations.internal.kvsKeys()).toEqual(keysBefore);
  });

  it('does not answer for an account the site does not know: asUser needs its consent, and the call fails', async () => {
    await expect(sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}, { accountId: 'unknown-account' })).rejects.toThrow(/NEEDS_AUTHENTICATION|authenticat/i);
  });
});
