import { z } from 'zod';
import { fieldProblems } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { expectConforming, type JiraProbe, type ProbeResponse } from './jira-probe';
import { createdIssues, errorCollection, fieldDetails, searchResults } from './responses';
import { describeConformance } from './spec-gate';

/** JQL search: GET and POST /rest/api/3/search/jql, nextPageToken paging, fields selection. */

type Via = 'GET' | 'POST';

interface SearchRequest {
  jql: string;
  maxResults?: number;
  fields?: string[];
  nextPageToken?: string;
}

function search(jira: JiraProbe, via: Via, request: SearchRequest): Promise<ProbeResponse> {
  if (via === 'POST') return jira.post('/rest/api/3/search/jql', request);
  const query: Record<string, string | number> = { jql: request.jql };
  if (request.maxResults !== undefined) query.maxResults = request.maxResults;
  if (request.fields !== undefined) query.fields = request.fields.join(',');
  if (request.nextPageToken !== undefined) query.nextPageToken = request.nextPageToken;
  return jira.get('/rest/api/3/search/jql', { query });
}

/** every page of a search, checking each against the spec */
async function searchAll(jira: JiraProbe, via: Via, request: SearchRequest): Promise<{ pages: z.infer<typeof searchResults>[] }> {
  const pages: z.infer<typeof searchResults>[] = [];
  let token: string | undefined;
  do {
    const res = await search(jira, via, { ...request, ...(token === undefined ? {} : { nextPageToken: token }) });
    expectConforming(res, 200);
    const page = searchResults.parse(res.body);
    pages.push(page);
    token = page.nextPageToken;
    if (pages.length > 100) throw new Error('paging does not end');
  } while (token !== undefined);
  return { pages };
}

async function keysFor(jira: JiraProbe, jql: string): Promise<string[]> {
  const { pages } = await searchAll(jira, 'POST', { jql, fields: ['summary'], maxResults: 100 });
  return pages.flatMap((p) => p.issues.map((i) => i.key ?? `<no key for ${i.id}>`));
}

