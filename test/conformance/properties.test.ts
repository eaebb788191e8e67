import { z } from 'zod';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, entityProperty, errorCollection, propertyKeys } from './responses';
import { describeConformance } from './spec-gate';

/** Issue entity properties: list, get, set (create and update), delete. */

async function createIssue(jira: JiraProbe): Promise<string> {
  const res = await jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'with properties' }) });
  expectConforming(res, 201);
  return createdIssue.parse(res.body).key;
}

describeConformance('issue properties', (spec) => {
  const site = useSite(spec);

  it('sets (201), updates (200), lists, gets and deletes a property', async () => {
    const key = await createIssue(site.jira);
    const base = `/rest/api/3/issue/${key}/properties`;

    const empty = await site.jira.get(base);
    expectConforming(empty, 200);
    expect(propertyKeys.parse(empty.body).keys).toEqual([]);

    expectConforming(await site.jira.put(`${base}/twinSync.origin`, { connectionId: 'c-1', remoteIssueId: '1' }), 201);
    expectConforming(await site.jira.put(`${base}/twinSync.origin`, { connectionId: 'c-1', remoteIssueId: '2' }), 200);
    expectConforming(await site.jira.put(`${base}/other`, [1, 'two', null]), 201);

    const listed = await site.jira.get(base);
    expectConforming(listed, 200);
    const keys = propertyKeys.parse(listed.body).keys;
    expect(keys.map((k) => k.key).sort()).toEqual(['other', 'twinSync.origin']);
    // Jira links a property through the issue's id or key
    const issue = z.object({ id: z.string() }).parse((await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'summary' } })).body);
    for (const k of keys) expect([`${base}/${k.key}`, `/rest/api/3/issue/${issue.id}/properties/${k.key}`]).toContain(new URL(k.self).pathname);

    const got = await site.jira.get(`${base}/twinSync.origin`);
    expectConforming(got, 200);
    expect(entityProperty.parse(got.body)).toEqual({ key: 'twinSync.origin', value: { connectionId: 'c-1', remoteIssueId: '2' } });
    expect(entityProperty.parse((await site.jira.get(`${base}/other`)).body).value).toEqual([1, 'two', null]);

    expectConforming(await site.jira.delete(`${base}/twinSync.origin`), 204);
    expectConforming(await site.jira.get(`${base}/twinSync.origin`), 404);
    expect(propertyKeys.parse((await site.jira.get(base)).body).keys.map((k) => k.key)).toEqual(['other']);
  });

  it.each([
    ['a string', 'text'],
    ['a number', 42],
    ['true', true],
  ])('stores %s as a property value', async (_name, value) => {
    const key = await createIssue(site.jira);
    expectConforming(await site.jira.put(`/rest/api/3/issue/${key}/properties/p`, value), 201);
    expect(entityProperty.parse((await site.jira.get(`/rest/api/3/issue/${key}/properties/p`)).body).value).toEqual(value);
  });

  it('refuses a value that is not JSON and stores nothing', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.send('PUT', `/rest/api/3/issue/${key}/properties/broken`, { rawBody: '{not json' });
    expectConforming(res, 400);
    expect(errorCollection.parse(res.body).errorMessages.length + Object.keys(errorCollection.parse(res.body).errors).length).toBeGreaterThan(0);
    expectConforming(await site.jira.get(`/rest/api/3/issue/${key}/properties/broken`), 404);
  });

  it('answers 404 for a property that does not exist', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.get(`/rest/api/3/issue/${key}/properties/absent`);
    expectConforming(res, 404);
    expectConforming(await site.jira.delete(`/rest/api/3/issue/${key}/properties/absent`), 404);
  });

  it.each([
    ['GET', '/rest/api/3/issue/INT-999999/properties'],
    ['GET', '/rest/api/3/issue/INT-999999/properties/p'],
    ['PUT', '/rest/api/3/issue/INT-999999/properties/p'],
    ['DELETE', '/rest/api/3/issue/INT-999999/properties/p'],
  ])('answers 404 to %s %s (unknown issue)', async (method, path) => {
    expectConforming(await site.jira.send(method, path, method === 'PUT' ? { json: { a: 1 } } : {}), 404);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every property operation against the spec', () => {
    expect(uncheckedOperations(spec, ['getIssuePropertyKeys', 'getIssueProperty', 'setIssueProperty', 'deleteIssueProperty'])).toEqual([]);
  });
});
