import { z } from 'zod';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { basicAuth, expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, errorCollection } from './responses';
import { describeConformance } from './spec-gate';

/**
 * "Get my permissions" over the sandbox's permission model: the site admin has global ADMINISTER,
 * the seeded user (user@internal.test / sandbox-token) and app accounts do not; everyone may browse
 * every project. Contexts (project, issue, comment) must exist; keys must be known.
 */

const userPermission = z.object({
  id: z.string().regex(/^\d+$/), key: z.string(), name: z.string().min(1), type: z.enum(['GLOBAL', 'PROJECT']),
  description: z.string().min(1), havePermission: z.boolean(),
});
const permissions = z.object({ permissions: z.record(z.string(), userPermission) });

const KEYS = ['ADMINISTER', 'BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'DELETE_ISSUES', 'USER_PICKER'];

describeConformance('my permissions', (spec) => {
  const site = useSite(spec);
  let key = '';
  let issueId = '';
  let commentId = '';
  let projectId = '';
  const asUser = (): JiraProbe => site.probeAs(basicAuth('user@internal.test', 'sandbox-token'));
  const asApp = (): JiraProbe => {
    const app = site.running.site.createAppAccount('Twin Sync');
    return site.probeAs(basicAuth(app.email, app.apiToken));
  };
  const have = async (probe: JiraProbe, query: Record<string, string>): Promise<Record<string, boolean>> => {
    const res = await probe.get('/rest/api/3/mypermissions', { query });
    expectConforming(res, 200);
    const body = permissions.parse(res.body);
    for (const [k, p] of Object.entries(body.permissions)) expect(p.key).toBe(k);
    return Object.fromEntries(Object.entries(body.permissions).map(([k, p]) => [k, p.havePermission]));
  };

  beforeAll(async () => {
    const res = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'permission context' }) });
    expectConforming(res, 201);
    ({ key, id: issueId } = createdIssue.parse(res.body));
    const comment = await site.jira.post(`/rest/api/3/issue/${key}/comment`, { body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] } });
    expectConforming(comment, 201);
    commentId = z.object({ id: z.string() }).parse(comment.body).id;
    const project = await site.jira.get('/rest/api/3/project/INT');
    expectConforming(project, 200);
    projectId = z.object({ id: z.string() }).parse(project.body).id;
  });

  it('the seeded user signs in with user@internal.test / sandbox-token and is not the admin', async () => {
    const me = await asUser().get('/rest/api/3/myself');
    expectConforming(me, 200);
    expect(me.body).toEqual(expect.objectContaining({ emailAddress: 'user@internal.test', displayName: 'Sandbox User (internal)', accountType: 'atlassian', active: true }));
    expect(z.object({ accountId: z.string() }).parse(me.body).accountId).not.toBe(site.running.site.admin.accountId);
  });

  it.each([
    ['the site admin', () => site.jira, { ADMINISTER: true, BROWSE_PROJECTS: true, CREATE_ISSUES: true, EDIT_ISSUES: true, TRANSITION_ISSUES: true, ADD_COMMENTS: true, DELETE_ISSUES: true, USER_PICKER: true }],
    ['the seeded user', asUser, { ADMINISTER: false, BROWSE_PROJECTS: true, CREATE_ISSUES: true, EDIT_ISSUES: true, TRANSITION_ISSUES: true, ADD_COMMENTS: true, DELETE_ISSUES: true, USER_PICKER: true }],
    ['an app account', asApp, { ADMINISTER: false, BROWSE_PROJECTS: true, CREATE_ISSUES: true, EDIT_ISSUES: true, TRANSITION_ISSUES: true, ADD_COMMENTS: true, DELETE_ISSUES: true, USER_PICKER: true }],
  ])('answers what %s may do, globally', async (_who, probe, expected) => {
    expect(await have(probe(), { permissions: KEYS.join(',') })).toEqual(expected);
  });

  it('describes each permission as Jira does', async () => {
    const res = await asUser().get('/rest/api/3/mypermissions', { query: { permissions: 'EDIT_ISSUES,ADMINISTER' } });
    expectConforming(res, 200);
    expect(res.body).toEqual({
      permissions: {
        EDIT_ISSUES: { id: '12', key: 'EDIT_ISSUES', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.', havePermission: true },
        ADMINISTER: expect.objectContaining({ id: '0', key: 'ADMINISTER', type: 'GLOBAL', havePermission: false }),
      },
    });
  });

  it.each([
    ['projectKey', () => ({ projectKey: 'INT' })],
    ['projectId', () => ({ projectId })],
    ['issueKey', () => ({ issueKey: key })],
    ['issueId', () => ({ issueId })],
    ['commentId', () => ({ commentId })],
  ])('lets the seeded user browse in the context of a %s', async (_name, context) => {
    expect(await have(asUser(), { permissions: 'BROWSE_PROJECTS', ...context() })).toEqual({ BROWSE_PROJECTS: true });
  });

  it('says global permissions are unaffected by the context', async () => {
    expect(await have(asUser(), { permissions: 'ADMINISTER,BROWSE_PROJECTS', issueKey: key })).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true });
    expect(await have(site.jira, { permissions: 'ADMINISTER', projectKey: 'INT' })).toEqual({ ADMINISTER: true });
  });

  it.each([
    ['no permissions parameter', 400, {}],
    ['an empty permissions parameter', 400, { permissions: '' }],
    ['an unknown permission key', 400, { permissions: 'BROWSE_PROJECTS,NOT_A_PERMISSION' }],
    ['commentId with another permission than BROWSE_PROJECTS', 400, { permissions: 'EDIT_ISSUES', commentId: '1' }],
    ['an unknown project key', 404, { permissions: 'BROWSE_PROJECTS', projectKey: 'NOPE' }],
    ['an unknown project id', 404, { permissions: 'BROWSE_PROJECTS', projectId: '99999' }],
    ['an unknown issue key', 404, { permissions: 'BROWSE_PROJECTS', issueKey: 'INT-99999' }],
    ['an unknown comment', 404, { permissions: 'BROWSE_PROJECTS', commentId: '99999' }],
  ])('answers %s with %i in Jira\'s error shape', async (_name, status, query) => {
    const res = await asUser().get('/rest/api/3/mypermissions', { query });
    expectConforming(res, status);
    expect(errorCollection.parse(res.body).errorMessages).toHaveLength(1);
  });

  it('answers 401 without credentials', async () => {
    const res = await site.probeAs(null).get('/rest/api/3/mypermissions', { query: { permissions: 'ADMINISTER' } });
    expectConforming(res, 401);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked getMyPermissions against the spec', () => {
    expect(uncheckedOperations(spec, ['getMyPermissions', 'getCurrentUser'])).toEqual([]);
  });
});
