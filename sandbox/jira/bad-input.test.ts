import type { JiraAccountCredentials } from './contract';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

interface BadCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  as?: JiraAccountCredentials | null;
  status: number;
  expected: { errorMessages?: unknown; errors?: unknown };
}

const issue = (fields: Record<string, unknown>): Record<string, unknown> => ({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'New', ...fields } });
const wrong: JiraAccountCredentials = { accountId: 'nobody', email: 'admin@internal.test', apiToken: 'not-the-token' };

const cases: BadCase[] = [
  { name: 'invalid JSON on create', method: 'POST', path: '/rest/api/3/issue', rawBody: '{"fields": {', status: 400, expected: { errorMessages: [expect.stringContaining('not valid JSON')], errors: {} } },
  { name: 'empty body on create', method: 'POST', path: '/rest/api/3/issue', rawBody: '', status: 400, expected: { errorMessages: [expect.stringContaining('must be JSON')] } },
  { name: 'a JSON array instead of an object', method: 'POST', path: '/rest/api/3/issue', body: [1], status: 400, expected: { errorMessages: [expect.stringContaining('Invalid request payload')] } },
  { name: 'form content type', method: 'POST', path: '/rest/api/3/issue', rawBody: 'a=b', contentType: 'application/x-www-form-urlencoded', status: 415, expected: { errorMessages: [expect.stringContaining('Unsupported Media Type')] } },
  { name: 'unknown project', method: 'POST', path: '/rest/api/3/issue', body: issue({ project: { key: 'NOPE' } }), status: 400, expected: { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } } },
  { name: 'no project', method: 'POST', path: '/rest/api/3/issue', body: { fields: { issuetype: { name: 'Task' }, summary: 'x' } }, status: 400, expected: { errors: { project: 'Specify a valid project ID or key' } } },
  { name: 'unknown issue type', method: 'POST', path: '/rest/api/3/issue', body: issue({ issuetype: { name: 'Rocket' } }), status: 400, expected: { errors: { issuetype: 'The issue type selected is invalid.' } } },
  { name: 'unknown issue type id', method: 'POST', path: '/rest/api/3/issue', body: issue({ issuetype: { id: '99999' } }), status: 400, expected: { errors: { issuetype: 'The issue type selected is invalid.' } } },
  { name: 'summary with a newline', method: 'POST', path: '/rest/api/3/issue', body: issue({ summary: 'one\ntwo' }), status: 400, expected: { errors: { summary: 'The summary is invalid because it contains newline characters.' } } },
  { name: 'missing summary', method: 'POST', path: '/rest/api/3/issue', body: issue({ summary: undefined }), status: 400, expected: { errors: { summary: 'You must specify a summary of the issue.' } } },
  { name: 'invalid ADF description (unknown node)', method: 'POST', path: '/rest/api/3/issue', body: issue({ description: { type: 'doc', version: 1, content: [{ type: 'paragraf', content: [] }] } }), status: 400, expected: { errors: { description: expect.stringContaining('Atlassian Document') } } },
  { name: 'plain string description', method: 'POST', path: '/rest/api/3/issue', body: issue({ description: 'plain text' }), status: 400, expected: { errors: { description: expect.stringContaining('Atlassian Document') } } },
  { name: 'unknown field', method: 'POST', path: '/rest/api/3/issue', body: issue({ customfield_99999: 'x' }), status: 400, expected: { errors: { customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown." } } },
  { name: 'read-only field', method: 'POST', path: '/rest/api/3/issue', body: issue({ status: { name: 'Done' } }), status: 400, expected: { errors: { status: expect.stringContaining('cannot be set') } } },
  { name: 'unknown priority', method: 'POST', path: '/rest/api/3/issue', body: issue({ priority: { name: 'Urgent' } }), status: 400, expected: { errors: { priority: 'The priority selected is invalid.' } } },
  { name: 'label with a space', method: 'POST', path: '/rest/api/3/issue', body: issue({ labels: ['two words'] }), status: 400, expected: { errors: { labels: "The label 'two words' contains spaces which is invalid." } } },
  { name: 'bad due date', method: 'POST', path: '/rest/api/3/issue', body: issue({ duedate: '2026-02-30' }), status: 400, expected: { errors: { duedate: 'Error parsing date string: 2026-02-30' } } },
  { name: 'unknown assignee', method: 'POST', path: '/rest/api/3/issue', body: issue({ assignee: { accountId: 'ghost' } }), status: 400, expected: { errors: { assignee: expect.stringContaining('does not exist') } } },
  { name: 'non-string text custom field', method: 'POST', path: '/rest/api/3/issue', body: issue({ customfield_10000: 42 }), status: 400, expected: { errors: { customfield_10000: 'Operation value must be a string' } } },
  { name: 'sub-task without parent', method: 'POST', path: '/rest/api/3/issue', body: issue({ issuetype: { name: 'Sub-task' } }), status: 400, expected: { errors: { parent: expect.stringContaining('parent') } } },
  { name: 'oversized property in create', method: 'POST', path: '/rest/api/3/issue', body: { ...issue({}), properties: [{ key: 'big', value: 'x'.repeat(40000) }] }, status: 400, expected: { errors: { properties: expect.stringContaining('32768') } } },
  { name: 'wrong credentials on create', method: 'POST', path: '/rest/api/3/issue', body: issue({}), as: wrong, status: 401, expected: { errorMessages: ['Client must be authenticated to access this resource.'] } },
  { name: 'no credentials on create', method: 'POST', path: '/rest/api/3/issue', body: issue({}), as: null, status: 401, expected: { errorMessages: ['Client must be authenticated to access this resource.'] } },
  { name: 'edit: one bad field among good ones', method: 'PUT', path: '/rest/api/3/issue/INT-1', body: { fields: { summary: 'Changed', labels: ['bad label'] } }, status: 400, expected: { errors: { labels: expect.stringContaining('spaces') } } },
  { name: 'edit: invalid JSON', method: 'PUT', path: '/rest/api/3/issue/INT-1', rawBody: '{summary', status: 400, expected: { errorMessages: [expect.stringContaining('not valid JSON')] } },
  { name: 'edit: project cannot move', method: 'PUT', path: '/rest/api/3/issue/INT-1', body: { fields: { project: { key: 'INT' } } }, status: 400, expected: { errors: { project: expect.stringContaining('cannot be set') } } },
  { name: 'edit: same field in fields and update', method: 'PUT', path: '/rest/api/3/issue/INT-1', body: { fields: { labels: ['a'] }, update: { labels: [{ add: 'b' }] } }, status: 400, expected: { errors: { labels: expect.stringContaining('both') } } },
  { name: 'edit: unknown update verb', method: 'PUT', path: '/rest/api/3/issue/INT-1', body: { update: { summary: [{ append: 'x' }] } }, status: 400, expected: { errors: { summary: expect.stringContaining("'append'") } } },
  { name: 'edit: unknown issue', method: 'PUT', path: '/rest/api/3/issue/INT-99', body: { fields: { summary: 'x' } }, status: 404, expected: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } },
  { name: 'transition: invalid id', method: 'POST', path: '/rest/api/3/issue/INT-1/transitions', body: { transition: { id: '999' } }, status: 400, expected: { errorMessages: ["Transition id '999' is not valid for this issue."] } },
  { name: 'transition: to the current status', method: 'POST', path: '/rest/api/3/issue/INT-1/transitions', body: { transition: { id: '11' } }, status: 400, expected: { errorMessages: ["Transition id '11' is not valid for this issue."] } },
  { name: 'transition: missing id', method: 'POST', path: '/rest/api/3/issue/INT-1/transitions', body: {}, status: 400, expected: { errorMessages: ["Missing 'transition' identifier"] } },
  { name: 'transition: valid id but a bad field', method: 'POST', path: '/rest/api/3/issue/INT-1/transitions', body: { transition: { id: '31' }, fields: { priority: { name: 'Nope' } } }, status: 400, expected: { errors: { priority: 'The priority selected is invalid.' } } },
  { name: 'comment: invalid ADF', method: 'POST', path: '/rest/api/3/issue/INT-1/comment', body: { body: { type: 'doc', version: 1, content: [{ type: 'text', text: 'bare text at top level' }] } }, status: 400, expected: { errors: { comment: expect.stringContaining('Atlassian Document') } } },
  { name: 'comment: no body', method: 'POST', path: '/rest/api/3/issue/INT-1/comment', body: {}, status: 400, expected: { errors: { comment: 'Comment body can not be empty!' } } },
  { name: 'comment: unknown issue', method: 'POST', path: '/rest/api/3/issue/INT-42/comment', body: { body: adf('x') }, status: 404, expected: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } },
  { name: 'comment update: unknown comment', method: 'PUT', path: '/rest/api/3/issue/INT-1/comment/77777', body: { body: adf('x') }, status: 404, expected: { errorMessages: [expect.stringContaining('77777')] } },
  { name: 'property: invalid JSON value', method: 'PUT', path: '/rest/api/3/issue/INT-1/properties/p2', rawBody: '{oops', status: 400, expected: { errorMessages: [expect.stringContaining('not valid JSON')] } },
  { name: 'property: delete unknown key', method: 'DELETE', path: '/rest/api/3/issue/INT-1/properties/nope', status: 404, expected: { errorMessages: ["The property with key 'nope' does not exist."] } },
  { name: 'custom field of an unsupported type', method: 'POST', path: '/rest/api/3/field', body: { name: 'Team', type: 'com.atlassian.jira.plugin.system.customfieldtypes:grouppicker' }, status: 400, expected: { errors: { type: expect.stringContaining('not available') } } },
  { name: 'custom field without a name', method: 'POST', path: '/rest/api/3/field', body: { type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' }, status: 400, expected: { errors: { name: expect.any(String) } } },
  { name: 'unknown REST resource', method: 'GET', path: '/rest/api/3/nothing-here', status: 404, expected: { errorMessages: [expect.stringContaining('No REST resource')] } },
];

describe('bad input gets Jira\'s status, a clear message, and changes nothing', () => {
  let h: SiteHarness;

  /** everything a bad request could have touched */
  const snapshot = async (): Promise<unknown> => ({
    issue: (await h.call('GET', '/rest/api/3/issue/INT-1?expand=changelog')).body,
    properties: (await h.call('GET', '/rest/api/3/issue/INT-1/properties')).body,
    fields: (await h.call('GET', '/rest/api/3/field')).body,
    next: (await h.call('GET', '/rest/api/3/issue/INT-2')).status,
    count: h.site.issueCount(),
  });

  beforeAll(async () => {
    h = await startSite({ rateLimits: false }); // this suite checks answers at many requests a second; the limits have their own tests (rate-limits/)
    const created = await h.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'Existing', labels: ['keep'] },
      properties: [{ key: 'p1', value: { v: 1 } }],
    });
    expect(created.status).toBe(201);
    expect((await h.call('POST', '/rest/api/3/issue/INT-1/comment', { body: adf('first') })).status).toBe(201);
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each(cases)('$name → $status', async (c) => {
    const before = await snapshot();
    const r = await h.call(c.method, c.path, c.body, {
      ...(c.as !== undefined ? { as: c.as } : {}), ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}), ...(c.contentType ? { contentType: c.contentType } : {}),
    });
    expect(r.status).toBe(c.status);
    expect(r.body).toMatchObject(c.expected);
    expect(r.body).toEqual({ errorMessages: expect.any(Array), errors: expect.any(Object) });
    expect(await snapshot()).toEqual(before);
  });

  it('bulk create creates the valid issues and reports the invalid ones by index', async () => {
    const r = await h.call('POST', '/rest/api/3/issue/bulk', { issueUpdates: [issue({ summary: 'ok' }), issue({ project: { key: 'NOPE' } })] });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      issues: [{ id: expect.any(String), key: 'INT-2', self: expect.any(String) }],
      errors: [{ status: 400, failedElementNumber: 1, elementErrors: { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } } }],
    });
    const none = await h.call('POST', '/rest/api/3/issue/bulk', { issueUpdates: [issue({ issuetype: { name: 'Rocket' } })] });
    expect(none.status).toBe(400);
    expect(h.site.issueCount()).toBe(2);
  });
});
