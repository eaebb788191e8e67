import { z } from 'zod';
import { issueTypeShape, priorityShape, projectShape, statusShape, userShape } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { basicAuth, expectConforming, JiraProbe } from './jira-probe';
import { startSite, type RunningSite } from './site-fixture';
import { createMetaIssueTypes, createdIssue, fieldDetails, fieldPage, issueBean, issueType, priority, project, projectPage, status, user } from './responses';
import { describeConformance } from './spec-gate';

/** Site metadata: fields, issue types, projects, priorities, statuses, createmeta, myself, users. */

const TEXT_FIELD_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:textfield';
const SEEDED_TYPES = ['Task', 'Bug', 'Story', 'Epic', 'Sub-task'];

describeConformance('site metadata', (spec) => {
  const site = useSite(spec);

  describe('fields', () => {
    it('lists system fields and the seeded "Remote issue key" text field', async () => {
      const res = await site.jira.get('/rest/api/3/field');
      expectConforming(res, 200);
      const fields = z.array(fieldDetails).parse(res.body);
      const ids = fields.map((f) => f.id);
      expect(ids).toEqual(expect.arrayContaining(['summary', 'description', 'status', 'issuetype', 'project', 'priority', 'labels', 'created', 'updated', 'comment']));
      expect(fields.find((f) => f.id === 'summary')).toMatchObject({ name: 'Summary', custom: false });
      const remote = fields.find((f) => f.name === 'Remote issue key');
      expect(remote).toMatchObject({ custom: true, schema: { type: 'string', custom: TEXT_FIELD_TYPE } });
      const number = remote?.id.match(/^customfield_(\d+)$/)?.[1];
      expect(number).toBeDefined();
      expect(remote?.schema?.customId).toBe(Number(number));
      expect(remote?.clauseNames).toEqual(expect.arrayContaining([`cf[${number}]`, 'Remote issue key']));
    });

    it('creates a text custom field that issues can then use', async () => {
      const res = await site.jira.post('/rest/api/3/field', { name: 'Customer ref', type: TEXT_FIELD_TYPE, description: 'Reference from the customer' });
      expectConforming(res, 201);
      const field = fieldDetails.parse(res.body);
      expect(field).toMatchObject({ name: 'Customer ref', custom: true, schema: { type: 'string', custom: TEXT_FIELD_TYPE } });
      expect(field.id).toMatch(/^customfield_\d+$/);

      const listed = z.array(fieldDetails).parse((await site.jira.get('/rest/api/3/field')).body);
      expect(listed.map((f) => f.id)).toContain(field.id);

      const created = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ [field.id]: 'REF-1' }) });
      expectConforming(created, 201);
      const issue = await site.jira.get(`/rest/api/3/issue/${createdIssue.parse(created.body).key}`, { query: { fields: field.id } });
      expectConforming(issue, 200);
      expect(issueBean.parse(issue.body).fields[field.id]).toBe('REF-1');
    });

    it.each([
      ['no name', { type: TEXT_FIELD_TYPE }],
      ['an unknown type', { name: 'Odd', type: 'com.example:nope' }],
    ])('refuses a custom field with %s', async (_name, body) => {
      const res = await site.jira.post('/rest/api/3/field', body);
      expectConforming(res, 400);
    });

    it('finds fields by name', async () => {
      const res = await site.jira.get('/rest/api/3/field/search', { query: { query: 'Remote issue' } });
      expectConforming(res, 200);
      const page = fieldPage.parse(res.body);
      expect(page.values.map((f) => f.name)).toEqual(['Remote issue key']);
      expect(page).toMatchObject({ total: 1, startAt: 0, isLast: true });

      const none = await site.jira.get('/rest/api/3/field/search', { query: { query: 'no field is called this' } });
      expectConforming(none, 200);
      expect(fieldPage.parse(none.body).values).toEqual([]);
    });
  });

  describe('issue types', () => {
    it('lists the seeded issue types', async () => {
      const res = await site.jira.get('/rest/api/3/issuetype');
      expectConforming(res, 200);
      const types = z.array(issueType).parse(res.body);
      expect(types.map((t) => t.name).sort()).toEqual([...SEEDED_TYPES].sort());
      expect(types.find((t) => t.name === 'Sub-task')?.subtask).toBe(true);
      expect(types.filter((t) => t.subtask).map((t) => t.name)).toEqual(['Sub-task']);
      for (const t of z.array(z.unknown()).parse(res.body)) expect(issueTypeShape.safeParse(t).error).toBeUndefined();
    });

    it('lists the issue types of a project', async () => {
      const int = project.parse((await site.jira.get('/rest/api/3/project/INT')).body);
      const res = await site.jira.get('/rest/api/3/issuetype/project', { query: { projectId: int.id } });
      expectConforming(res, 200);
      expect(z.array(issueType).parse(res.body).map((t) => t.name).sort()).toEqual([...SEEDED_TYPES].sort());
    });

    it('answers 404 for the issue types of an unknown project', async () => {
      expectConforming(await site.jira.get('/rest/api/3/issuetype/project', { query: { projectId: 99999999 } }), 404);
    });
  });

  describe('projects', () => {
    it('finds INT in the project search', async () => {
      const res = await site.jira.get('/rest/api/3/project/search');
      expectConforming(res, 200);
      const page = projectPage.parse(res.body);
      expect(page.values.map((p) => ({ key: p.key, name: p.name }))).toEqual([{ key: 'INT', name: 'Internal' }]);
      expect(page).toMatchObject({ total: 1, startAt: 0, isLast: true });
      const raw = z.object({ values: z.array(z.unknown()) }).parse(res.body).values;
      for (const p of raw) expect(projectShape.safeParse(p).error).toBeUndefined();
    });

    it('gets a project by key and by id', async () => {
      const byKey = await site.jira.get('/rest/api/3/project/INT');
      expectConforming(byKey, 200);
      const int = project.parse(byKey.body);
      expect(int).toMatchObject({ key: 'INT', name: 'Internal' });
      const byId = await site.jira.get(`/rest/api/3/project/${int.id}`);
      expectConforming(byId, 200);
      expect(project.parse(byId.body)).toEqual(int);
    });

    it('answers 404 for an unknown project', async () => {
      expectConforming(await site.jira.get('/rest/api/3/project/NOPE'), 404);
    });
  });

  it('lists the priorities, highest first', async () => {
    const res = await site.jira.get('/rest/api/3/priority');
    expectConforming(res, 200);
    const priorities = z.array(priority).parse(res.body);
    expect(priorities.map((p) => p.name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    for (const p of z.array(z.unknown()).parse(res.body)) expect(priorityShape.safeParse(p).error).toBeUndefined();
  });

  it("lists the site's resolutions: all (deprecated), by page, and one by id", async () => {
    const all = await site.jira.get('/rest/api/3/resolution');
    expectConforming(all, 200);
    const names = z.array(z.object({ id: z.string(), name: z.string() })).parse(all.body);
    expect(names.map((r) => r.name)).toEqual(['Done', "Won't Do", 'Duplicate', 'Cannot Reproduce']);
    const first = await site.jira.get('/rest/api/3/resolution/search', { query: { startAt: '0', maxResults: '3' } });
    expectConforming(first, 200);
    const page1 = z.object({ isLast: z.boolean(), values: z.array(z.object({ name: z.string() })) }).parse(first.body);
    expect(page1).toMatchObject({ isLast: false });
    const rest = await site.jira.get('/rest/api/3/resolution/search', { query: { startAt: '3', maxResults: '3' } });
    expectConforming(rest, 200);
    const page2 = z.object({ isLast: z.boolean(), values: z.array(z.object({ name: z.string() })) }).parse(rest.body);
    expect([...page1.values, ...page2.values].map((r) => r.name)).toEqual(names.map((r) => r.name));
    expect(page2.isLast).toBe(true);
    const id = names[1]?.id ?? '';
    const one = await site.jira.get(`/rest/api/3/resolution/${id}`);
    expectConforming(one, 200);
    expect(z.object({ name: z.string() }).parse(one.body).name).toBe("Won't Do");
    expectConforming(await site.jira.get('/rest/api/3/resolution/999999'), 404);
  });

  it('lists the statuses with their categories', async () => {
    const res = await site.jira.get('/rest/api/3/status');
    expectConforming(res, 200);
    const statuses = z.array(status).parse(res.body);
    expect(statuses.map((s) => `${s.name}/${s.statusCategory.key}`).sort()).toEqual(['Done/done', 'In Progress/indeterminate', 'Open/new']);
    for (const s of z.array(z.unknown()).parse(res.body)) expect(statusShape.safeParse(s).error).toBeUndefined();
  });

  it('gives the create metadata issue types of a project', async () => {
    const res = await site.jira.get('/rest/api/3/issue/createmeta/INT/issuetypes');
    expectConforming(res, 200);
    const meta = createMetaIssueTypes.parse(res.body);
    expect(meta.issueTypes.map((t) => t.name).sort()).toEqual([...SEEDED_TYPES].sort());
    expect(meta).toMatchObject({ startAt: 0, total: SEEDED_TYPES.length });
  });

  it('says who the caller is', async () => {
    const res = await site.jira.get('/rest/api/3/myself');
    expectConforming(res, 200);
    expect(userShape.safeParse(res.body).error).toBeUndefined();
    expect(user.parse(res.body)).toMatchObject({ accountId: site.running.site.admin.accountId, emailAddress: 'admin@internal.test', accountType: 'atlassian', active: true });
  });

  it('says the app account is an app', async () => {
    const app = site.running.site.createAppAccount('twin-sync');
    const again = site.running.site.createAppAccount('twin-sync');
    expect(again.accountId).toBe(app.accountId);
    const res = await site.probeAs(`Basic ${Buffer.from(`${app.email}:${app.apiToken}`).toString('base64')}`).get('/rest/api/3/myself');
    expectConforming(res, 200);
    expect(user.parse(res.body)).toMatchObject({ accountId: app.accountId, accountType: 'app' });
  });

  it('finds users by name or email', async () => {
    const res = await site.jira.get('/rest/api/3/user/search', { query: { query: 'admin' } });
    expectConforming(res, 200);
    const users = z.array(user).parse(res.body);
    expect(users.map((u) => u.accountId)).toContain(site.running.site.admin.accountId);
    for (const u of z.array(z.unknown()).parse(res.body)) expect(userShape.safeParse(u).error).toBeUndefined();

    const none = await site.jira.get('/rest/api/3/user/search', { query: { query: 'nobody-has-this-name' } });
    expectConforming(none, 200);
    expect(none.body).toEqual([]);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every metadata operation against the spec', () => {
    expect(
      uncheckedOperations(spec, [
        'getFields',
        'createCustomField',
        'getFieldsPaginated',
        'getIssueAllTypes',
        'getIssueTypesForProject',
        'searchProjects',
        'getProject',
        'getPriorities',
        'getResolutions',
        'searchResolutions',
        'getResolution',
        'getStatuses',
        'getCreateIssueMetaIssueTypes',
        'getCurrentUser',
        'findUsers',
      ]),
    ).toEqual([]);
  });
});

