import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

const created = z.object({ id: z.string(), key: z.string() });
const issueFields = z.object({ fields: z.record(z.string(), z.unknown()) });

async function createIssue(h: SiteHarness, fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'An issue', ...fields }, ...extra });
  expect(r.status).toBe(201);
  return created.parse(r.body);
}

async function fields(h: SiteHarness, key: string, list: string): Promise<Record<string, unknown>> {
  const r = await h.call('GET', `/rest/api/3/issue/${key}?fields=${list}`);
  expect(r.status).toBe(200);
  return issueFields.parse(r.body).fields;
}

describe('issues', () => {
  let h: SiteHarness;
  beforeEach(async () => {
    h = await startSite({ rateLimits: false }); // this suite checks answers at many requests a second; the limits have their own tests (rate-limits/)
  });
  afterEach(async () => {
    await h.stop();
  });

  it.each([
    ['add', [{ add: 'c' }], ['a', 'b', 'c']],
    ['remove', [{ remove: 'a' }], ['b']],
    ['set', [{ set: ['z'] }], ['z']],
    ['add then remove', [{ add: 'c' }, { remove: 'b' }], ['a', 'c']],
    ['add an existing label', [{ add: 'a' }], ['a', 'b']],
    ['remove a missing label', [{ remove: 'q' }], ['a', 'b']],
  ])('edits labels with update.%s', async (_name, ops, expected) => {
    const { key } = await createIssue(h, { labels: ['a', 'b'] });
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { update: { labels: ops } })).status).toBe(204);
    expect((await fields(h, key, 'labels')).labels).toEqual(expected);
  });

  it('emits created, updated (with changelog), commented and deleted events carrying the acting account', async () => {
    const app = h.site.createAppAccount('Twin Sync');
    expect(app).toEqual(h.site.createAppAccount('Twin Sync'));
    const user = await h.call('GET', `/rest/api/3/user?accountId=${encodeURIComponent(app.accountId)}`);
    expect(user.body).toMatchObject({ accountId: app.accountId, accountType: 'app', displayName: 'Twin Sync' });

    const { id, key } = await createIssue(h, { labels: ['a'] });
    await h.eventsReached(1);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'By the app', customfield_10000: 'CLOUD-3' }, update: { labels: [{ add: 'b' }] } }, { as: app })).status).toBe(204);
    expect((await h.call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } })).status).toBe(204);
    const comment = await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('hello') }, { as: app });
    const commentId = z.object({ id: z.string() }).parse(comment.body).id;
    expect((await h.call('PUT', `/rest/api/3/issue/${key}/comment/${commentId}`, { body: adf('edited') })).status).toBe(200);
    expect((await h.call('DELETE', `/rest/api/3/issue/${key}/comment/${commentId}`)).status).toBe(204);
    expect((await h.call('DELETE', `/rest/api/3/issue/${key}`, undefined, { as: app })).status).toBe(204);
    const events = await h.eventsReached(7);
    const admin = h.site.admin.accountId;
    expect(events.map((e) => [e.eventType, e.atlassianId])).toEqual([
      ['avi:jira:created:issue', admin],
      ['avi:jira:updated:issue', app.accountId],
      ['avi:jira:updated:issue', admin],
      ['avi:jira:commented:issue', app.accountId],
      ['avi:jira:commented:issue', admin],
      ['avi:jira:deleted:comment', admin],
      ['avi:jira:deleted:issue', app.accountId],
    ]);
    expect(events[0]?.issue).toMatchObject({ id, key, fields: { summary: 'An issue', status: { name: 'Open' }, project: { key: 'INT' } } });
    expect(events[1]?.changelog?.items).toEqual([
      { field: 'summary', fieldId: 'summary', fieldtype: 'jira', from: null, fromString: 'An issue', to: null, toString: 'By the app' },
      { field: 'labels', fieldId: 'labels', fieldtype: 'jira', from: null, fromString: 'a', to: null, toString: 'a b' },
      { field: 'Remote issue key', fieldId: 'customfield_10000', fieldtype: 'custom', from: null, fromString: null, to: null, toString: 'CLOUD-3' },
    ]);
    expect(events[2]?.changelog?.items).toEqual([{ field: 'status', fieldId: 'status', fieldtype: 'jira', from: '10000', fromString: 'Open', to: '10001', toString: 'In Progress' }]);
    expect(events[3]?.comment).toMatchObject({ id: commentId, body: adf('hello'), author: { accountId: app.accountId } });
    expect(events[4]?.comment).toMatchObject({ id: commentId, body: adf('edited'), updateAuthor: { accountId: admin } });
    expect(events[5]?.comment).toMatchObject({ id: commentId });
  });

  it('emits no event for an edit that changes nothing', async () => {
    const { key } = await createIssue(h, { summary: 'Same' });
    await h.eventsReached(1);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Same' } })).status).toBe(204);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Other' } })).status).toBe(204);
    const events = await h.eventsReached(2);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:updated:issue']);
  });

  it('lists transitions to every other status and moves the issue', async () => {
    const { key } = await createIssue(h);
    const list = await h.call('GET', `/rest/api/3/issue/${key}/transitions`);
    expect(list.body).toMatchObject({ transitions: [
      { id: '21', name: 'In Progress', to: { name: 'In Progress', statusCategory: { key: 'indeterminate' } } },
      { id: '31', name: 'Done', to: { name: 'Done', statusCategory: { key: 'done' } } },
    ] });
    expect((await h.call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '31' }, update: { comment: [{ add: { body: adf('closing') } }] } })).status).toBe(204);
    const after = await fields(h, key, 'status,comment,resolutiondate');
    expect(after.status).toMatchObject({ name: 'Done', statusCategory: { key: 'done', colorName: 'green' } });
    expect(after.comment).toMatchObject({ total: 1, comments: [{ body: adf('closing') }] });
    const again = await h.call('GET', `/rest/api/3/issue/${key}/transitions`);
    expect(z.object({ transitions: z.array(z.object({ id: z.string() })) }).parse(again.body).transitions.map((t) => t.id)).toEqual(['11', '21']);
  });

  it('creates an issue straight into the status of an initial transition', async () => {
    const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'born done' }, transition: { id: '31' } });
    expect(r.body).toMatchObject({ key: 'INT-1', transition: { status: 200 } });
    expect((await fields(h, 'INT-1', 'status')).status).toMatchObject({ name: 'Done' });
    const bad = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'x' }, transition: { id: '5' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: { transition: "Transition id '5' is not valid for this issue." } });
  });

  it('pages and orders comments', async () => {
    const { key } = await createIssue(h);
    for (const n of [1, 2, 3, 4, 5]) expect((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: adf(`c${n}`) })).status).toBe(201);
    const page = z.object({ startAt: z.number(), maxResults: z.number(), total: z.number(), comments: z.array(z.object({ body: z.unknown(), id: z.string() })) });
    const p1 = page.parse((await h.call('GET', `/rest/api/3/issue/${key}/comment?startAt=1&maxResults=2`)).body);
    expect(p1).toMatchObject({ startAt: 1, maxResults: 2, total: 5 });
    expect(p1.comments.map((c) => c.body)).toEqual([adf('c2'), adf('c3')]);
    const desc = page.parse((await h.call('GET', `/rest/api/3/issue/${key}/comment?orderBy=-created&maxResults=1`)).body);
    expect(desc.comments.map((c) => c.body)).toEqual([adf('c5')]);
    const one = await h.call('GET', `/rest/api/3/issue/${key}/comment/${desc.comments[0]?.id ?? ''}`);
    expect(one.body).toMatchObject({ body: adf('c5'), author: { accountId: h.site.admin.accountId }, created: expect.stringMatching(/\+0000$/) });
    expect((await h.call('GET', `/rest/api/3/issue/${key}/comment?orderBy=author`)).status).toBe(400);
  });

  it('stores entity properties given at creation and through the properties API', async () => {
    const { key, id } = await createIssue(h, {}, { properties: [{ key: 'twinSync.origin', value: { connectionId: 'c1', remoteIssueId: '42' } }] });
    expect((await h.call('GET', `/rest/api/3/issue/${key}/properties/twinSync.origin`)).body).toEqual({ key: 'twinSync.origin', value: { connectionId: 'c1', remoteIssueId: '42' } });
    expect((await h.call('PUT', `/rest/api/3/issue/${key}/properties/n`, 7)).status).toBe(201);
    expect((await h.call('PUT', `/rest/api/3/issue/${id}/properties/n`, [1, 2])).status).toBe(200);
    expect((await h.call('GET', `/rest/api/3/issue/${key}/properties`)).body).toEqual({ keys: [
      { key: 'n', self: `${h.baseUrl}/rest/api/3/issue/${id}/properties/n` },
      { key: 'twinSync.origin', self: `${h.baseUrl}/rest/api/3/issue/${id}/properties/twinSync.origin` },
    ] });
    expect((await h.call('GET', `/rest/api/3/issue/${key}?fields=summary&properties=n`)).body).toMatchObject({ properties: { n: [1, 2] } });
    expect((await h.call('DELETE', `/rest/api/3/issue/${key}/properties/n`)).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/issue/${key}/properties/n`)).status).toBe(404);
  });

  it('selects fields and expands names, renderedFields and changelog', async () => {
    const { key } = await createIssue(h, { description: adf('<b>') });
    await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'v2' } });
    const r = await h.call('GET', `/rest/api/3/issue/${key}?fields=*all,-comment,-description&expand=names,renderedFields,changelog`);
    const body = z.object({ fields: z.record(z.string(), z.unknown()), names: z.record(z.string(), z.string()), changelog: z.unknown(), renderedFields: z.record(z.string(), z.unknown()) }).parse(r.body);
    expect(body.fields).not.toHaveProperty('comment');
    expect(body.fields).not.toHaveProperty('description');
    expect(body.fields).toHaveProperty('customfield_10000', null);
    expect(body.names).toMatchObject({ summary: 'Summary', customfield_10000: 'Remote issue key' });
    expect(body.changelog).toMatchObject({ total: 1, histories: [{ author: { accountId: h.site.admin.accountId }, items: [{ field: 'summary', toString: 'v2' }] }] });
    const rendered = await h.call('GET', `/rest/api/3/issue/${key}?fields=description&expand=renderedFields`);
    expect(rendered.body).toMatchObject({ renderedFields: { description: '<p>&#60;b&#62;</p>' } });
    const navigable = await fields(h, key, '*navigable');
    expect(navigable).toHaveProperty('summary');
    expect(navigable).not.toHaveProperty('comment');
  });

  it('creates sub-tasks under a parent and deletes them with it only when asked', async () => {
    const parent = await createIssue(h);
    const child = await createIssue(h, { issuetype: { name: 'Sub-task' }, parent: { key: parent.key } });
    expect((await fields(h, child.key, 'parent')).parent).toMatchObject({ key: parent.key, fields: { summary: 'An issue' } });
    expect((await fields(h, parent.key, 'subtasks')).subtasks).toMatchObject([{ key: child.key }]);
    expect((await h.call('DELETE', `/rest/api/3/issue/${parent.key}`)).status).toBe(400);
    expect((await h.call('DELETE', `/rest/api/3/issue/${parent.key}?deleteSubtasks=true`)).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/issue/${child.key}`)).status).toBe(404);
  });

  it('keeps the children of a deleted epic, without their parent', async () => {
    const epic = await createIssue(h, { issuetype: { name: 'Epic' } });
    const story = await createIssue(h, { issuetype: { name: 'Story' }, parent: { key: epic.key } });
    expect((await fields(h, story.key, 'parent')).parent).toMatchObject({ key: epic.key });
    await h.eventsReached(2);
    expect((await h.call('DELETE', `/rest/api/3/issue/${epic.key}`)).status).toBe(204);
    expect(await fields(h, story.key, 'parent')).toEqual({});
    const events = await h.eventsReached(4);
    expect(events.slice(2).map((e) => [e.eventType, e.issue?.key])).toEqual([['avi:jira:updated:issue', story.key], ['avi:jira:deleted:issue', epic.key]]);
    expect(events[2]?.changelog?.items).toEqual([{ field: 'IssueParentAssociation', fieldId: 'parent', fieldtype: 'jira', from: epic.id, fromString: epic.key, to: null, toString: null }]);
  });

  it('answers editmeta and the paged changelog of an issue', async () => {
    const { key } = await createIssue(h);
    for (const summary of ['one', 'two', 'three']) await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary } });
    const meta = await h.call('GET', `/rest/api/3/issue/${key}/editmeta`);
    const editable = z.object({ fields: z.record(z.string(), z.object({ key: z.string(), name: z.string(), operations: z.array(z.string()) })) }).parse(meta.body).fields;
    expect(editable.labels).toMatchObject({ key: 'labels', operations: ['add', 'set', 'remove'] });
    expect(editable.customfield_10000).toMatchObject({ name: 'Remote issue key' });
    expect(editable).not.toHaveProperty('project');
    const log = await h.call('GET', `/rest/api/3/issue/${key}/changelog?startAt=1&maxResults=1`);
    expect(log.body).toMatchObject({ startAt: 1, maxResults: 1, total: 3, isLast: false, values: [{ items: [{ field: 'summary', fromString: 'one', toString: 'two' }] }] });
  });

  it('answers createmeta for the project and an issue type', async () => {
    const types = await h.call('GET', '/rest/api/3/issue/createmeta/INT/issuetypes');
    expect(types.body).toMatchObject({ startAt: 0, total: 5, issueTypes: [{ name: 'Task' }, { name: 'Bug' }, { name: 'Story' }, { name: 'Epic' }, { name: 'Sub-task', subtask: true }] });
    const meta = await h.call('GET', '/rest/api/3/issue/createmeta/INT/issuetypes/10001');
    const list = z.object({ fields: z.array(z.object({ fieldId: z.string(), name: z.string(), required: z.boolean() })) }).parse(meta.body).fields;
    expect(list.find((f) => f.fieldId === 'summary')).toMatchObject({ required: true });
    expect(list.find((f) => f.fieldId === 'customfield_10000')).toMatchObject({ name: 'Remote issue key', required: false });
    expect((await h.call('GET', '/rest/api/3/issue/createmeta/NOPE/issuetypes')).status).toBe(404);
  });

  it('creates a text custom field and finds it by name', async () => {
    const r = await h.call('POST', '/rest/api/3/field', { name: 'Twin status', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:textsearcher' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 'customfield_10001', name: 'Twin status', custom: true, schema: { type: 'string', customId: 10001 } });
    expect((await h.call('GET', '/rest/api/3/field/search?query=twin')).body).toMatchObject({ total: 1, values: [{ id: 'customfield_10001' }] });
    const { key } = await createIssue(h, { customfield_10001: 'in sync' });
    expect((await fields(h, key, 'customfield_10001')).customfield_10001).toBe('in sync');
  });

  it('answers the metadata endpoints with the seeded configuration', async () => {
    expect((await h.call('GET', '/rest/api/3/priority')).body).toMatchObject([{ name: 'Highest' }, { name: 'High' }, { name: 'Medium', isDefault: true }, { name: 'Low' }, { name: 'Lowest' }]);
    expect((await h.call('GET', '/rest/api/3/priority/search?onlyDefault=true')).body).toMatchObject({ total: 1, values: [{ name: 'Medium' }] });
    expect((await h.call('GET', '/rest/api/3/status')).body).toMatchObject([{ name: 'Open' }, { name: 'In Progress' }, { name: 'Done' }]);
    expect((await h.call('GET', '/rest/api/3/statuses/search?statusCategory=DONE')).body).toMatchObject({ total: 1, values: [{ name: 'Done', statusCategory: 'DONE' }] });
    expect((await h.call('GET', '/rest/api/3/project/search')).body).toMatchObject({ total: 1, isLast: true, values: [{ key: 'INT', name: 'Internal' }] });
    expect((await h.call('GET', '/rest/api/3/project/INT')).body).toMatchObject({ key: 'INT', lead: { accountId: h.site.admin.accountId }, issueTypes: expect.any(Array) });
    const project = z.object({ id: z.string() }).parse((await h.call('GET', '/rest/api/3/project/INT')).body);
    expect((await h.call('GET', `/rest/api/3/issuetype/project?projectId=${project.id}`)).body).toHaveLength(5);
    expect((await h.call('GET', '/rest/api/3/issuetype')).body).toMatchObject([{ name: 'Task' }, { name: 'Bug' }, { name: 'Story' }, { name: 'Epic', hierarchyLevel: 1 }, { name: 'Sub-task', subtask: true, hierarchyLevel: -1 }]);
    expect((await h.call('GET', '/rest/api/3/user/search?query=adm')).body).toMatchObject([{ accountId: h.site.admin.accountId }]);
    expect((await h.call('GET', '/rest/api/3/user/search')).status).toBe(400);
    expect((await h.call('GET', '/rest/api/3/user?accountId=nobody')).status).toBe(404);
    expect((await h.call('GET', '/rest/api/3/serverInfo')).body).toMatchObject({ baseUrl: h.baseUrl, deploymentType: 'Cloud' });
  });
});

