import { Version3Client } from 'jira.js';
import { z } from 'zod';
import { JiraSite } from '../../sandbox/jira/site';

/**
 * The emulated site driven by jira.js 5 (a widely used Jira Cloud client): whatever it sends, the
 * way it sends it (query arrays joined with commas, '+' for spaces, its own bodies), must work.
 */

function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** what jira.js throws for an HTTP error */
const httpError = z.object({
  status: z.number().int(),
  response: z.object({ data: z.object({ errorMessages: z.array(z.string()), errors: z.record(z.string(), z.string()) }) }),
});

async function failure(promise: Promise<unknown>): Promise<z.infer<typeof httpError>> {
  try {
    await promise;
  } catch (error) {
    return httpError.parse(error);
  }
  throw new Error('expected the request to fail');
}

const idAndKey = z.object({ id: z.string(), key: z.string() });

describe('jira.js 5 against the emulated site', () => {
  let site: JiraSite;
  let client: Version3Client;

  beforeAll(async () => {
    // this suite checks what jira.js sends and reads; search consistency has its own conformance tests
    site = await JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default', searchIndexLagMs: 0 });
    const host = await site.listen(0, '127.0.0.1');
    client = new Version3Client({ host, authentication: { basic: { email: site.admin.email, apiToken: site.admin.apiToken } } });
  });

  afterAll(async () => {
    await site.close();
  });

  async function createIssue(summary: string, extra: Record<string, unknown> = {}): Promise<z.infer<typeof idAndKey>> {
    const created = await client.issues.createIssue({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary, ...extra } });
    return idAndKey.parse(created);
  }

  it('reads the caller, projects, issue types, priorities, statuses, users and fields', async () => {
    const me = await client.myself.getCurrentUser();
    expect(me).toMatchObject({ accountId: site.admin.accountId, emailAddress: 'admin@internal.test' });

    const types = await client.issueTypes.getIssueAllTypes();
    expect(types.map((t) => t.name).sort()).toEqual(['Bug', 'Epic', 'Story', 'Sub-task', 'Task']);

    const project = await client.projects.getProject({ projectIdOrKey: 'INT' });
    const forProject = await client.issueTypes.getIssueTypesForProject({ projectId: Number(project.id) });
    expect(forProject.map((t) => t.name).sort()).toEqual(['Bug', 'Epic', 'Story', 'Sub-task', 'Task']);

    const fields = await client.issueFields.getFields();
    expect(fields.find((f) => f.name === 'Remote issue key')).toMatchObject({ custom: true });
    const page = await client.issueFields.getFieldsPaginated({ query: 'Remote issue key' });
    expect(page.values?.map((f) => f.name)).toEqual(['Remote issue key']);

    const projects = await client.projects.searchProjects();
    expect(projects.values.map((p) => p.key)).toEqual(['INT']);
    const priorities = await client.issuePriorities.getPriorities();
    expect(priorities.map((p) => p.name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    const statuses = await client.workflowStatuses.getStatuses();
    expect(statuses.map((st) => st.name).sort()).toEqual(['Done', 'In Progress', 'Open']);
    const users = await client.userSearch.findUsers({ query: 'admin' });
    expect(users.map((u) => u.accountId)).toContain(site.admin.accountId);

    const meta = await client.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: 'INT' });
    expect(z.object({ issueTypes: z.array(z.object({ name: z.string() })) }).parse(meta).issueTypes).toHaveLength(5);
  });

  it('creates a text custom field and sets it on an issue', async () => {
    const field = await client.issueFields.createCustomField({ name: 'Client field', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' });
    const fieldId = z.string().regex(/^customfield_\d+$/).parse(field.id);
    const { key } = await createIssue('custom', { [fieldId]: 'value-1' });
    const issue = await client.issues.getIssue({ issueIdOrKey: key, fields: [fieldId] });
    expect(issue.fields[fieldId]).toBe('value-1');
  });

  it('creates an issue with properties and reads it back', async () => {
    const created = await client.issues.createIssue({
      fields: { project: { key: 'INT' }, issuetype: { name: 'Bug' }, summary: 'from jira.js', description: adf('described'), labels: ['client'], priority: { name: 'High' } },
      properties: [{ key: 'twinSync.origin', value: { connectionId: 'c-1', remoteIssueId: '7' } }],
    });
    const { key } = idAndKey.parse(created);
    const issue = await client.issues.getIssue({ issueIdOrKey: key, expand: 'renderedFields,names' });
    expect(issue.fields).toMatchObject({ summary: 'from jira.js', description: adf('described'), labels: ['client'], priority: { name: 'High' }, issuetype: { name: 'Bug' }, status: { name: 'Open' } });
    const property = await client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'twinSync.origin' });
    expect(property).toEqual({ key: 'twinSync.origin', value: { connectionId: 'c-1', remoteIssueId: '7' } });
  });

  it('bulk creates issues', async () => {
    const result = await client.issues.createIssues({
      issueUpdates: [
        { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'bulk a' } },
        { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'bulk b' } },
      ],
    });
    expect(result.issues?.map((i) => i.key)).toHaveLength(2);
  });

  it('edits fields and labels', async () => {
    const { key } = await createIssue('to edit', { labels: ['a', 'b'] });
    await client.issues.editIssue({ issueIdOrKey: key, fields: { summary: 'edited', description: adf('new') } });
    await client.issues.editIssue({ issueIdOrKey: key, update: { labels: [{ add: 'c' }, { remove: 'a' }] } });
    const issue = await client.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'description', 'labels'] });
    expect(issue.fields.summary).toBe('edited');
    expect(issue.fields.description).toEqual(adf('new'));
    expect([...z.array(z.string()).parse(issue.fields.labels)].sort()).toEqual(['b', 'c']);
    expect(Object.keys(issue.fields).sort()).toEqual(['description', 'labels', 'summary']);
  });

  it('transitions an issue', async () => {
    const { key } = await createIssue('to transition');
    const { transitions } = await client.issues.getTransitions({ issueIdOrKey: key });
    const toDone = transitions?.find((t) => t.to?.name === 'Done');
    expect(toDone?.id).toBeDefined();
    await client.issues.doTransition({ issueIdOrKey: key, transition: { id: toDone?.id ?? '' } });
    const issue = await client.issues.getIssue({ issueIdOrKey: key, fields: ['status'] });
    expect(issue.fields.status).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
  });

  it('adds, lists, updates and deletes comments (string and ADF bodies)', async () => {
    const { key } = await createIssue('to comment');
    const first = await client.issueComments.addComment({ issueIdOrKey: key, comment: 'plain string becomes ADF' });
    const second = await client.issueComments.addComment({ issueIdOrKey: key, comment: adf('adf body') });
    expect(first.body).toEqual(adf('plain string becomes ADF'));

    const page = await client.issueComments.getComments({ issueIdOrKey: key, startAt: 1, maxResults: 1 });
    expect(page).toMatchObject({ startAt: 1, total: 2 });
    expect(page.comments?.map((c) => c.id)).toEqual([second.id]);

    const updated = await client.issueComments.updateComment({ issueIdOrKey: key, id: z.string().parse(first.id), body: adf('changed') });
    expect(updated.body).toEqual(adf('changed'));
    const got = await client.issueComments.getComment({ issueIdOrKey: key, id: z.string().parse(first.id) });
    expect(got.body).toEqual(adf('changed'));

    await client.issueComments.deleteComment({ issueIdOrKey: key, id: z.string().parse(second.id) });
    const after = await client.issueComments.getComments({ issueIdOrKey: key });
    expect(after.comments?.map((c) => c.id)).toEqual([first.id]);
  });

  it('sets, lists and deletes issue properties', async () => {
    const { key } = await createIssue('with properties');
    await client.issueProperties.setIssueProperty({ issueIdOrKey: key, propertyKey: 'sync.state', propertyValue: { seq: 1 } });
    await client.issueProperties.setIssueProperty({ issueIdOrKey: key, propertyKey: 'sync.state', propertyValue: { seq: 2 } });
    const keys = await client.issueProperties.getIssuePropertyKeys({ issueIdOrKey: key });
    expect(keys.keys?.map((k) => k.key)).toEqual(['sync.state']);
    expect(await client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'sync.state' })).toMatchObject({ value: { seq: 2 } });
    await client.issueProperties.deleteIssueProperty({ issueIdOrKey: key, propertyKey: 'sync.state' });
    const gone = await failure(client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'sync.state' }));
    expect(gone.status).toBe(404);
  });

  it('searches with JQL, GET and POST, paging with nextPageToken', async () => {
    const keys = [];
    for (const n of [1, 2, 3, 4, 5]) keys.push((await createIssue(`paged item ${n}`, { labels: ['jira-js-search'] })).key);

    const seen: string[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = "INT" AND labels = jira-js-search ORDER BY key ASC', maxResults: 2, fields: ['summary', 'status'], ...(nextPageToken === undefined ? {} : { nextPageToken }) });
      for (const issue of page.issues ?? []) {
        seen.push(z.string().parse(issue.key));
        expect(Object.keys(issue.fields ?? {}).sort()).toEqual(['status', 'summary']);
      }
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken !== undefined);
    expect(seen).toEqual(keys);

    const posted = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'labels = jira-js-search AND summary ~ "item 3"', fields: ['summary'] });
    expect(posted.issues?.map((i) => i.fields?.summary)).toEqual(['paged item 3']);
  });

  it('searches by issue property', async () => {
    const created = await client.issues.createIssue({
      fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'twin' },
      properties: [{ key: 'twinSync.origin', value: { connectionId: 'c-2', remoteIssueId: '555' } }],
    });
    const { key } = idAndKey.parse(created);
    const result = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'issue.property[twinSync.origin].remoteIssueId = "555"', fields: ['summary'] });
    expect(result.issues?.map((i) => i.key)).toEqual([key]);
  });

  it('creates and lists remote issue links', async () => {
    const { key } = await createIssue('remote linked');
    const created = await client.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: key, globalId: 'twin=CLOUD-5', relationship: 'synced with', object: { url: 'https://external.example/browse/CLOUD-5', title: 'CLOUD-5' } });
    expect(created.id).toEqual(expect.any(Number));
    const links = z.array(z.object({ id: z.number(), globalId: z.string(), object: z.object({ title: z.string() }) })).parse(await client.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: key }));
    expect(links).toEqual([expect.objectContaining({ id: created.id, globalId: 'twin=CLOUD-5', object: expect.objectContaining({ title: 'CLOUD-5' }) })]);
  });

  it('deletes an issue', async () => {
    const { key } = await createIssue('to delete');
    await client.issues.deleteIssue({ issueIdOrKey: key });
    expect((await failure(client.issues.getIssue({ issueIdOrKey: key }))).status).toBe(404);
  });

  it.each([
    ['an unknown project', { project: { key: 'NOPE' } }, 'project'],
    ['an unknown issue type', { issuetype: { name: 'Saga' } }, 'issuetype'],
  ])('surfaces Jira\'s 400 for %s', async (_name, override, field) => {
    const error = await failure(client.issues.createIssue({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'bad', ...override } }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.response.data.errors)).toContain(field);
  });

  it('surfaces 400 for malformed JQL', async () => {
    const error = await failure(client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = = INT' }));
    expect(error.status).toBe(400);
    expect(error.response.data.errorMessages.join(' ')).not.toBe('');
  });

  it('is refused with a wrong API token', async () => {
    const host = site.baseUrl ?? '';
    const intruder = new Version3Client({ host, authentication: { basic: { email: site.admin.email, apiToken: 'wrong' } } });
    expect((await failure(intruder.myself.getCurrentUser())).status).toBe(401);
  });
});
