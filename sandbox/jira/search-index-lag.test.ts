import { z } from 'zod';
import { DEFAULT_SEARCH_INDEX_LAG_MS } from './issue-index';
import { startSite, type SiteHarness } from './testing/site-harness';

/** JQL search sees changes one lag later on the site clock; GET issue and reconcileIssues see them at once. */

const T0 = Date.parse('2026-03-02T10:00:00Z');
const LAG = DEFAULT_SEARCH_INDEX_LAG_MS;
const page = z.object({
  issues: z.array(z.object({ id: z.string(), key: z.string().optional(), fields: z.object({ summary: z.string().optional() }).optional() })),
  nextPageToken: z.string().optional(),
  isLast: z.boolean(),
});

describe('the search index lag', () => {
  let h: SiteHarness;
  let now = T0;
  const advance = (ms: number): void => { now += ms; };
  const keys = async (jql: string, reconcileIssues?: number[]): Promise<string[]> => {
    const r = await h.call('POST', '/rest/api/3/search/jql', { jql, fields: ['summary'], ...(reconcileIssues ? { reconcileIssues } : {}) });
    expect(r.status).toBe(200);
    return page.parse(r.body).issues.map((i) => i.key ?? '?');
  };
  const count = async (jql: string): Promise<unknown> => (await h.call('POST', '/rest/api/3/search/approximate-count', { jql })).body;
  const create = async (summary: string): Promise<{ id: string; key: string }> => {
    const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary } });
    return z.object({ id: z.string(), key: z.string() }).parse(r.body);
  };

  beforeEach(async () => {
    now = T0;
    h = await startSite({ now: () => now, rateLimits: false });
  });
  afterEach(() => h.stop());

  it('defaults to one minute (the harsher end of "a few seconds to minutes")', () => {
    expect(LAG).toBe(60_000);
  });

  it.each<[string, number, boolean]>([
    ['at once', 0, false],
    ['a second later', 1_000, false],
    ['just before the lag', LAG - 1, false],
    ['once the lag has passed', LAG, true],
  ])('finds a new issue by JQL %s (+%i ms): %s', async (_when, after, found) => {
    const issue = await create('fresh issue');
    expect((await h.call('GET', `/rest/api/3/issue/${issue.key}`)).status).toBe(200); // GET is always consistent
    advance(after);
    expect(await keys('project = "INT"')).toEqual(found ? [issue.key] : []);
    expect(await count('project = "INT"')).toEqual({ count: found ? 1 : 0 });
  });

  it('matches and shows the old field values of an edited issue until the lag passes', async () => {
    const issue = await create('old summary');
    advance(LAG);
    await h.call('PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: 'new summary' } });
    expect(await keys('summary ~ new')).toEqual([]);
    const stale = page.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: 'summary ~ old', fields: ['summary'] })).body);
    expect(stale.issues.map((i) => i.fields?.summary)).toEqual(['old summary']);
    expect((await h.call('GET', `/rest/api/3/issue/${issue.key}?fields=summary`)).body).toMatchObject({ fields: { summary: 'new summary' } });
    advance(LAG);
    expect(await keys('summary ~ new')).toEqual([issue.key]);
    expect(await keys('summary ~ old')).toEqual([]);
  });

  it('shows each version of an issue edited twice one lag after its own change', async () => {
    const issue = await create('v1');
    advance(LAG);
    await h.call('PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: 'v2' } });
    advance(LAG / 2);
    await h.call('PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: 'v3' } });
    advance(LAG / 2);
    expect(await keys('summary ~ v2')).toEqual([issue.key]);
    advance(LAG / 2);
    expect(await keys('summary ~ v3')).toEqual([issue.key]);
  });

  it('still finds a deleted issue until the lag passes', async () => {
    const issue = await create('doomed');
    advance(LAG);
    expect((await h.call('DELETE', `/rest/api/3/issue/${issue.key}`)).status).toBe(204);
    expect(await keys('summary ~ doomed')).toEqual([issue.key]);
    expect((await h.call('GET', `/rest/api/3/issue/${issue.key}`)).status).toBe(404);
    advance(LAG);
    expect(await keys('summary ~ doomed')).toEqual([]);
  });

  it.each<[string, (ids: { fresh: number; edited: number; gone: number }) => number[], string, string[]]>([
    ['a new issue (the deletion of INT-3, not reconciled, is not seen yet)', (i) => [i.fresh], 'project = "INT" ORDER BY key', ['INT-1', 'INT-2', 'INT-3', 'INT-4']],
    ['an edited issue, with its new values', (i) => [i.edited], 'summary ~ renamed', ['INT-2']],
    ['a deleted issue: gone', (i) => [i.gone], 'project = "INT" ORDER BY key', ['INT-1', 'INT-2']],
    ['only the listed issues: the edit of INT-2 is not seen, the new INT-4 does not match', (i) => [i.fresh], 'summary ~ renamed', []],
    ['all three at once', (i) => [i.fresh, i.edited, i.gone], 'project = "INT" ORDER BY key', ['INT-1', 'INT-2', 'INT-4']],
  ])('reconcileIssues: %s', async (_name, pick, jql, expected) => {
    await create('stays');
    const edited = await create('to rename');
    const gone = await create('to delete');
    advance(LAG);
    const fresh = await create('just made');
    await h.call('PUT', `/rest/api/3/issue/${edited.key}`, { fields: { summary: 'renamed' } });
    await h.call('DELETE', `/rest/api/3/issue/${gone.key}`);
    expect(await keys(jql, pick({ fresh: Number(fresh.id), edited: Number(edited.id), gone: Number(gone.id) }))).toEqual(expected);
  });

  it('takes reconcileIssues as repeated GET parameters, and refuses other forms and more than 50 ids', async () => {
    const issue = await create('via GET');
    const get = (query: string): Promise<{ status: number; body: unknown }> => h.call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = "INT"')}&fields=summary&${query}`);
    const found = await get(`reconcileIssues=${issue.id}&reconcileIssues=99999`);
    expect(found.status).toBe(200);
    expect(page.parse(found.body).issues.map((i) => i.key)).toEqual([issue.key]);
    expect((await get(`reconcileIssues=${issue.id},99999`)).status).toBe(400);
    expect((await get('reconcileIssues=INT-1')).status).toBe(400);
    const ids = Array.from({ length: 51 }, (_, i) => 20000 + i);
    expect((await get(ids.map((id) => `reconcileIssues=${id}`).join('&'))).status).toBe(400);
    expect((await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT"', reconcileIssues: ids })).status).toBe(400);
    expect((await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT"', reconcileIssues: ids.slice(0, 50) })).status).toBe(200);
  });

  it('keeps the reconcileIssues list with the pages of a search', async () => {
    const a = await create('page one');
    const b = await create('page two');
    const first = page.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT" ORDER BY key', maxResults: 1, reconcileIssues: [Number(a.id), Number(b.id)] })).body);
    expect(first.issues.map((i) => i.id)).toEqual([a.id]);
    const token = first.nextPageToken ?? '';
    const second = await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT" ORDER BY key', maxResults: 1, nextPageToken: token, reconcileIssues: [Number(b.id), Number(a.id)] });
    expect(page.parse(second.body).issues.map((i) => i.id)).toEqual([b.id]);
    const other = await h.call('POST', '/rest/api/3/search/jql', { jql: 'project = "INT" ORDER BY key', maxResults: 1, nextPageToken: token, reconcileIssues: [Number(a.id)] });
    expect(other.status).toBe(400);
  });

  it('is switched per site: lag 0 shows what is pending at once, settleSearchIndex catches up on demand', async () => {
    const first = await create('first');
    h.site.setSearchIndexLag(0);
    expect(await keys('project = "INT"')).toEqual([first.key]);
    const second = await create('second');
    expect(await keys('summary ~ second')).toEqual([second.key]);
    h.site.setSearchIndexLag(5_000);
    const third = await create('third');
    expect(await keys('summary ~ third')).toEqual([]);
    h.site.settleSearchIndex();
    expect(await keys('summary ~ third')).toEqual([third.key]);
  });

  it('takes the lag from the site options', async () => {
    const quick = await startSite({ name: 'external', now: () => now, rateLimits: false, searchIndexLagMs: 2_000 });
    try {
      await quick.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'CLOUD' }, issuetype: { name: 'Task' }, summary: 'soon' } });
      const search = async (): Promise<number> => page.parse((await quick.call('POST', '/rest/api/3/search/jql', { jql: 'project = CLOUD' })).body).issues.length;
      expect(await search()).toBe(0);
      advance(2_000);
      expect(await search()).toBe(1);
    } finally {
      await quick.stop();
    }
  });
});
