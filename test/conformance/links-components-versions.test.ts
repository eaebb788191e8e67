import { z } from 'zod';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { basicAuth, expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, issueBean } from './responses';
import { describeConformance } from './spec-gate';

/**
 * Issue links and link types, project components and versions, and the issue fields they show in
 * (`issuelinks`, `components`, `fixVersions`, `parent`, `subtasks`). `IssueBean.fields` is free in the
 * spec, so each field's entries are also checked against the spec's component for them (IssueLinkType,
 * LinkedIssue, ProjectComponent, Version); an `issuelinks` entry has only one end, so it is checked
 * part by part, not as an IssueLink (which requires both).
 */

const linkTypes = z.object({ issueLinkTypes: z.array(z.object({ id: z.string(), name: z.string(), inward: z.string(), outward: z.string(), self: z.url() })) });
const linkedIssue = z.object({ id: z.string(), key: z.string(), self: z.url(), fields: z.object({ summary: z.string(), status: z.object({ name: z.string() }), issuetype: z.object({ name: z.string() }) }) });
const linkEntry = z.object({ id: z.string(), self: z.url(), type: z.object({ id: z.string(), name: z.string() }), inwardIssue: linkedIssue.optional(), outwardIssue: linkedIssue.optional() });
const fullLink = z.object({ id: z.string(), self: z.url(), type: z.object({ name: z.string() }), inwardIssue: linkedIssue, outwardIssue: linkedIssue });
const componentShape = z.object({ self: z.url(), id: z.string(), name: z.string(), assigneeType: z.string(), realAssigneeType: z.string(), isAssigneeTypeValid: z.boolean(), project: z.string(), projectId: z.number().int() });
const versionShape = z.object({ self: z.url(), id: z.string(), name: z.string(), archived: z.boolean(), released: z.boolean(), projectId: z.number().int() });

