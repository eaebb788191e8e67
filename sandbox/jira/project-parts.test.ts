import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { isoDayOf, userDate } from './project-parts';
import { JiraSite } from './site';
import { startSite, type SiteHarness } from './testing/site-harness';

const created = z.object({ id: z.string(), key: z.string() });
const withId = z.object({ id: z.string() });
const fieldsOf = z.object({ fields: z.record(z.string(), z.unknown()) });

describe('project components and versions', () => {
  let h: SiteHarness;
  const clock = Date.parse('2026-03-02T10:00:00Z');
  beforeEach(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0, now: () => clock });
  });
  afterEach(async () => {
    await h.stop();
  });

  const component = (body: Record<string, unknown>, as = h.site.admin): Promise<{ status: number; body: unknown }> => h.call('POST', '/rest/api/3/component', { project: 'INT', ...body }, { as });
  const version = (body: Record<string, unknown>, as = h.site.admin): Promise<{ status: number; body: unknown }> => h.call('POST', '/rest/api/3/version', { projectId: 10000, ...body }, { as });
  const issueFields = async (key: string, fields: string): Promise<Record<string, unknown>> => fieldsOf.parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=${fields}`)).body).fields;
  const createIssue = async (fields: Record<string, unknown>): Promise<{ status: number; body: unknown }> =>
    h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'parts', ...fields } });

  it('creates components (admin only: app accounts and people lack Administer Projects), lists and gets them', async () => {
    const res = await component({ name: 'UI', description: 'The screens', leadAccountId: h.site.user.accountId, assigneeType: 'COMPONENT_LEAD' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      self: expect.stringMatching(/\/rest\/api\/3\/component\/10000$/), id: '10000', name: 'UI', description: 'The screens',
      lead: expect.objectContaining({ accountId: h.site.user.accountId }), assigneeType: 'COMPONENT_LEAD',
      assignee: expect.objectContaining({ accountId: h.site.user.accountId }), realAssigneeType: 'COMPONENT_LEAD',
      realAssignee: expect.objectContaining({ accountId: h.site.user.accountId }), isAssigneeTypeValid: true, project: 'INT', projectId: 10000,
    });
    expect((await component({ name: 'API' })).body).toMatchObject({ assigneeType: 'PROJECT_DEFAULT', realAssigneeType: 'PROJECT_DEFAULT', isAssigneeTypeValid: false });
    expect((await component({ name: 'Docs', assigneeType: 'COMPONENT_LEAD' })).body).toMatchObject({ realAssigneeType: 'PROJECT_DEFAULT', isAssigneeTypeValid: false });

    const app = h.site.createAppAccount('Twin Sync');
    expect((await component({ name: 'Sync' }, app)).status).toBe(403);
    expect((await component({ name: 'Sync' }, h.site.user)).status).toBe(403);

    const list = await h.call('GET', '/rest/api/3/project/INT/components');
    expect(z.array(z.object({ name: z.string() })).parse(list.body).map((c) => c.name)).toEqual(['API', 'Docs', 'UI']);
    expect((await h.call('GET', '/rest/api/3/component/10000')).body).toMatchObject({ name: 'UI' });
    expect((await h.call('GET', '/rest/api/3/component/99999')).status).toBe(404);
    expect((await h.call('GET', '/rest/api/3/project/NOPE/components')).status).toBe(404);
  });

  it.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    ['a duplicate name, whatever its case', { name: 'ui' }, 400, { errors: { name: 'A component with the name ui already exists in this project.' } }],
    ['no name', { name: ' ' }, 400, { errors: { name: expect.any(String) } }],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, 400, { errors: { name: expect.any(String) } }],
    ['no project', { project: undefined, name: 'X' }, 400, { errors: { project: expect.any(String) } }],
    ['an unknown project', { project: 'NOPE', name: 'X' }, 404, { errorMessages: [expect.stringContaining('NOPE')] }],
    ['an unknown lead', { name: 'X', leadAccountId: 'nobody' }, 400, { errors: { leadAccountId: expect.any(String) } }],
    ['a user name as lead', { name: 'X', leadUserName: 'admin' }, 400, { errors: { leadUserName: expect.any(String) } }],
    ['an invalid assignee type', { name: 'X', assigneeType: 'ANYONE' }, 400, { errors: { assigneeType: expect.any(String) } }],
  ])('refuses a component with %s', async (_name, body, status, expected) => {
    expect((await component({ name: 'UI' })).status).toBe(201);
    const res = await component(body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(expected);
    expect(z.array(z.unknown()).parse((await h.call('GET', '/rest/api/3/project/INT/components')).body)).toHaveLength(1);
  });

  it('creates versions (admin only, else 404), lists and gets them, with overdue on the site clock', async () => {
    const first = await version({ name: '1.0', description: 'First', releaseDate: '2026-03-01' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      self: expect.stringMatching(/\/rest\/api\/3\/version\/10000$/), id: '10000', description: 'First', name: '1.0', archived: false, released: false,
      releaseDate: '2026-03-01', userReleaseDate: '1/Mar/2026', overdue: true, projectId: 10000, project: 'INT',
    });
    expect((await version({ projectId: undefined, project: 'INT', name: '2.0', released: true, startDate: '2026-02-01', releaseDate: '2026-02-10' })).body)
      .toMatchObject({ name: '2.0', released: true, overdue: false, startDate: '2026-02-01', userStartDate: '1/Feb/2026' });
    expect((await version({ name: '3.0' })).body).not.toHaveProperty('overdue');
    expect((await version({ name: '4.0' }, h.site.user)).status).toBe(404);
    expect((await version({ name: '4.0' }, h.site.createAppAccount('Twin Sync'))).status).toBe(404);
    expect(z.array(z.object({ name: z.string() })).parse((await h.call('GET', '/rest/api/3/project/INT/versions')).body).map((v) => v.name)).toEqual(['1.0', '2.0', '3.0']);
    expect((await h.call('GET', '/rest/api/3/version/10001')).body).toMatchObject({ name: '2.0', projectId: 10000 });
    expect((await h.call('GET', '/rest/api/3/version/99999')).body).toEqual({ errorMessages: ["Could not find version for id '99999'"], errors: {} });
  });

  it.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    ['a duplicate name', { name: '1.0' }, 400, { errors: { name: 'A version with this name already exists in this project.' } }],
    ['no name', { name: '' }, 400, { errors: { name: 'You must specify a valid version name' } }],
    ['no project', { projectId: undefined, name: '2.0' }, 400, { errors: { projectId: expect.any(String) } }],
    ['an unknown project', { projectId: 99, name: '2.0' }, 404, { errorMessages: [expect.stringContaining('99')] }],
    ['a release date that is no date', { name: '2.0', releaseDate: '2026-02-30' }, 400, { errors: { releaseDate: expect.any(String) } }],
    ['a start date after the release date', { name: '2.0', startDate: '2026-03-02', releaseDate: '2026-03-01' }, 400, { errors: { startDate: expect.any(String) } }],
  ])('refuses a version with %s', async (_name, body, status, expected) => {
    expect((await version({ name: '1.0' })).status).toBe(201);
    const res = await version(body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(expected);
  });

  it('sets components and fix versions by name or id on create and edit, with Component / Fix Version history items', async () => {
    const ui = withId.parse((await component({ name: 'UI' })).body).id;
    withId.parse((await component({ name: 'API', description: 'Endpoints' })).body);
    const v1 = withId.parse((await version({ name: '1.0' })).body).id;
    withId.parse((await version({ name: '1.1', releaseDate: '2026-04-01' })).body);

    const res = await createIssue({ components: [{ id: ui }, { name: 'api' }], fixVersions: [{ name: '1.1' }] });
    expect(res.status).toBe(201);
    const { key } = created.parse(res.body);
    const fields = await issueFields(key, 'components,fixVersions');
    expect(fields.components).toEqual([
      { self: expect.stringMatching(/\/component\/10001$/), id: '10001', name: 'API', description: 'Endpoints' },
      { self: expect.stringMatching(/\/component\/10000$/), id: '10000', name: 'UI' },
    ]);
    expect(fields.fixVersions).toEqual([{ self: expect.stringMatching(/\/version\/10001$/), id: '10001', name: '1.1', archived: false, released: false, releaseDate: '2026-04-01' }]);

    const edit = await h.call('PUT', `/rest/api/3/issue/${key}`, { update: { components: [{ remove: { name: 'UI' } }], fixVersions: [{ add: { id: v1 } }] } });
    expect(edit.status).toBe(204);
    expect(await issueFields(key, 'components,fixVersions')).toMatchObject({ components: [{ name: 'API' }], fixVersions: [{ name: '1.0' }, { name: '1.1' }] });
    const events = await h.eventsReached(2);
    expect(events[1]?.changelog?.items).toEqual([
      { field: 'Component', fieldId: 'components', fieldtype: 'jira', from: ui, fromString: 'UI', to: null, toString: null },
      { field: 'Fix Version', fieldId: 'fixVersions', fieldtype: 'jira', from: null, fromString: null, to: v1, toString: '1.0' },
    ]);

    // the spec's editIssue example clears with {"set": ""}
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { update: { components: [{ set: '' }] }, fields: { fixVersions: [] } })).status).toBe(204);
    expect(await issueFields(key, 'components,fixVersions')).toEqual({ components: [], fixVersions: [] });
  });

  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['an unknown component name', { components: [{ name: 'Nope' }] }, { components: "Component name 'Nope' is not valid" }],
    ['an unknown component id', { components: [{ id: '99999' }] }, { components: "Component id '99999' is not valid" }],
    ['components that are not a list', { components: { name: 'UI' } }, { components: 'data was not an array' }],
    ['an unknown version name', { fixVersions: [{ name: '9.9' }] }, { fixVersions: "Version name '9.9' is not valid" }],
    ['an unknown version id', { fixVersions: [{ id: 'x' }] }, { fixVersions: "Version id 'x' is not valid" }],
  ])('refuses an issue with %s, naming the field', async (_name, fields, errors) => {
    await component({ name: 'UI' });
    const res = await createIssue(fields);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorMessages: [], errors });
    expect(h.site.issueCount()).toBe(0);
  });

  it('assigns a new issue to the lead of its component when the request names no assignee', async () => {
    await component({ name: 'UI', leadAccountId: h.site.user.accountId, assigneeType: 'COMPONENT_LEAD' });
    await component({ name: 'Lead', assigneeType: 'PROJECT_LEAD' });
    const byComponent = created.parse((await createIssue({ components: [{ name: 'UI' }] })).body);
    expect(await issueFields(byComponent.key, 'assignee')).toMatchObject({ assignee: { accountId: h.site.user.accountId } });
    const byProject = created.parse((await createIssue({ components: [{ name: 'Lead' }] })).body);
    expect(await issueFields(byProject.key, 'assignee')).toMatchObject({ assignee: { accountId: h.site.admin.accountId } });
    const explicit = created.parse((await createIssue({ components: [{ name: 'UI' }], assignee: null })).body);
    expect(await issueFields(explicit.key, 'assignee')).toEqual({ assignee: null });
  });

  it('shows components and versions on the project, in createmeta and in GET /field', async () => {
    await component({ name: 'UI' });
    await version({ name: '1.0' });
    expect((await h.call('GET', '/rest/api/3/project/INT')).body).toMatchObject({ components: [{ name: 'UI', project: 'INT' }], versions: [{ name: '1.0', projectId: 10000 }] });
    const meta = z.object({ fields: z.array(z.object({ fieldId: z.string(), allowedValues: z.array(z.object({ name: z.string() })).optional(), operations: z.array(z.string()) })) })
      .parse((await h.call('GET', '/rest/api/3/issue/createmeta/INT/issuetypes/10001')).body).fields;
    expect(meta.find((f) => f.fieldId === 'components')).toMatchObject({ allowedValues: [{ name: 'UI' }], operations: ['add', 'set', 'remove'] });
    expect(meta.find((f) => f.fieldId === 'fixVersions')).toMatchObject({ allowedValues: [{ name: '1.0' }] });
    const fields = z.array(z.object({ id: z.string(), name: z.string(), schema: z.unknown().optional() })).parse((await h.call('GET', '/rest/api/3/field')).body);
    expect(fields.find((f) => f.id === 'components')).toMatchObject({ name: 'Components', schema: { type: 'array', items: 'component', system: 'components' } });
    expect(fields.find((f) => f.id === 'fixVersions')).toMatchObject({ name: 'Fix versions', schema: { type: 'array', items: 'version', system: 'fixVersions' } });
  });
});

describe('parent and sub-task views', () => {
  let h: SiteHarness;
  beforeEach(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0 });
  });
  afterEach(async () => {
    await h.stop();
  });
  const create = async (type: string, parent?: string): Promise<{ id: string; key: string }> =>
    created.parse((await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: type }, summary: `a ${type}`, ...(parent ? { parent: { key: parent } } : {}) } })).body);

  it('renders parent and subtasks as Jira Cloud does, and moving a story to another epic is an IssueParentAssociation change', async () => {
    const epic1 = await create('Epic');
    const epic2 = await create('Epic');
    const story = await create('Story', epic1.key);
    const sub = await create('Sub-task', story.key);
    const storyFields = fieldsOf.parse((await h.call('GET', `/rest/api/3/issue/${story.key}`)).body).fields;
    expect(storyFields.parent).toEqual({
      id: epic1.id, key: epic1.key, self: `${h.baseUrl}/rest/api/3/issue/${epic1.id}`,
      fields: { summary: 'a Epic', status: expect.objectContaining({ name: 'Open' }), priority: expect.objectContaining({ name: 'Medium' }), issuetype: expect.objectContaining({ name: 'Epic', hierarchyLevel: 1 }) },
    });
    expect(storyFields.subtasks).toEqual([expect.objectContaining({ id: sub.id, key: sub.key, fields: expect.objectContaining({ summary: 'a Sub-task' }) })]);

    await h.eventsReached(4);
    expect((await h.call('PUT', `/rest/api/3/issue/${story.key}`, { fields: { parent: { key: epic2.key } } })).status).toBe(204);
    const events = await h.eventsReached(5);
    expect(events[4]).toMatchObject({ eventType: 'avi:jira:updated:issue', issue: { key: story.key } });
    expect(events[4]?.changelog?.items).toEqual([{ field: 'IssueParentAssociation', fieldId: 'parent', fieldtype: 'jira', from: epic1.id, fromString: epic1.key, to: epic2.id, toString: epic2.key }]);
  });
});

describe('component and version storage', () => {
  it('gives issues of an older file no components and no fix versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parts-'));
    try {
      const file = join(dir, 'site.sqlite');
      const first = JiraSite.create({ name: 'internal', db: file, rateLimits: false });
      const url = await first.listen(0);
      const auth = `Basic ${Buffer.from(`${first.admin.email}:${first.admin.apiToken}`).toString('base64')}`;
      const headers = { authorization: auth, 'content-type': 'application/json' };
      expect((await fetch(`${url}/rest/api/3/issue`, { method: 'POST', headers, body: JSON.stringify({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'old' } }) })).status).toBe(201);
      await first.close();
      const raw = new Database(file);
      raw.exec('ALTER TABLE issues DROP COLUMN components; ALTER TABLE issues DROP COLUMN fix_versions;');
      raw.close();
      const again = JiraSite.create({ name: 'internal', db: file, rateLimits: false });
      const base = await again.listen(0);
      const res = await fetch(`${base}/rest/api/3/issue/INT-1?fields=components,fixVersions`, { headers });
      expect(await res.json()).toMatchObject({ fields: { components: [], fixVersions: [] } });
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes dates as the spec examples do', () => {
    expect(userDate('2010-07-06')).toBe('6/Jul/2010');
    expect(isoDayOf(Date.parse('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });
});
