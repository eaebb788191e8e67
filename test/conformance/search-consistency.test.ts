import { z } from 'zod';
import { DEFAULT_SEARCH_INDEX_LAG_MS } from '../../sandbox/jira/issue-index';
import { JiraSite } from '../../sandbox/jira/site';
import { issueFields } from './issue-input';
import { basicAuth, expectConforming, JiraProbe, type ProbeResponse } from './jira-probe';
import { createdIssue, errorCollection, searchResults } from './responses';
import { describeConformance } from './spec-gate';

/**
 * JQL search right after writes, on a site with its default search index lag: "Recent updates might
 * not be immediately visible in the returned search results. If you need read-after-write consistency,
 * you can utilize the reconcileIssues parameter" (searchAndReconsileIssuesUsingJql and its POST twin;
 * https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/). Every answer is checked
 * against the spec.
 */

const JQL = 'project = "INT" ORDER BY key';

describeConformance('search consistency and reconcileIssues', (spec) => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  let site: JiraSite | null = null;
  let jira: JiraProbe | null = null;
  const failures: string[] = [];
  const ids: number[] = [];
  const keys: string[] = [];
  const probe = (): JiraProbe => {
    if (jira === null) throw new Error('not started');
    return jira;
  };
  const found = (res: ProbeResponse): string[] => {
    expectConforming(res, 200);
    return searchResults.parse(res.body).issues.map((i) => i.key ?? i.id);
  };

  beforeAll(async () => {
    site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default', now: () => now, rateLimits: false });
    const baseUrl = await site.listen(0, '127.0.0.1');
    jira = new JiraProbe(baseUrl, spec, basicAuth(site.admin.email, site.admin.apiToken), (r) => {
      if (!r.check.ok) failures.push(`${r.method} ${r.path} ${r.status}: ${r.check.errors.join('; ')}`);
    });
    for (const summary of ['first', 'second']) {
      const res = await probe().post('/rest/api/3/issue', { fields: issueFields({ summary }) });
      expectConforming(res, 201);
      const issue = createdIssue.parse(res.body);
      ids.push(Number(issue.id));
      keys.push(issue.key);
    }
  });
  afterAll(async () => {
    await site?.close();
  });

  it('does not see the new issues yet, by GET, POST or approximate count; GET issue does', async () => {
    expect(found(await probe().get('/rest/api/3/search/jql', { query: { jql: JQL, fields: 'summary' } }))).toEqual([]);
    expect(found(await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'] }))).toEqual([]);
    const count = await probe().post('/rest/api/3/search/approximate-count', { jql: JQL });
    expectConforming(count, 200);
    expect(count.body).toEqual({ count: 0 });
    expectConforming(await probe().get(`/rest/api/3/issue/${keys[0] ?? ''}`), 200);
  });

  it('sees them with reconcileIssues: POST body, and repeated GET parameters', async () => {
    expect(found(await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'], reconcileIssues: ids }))).toEqual(keys);
    expect(found(await probe().get('/rest/api/3/search/jql', { query: { jql: JQL, fields: 'summary', reconcileIssues: ids.map(String) } }))).toEqual(keys);
    expect(found(await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'], reconcileIssues: ids.slice(1) }))).toEqual(keys.slice(1));
  });

  it('pages a reconciled search with the same list, and refuses more than 50 ids with 400', async () => {
    const first = await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'], maxResults: 1, reconcileIssues: ids });
    expect(found(first)).toEqual(keys.slice(0, 1));
    const token = searchResults.parse(first.body).nextPageToken ?? '';
    expect(found(await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'], maxResults: 1, nextPageToken: token, reconcileIssues: ids }))).toEqual(keys.slice(1));
    const tooMany = await probe().post('/rest/api/3/search/jql', { jql: JQL, reconcileIssues: Array.from({ length: 51 }, (_, i) => 20000 + i) });
    expectConforming(tooMany, 400);
    expect(errorCollection.parse(tooMany.body).errorMessages[0]).toMatch(/at most 50/);
  });

  it('sees them without reconcileIssues once the lag has passed', async () => {
    now += DEFAULT_SEARCH_INDEX_LAG_MS;
    expect(found(await probe().post('/rest/api/3/search/jql', { jql: JQL, fields: ['summary'] }))).toEqual(keys);
    const count = await probe().post('/rest/api/3/search/approximate-count', { jql: JQL });
    expect(z.object({ count: z.number() }).parse(count.body).count).toBe(2);
  });

  it('got only responses that match the spec', () => {
    expect(failures).toEqual([]);
  });
});