describeConformance('issue links, components and versions', (spec) => {
  const site = useSite(spec);
  const asUser = (): JiraProbe => site.probeAs(basicAuth(site.running.site.user.email, site.running.site.user.apiToken));

  const create = async (fields: Record<string, unknown> = {}): Promise<{ id: string; key: string }> => {
    const res = await site.jira.post('/rest/api/3/issue', { fields: issueFields(fields) });
    expectConforming(res, 201);
    return createdIssue.parse(res.body);
  };
  const fieldsOf = async (key: string, fields: string): Promise<Record<string, unknown>> => {
    const res = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields } });
    expectConforming(res, 200);
    return issueBean.parse(res.body).fields;
  };
  /** the spec's component for each part of an `issuelinks` entry */
  const linkEntryProblems = (entry: z.infer<typeof linkEntry>): string[] => [
    ...spec.validateComponent('IssueLinkType', entry.type),
    ...[entry.inwardIssue, entry.outwardIssue].flatMap((end) => (end === undefined ? [] : spec.validateComponent('LinkedIssue', end))),
  ];

  describe('issue link types', () => {
    it('lists the seeded types and gets one; 400 for an id that is not a number, 404 for an unknown one', async () => {
      const res = await site.jira.get('/rest/api/3/issueLinkType');
      expectConforming(res, 200);
      expect(linkTypes.parse(res.body).issueLinkTypes.map((t) => t.name)).toEqual(['Blocks', 'Cloners', 'Duplicate', 'Relates']);
      const one = await site.jira.get('/rest/api/3/issueLinkType/10000');
      expectConforming(one, 200);
      expect(one.body).toMatchObject({ name: 'Blocks', inward: 'is blocked by', outward: 'blocks' });
      expectConforming(await site.jira.get('/rest/api/3/issueLinkType/blocks'), 400);
      expectConforming(await site.jira.get('/rest/api/3/issueLinkType/99'), 404);
    });
  });

  describe('issue links', () => {
    it('links two issues (201, no body), shows the link on both and by id, then deletes it (204)', async () => {
      const a = await create({ summary: 'blocker' });
      const b = await create({ summary: 'blocked' });
      const res = await site.jira.post('/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } });
      expectConforming(res, 201);
      expect(res.raw).toBe('');

      const onA = z.array(linkEntry).parse((await fieldsOf(a.key, 'issuelinks')).issuelinks);
      const onB = z.array(linkEntry).parse((await fieldsOf(b.key, 'issuelinks')).issuelinks);
      expect(onA).toHaveLength(1);
      expect(onA[0]?.outwardIssue?.key).toBe(b.key);
      expect(onB[0]?.inwardIssue?.key).toBe(a.key);
      for (const entry of [...onA, ...onB]) expect(linkEntryProblems(entry)).toEqual([]);

      const id = onA[0]?.id ?? '';
      const got = await site.jira.get(`/rest/api/3/issueLink/${id}`);
      expectConforming(got, 200);
      expect(fullLink.parse(got.body)).toMatchObject({ id, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } });

      const log = await site.jira.get(`/rest/api/3/issue/${a.key}/changelog`);
      expectConforming(log, 200);
      expect(log.body).toMatchObject({ values: [{ items: [{ field: 'Link', to: b.key, toString: `This issue blocks ${b.key}` }] }] });

      expectConforming(await site.jira.delete(`/rest/api/3/issueLink/${id}`), 204);
      expectConforming(await site.jira.get(`/rest/api/3/issueLink/${id}`), 404);
      expectConforming(await site.jira.delete(`/rest/api/3/issueLink/${id}`), 404);
      expect((await fieldsOf(b.key, 'issuelinks')).issuelinks).toEqual([]);
    });

    it('answers 201 to the same link again without making a second one, and adds its comment to the outward issue', async () => {
      const a = await create();
      const b = await create();
      const body = { type: { id: '10003' }, inwardIssue: { id: a.id }, outwardIssue: { id: b.id } };
      expectConforming(await site.jira.post('/rest/api/3/issueLink', body), 201);
      expectConforming(await site.jira.post('/rest/api/3/issueLink', { ...body, comment: { body: adf('see the other one') } }), 201);
      expect((await fieldsOf(a.key, 'issuelinks')).issuelinks).toHaveLength(1);
      const comments = await site.jira.get(`/rest/api/3/issue/${b.key}/comment`);
      expectConforming(comments, 200);
      expect(comments.body).toMatchObject({ total: 1, comments: [{ body: adf('see the other one') }] });
    });

    it.each<[string, Record<string, unknown>, number]>([
      ['an unknown link type', { type: { name: 'Nope' } }, 404],
      ['an unknown issue', { outwardIssue: { key: 'INT-999999' } }, 404],
      ['a comment that is not ADF', { comment: { body: 'plain' } }, 400],
      ['no type', { type: {} }, 400],
    ])('refuses %s and links nothing', async (_name, override, status) => {
      const a = await create();
      const b = await create();
      expectConforming(await site.jira.post('/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key }, ...override }), status);
      expect((await fieldsOf(a.key, 'issuelinks')).issuelinks).toEqual([]);
    });

    it('answers 400 for a link id that is not a number', async () => {
      expectConforming(await site.jira.get('/rest/api/3/issueLink/abc'), 400);
      expectConforming(await site.jira.delete('/rest/api/3/issueLink/abc'), 400);
    });
  });

  describe('components', () => {
    it('creates (201) a component as the admin, refuses the user (403) and a duplicate name (400), lists and gets it', async () => {
      const res = await site.jira.post('/rest/api/3/component', { project: 'INT', name: 'Backend', description: 'Services', leadAccountId: site.running.site.user.accountId, assigneeType: 'COMPONENT_LEAD' });
      expectConforming(res, 201);
      const c = componentShape.parse(res.body);
      expect(c).toMatchObject({ name: 'Backend', assigneeType: 'COMPONENT_LEAD', realAssigneeType: 'COMPONENT_LEAD', isAssigneeTypeValid: true, project: 'INT' });
      expectConforming(await asUser().post('/rest/api/3/component', { project: 'INT', name: 'Frontend' }), 403);
      expectConforming(await site.jira.post('/rest/api/3/component', { project: 'INT', name: 'backend' }), 400);
      expectConforming(await site.jira.post('/rest/api/3/component', { project: 'INT' }), 400);
      expectConforming(await site.jira.post('/rest/api/3/component', { project: 'NOPE', name: 'X' }), 404);

      const list = await site.jira.get('/rest/api/3/project/INT/components');
      expectConforming(list, 200);
      expect(z.array(componentShape).parse(list.body).map((x) => x.name)).toContain('Backend');
      const got = await site.jira.get(`/rest/api/3/component/${c.id}`);
      expectConforming(got, 200);
      expect(got.body).toMatchObject({ id: c.id, name: 'Backend' });
      expectConforming(await site.jira.get('/rest/api/3/component/999999'), 404);
      expectConforming(await site.jira.get('/rest/api/3/project/NOPE/components'), 404);
    });
  });

  describe('versions', () => {
    it('creates (201) a version as the admin, refuses the user (404: the only refusal declared) and a duplicate (400), lists and gets it', async () => {
      const res = await site.jira.post('/rest/api/3/version', { projectId: 10000, name: 'v1', description: 'First', releaseDate: '2030-01-31', released: false });
      expectConforming(res, 201);
      const v = versionShape.parse(res.body);
      expect(res.body).toMatchObject({ name: 'v1', releaseDate: '2030-01-31', userReleaseDate: '31/Jan/2030', overdue: false });
      expectConforming(await asUser().post('/rest/api/3/version', { projectId: 10000, name: 'v2' }), 404);
      expectConforming(await site.jira.post('/rest/api/3/version', { projectId: 10000, name: 'V1' }), 400);
      expectConforming(await site.jira.post('/rest/api/3/version', { projectId: 10000, name: 'v3', releaseDate: '31/Jan/2030' }), 400);
      expectConforming(await site.jira.post('/rest/api/3/version', { projectId: 999, name: 'v3' }), 404);

      const list = await site.jira.get('/rest/api/3/project/INT/versions');
      expectConforming(list, 200);
      expect(z.array(versionShape).parse(list.body).map((x) => x.name)).toContain('v1');
      const got = await site.jira.get(`/rest/api/3/version/${v.id}`);
      expectConforming(got, 200);
      expect(got.body).toMatchObject({ id: v.id, name: 'v1', projectId: 10000 });
      expectConforming(await site.jira.get('/rest/api/3/version/999999'), 404);
      expectConforming(await site.jira.get('/rest/api/3/project/NOPE/versions'), 404);
    });
  });

  describe('the issue fields', () => {
    it('sets components and fix versions on create and edit, renders them as Jira does, and refuses unknown ones naming the field', async () => {
      expectConforming(await site.jira.post('/rest/api/3/component', { project: 'INT', name: 'Fields UI' }), 201);
      expectConforming(await site.jira.post('/rest/api/3/version', { projectId: 10000, name: 'fields-1' }), 201);
      const issue = await create({ components: [{ name: 'Fields UI' }], fixVersions: [{ name: 'fields-1' }] });
      const fields = await fieldsOf(issue.key, 'components,fixVersions');
      const components = z.array(z.object({ self: z.url(), id: z.string(), name: z.string() })).parse(fields.components);
      const versions = z.array(z.object({ self: z.url(), id: z.string(), name: z.string(), archived: z.boolean(), released: z.boolean() })).parse(fields.fixVersions);
      expect(components.map((c) => c.name)).toEqual(['Fields UI']);
      expect(versions.map((v) => v.name)).toEqual(['fields-1']);
      for (const c of components) expect(spec.validateComponent('ProjectComponent', c)).toEqual([]);
      for (const v of versions) expect(spec.validateComponent('Version', v)).toEqual([]);

      expectConforming(await site.jira.put(`/rest/api/3/issue/${issue.key}`, { update: { components: [{ remove: { name: 'Fields UI' } }] } }), 204);
      expect((await fieldsOf(issue.key, 'components')).components).toEqual([]);

      const refused = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ components: [{ name: 'Nope' }] }) });
      expectConforming(refused, 400);
      expect(refused.body).toEqual({ errorMessages: [], errors: { components: "Component name 'Nope' is not valid" } });
      const refusedVersion = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ fixVersions: [{ id: '999999' }] }) });
      expectConforming(refusedVersion, 400);
      expect(refusedVersion.body).toMatchObject({ errors: { fixVersions: "Version id '999999' is not valid" } });
    });

    it('renders parent and subtasks, and moves a story to another epic with an IssueParentAssociation history item', async () => {
      const epic1 = await create({ issuetype: { name: 'Epic' }, summary: 'epic one' });
      const epic2 = await create({ issuetype: { name: 'Epic' }, summary: 'epic two' });
      const story = await create({ issuetype: { name: 'Story' }, parent: { key: epic1.key } });
      const sub = await create({ issuetype: { name: 'Sub-task' }, parent: { key: story.key } });
      const fields = await fieldsOf(story.key, 'parent,subtasks');
      expect(linkedIssue.parse(fields.parent)).toMatchObject({ id: epic1.id, key: epic1.key, fields: { summary: 'epic one' } });
      expect(z.array(linkedIssue).parse(fields.subtasks).map((s) => s.key)).toEqual([sub.key]);
      expect(spec.validateComponent('LinkedIssue', fields.parent)).toEqual([]);

      expectConforming(await site.jira.put(`/rest/api/3/issue/${story.key}`, { fields: { parent: { key: epic2.key } } }), 204);
      const log = await site.jira.get(`/rest/api/3/issue/${story.key}/changelog`);
      expectConforming(log, 200);
      expect(log.body).toMatchObject({ values: [{ items: [{ field: 'IssueParentAssociation', from: epic1.id, fromString: epic1.key, to: epic2.id, toString: epic2.key }] }] });
    });

    it('lists components, fixVersions, issuelinks, parent and subtasks in GET /field, and the project shows its components and versions', async () => {
      const res = await site.jira.get('/rest/api/3/field');
      expectConforming(res, 200);
      const fields = z.array(z.object({ id: z.string(), name: z.string(), custom: z.boolean(), schema: z.object({ type: z.string(), items: z.string().optional(), system: z.string().optional() }).optional() })).parse(res.body);
      const byId = new Map(fields.map((f) => [f.id, f]));
      expect(byId.get('components')).toMatchObject({ name: 'Components', custom: false, schema: { type: 'array', items: 'component', system: 'components' } });
      expect(byId.get('fixVersions')).toMatchObject({ name: 'Fix versions', schema: { type: 'array', items: 'version', system: 'fixVersions' } });
      expect(byId.get('issuelinks')).toMatchObject({ name: 'Linked Issues', schema: { type: 'array', items: 'issuelinks', system: 'issuelinks' } });
      expect(byId.get('subtasks')).toMatchObject({ name: 'Sub-tasks', schema: { type: 'array', items: 'issuelinks', system: 'subtasks' } });
      expect(byId.has('parent')).toBe(true);

      expectConforming(await site.jira.post('/rest/api/3/component', { project: 'INT', name: 'Project view' }), 201);
      const project = await site.jira.get('/rest/api/3/project/INT');
      expectConforming(project, 200);
      expect(project.body).toMatchObject({ components: expect.arrayContaining([expect.objectContaining({ name: 'Project view' })]), versions: expect.any(Array) });
    });
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every link, link type, component and version operation against the spec', () => {
    expect(uncheckedOperations(spec, [
      'getIssueLinkTypes', 'getIssueLinkType', 'linkIssues', 'getIssueLink', 'deleteIssueLink',
      'getProjectComponents', 'createComponent', 'getComponent', 'getProjectVersions', 'createVersion', 'getVersion', 'getProject',
    ])).toEqual([]);
  });
});
