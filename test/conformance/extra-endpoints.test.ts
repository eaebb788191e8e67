import { z } from 'zod';
import { statusCategoryShape, statusShape } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { expectConforming } from './jira-probe';
import { createdIssue, issueType, priority, project, status } from './responses';
import { describeConformance } from './spec-gate';

/**
 * Endpoints the site serves beyond issue 2's list (edit metadata, changelog, create metadata per
 * type, single entities, JQL parse and count, server info, statuses API, user by account id):
 * whatever the site serves is held to the spec as well.
 */

describeConformance('further endpoints', (spec) => {
  const site = useSite(spec);
  let key = '';

  beforeAll(async () => {
    const res = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'meta', labels: ['extra'], description: adf('text') }) });
    expectConforming(res, 201);
    key = createdIssue.parse(res.body).key;
  });

  it('gives the edit metadata of an issue, with label operations', async () => {
    const res = await site.jira.get(`/rest/api/3/issue/${key}/editmeta`);
    expectConforming(res, 200);
    const meta = z.object({ fields: z.record(z.string(), z.object({ name: z.string(), operations: z.array(z.string()).optional() })) }).parse(res.body);
    expect(Object.keys(meta.fields)).toEqual(expect.arrayContaining(['summary', 'description', 'labels', 'priority']));
    expect(meta.fields.labels?.operations).toEqual(expect.arrayContaining(['add', 'set', 'remove']));
    expect(Object.values(meta.fields).map((f) => f.name)).toContain('Remote issue key');
    expectConforming(await site.jira.get('/rest/api/3/issue/INT-999999/editmeta'), 404);
  });

  it('pages the changelog of an issue', async () => {
    expectConforming(await site.jira.put(`/rest/api/3/issue/${key}`, { update: { labels: [{ add: 'second' }] } }), 204);
    const res = await site.jira.get(`/rest/api/3/issue/${key}/changelog`);
    expectConforming(res, 200);
    const page = z.object({ total: z.number().int(), isLast: z.boolean(), values: z.array(z.object({ items: z.array(z.object({ field: z.string(), toString: z.string().nullable() })) })) }).parse(res.body);
    expect(page.values.flatMap((h) => h.items)).toContainEqual(expect.objectContaining({ field: 'labels' }));
    expect(page.isLast).toBe(true);
    expectConforming(await site.jira.get('/rest/api/3/issue/INT-999999/changelog'), 404);
  });

  it('gives the create metadata fields of one issue type', async () => {
    const types = z.array(issueType).parse((await site.jira.get('/rest/api/3/issuetype')).body);
    const task = types.find((t) => t.name === 'Task');
    if (task === undefined) throw new Error('no Task type');
    const res = await site.jira.get(`/rest/api/3/issue/createmeta/INT/issuetypes/${task.id}`);
    expectConforming(res, 200);
    const fields = z.object({ fields: z.array(z.object({ fieldId: z.string(), required: z.boolean(), name: z.string() })) }).parse(res.body).fields;
    expect(fields.find((f) => f.fieldId === 'summary')).toMatchObject({ required: true });
    expect(fields.map((f) => f.name)).toContain('Remote issue key');
  });

  it('gets single issue types, priorities and statuses, and 404s for unknown ones', async () => {
    const types = z.array(issueType).parse((await site.jira.get('/rest/api/3/issuetype')).body);
    const one = await site.jira.get(`/rest/api/3/issuetype/${types[0]?.id ?? ''}`);
    expectConforming(one, 200);
    expect(issueType.parse(one.body).name).toBe(types[0]?.name);
    expectConforming(await site.jira.get('/rest/api/3/issuetype/99999999'), 404);

    const priorities = z.array(priority).parse((await site.jira.get('/rest/api/3/priority')).body);
    const high = priorities.find((p) => p.name === 'High');
    const got = await site.jira.get(`/rest/api/3/priority/${high?.id ?? ''}`);
    expectConforming(got, 200);
    expect(priority.parse(got.body).name).toBe('High');
    expectConforming(await site.jira.get('/rest/api/3/priority/99999999'), 404);

    const byName = await site.jira.get('/rest/api/3/status/In Progress');
    expectConforming(byName, 200);
    expect(statusShape.safeParse(byName.body).error).toBeUndefined();
    const statusId = status.parse(byName.body).id;
    const byId = await site.jira.get(`/rest/api/3/status/${statusId}`);
    expectConforming(byId, 200);
    expect(status.parse(byId.body).name).toBe('In Progress');
    expectConforming(await site.jira.get('/rest/api/3/status/No such status'), 404);
  });

  it('pages priorities', async () => {
    const res = await site.jira.get('/rest/api/3/priority/search', { query: { maxResults: 2 } });
    expectConforming(res, 200);
    const page = z.object({ values: z.array(priority), total: z.number().int(), isLast: z.boolean() }).parse(res.body);
    expect(page.values.map((p) => p.name)).toEqual(['Highest', 'High']);
    expect(page).toMatchObject({ total: 5, isLast: false });
  });

  it('lists projects and the statuses of each issue type of a project', async () => {
    const all = await site.jira.get('/rest/api/3/project');
    expectConforming(all, 200);
    expect(z.array(project).parse(all.body).map((p) => p.key)).toEqual(['INT']);
    const res = await site.jira.get('/rest/api/3/project/INT/statuses');
    expectConforming(res, 200);
    const byType = z.array(z.object({ name: z.string(), statuses: z.array(z.object({ name: z.string() })) })).parse(res.body);
    expect(byType.map((t) => t.name).sort()).toEqual(['Bug', 'Epic', 'Story', 'Sub-task', 'Task']);
    for (const t of byType) expect(t.statuses.map((st) => st.name).sort()).toEqual(['Done', 'In Progress', 'Open']);
    expectConforming(await site.jira.get('/rest/api/3/project/NOPE/statuses'), 404);
  });

  it('lists status categories and finds statuses through the statuses API', async () => {
    const categories = await site.jira.get('/rest/api/3/statuscategory');
    expectConforming(categories, 200);
    for (const c of z.array(z.unknown()).parse(categories.body)) expect(statusCategoryShape.safeParse(c).error).toBeUndefined();
    expect(z.array(z.object({ key: z.string() })).parse(categories.body).map((c) => c.key)).toEqual(expect.arrayContaining(['new', 'indeterminate', 'done']));

    const open = status.parse((await site.jira.get('/rest/api/3/status/Open')).body);
    const byId = await site.jira.get('/rest/api/3/statuses', { query: { id: open.id } });
    expectConforming(byId, 200);
    expect(z.array(z.object({ id: z.string(), name: z.string(), statusCategory: z.string() })).parse(byId.body)).toEqual([expect.objectContaining({ id: open.id, name: 'Open', statusCategory: 'TODO' })]);

    const search = await site.jira.get('/rest/api/3/statuses/search', { query: { searchString: 'Progress' } });
    expectConforming(search, 200);
    expect(z.object({ values: z.array(z.object({ name: z.string() })) }).parse(search.body).values.map((v) => v.name)).toEqual(['In Progress']);
  });

  // the site answers validation only (no `structure`, as its search-routes.ts says); Jira also returns the parsed structure
  it('parses JQL and reports errors per query', async () => {
    const res = await site.jira.post('/rest/api/3/jql/parse', { queries: ['project = "INT" ORDER BY key', 'project = = INT'] }, { query: { validation: 'strict' } });
    expectConforming(res, 200);
    const parsed = z.object({ queries: z.array(z.object({ query: z.string(), errors: z.array(z.string()).optional() })) }).parse(res.body);
    expect(parsed.queries.map((q) => q.query)).toEqual(['project = "INT" ORDER BY key', 'project = = INT']);
    expect(parsed.queries[0]?.errors ?? []).toEqual([]);
    expect(parsed.queries[1]?.errors?.length ?? 0).toBeGreaterThan(0);
  });

  it('counts the issues a JQL query matches', async () => {
    const res = await site.jira.post('/rest/api/3/search/approximate-count', { jql: 'labels = extra' });
    expectConforming(res, 200);
    expect(res.body).toEqual({ count: 1 });
    expectConforming(await site.jira.post('/rest/api/3/search/approximate-count', { jql: 'labels = = extra' }), 400);
  });

  it('describes the server and finds a user by account id', async () => {
    const info = await site.jira.get('/rest/api/3/serverInfo');
    expectConforming(info, 200);
    expect(z.object({ baseUrl: z.string(), deploymentType: z.string() }).parse(info.body)).toMatchObject({ baseUrl: site.running.baseUrl, deploymentType: 'Cloud' });

    const res = await site.jira.get('/rest/api/3/user', { query: { accountId: site.running.site.admin.accountId } });
    expectConforming(res, 200);
    expect(res.body).toMatchObject({ accountId: site.running.site.admin.accountId, accountType: 'atlassian' });
    expectConforming(await site.jira.get('/rest/api/3/user', { query: { accountId: 'no-such-account' } }), 404);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every further operation against the spec', () => {
    expect(
      uncheckedOperations(spec, [
        'getEditIssueMeta',
        'getChangeLogs',
        'getCreateIssueMetaIssueTypeId',
        'getIssueType',
        'parseJqlQueries',
        'searchPriorities',
        'getPriority',
        'getAllProjects',
        'getAllStatuses',
        'countIssues',
        'getServerInfo',
        'getStatus',
        'getStatusCategories',
        'getStatusesById',
        'search',
        'getUser',
      ]),
    ).toEqual([]);
  });
});
