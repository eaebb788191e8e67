import { z } from 'zod';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue } from './responses';
import { describeConformance } from './spec-gate';

/** Remote issue links: create-or-update by globalId, list, get, update, delete by id and by globalId. */

const identifies = z.object({ id: z.number().int(), self: z.url() });
const remoteLink = z.object({
  id: z.number().int(),
  self: z.url(),
  globalId: z.string().optional(),
  relationship: z.string().optional(),
  object: z.object({ url: z.string(), title: z.string(), summary: z.string().optional() }),
});

function link(globalId: string, title: string): Record<string, unknown> {
  return { globalId, relationship: 'synced with', object: { url: `https://external.example/browse/${title}`, title, summary: `twin of ${title}` } };
}

async function createIssue(jira: JiraProbe): Promise<string> {
  const res = await jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'linked' }) });
  expectConforming(res, 201);
  return createdIssue.parse(res.body).key;
}

describeConformance('remote issue links', (spec) => {
  const site = useSite(spec);

  it('creates (201), then updates by the same globalId (200), keeping the id', async () => {
    const key = await createIssue(site.jira);
    const first = await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, link('twin=CLOUD-1', 'CLOUD-1'));
    expectConforming(first, 201);
    const created = identifies.parse(first.body);
    expect(new URL(created.self).pathname).toMatch(new RegExp(`/rest/api/3/issue/[^/]+/remotelink/${created.id}$`));

    const again = await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, link('twin=CLOUD-1', 'CLOUD-1 renamed'));
    expectConforming(again, 200);
    expect(identifies.parse(again.body).id).toBe(created.id);

    const listed = await site.jira.get(`/rest/api/3/issue/${key}/remotelink`);
    expectConforming(listed, 200);
    const links = z.array(remoteLink).parse(listed.body);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ id: created.id, globalId: 'twin=CLOUD-1', relationship: 'synced with', object: { title: 'CLOUD-1 renamed' } });
  });

  it('gets, updates and deletes a link by id', async () => {
    const key = await createIssue(site.jira);
    const { id } = identifies.parse((await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, link('g-1', 'ONE'))).body);

    const got = await site.jira.get(`/rest/api/3/issue/${key}/remotelink/${id}`);
    expectConforming(got, 200);
    expect(remoteLink.parse(got.body).object.title).toBe('ONE');

    const updated = await site.jira.put(`/rest/api/3/issue/${key}/remotelink/${id}`, link('g-1', 'ONE v2'));
    expectConforming(updated, 204);
    expect(remoteLink.parse((await site.jira.get(`/rest/api/3/issue/${key}/remotelink/${id}`)).body).object.title).toBe('ONE v2');

    expectConforming(await site.jira.delete(`/rest/api/3/issue/${key}/remotelink/${id}`), 204);
    expectConforming(await site.jira.get(`/rest/api/3/issue/${key}/remotelink/${id}`), 404);
  });

  it('deletes a link by globalId and leaves the others', async () => {
    const key = await createIssue(site.jira);
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, link('keep', 'KEEP')), 201);
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, link('drop', 'DROP')), 201);
    expectConforming(await site.jira.delete(`/rest/api/3/issue/${key}/remotelink`, { query: { globalId: 'drop' } }), 204);
    const links = z.array(remoteLink).parse((await site.jira.get(`/rest/api/3/issue/${key}/remotelink`)).body);
    expect(links.map((l) => l.globalId)).toEqual(['keep']);
  });

  it('refuses a link without an object (url and title) and stores nothing', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.post(`/rest/api/3/issue/${key}/remotelink`, { globalId: 'broken' });
    expectConforming(res, 400);
    expect(z.array(z.unknown()).parse((await site.jira.get(`/rest/api/3/issue/${key}/remotelink`)).body)).toEqual([]);
  });

  it.each([
    ['GET', '/rest/api/3/issue/INT-999999/remotelink'],
    ['POST', '/rest/api/3/issue/INT-999999/remotelink'],
  ])('answers 404 to %s %s (unknown issue)', async (method, path) => {
    expectConforming(await site.jira.send(method, path, method === 'POST' ? { json: link('x', 'X') } : {}), 404);
  });

  it('answers 404 for an unknown link id', async () => {
    const key = await createIssue(site.jira);
    expectConforming(await site.jira.get(`/rest/api/3/issue/${key}/remotelink/999999`), 404);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every remote link operation against the spec', () => {
    expect(
      uncheckedOperations(spec, ['createOrUpdateRemoteIssueLink', 'getRemoteIssueLinks', 'getRemoteIssueLinkById', 'updateRemoteIssueLink', 'deleteRemoteIssueLinkById', 'deleteRemoteIssueLinkByGlobalId']),
    ).toEqual([]);
  });
});