describe('seed and persistence', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['internal', 'INT', 'Internal'],
    ['external', 'CLOUD', 'Cloud'],
    ['staging', 'STAG', 'Staging'],
  ])('seeds site %s with project %s', async (name, key, projectName) => {
    const h = await startSite({ name });
    try {
      expect(h.site.admin.email).toBe(`admin@${name}.test`);
      expect(h.site.admin.apiToken).toBe('sandbox-token');
      expect((await h.call('GET', '/rest/api/3/project/search')).body).toMatchObject({ values: [{ key, name: projectName }] });
    } finally {
      await h.stop();
    }
  });

  it('keeps everything across a restart with a file database, and seeds only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jira-site-'));
    dirs.push(dir);
    const db = join(dir, 'not-yet-created', 'external.sqlite');
    const first = await startSite({ name: 'external', db });
    const app = first.site.createAppAccount('Twin Sync');
    const r = await first.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'CLOUD' }, issuetype: { name: 'Story' }, summary: 'Persisted', customfield_10000: 'INT-9' }, properties: [{ key: 'k', value: true }] }, { as: app });
    expect(r.status).toBe(201);
    await first.call('POST', '/rest/api/3/issue/CLOUD-1/comment', { body: adf('kept') });
    await first.call('POST', '/rest/api/3/field', { name: 'Extra', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' });
    await first.stop();

    const second = await startSite({ name: 'external', db });
    try {
      expect(second.site.admin.accountId).toBe(first.site.admin.accountId);
      expect(second.site.createAppAccount('Twin Sync')).toEqual(app);
      const got = await second.call('GET', '/rest/api/3/issue/CLOUD-1?fields=summary,customfield_10000,comment,reporter');
      expect(got.body).toMatchObject({ fields: { summary: 'Persisted', customfield_10000: 'INT-9', comment: { total: 1 }, reporter: { accountId: app.accountId } } });
      expect((await second.call('GET', '/rest/api/3/issue/CLOUD-1/properties/k')).body).toEqual({ key: 'k', value: true });
      expect((await second.call('GET', '/rest/api/3/project/search')).body).toMatchObject({ total: 1 });
      expect((await second.call('GET', '/rest/api/3/priority')).body).toHaveLength(5);
      expect(z.array(z.object({ name: z.string() })).parse((await second.call('GET', '/rest/api/3/field')).body).filter((f) => f.name === 'Remote issue key')).toHaveLength(1);
      const next = await second.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'CLOUD' }, issuetype: { name: 'Task' }, summary: 'Next' } });
      expect(next.body).toMatchObject({ key: 'CLOUD-2', id: '10001' });
      expect(second.site.issueCount()).toBe(2);
    } finally {
      await second.stop();
    }
  });
});
