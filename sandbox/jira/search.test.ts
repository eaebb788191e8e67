import { z } from 'zod';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

const page = z.object({
  issues: z.array(z.object({ id: z.string(), key: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() })),
  nextPageToken: z.string().optional(),
  isLast: z.boolean(),
});

describe('JQL search', () => {
  let h: SiteHarness;
  const keys: string[] = [];

  beforeAll(async () => {
    h = await startSite({ searchIndexLagMs: 0, rateLimits: false }); // JQL semantics; the index lag and the rate limits have their own tests
    const issueUpdates = Array.from({ length: 12 }, (_, i) => ({
      fields: { project: { key: 'INT' }, issuetype: { name: i % 2 === 0 ? 'Task' : 'Bug' }, summary: `Issue number ${i + 1}`, labels: i < 3 ? ['alpha'] : [] },
      ...(i === 4 ? { properties: [{ key: 'twinSync.origin', value: { connectionId: 'c1', remoteIssueId: '77' } }] } : {}),
    }));
    const r = await h.call('POST', '/rest/api/3/issue/bulk', { issueUpdates });
    expect(r.status).toBe(201);
    keys.push(...z.object({ issues: z.array(z.object({ key: z.string() })) }).parse(r.body).issues.map((i) => i.key));
    await h.call('PUT', '/rest/api/3/issue/INT-2', { fields: { customfield_10000: 'CLOUD-2' } });
    await h.call('POST', '/rest/api/3/issue/INT-3/comment', { body: adf('a needle in a comment') });
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each(['GET', 'POST'])('%s pages with nextPageToken in ORDER BY order, without gaps or repeats', async (method) => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const jql = 'project = "INT" ORDER BY key ASC';
      const r = method === 'GET'
        ? await h.call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&maxResults=5&fields=summary${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`)
        : await h.call('POST', '/rest/api/3/search/jql', { jql, maxResults: 5, fields: ['summary'], ...(token ? { nextPageToken: token } : {}) });
      expect(r.status).toBe(200);
      const p = page.parse(r.body);
      pages += 1;
      seen.push(...p.issues.map((i) => i.key ?? '?'));
      expect(p.isLast).toBe(p.nextPageToken === undefined);
      token = p.nextPageToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('returns ids only by default and the asked fields otherwise', async () => {
    const ids = page.parse((await h.call('GET', '/rest/api/3/search/jql?jql=key%3DINT-1')).body);
    expect(ids.issues).toEqual([{ id: expect.any(String) }]);
    const key = page.parse((await h.call('GET', '/rest/api/3/search/jql?jql=key%3DINT-1&fields=key')).body);
    expect(key.issues).toMatchObject([{ key: 'INT-1', fields: {} }]);
    const some = page.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: 'key = INT-1', fields: ['summary', 'status'] })).body);
    expect(Object.keys(some.issues[0]?.fields ?? {}).sort()).toEqual(['status', 'summary']);
  });

  it.each([
    ['labels = alpha', 3],
    ['issuetype = Bug', 6],
    ['summary ~ "number"', 12],
    ['text ~ needle', 1],
    ['issue.property[twinSync.origin].remoteIssueId = "77"', 1],
    ['"Remote issue key" = CLOUD-2', 1],
    ['cf[10000] is EMPTY', 11],
  ])('finds %s', async (jql, count) => {
    const r = await h.call('POST', '/rest/api/3/search/approximate-count', { jql });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ count });
  });

  it('sees edits, new comments and deletions at once without an index lag', async () => {
    await h.call('PUT', '/rest/api/3/issue/INT-12', { update: { labels: [{ add: 'late' }] } });
    expect((await h.call('POST', '/rest/api/3/search/approximate-count', { jql: 'labels = late' })).body).toEqual({ count: 1 });
    await h.call('DELETE', '/rest/api/3/issue/INT-12');
    expect((await h.call('POST', '/rest/api/3/search/approximate-count', { jql: 'labels = late' })).body).toEqual({ count: 0 });
  });

  it.each([
    ['malformed JQL', 'project = = INT'],
    ['unbalanced parenthesis', '(project = "INT"'],
    ['an unknown project', 'project = NOPE'],
    ['an unknown field', 'flavour = vanilla'],
  ])('answers 400 with the parser\'s message for %s', async (_name, jql) => {
    for (const r of [
      await h.call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}`),
      await h.call('POST', '/rest/api/3/search/jql', { jql }),
      await h.call('POST', '/rest/api/3/search/approximate-count', { jql }),
    ]) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ errorMessages: [expect.stringMatching(/.{10,}/)], errors: {} });
    }
    const parsed = await h.call('POST', '/rest/api/3/jql/parse', { queries: [jql, 'project = "INT"'] });
    expect(parsed.body).toEqual({ queries: [{ query: jql, errors: [expect.any(String)] }, { query: 'project = "INT"' }] });
  });

  it('refuses a nextPageToken from another query', async () => {
    const first = page.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT"', maxResults: 1 })).body);
    expect(first.nextPageToken).toBeDefined();
    const r = await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT" AND labels = alpha', nextPageToken: first.nextPageToken });
    expect(r.status).toBe(400);
  });
});