describeConformance('the external site seed', (spec) => {
  let running: RunningSite | null = null;
  let jira: JiraProbe | null = null;
  beforeAll(async () => {
    running = await startSite('external');
    jira = new JiraProbe(running.baseUrl, spec, basicAuth('admin@external.test', 'sandbox-token'));
  });
  afterAll(async () => {
    await running?.close();
  });
  const probe = (): JiraProbe => {
    if (jira === null) throw new Error('site not started');
    return jira;
  };

  it('has project CLOUD ("Cloud") and takes admin@external.test / sandbox-token', async () => {
    const me = await probe().get('/rest/api/3/myself');
    expectConforming(me, 200);
    expect(user.parse(me.body).emailAddress).toBe('admin@external.test');
    const res = await probe().get('/rest/api/3/project/search');
    expectConforming(res, 200);
    expect(projectPage.parse(res.body).values.map((p) => ({ key: p.key, name: p.name }))).toEqual([{ key: 'CLOUD', name: 'Cloud' }]);
    expectConforming(await probe().get('/rest/api/3/project/INT'), 404);
  });

  it('has the same issue types, priorities, statuses and "Remote issue key" field', async () => {
    expect(z.array(issueType).parse((await probe().get('/rest/api/3/issuetype')).body).map((t) => t.name).sort()).toEqual([...SEEDED_TYPES].sort());
    expect(z.array(priority).parse((await probe().get('/rest/api/3/priority')).body).map((p) => p.name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    expect(z.array(status).parse((await probe().get('/rest/api/3/status')).body).map((s) => s.name).sort()).toEqual(['Done', 'In Progress', 'Open']);
    expect(z.array(fieldDetails).parse((await probe().get('/rest/api/3/field')).body).map((f) => f.name)).toContain('Remote issue key');
  });

  it('refuses the internal site\'s admin', async () => {
    const res = await probe().get('/rest/api/3/myself', { authorization: basicAuth('admin@internal.test', 'sandbox-token') });
    expect(res.status).toBe(401);
  });
});
