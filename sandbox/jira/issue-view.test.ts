import { z } from 'zod';
import { startSite, type SiteHarness } from './testing/site-harness';

/** `expand=names` names every field an issue carries, as Jira Cloud does (the site's issue view shows these names). */

const Created = z.object({ id: z.string(), key: z.string() });
const WithNames = z.object({ fields: z.record(z.string(), z.unknown()), names: z.record(z.string(), z.string()) });
const Search = z.object({ issues: z.array(z.object({ fields: z.record(z.string(), z.unknown()) })), names: z.record(z.string(), z.string()) });

describe('field names of an issue', () => {
  let h: SiteHarness;
  let key: string;
  beforeAll(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0 });
    expect((await h.call('POST', '/rest/api/3/field', { name: 'Team', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' })).status).toBe(201);
    const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'Named fields', customfield_10000: 'CLOUD-3', customfield_10001: 'Ops' } });
    expect(r.status).toBe(201);
    key = Created.parse(r.body).key;
  });
  afterAll(async () => {
    await h.stop();
  });

  it('names every field of get issue, custom fields by their own name', async () => {
    const { fields, names } = WithNames.parse((await h.call('GET', `/rest/api/3/issue/${key}?expand=names`)).body);
    expect(Object.keys(names).sort()).toEqual(Object.keys(fields).sort());
    expect(Object.entries(names).filter(([id, name]) => name === id || name === '')).toEqual([]);
    expect(names).toMatchObject({ customfield_10000: 'Remote issue key', customfield_10001: 'Team' });
  });

  it.each([
    ['resolution', 'Resolution'],
    ['resolutiondate', 'Resolved'],
    ['issuelinks', 'Linked Issues'],
    ['statuscategorychangedate', 'Status Category Changed'],
    ['subtasks', 'Sub-tasks'],
  ])('names %s as Jira Cloud does (%s)', async (id, name) => {
    const { names } = WithNames.parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=${id}&expand=names`)).body);
    expect(names).toEqual({ [id]: name });
  });

  it('names the fields of a search with expand=names the same way', async () => {
    const r = await h.call('POST', '/rest/api/3/search/jql', { jql: `key = ${key}`, fields: ['*all'], expand: 'names' });
    expect(r.status).toBe(200);
    const { issues, names } = Search.parse(r.body);
    expect(Object.keys(names).sort()).toEqual(Object.keys(issues[0]?.fields ?? {}).sort());
    expect(Object.entries(names).filter(([id, name]) => name === id)).toEqual([]);
  });
});
