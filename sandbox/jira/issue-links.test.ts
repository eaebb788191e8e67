import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { JiraIssueLinkProductEvent, JiraProductEvent } from './contract';
import { JiraSite } from './site';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

const created = z.object({ id: z.string(), key: z.string() });
const linkTypes = z.object({ issueLinkTypes: z.array(z.object({ id: z.string(), name: z.string(), inward: z.string(), outward: z.string(), self: z.string() })) });
const linkField = z.array(z.object({
  id: z.string(), self: z.string(), type: z.object({ name: z.string() }),
  inwardIssue: z.object({ key: z.string() }).optional(), outwardIssue: z.object({ key: z.string() }).optional(),
}));
const changelog = z.object({ values: z.array(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) });

function isLinkEvent(e: JiraProductEvent): e is JiraIssueLinkProductEvent {
  return e.eventType === 'avi:jira:created:issuelink' || e.eventType === 'avi:jira:deleted:issuelink';
}

describe('issue links', () => {
  let h: SiteHarness;
  const now = Date.parse('2026-03-02T10:00:00Z');
  let clock = now;
  beforeEach(async () => {
    clock = now;
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0, now: () => clock });
  });
  afterEach(async () => {
    await h.stop();
  });

  const createIssue = async (summary: string): Promise<{ id: string; key: string }> => {
    const res = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary } });
    expect(res.status).toBe(201);
    return created.parse(res.body);
  };
  const links = async (key: string): Promise<z.infer<typeof linkField>> => {
    const res = await h.call('GET', `/rest/api/3/issue/${key}?fields=issuelinks`);
    return linkField.parse(z.object({ fields: z.object({ issuelinks: z.unknown() }) }).parse(res.body).fields.issuelinks);
  };
  const link = (inward: string, outward: string, type: Record<string, unknown> = { name: 'Blocks' }, extra: Record<string, unknown> = {}): Promise<{ status: number; text: string; body: unknown }> =>
    h.call('POST', '/rest/api/3/issueLink', { type, inwardIssue: { key: inward }, outwardIssue: { key: outward }, ...extra });
  const updatedOf = async (key: string): Promise<unknown> => z.object({ fields: z.object({ updated: z.string() }) }).parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=updated`)).body).fields.updated;

  it("lists Jira Cloud's default link types and gets one by id", async () => {
    const res = await h.call('GET', '/rest/api/3/issueLinkType');
    expect(res.status).toBe(200);
    expect(linkTypes.parse(res.body).issueLinkTypes.map((t) => [t.id, t.name, t.outward, t.inward])).toEqual([
      ['10000', 'Blocks', 'blocks', 'is blocked by'],
      ['10001', 'Cloners', 'clones', 'is cloned by'],
      ['10002', 'Duplicate', 'duplicates', 'is duplicated by'],
      ['10003', 'Relates', 'relates to', 'relates to'],
    ]);
    expect((await h.call('GET', '/rest/api/3/issueLinkType/10002')).body).toEqual({
      id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates', self: `${h.baseUrl}/rest/api/3/issueLinkType/10002`,
    });
    expect((await h.call('GET', '/rest/api/3/issueLinkType/99')).status).toBe(404);
    expect((await h.call('GET', '/rest/api/3/issueLinkType/blocks')).status).toBe(400);
  });

  it('links two issues: 201 without a body, both issues show the link, each issue gets a Link history item, only the link event fires', async () => {
    const a = await createIssue('blocker');
    const b = await createIssue('blocked');
    await h.eventsReached(2);
    clock += 60_000;
    const res = await link(a.key, b.key);
    expect(res.status).toBe(201);
    expect(res.text).toBe('');

    const onA = await links(a.key);
    const onB = await links(b.key);
    expect(onA).toEqual([expect.objectContaining({ type: expect.objectContaining({ name: 'Blocks' }), outwardIssue: expect.objectContaining({ key: b.key }) })]);
    expect(onA[0]?.inwardIssue).toBeUndefined();
    expect(onB).toEqual([expect.objectContaining({ inwardIssue: expect.objectContaining({ key: a.key }) })]);
    const id = onA[0]?.id ?? '';
    expect(onB[0]?.id).toBe(id);
    expect(onA[0]?.self).toBe(`${h.baseUrl}/rest/api/3/issueLink/${id}`);

    const got = await h.call('GET', `/rest/api/3/issueLink/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id, type: { id: '10000', name: 'Blocks' },
      inwardIssue: { id: a.id, key: a.key, fields: { summary: 'blocker', status: { name: 'Open' }, issuetype: { name: 'Task' }, priority: { name: 'Medium' } } },
      outwardIssue: { id: b.id, key: b.key, fields: { summary: 'blocked' } },
    });

    const items = async (key: string): Promise<unknown[]> => changelog.parse((await h.call('GET', `/rest/api/3/issue/${key}/changelog`)).body).values.flatMap((v) => v.items);
    expect(await items(a.key)).toEqual([{ field: 'Link', fieldId: 'issuelinks', fieldtype: 'jira', from: null, fromString: null, to: b.key, toString: `This issue blocks ${b.key}` }]);
    expect(await items(b.key)).toEqual([{ field: 'Link', fieldId: 'issuelinks', fieldtype: 'jira', from: null, fromString: null, to: a.key, toString: `This issue is blocked by ${a.key}` }]);

    const events = await h.eventsReached(3);
    expect(events[2]).toEqual({
      eventType: 'avi:jira:created:issuelink', id, sourceIssueId: a.id, destinationIssueId: b.id, sourceProjectId: '10000', destinationProjectId: '10000',
      issueLinkType: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }, timestamp: new Date(clock).toISOString(), journalSeq: 3,
    });
    // neither issue's `updated` moved (README: the harsher reading)
    expect(await updatedOf(a.key)).toBe('2026-03-02T10:00:00.000+0000');
    expect(await updatedOf(b.key)).toBe('2026-03-02T10:00:00.000+0000');
    // a later event shows no avi:jira:updated:issue came in between
    await h.call('PUT', `/rest/api/3/issue/${a.key}`, { fields: { summary: 'later' } });
    expect((await h.eventsReached(4)).map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:created:issue', 'avi:jira:created:issuelink', 'avi:jira:updated:issue']);
  });

  it('links by ids and by type id, and does not make the same link twice (201, no event); its comment goes to the outward issue', async () => {
    const a = await createIssue('one');
    const b = await createIssue('two');
    const byIds = await h.call('POST', '/rest/api/3/issueLink', { type: { id: '10003' }, inwardIssue: { id: a.id }, outwardIssue: { id: b.id } });
    expect(byIds.status).toBe(201);
    await h.eventsReached(3);
    clock += 60_000;
    const again = await link(a.key, b.key, { name: 'Relates' }, { comment: { body: adf('related, as said') } });
    expect(again.status).toBe(201);
    expect(await links(a.key)).toHaveLength(1);
    const events = await h.eventsReached(4);
    expect(events[3]).toMatchObject({ eventType: 'avi:jira:commented:issue', issue: { key: b.key }, comment: { body: adf('related, as said') } });
    expect(await updatedOf(b.key)).toBe('2026-03-02T10:01:00.000+0000');
    expect(await updatedOf(a.key)).toBe('2026-03-02T10:00:00.000+0000');
    // the other direction is another link
    expect((await link(b.key, a.key, { name: 'Relates' })).status).toBe(201);
    expect(await links(a.key)).toHaveLength(2);
    expect((await h.eventsReached(5)).filter(isLinkEvent)).toHaveLength(2);
  });

  it.each<[string, () => Record<string, unknown>, number, RegExp]>([
    ['an unknown link type name', () => ({ type: { name: 'blocks' } }), 404, /No issue link type with name 'blocks' found/],
    ['an unknown link type id', () => ({ type: { id: '999' } }), 404, /No issue link type with id '999' found/],
    ['no link type', () => ({ type: {} }), 400, /needs an id or a name/],
    ['an unknown issue', () => ({ outwardIssue: { key: 'INT-999' } }), 404, /Issue does not exist/],
    ['an issue linked to itself', () => ({ outwardIssue: { key: 'INT-1' } }), 400, /itself/],
    ['a comment that is not ADF', () => ({ comment: { body: 'plain text' } }), 400, /Atlassian Document/],
    ['no outward issue', () => ({ outwardIssue: undefined }), 400, /Invalid request payload/],
  ])('refuses %s and changes nothing', async (_name, override, status, message) => {
    await createIssue('one');
    await createIssue('two');
    const res = await h.call('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key: 'INT-1' }, outwardIssue: { key: 'INT-2' }, ...override() });
    expect(res.status).toBe(status);
    expect(res.text).toMatch(message);
    expect(await links('INT-1')).toEqual([]);
    expect((await h.call('GET', '/rest/api/3/issue/INT-2/comment')).body).toMatchObject({ total: 0 });
  });

  it('deletes a link: 204, a Link history item on each issue, avi:jira:deleted:issuelink; 404 after, 400 for a non-number id', async () => {
    const a = await createIssue('one');
    const b = await createIssue('two');
    await link(a.key, b.key, { name: 'Duplicate' });
    const id = (await links(a.key))[0]?.id ?? '';
    expect((await h.call('DELETE', `/rest/api/3/issueLink/${id}`)).status).toBe(204);
    expect(await links(a.key)).toEqual([]);
    expect(await links(b.key)).toEqual([]);
    expect((await h.call('GET', `/rest/api/3/issueLink/${id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/rest/api/3/issueLink/${id}`)).status).toBe(404);
    expect((await h.call('DELETE', '/rest/api/3/issueLink/x1')).status).toBe(400);
    expect((await h.call('GET', '/rest/api/3/issueLink/x1')).status).toBe(400);
    const history = changelog.parse((await h.call('GET', `/rest/api/3/issue/${b.key}/changelog`)).body).values.flatMap((v) => v.items);
    expect(history.at(-1)).toEqual({ field: 'Link', fieldId: 'issuelinks', fieldtype: 'jira', from: a.key, fromString: `This issue is duplicated by ${a.key}`, to: null, toString: null });
    const events = await h.eventsReached(4);
    expect(events[3]).toMatchObject({ eventType: 'avi:jira:deleted:issuelink', id, sourceIssueId: a.id, destinationIssueId: b.id, issueLinkType: { name: 'Duplicate' } });
  });

  it('deletes the links of a deleted issue, without link events or history on the other issue', async () => {
    const a = await createIssue('one');
    const b = await createIssue('two');
    await link(a.key, b.key);
    const id = (await links(a.key))[0]?.id ?? '';
    expect((await h.call('DELETE', `/rest/api/3/issue/${a.key}`)).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/issueLink/${id}`)).status).toBe(404);
    expect(await links(b.key)).toEqual([]);
    const events = await h.eventsReached(4);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:created:issue', 'avi:jira:created:issuelink', 'avi:jira:deleted:issue']);
    expect(changelog.parse((await h.call('GET', `/rest/api/3/issue/${b.key}/changelog`)).body).values).toHaveLength(1);
  });

  it('lets app accounts link (Link Issues) and refuses issuelinks in update (the docs show no such operation)', async () => {
    const app = h.site.createAppAccount('Twin Sync');
    await createIssue('one');
    await createIssue('two');
    const res = await h.call('POST', '/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: 'INT-1' }, outwardIssue: { key: 'INT-2' } }, { as: app });
    expect(res.status).toBe(201);
    const events = await h.eventsReached(3);
    expect(events[2]).not.toHaveProperty('atlassianId');
    const edit = await h.call('PUT', '/rest/api/3/issue/INT-1', { update: { issuelinks: [{ add: { type: { name: 'Blocks' }, outwardIssue: { key: 'INT-2' } } }] } });
    expect(edit.status).toBe(400);
    expect(edit.body).toMatchObject({ errors: { issuelinks: expect.any(String) } });
  });

  it('lists the link fields in GET /field and names the issuelinks field', async () => {
    const fields = z.array(z.object({ id: z.string(), name: z.string(), schema: z.unknown().optional(), clauseNames: z.array(z.string()) })).parse((await h.call('GET', '/rest/api/3/field')).body);
    expect(fields.find((f) => f.id === 'issuelinks')).toMatchObject({ name: 'Linked Issues', schema: { type: 'array', items: 'issuelinks', system: 'issuelinks' }, clauseNames: ['issueLink'] });
    expect(fields.find((f) => f.id === 'subtasks')).toMatchObject({ schema: { type: 'array', items: 'issuelinks', system: 'subtasks' } });
    await createIssue('one');
    expect((await h.call('GET', '/rest/api/3/issue/INT-1?fields=issuelinks&expand=names')).body).toMatchObject({ names: { issuelinks: 'Linked Issues' }, fields: { issuelinks: [] } });
  });
});

describe('issue link types on every site', () => {
  it('are seeded with seed none and come back on an older file', async () => {
    const bare = JiraSite.create({ name: 'bare', db: ':memory:', seed: 'none', rateLimits: false });
    const url = await bare.listen(0);
    const auth = `Basic ${Buffer.from(`${bare.admin.email}:${bare.admin.apiToken}`).toString('base64')}`;
    const res = await fetch(`${url}/rest/api/3/issueLinkType`, { headers: { authorization: auth } });
    expect(linkTypes.parse(await res.json()).issueLinkTypes).toHaveLength(4);
    await bare.close();

    const dir = mkdtempSync(join(tmpdir(), 'link-types-'));
    try {
      const file = join(dir, 'site.sqlite');
      await JiraSite.create({ name: 'internal', db: file }).close();
      // a file written before link types existed
      const raw = new Database(file);
      raw.exec('DROP TABLE issue_links; DROP TABLE issue_link_types;');
      raw.close();
      const again = JiraSite.create({ name: 'internal', db: file, rateLimits: false });
      const base = await again.listen(0);
      const listed = await fetch(`${base}/rest/api/3/issueLinkType`, { headers: { authorization: `Basic ${Buffer.from(`${again.admin.email}:${again.admin.apiToken}`).toString('base64')}` } });
      expect(linkTypes.parse(await listed.json()).issueLinkTypes.map((t) => t.name)).toEqual(['Blocks', 'Cloners', 'Duplicate', 'Relates']);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
