import { fieldProblems } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, createdIssues, entityProperty, errorCollection, fieldDetails, issueBean } from './responses';
import { describeConformance } from './spec-gate';
import { z } from 'zod';

/** Issue CRUD on /rest/api/3/issue: create (with properties), bulk create, get, edit, delete. */

async function remoteKeyFieldId(jira: JiraProbe): Promise<string> {
  const res = await jira.get('/rest/api/3/field');
  expectConforming(res, 200);
  const field = z.array(fieldDetails).parse(res.body).find((f) => f.name === 'Remote issue key');
  if (field === undefined) throw new Error('the seed has no "Remote issue key" field');
  return field.id;
}

async function create(jira: JiraProbe, overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<z.infer<typeof createdIssue>> {
  const res = await jira.post('/rest/api/3/issue', { fields: issueFields(overrides), ...extra });
  expectConforming(res, 201);
  return createdIssue.parse(res.body);
}

async function getIssue(jira: JiraProbe, key: string, query: Record<string, string> = {}): Promise<z.infer<typeof issueBean>> {
  const res = await jira.get(`/rest/api/3/issue/${key}`, { query });
  expectConforming(res, 200);
  return issueBean.parse(res.body);
}

async function countIssues(jira: JiraProbe): Promise<number> {
  let total = 0;
  let token: string | undefined;
  do {
    const res = await jira.post('/rest/api/3/search/jql', { jql: 'project = "INT"', maxResults: 100, fields: ['id'], ...(token === undefined ? {} : { nextPageToken: token }) });
    expectConforming(res, 200);
    const page = z.object({ issues: z.array(z.unknown()), nextPageToken: z.string().optional() }).parse(res.body);
    total += page.issues.length;
    token = page.nextPageToken;
  } while (token !== undefined);
  return total;
}

function expectFieldError(res: { status: number; body: unknown }, field: string): void {
  expect(res.status).toBe(400);
  const errors = errorCollection.parse(res.body);
  expect(Object.keys(errors.errors)).toContain(field);
  expect(errors.errors[field]?.length ?? 0).toBeGreaterThan(0);
}

describeConformance('issues', (spec) => {
  const site = useSite(spec);

  describe('create', () => {
    it('creates an issue and returns id, key and self', async () => {
      const created = await create(site.jira, { summary: 'First' });
      expect(created.key).toMatch(/^INT-\d+$/);
      expect(new URL(created.self).pathname).toBe(`/rest/api/3/issue/${created.id}`);
    });

    it('gives concurrent creates distinct keys', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => site.jira.post('/rest/api/3/issue', { fields: issueFields({ summary: `parallel ${i}` }) })));
      for (const res of results) expectConforming(res, 201);
      const created = results.map((res) => createdIssue.parse(res.body));
      expect(new Set(created.map((c) => c.key)).size).toBe(20);
      expect(new Set(created.map((c) => c.id)).size).toBe(20);
      const summaries = await Promise.all(created.map(async (c) => (await getIssue(site.jira, c.key, { fields: 'summary' })).fields.summary));
      expect([...summaries].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `parallel ${i}`).sort());
    });

    it('stores the properties sent with the issue', async () => {
      const origin = { connectionId: 'c-1', remoteIssueId: '10042' };
      const created = await create(site.jira, {}, { properties: [{ key: 'twinSync.origin', value: origin }] });
      const res = await site.jira.get(`/rest/api/3/issue/${created.key}/properties/twinSync.origin`);
      expectConforming(res, 200);
      expect(entityProperty.parse(res.body)).toEqual({ key: 'twinSync.origin', value: origin });
    });

    it('stores description (ADF), labels, priority and a custom field', async () => {
      const remoteKey = await remoteKeyFieldId(site.jira);
      const description = adf('Steps to reproduce');
      const created = await create(site.jira, { summary: 'Full', description, labels: ['alpha', 'beta'], priority: { name: 'High' }, issuetype: { name: 'Bug' }, [remoteKey]: 'CLOUD-7' });
      const issue = await getIssue(site.jira, created.key);
      expect(fieldProblems(spec, issue.fields)).toEqual([]);
      expect(issue.fields).toMatchObject({
        summary: 'Full',
        description,
        labels: ['alpha', 'beta'],
        priority: { name: 'High' },
        issuetype: { name: 'Bug', subtask: false },
        project: { key: 'INT', name: 'Internal' },
        status: { name: 'Open', statusCategory: { key: 'new' } },
        [remoteKey]: 'CLOUD-7',
      });
    });

    it('accepts project, issue type and priority by id', async () => {
      const project = z.object({ id: z.string() }).parse((await site.jira.get('/rest/api/3/project/INT')).body);
      const types = z.array(z.object({ id: z.string(), name: z.string() })).parse((await site.jira.get('/rest/api/3/issuetype')).body);
      const priorities = z.array(z.object({ id: z.string(), name: z.string() })).parse((await site.jira.get('/rest/api/3/priority')).body);
      const bug = types.find((t) => t.name === 'Bug');
      const low = priorities.find((p) => p.name === 'Low');
      if (bug === undefined || low === undefined) throw new Error('seed lacks Bug or Low');
      const created = await create(site.jira, { project: { id: project.id }, issuetype: { id: bug.id }, priority: { id: low.id } });
      const issue = await getIssue(site.jira, created.key, { fields: 'project,issuetype,priority' });
      expect(issue.fields).toMatchObject({ project: { key: 'INT' }, issuetype: { name: 'Bug' }, priority: { name: 'Low' } });
    });

    it.each([
      ['an unknown project', { project: { key: 'NOPE' } }, 'project'],
      ['a summary over 255 characters', { summary: 'x'.repeat(256) }, 'summary'],
      ['a label with a space', { labels: ['has space'] }, 'labels'],
      ['an unknown priority', { priority: { name: 'Urgent' } }, 'priority'],
      ['a summary with a newline', { summary: 'line one\nline two' }, 'summary'],
      ['a sub-task without a parent', { issuetype: { name: 'Sub-task' } }, 'parent'],
      ['an unknown issue type', { issuetype: { name: 'Saga' } }, 'issuetype'],
      ['no summary', { summary: undefined }, 'summary'],
      ['an unknown field', { customfield_99999: 'x' }, 'customfield_99999'],
      ['a description that is not ADF', { description: 'plain text' }, 'description'],
      ['an invalid ADF document', { description: { type: 'doc', version: 1, content: [{ type: 'no-such-node' }] } }, 'description'],
    ])('refuses %s with 400 naming the field and creates nothing', async (_name, overrides, field) => {
      const before = await countIssues(site.jira);
      const res = await site.jira.post('/rest/api/3/issue', { fields: issueFields(overrides) });
      expectConforming(res, 400);
      expectFieldError(res, field);
      expect(await countIssues(site.jira)).toBe(before);
    });

    it('refuses invalid JSON with 400 and a message', async () => {
      const res = await site.jira.send('POST', '/rest/api/3/issue', { rawBody: '{"fields": {' });
      expectConforming(res, 400);
      expect(errorCollection.parse(res.body).errorMessages.length).toBeGreaterThan(0);
    });

    it('refuses a body without fields', async () => {
      const res = await site.jira.post('/rest/api/3/issue', { update: {} });
      expectConforming(res, 400);
      const errors = errorCollection.parse(res.body);
      expect(errors.errorMessages.length + Object.keys(errors.errors).length).toBeGreaterThan(0);
    });
  });

  describe('sub-tasks', () => {
    it('creates a sub-task under its parent, shown on both sides', async () => {
      const parent = await create(site.jira, { summary: 'parent' });
      const child = await create(site.jira, { summary: 'child', issuetype: { name: 'Sub-task' }, parent: { key: parent.key } });
      const childIssue = await getIssue(site.jira, child.key, { fields: 'parent,issuetype' });
      expect(childIssue.fields).toMatchObject({ parent: { id: parent.id, key: parent.key }, issuetype: { name: 'Sub-task', subtask: true } });
      const parentIssue = await getIssue(site.jira, parent.key, { fields: 'subtasks' });
      expect(parentIssue.fields.subtasks).toEqual([expect.objectContaining({ id: child.id, key: child.key })]);
    });

    it('refuses to delete an issue with sub-tasks unless deleteSubtasks=true', async () => {
      const parent = await create(site.jira, { summary: 'parent' });
      const child = await create(site.jira, { summary: 'child', issuetype: { name: 'Sub-task' }, parent: { key: parent.key } });
      const refused = await site.jira.delete(`/rest/api/3/issue/${parent.key}`);
      expectConforming(refused, 400);
      expectConforming(await site.jira.get(`/rest/api/3/issue/${child.key}`), 200);
      expectConforming(await site.jira.delete(`/rest/api/3/issue/${parent.key}`, { query: { deleteSubtasks: 'true' } }), 204);
      expectConforming(await site.jira.get(`/rest/api/3/issue/${parent.key}`), 404);
      expectConforming(await site.jira.get(`/rest/api/3/issue/${child.key}`), 404);
    });
  });

  describe('bulk create', () => {
    it('creates every valid issue and reports the failed ones by position', async () => {
      const res = await site.jira.post('/rest/api/3/issue/bulk', {
        issueUpdates: [{ fields: issueFields({ summary: 'bulk 1' }) }, { fields: issueFields({ issuetype: { name: 'Saga' } }) }, { fields: issueFields({ summary: 'bulk 3' }) }],
      });
      expectConforming(res, 201);
      const body = createdIssues.parse(res.body);
      expect(body.issues).toHaveLength(2);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({ status: 400, failedElementNumber: 1 });
      expect(Object.keys(body.errors[0]?.elementErrors.errors ?? {})).toContain('issuetype');
      const summaries = await Promise.all(body.issues.map(async (i) => (await getIssue(site.jira, i.key)).fields.summary));
      expect(summaries).toEqual(['bulk 1', 'bulk 3']);
    });

    it('answers 400 with the same shape when every issue fails', async () => {
      const res = await site.jira.post('/rest/api/3/issue/bulk', { issueUpdates: [{ fields: issueFields({ project: { key: 'NOPE' } }) }] });
      expectConforming(res, 400);
      const body = createdIssues.parse(res.body);
      expect(body.issues).toEqual([]);
      expect(body.errors).toHaveLength(1);
    });
  });

  describe('get', () => {
    it('finds an issue by key and by id, with all fields by default', async () => {
      const created = await create(site.jira, { summary: 'by key and id' });
      const byKey = await getIssue(site.jira, created.key);
      const byId = await getIssue(site.jira, created.id);
      expect(byId).toEqual(byKey);
      expect(byKey).toMatchObject({ id: created.id, key: created.key });
      for (const field of ['summary', 'status', 'issuetype', 'project', 'priority', 'created', 'updated', 'labels', 'comment', 'description', 'reporter']) {
        expect(Object.keys(byKey.fields)).toContain(field);
      }
      expect(fieldProblems(spec, byKey.fields)).toEqual([]);
    });

    it('returns only the requested fields', async () => {
      const created = await create(site.jira);
      const issue = await getIssue(site.jira, created.key, { fields: 'summary,status' });
      expect(Object.keys(issue.fields).sort()).toEqual(['status', 'summary']);
      expect(fieldProblems(spec, issue.fields)).toEqual([]);
    });

    it('includes the requested entity properties', async () => {
      const created = await create(site.jira, {}, { properties: [{ key: 'twinSync.origin', value: { remoteIssueId: '1' } }, { key: 'other', value: 2 }] });
      const issue = z.object({ properties: z.record(z.string(), z.unknown()) }).parse((await site.jira.get(`/rest/api/3/issue/${created.key}`, { query: { fields: 'summary', properties: 'twinSync.origin' } })).body);
      expect(issue.properties).toEqual({ 'twinSync.origin': { remoteIssueId: '1' } });
    });

    it('links the issue through its id', async () => {
      const created = await create(site.jira);
      const issue = await getIssue(site.jira, created.key);
      expect(new URL(issue.self).pathname).toBe(`/rest/api/3/issue/${created.id}`);
    });

    it.each([
      ['*all,-comment', ['summary', 'status', 'labels'], ['comment']],
      ['*navigable', ['summary', 'status'], []],
      ['id', [], ['summary', 'status']],
    ])('understands fields=%s', async (fields, present, absent) => {
      const created = await create(site.jira);
      const issue = await getIssue(site.jira, created.key, { fields });
      expect(Object.keys(issue.fields)).toEqual(expect.arrayContaining(present));
      for (const field of absent) expect(Object.keys(issue.fields)).not.toContain(field);
      expect(fieldProblems(spec, issue.fields)).toEqual([]);
    });

    it('accepts expand=renderedFields,names,changelog and fills them in', async () => {
      const remoteKey = await remoteKeyFieldId(site.jira);
      const created = await create(site.jira, { summary: 'before', description: adf('rendered & escaped') });
      const edit = await site.jira.put(`/rest/api/3/issue/${created.key}`, { fields: { summary: 'after' } });
      expectConforming(edit, 204);
      const issue = await getIssue(site.jira, created.key, { expand: 'renderedFields,names,changelog' });
      expect(issue.names).toMatchObject({ summary: 'Summary', status: 'Status', [remoteKey]: 'Remote issue key' });
      // Jira renders rich text to HTML in renderedFields
      expect(z.string().parse(issue.renderedFields?.description)).toMatch(/<p>rendered &(?:amp|#38|#x26);\s?escaped<\/p>/);
      const items = (issue.changelog?.histories ?? []).flatMap((h) => h.items);
      expect(items).toContainEqual(expect.objectContaining({ field: 'summary', fromString: 'before', toString: 'after' }));
    });

    it('answers 404 in Jira\'s error shape for an unknown issue', async () => {
      const res = await site.jira.get('/rest/api/3/issue/INT-999999');
      expectConforming(res, 404);
      expect(errorCollection.parse(res.body).errorMessages.length).toBeGreaterThan(0);
    });
  });

  describe('edit', () => {
    it('sets fields: summary, description, custom field', async () => {
      const remoteKey = await remoteKeyFieldId(site.jira);
      const created = await create(site.jira);
      const res = await site.jira.put(`/rest/api/3/issue/${created.key}`, { fields: { summary: 'edited', description: adf('new text'), [remoteKey]: 'CLOUD-9', priority: { name: 'Low' } } });
      expectConforming(res, 204);
      expect(res.body).toBeUndefined();
      const issue = await getIssue(site.jira, created.key);
      expect(issue.fields).toMatchObject({ summary: 'edited', description: adf('new text'), [remoteKey]: 'CLOUD-9', priority: { name: 'Low' } });
      expect(fieldProblems(spec, issue.fields)).toEqual([]);
    });

    it.each([
      ['add', [{ add: 'c' }], ['a', 'b', 'c']],
      ['remove', [{ remove: 'a' }], ['b']],
      ['add and remove', [{ add: 'c' }, { remove: 'b' }], ['a', 'c']],
      ['set', [{ set: ['x', 'y'] }], ['x', 'y']],
      ['set to nothing', [{ set: [] }], []],
    ])('updates labels with %s', async (_name, operations, expected) => {
      const created = await create(site.jira, { labels: ['a', 'b'] });
      const res = await site.jira.put(`/rest/api/3/issue/${created.key}`, { update: { labels: operations } });
      expectConforming(res, 204);
      const issue = await getIssue(site.jira, created.key, { fields: 'labels' });
      expect([...z.array(z.string()).parse(issue.fields.labels)].sort()).toEqual(expected);
    });

    it('refuses an edit with one bad field and changes nothing', async () => {
      const created = await create(site.jira, { summary: 'unchanged' });
      const res = await site.jira.put(`/rest/api/3/issue/${created.key}`, { fields: { summary: 'changed', customfield_99999: 'x' } });
      expectConforming(res, 400);
      expectFieldError(res, 'customfield_99999');
      expect((await getIssue(site.jira, created.key, { fields: 'summary' })).fields.summary).toBe('unchanged');
    });

    it('refuses to set the status as a field (status changes go through transitions)', async () => {
      const created = await create(site.jira);
      const res = await site.jira.put(`/rest/api/3/issue/${created.key}`, { fields: { status: { name: 'Done' } } });
      expectConforming(res, 400);
      expectFieldError(res, 'status');
      expect((await getIssue(site.jira, created.key, { fields: 'status' })).fields.status).toMatchObject({ name: 'Open' });
    });

    it('refuses an invalid ADF description and changes nothing', async () => {
      const created = await create(site.jira, { description: adf('kept') });
      const res = await site.jira.put(`/rest/api/3/issue/${created.key}`, { fields: { description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text' }] }] } } });
      expectConforming(res, 400);
      expectFieldError(res, 'description');
      expect((await getIssue(site.jira, created.key, { fields: 'description' })).fields.description).toEqual(adf('kept'));
    });

    it('answers 404 for an unknown issue', async () => {
      const res = await site.jira.put('/rest/api/3/issue/INT-999999', { fields: { summary: 'x' } });
      expectConforming(res, 404);
    });
  });

  describe('delete', () => {
    it('deletes an issue, which is then gone', async () => {
      const created = await create(site.jira);
      const res = await site.jira.delete(`/rest/api/3/issue/${created.key}`);
      expectConforming(res, 204);
      expectConforming(await site.jira.get(`/rest/api/3/issue/${created.key}`), 404);
      expectConforming(await site.jira.get(`/rest/api/3/issue/${created.key}/properties`), 404);
    });

    it('answers 404 for an unknown issue', async () => {
      expectConforming(await site.jira.delete('/rest/api/3/issue/INT-999999'), 404);
    });
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every issue operation against the spec', () => {
    expect(uncheckedOperations(spec, ['createIssue', 'createIssues', 'getIssue', 'editIssue', 'deleteIssue'])).toEqual([]);
  });
});