describeConformance('JQL search', (spec) => {
  const site = useSite(spec);
  const keys: string[] = [];
  let remoteKeyField = '';
  let projectId = '';

  beforeAll(async () => {
    const fields = z.array(fieldDetails).parse((await site.jira.get('/rest/api/3/field')).body);
    remoteKeyField = fields.find((f) => f.name === 'Remote issue key')?.id ?? '';
    const issueUpdates = Array.from({ length: 7 }, (_, i) => ({
      fields: issueFields({
        summary: i === 3 ? 'the zebra crossing' : `search issue ${i}`,
        labels: i % 2 === 0 ? ['even', 'paging'] : ['odd', 'paging'],
        priority: { name: i === 0 ? 'Highest' : 'Medium' },
        issuetype: { name: i === 5 ? 'Bug' : 'Task' },
        ...(i === 6 ? { [remoteKeyField]: 'CLOUD-77' } : {}),
        ...(i === 2 ? { description: adf('a quokka in the description') } : {}),
      }),
      ...(i === 4 ? { properties: [{ key: 'twinSync.origin', value: { connectionId: 'c-9', remoteIssueId: '10042' } }] } : {}),
    }));
    const res = await site.jira.post('/rest/api/3/issue/bulk', { issueUpdates });
    expectConforming(res, 201);
    keys.push(...createdIssues.parse(res.body).issues.map((i) => i.key));
    expect(keys).toHaveLength(7);
    expectConforming(await site.jira.post(`/rest/api/3/issue/${keys[1] ?? ''}/comment`, { body: adf('a wombat in a comment') }), 201);
    projectId = z.object({ id: z.string() }).parse((await site.jira.get('/rest/api/3/project/INT')).body).id;
  });

  describe.each<Via>(['GET', 'POST'])('%s', (via) => {
    it('pages with nextPageToken until isLast, in ORDER BY order, without gaps or repeats', async () => {
      const { pages } = await searchAll(site.jira, via, { jql: 'project = "INT" AND labels = paging ORDER BY key ASC', maxResults: 3, fields: ['summary'] });
      expect(pages.map((p) => p.issues.length)).toEqual([3, 3, 1]);
      expect(pages.map((p) => p.isLast)).toEqual([false, false, true]);
      expect(pages.map((p) => p.nextPageToken === undefined)).toEqual([false, false, true]);
      const found = pages.flatMap((p) => p.issues.map((i) => i.key));
      expect(found).toEqual(keys);
    });

    it('returns only the fields asked for', async () => {
      const res = await search(site.jira, via, { jql: `key = ${keys[0] ?? ''}`, fields: ['summary', 'status', 'labels'] });
      expectConforming(res, 200);
      const [issue] = searchResults.parse(res.body).issues;
      expect(Object.keys(issue?.fields ?? {}).sort()).toEqual(['labels', 'status', 'summary']);
      expect(fieldProblems(spec, issue?.fields ?? {})).toEqual([]);
    });

    it('returns ids only when no fields are asked for', async () => {
      const res = await search(site.jira, via, { jql: `key = ${keys[0] ?? ''}` });
      expectConforming(res, 200);
      const [issue] = searchResults.parse(res.body).issues;
      expect(issue?.id).toMatch(/^\d+$/);
      expect(issue?.fields?.summary).toBeUndefined();
    });

    it('returns keys when only key is asked for', async () => {
      const res = await search(site.jira, via, { jql: `key = ${keys[0] ?? ''}`, fields: ['key'] });
      expectConforming(res, 200);
      const [issue] = searchResults.parse(res.body).issues;
      expect(issue?.key).toBe(keys[0]);
    });

    it('answers 400 for a nextPageToken it did not issue', async () => {
      const res = await search(site.jira, via, { jql: 'labels = paging', nextPageToken: 'not-a-token' });
      expectConforming(res, 400);
    });

    it('answers 400 with the parser\'s message for malformed JQL', async () => {
      const res = await search(site.jira, via, { jql: 'project = "INT" AND (' });
      expectConforming(res, 400);
      expect(errorCollection.parse(res.body).errorMessages.join(' ')).not.toBe('');
    });
  });

  it.each([
    ['project and status', 'project = "INT" AND status = Open AND labels = paging ORDER BY key ASC', [0, 1, 2, 3, 4, 5, 6]],
    ['labels', 'labels = odd ORDER BY key ASC', [1, 3, 5]],
    ['in', 'labels in (odd) AND issuetype in (Bug) ORDER BY key ASC', [5]],
    ['not in', 'labels = paging AND priority not in (Medium) ORDER BY key ASC', [0]],
    ['!=', 'labels = paging AND issuetype != Task ORDER BY key ASC', [5]],
    ['summary ~', 'summary ~ zebra', [3]],
    ['text ~', 'text ~ "zebra" AND project = "INT"', [3]],
    ['NOT and parentheses', 'labels = paging AND NOT (labels = even OR issuetype = Bug) ORDER BY key ASC', [1, 3]],
    ['issue property', 'issue.property[twinSync.origin].remoteIssueId = "10042"', [4]],
    ['custom field by name', '"Remote issue key" ~ "CLOUD-77"', [6]],
    ['created relative', 'labels = paging AND created > -1d ORDER BY key ASC', [0, 1, 2, 3, 4, 5, 6]],
    ['ORDER BY DESC', 'labels = even ORDER BY key DESC', [6, 4, 2, 0]],
    ['is EMPTY', 'labels = paging AND "Remote issue key" is EMPTY ORDER BY key ASC', [0, 1, 2, 3, 4, 5]],
    ['is not EMPTY', 'labels = paging AND "Remote issue key" is not EMPTY', [6]],
    ['text ~ in the description', 'text ~ quokka', [2]],
    ['text ~ in a comment', 'text ~ wombat', [1]],
    ['absolute date, after', 'labels = paging AND created >= "2020-01-01" ORDER BY key ASC', [0, 1, 2, 3, 4, 5, 6]],
    ['absolute date, before', 'labels = paging AND created < "2020-01-01"', []],
    ['relative date in the future', 'labels = paging AND updated > 1d', []],
    ['OR', 'labels = paging AND (issuetype = Bug OR priority = Highest) ORDER BY key DESC', [5, 0]],
  ])('evaluates %s', async (_name, jql, indexes) => {
    expect(await keysFor(site.jira, jql)).toEqual(indexes.map((i) => keys[i]));
  });

  it('includes the requested entity properties in the results', async () => {
    const res = await site.jira.post('/rest/api/3/search/jql', { jql: `key = ${keys[4] ?? ''}`, fields: ['summary'], properties: ['twinSync.origin'] });
    expectConforming(res, 200);
    const issues = z.object({ issues: z.array(z.object({ properties: z.record(z.string(), z.unknown()) })) }).parse(res.body).issues;
    expect(issues.map((i) => i.properties)).toEqual([{ 'twinSync.origin': { connectionId: 'c-9', remoteIssueId: '10042' } }]);
  });

  it('finds issues by key in (...)', async () => {
    expect(await keysFor(site.jira, `key in (${keys[3] ?? ''}, ${keys[1] ?? ''}) ORDER BY key ASC`)).toEqual([keys[1], keys[3]]);
  });

  it('finds issues by project id', async () => {
    expect(await keysFor(site.jira, `project = ${projectId} AND labels = odd ORDER BY key ASC`)).toEqual([keys[1], keys[3], keys[5]]);
  });

  it('answers 400 naming a field that does not exist', async () => {
    const res = await search(site.jira, 'POST', { jql: 'nosuchfield = x' });
    expectConforming(res, 400);
    expect(errorCollection.parse(res.body).errorMessages.join(' ')).toMatch(/nosuchfield/);
  });

  it('finds a custom field by cf[id]', async () => {
    const id = remoteKeyField.replace('customfield_', '');
    expect(await keysFor(site.jira, `cf[${id}] ~ "CLOUD-77"`)).toEqual([keys[6]]);
  });

  it('answers 400 naming an unsupported clause instead of an empty result', async () => {
    const res = await search(site.jira, 'POST', { jql: 'project = "INT" AND sprint in openSprints()' });
    expectConforming(res, 400);
    const errors = errorCollection.parse(res.body);
    expect([...errors.errorMessages, ...Object.values(errors.errors)].join(' ')).toMatch(/sprint/i);
  });

  it('answers 400 for a reserved word used unquoted, as Jira does (INT is reserved in JQL)', async () => {
    const res = await search(site.jira, 'POST', { jql: 'project = INT' });
    expectConforming(res, 400);
    expect(errorCollection.parse(res.body).errorMessages.join(' ')).toMatch(/reserved/i);
  });

  it('answers 400 for an unknown project in JQL', async () => {
    const res = await search(site.jira, 'GET', { jql: 'project = NOPE' });
    expectConforming(res, 400);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked both search operations against the spec', () => {
    expect(uncheckedOperations(spec, ['searchAndReconsileIssuesUsingJql', 'searchAndReconsileIssuesUsingJqlPost'])).toEqual([]);
  });
});
