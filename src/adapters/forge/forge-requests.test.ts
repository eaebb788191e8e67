import { NeedsAuthenticationError } from '@forge/api';
import { JiraError } from '../../ports/jira';
import type { AdfDoc } from '../../model/replica';
import { MemoryStore } from '../../sync/testing/memory-store';
import { ForgeJira } from './forge-jira';
import { ForgePermissions } from './forge-permissions';

/**
 * The REST requests the Forge adapters make and how they read the answers, through the real
 * @forge/api: the test plays the Forge runtime's `__forge_fetch__`, so what is checked is what
 * Forge would be asked. Every call site of ForgeJira and ForgePermissions is listed here with its
 * method, path, headers and body.
 */

interface SeenRequest {
  provider: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

interface Answer {
  status?: number;
  body?: unknown;
  /** sent as is instead of JSON.stringify(body) */
  text?: string;
  headers?: Record<string, string>;
}

type Responder = (method: string, path: string) => Answer | Error;

const ADF: AdfDoc = { type: 'doc', version: 1, content: [] };
const WHEN = '2026-01-01T10:00:00.000+0000';
const ISSUE = {
  id: '10001',
  key: 'INT-1',
  fields: {
    summary: 'Hello',
    issuetype: { name: 'Task' },
    project: { key: 'INT' },
    status: { name: 'To Do', statusCategory: { key: 'new' } },
    comment: { comments: [], total: 1 },
    customfield_10000: 'CLOUD-1',
    created: WHEN,
    updated: WHEN,
  },
};
const COMMENT = { id: '20001', body: ADF, created: WHEN, updated: WHEN };

/** What a small Jira site answers to every request the adapters make. */
const site: Responder = (method, path) => {
  const bare = path.replace(/\?.*$/, '');
  const answers: Record<string, unknown> = {
    'GET /rest/api/3/field': [{ id: 'summary', name: 'Summary', custom: false }, { id: 'customfield_10000', name: 'Remote issue key', custom: true }],
    'GET /rest/api/3/project': [{ id: '1', key: 'INT' }],
    'GET /rest/api/3/project/INT': { key: 'INT', issueTypes: [{ id: '1', name: 'Task', subtask: false }] },
    'GET /rest/api/3/priority': [{ id: '3', name: 'Medium' }],
    'GET /rest/api/3/status': [{ id: '10', name: 'To Do', statusCategory: { key: 'new' } }],
    'GET /rest/api/3/serverInfo': { baseUrl: 'https://int.example.net', serverTitle: 'INT' },
    'GET /rest/api/3/issue/10001': ISSUE,
    'GET /rest/api/3/issue/10001/comment': { comments: [COMMENT], total: 1 },
    'POST /rest/api/3/search/jql': { issues: [ISSUE] },
    'POST /rest/api/3/issue': { id: '10002', key: 'INT-2' },
    'GET /rest/api/3/issue/10001/transitions': { transitions: [{ id: '31', name: 'Done', to: { name: 'Done', statusCategory: { key: 'done' } } }] },
    'POST /rest/api/3/issue/10001/comment': COMMENT,
    'GET /rest/api/3/user/search': [{ accountId: 'acc-ada', displayName: 'Ada', emailAddress: 'ada@example.com' }],
    'POST /rest/api/3/search/approximate-count': { count: 1 },
    'GET /rest/api/3/mypermissions': { permissions: { ADMINISTER: { havePermission: true }, EDIT_ISSUES: { havePermission: false } } },
  };
  const key = `${method} ${bare}`;
  if (key in answers) return { body: answers[key] };
  if (method === 'PUT' || method === 'DELETE' || key === 'POST /rest/api/3/issue/10001/transitions') return { status: 204 };
  return { status: 404, body: { errorMessages: [`no ${key}`] } };
};

/** Installs a `__forge_fetch__` answering with `respond`; returns the requests it saw. */
function forgeRuntime(respond: Responder): SeenRequest[] {
  const seen: SeenRequest[] = [];
  Reflect.set(globalThis, '__forge_fetch__', async (target: { provider: string }, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const method = init.method ?? 'GET';
    seen.push({ provider: target.provider, method, path, headers: init.headers ?? {}, body: init.body === undefined ? undefined : JSON.parse(init.body) });
    const answer = respond(method, path);
    if (answer instanceof Error) throw answer;
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : text, { status, headers: answer.headers ?? {} });
  });
  return seen;
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, '__forge_fetch__');
});

const READ = { Accept: 'application/json' };
const WRITE = { Accept: 'application/json', 'Content-Type': 'application/json' };
const FIELDS = 'summary,description,issuetype,project,priority,labels,status,duedate,assignee,reporter,comment,created,updated,customfield_10000';
/** the metadata load (once per instance, then cached in KVS) */
const META_REQUESTS = ['/rest/api/3/field', '/rest/api/3/project', '/rest/api/3/project/INT', '/rest/api/3/priority', '/rest/api/3/status', '/rest/api/3/serverInfo']
  .map((path) => ({ method: 'GET', path, headers: READ, body: undefined }));
const newStore = (): MemoryStore => new MemoryStore({ now: () => Date.parse('2026-11-26T10:00:00.000Z') });
const ORIGIN = { connectionId: 'conn-1', remoteIssueId: '77', remoteIssueKey: 'CLOUD-7', remoteSiteUrl: 'https://ext.example.net' };

describe('ForgeJira: every request, as the app', () => {
  it.each<[string, (jira: ForgeJira) => Promise<unknown>, Omit<SeenRequest, 'provider'>[]]>([
    ['getIssue reads the issue with every field, then the comments it did not get', (j) => j.getIssue('10001'), [
      ...META_REQUESTS,
      { method: 'GET', path: `/rest/api/3/issue/10001?fields=${encodeURIComponent(FIELDS)}&properties=twinSync.origin`, headers: READ, body: undefined },
      { method: 'GET', path: '/rest/api/3/issue/10001/comment?startAt=0&maxResults=100', headers: READ, body: undefined },
    ]],
    ['getIssueInScope searches by id within the JQL', (j) => j.getIssueInScope('10001', 'project = "INT"'), [
      ...META_REQUESTS,
      { method: 'POST', path: '/rest/api/3/search/jql', headers: WRITE, body: { jql: 'id = 10001 AND (project = "INT")', fields: FIELDS.split(','), properties: ['twinSync.origin'], maxResults: 1, reconcileIssues: [10001] } },
      { method: 'GET', path: '/rest/api/3/issue/10001/comment?startAt=0&maxResults=100', headers: READ, body: undefined },
    ]],
    ['findIssueByOrigin searches the origin property', (j) => j.findIssueByOrigin(ORIGIN), [
      { method: 'POST', path: '/rest/api/3/search/jql', headers: WRITE, body: { jql: 'issue.property[twinSync.origin].remoteIssueId = "77" AND issue.property[twinSync.origin].connectionId = "conn-1"', fields: ['id'], maxResults: 2 } },
    ]],
    ['searchIssueIds pages with the token', (j) => j.searchIssueIds('project = "INT"', 'page-2'), [
      { method: 'POST', path: '/rest/api/3/search/jql', headers: WRITE, body: { jql: 'project = "INT"', fields: ['id'], maxResults: 100, nextPageToken: 'page-2' } },
    ]],
    ['createIssue creates with the origin property', (j) => j.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { summary: 'New', customFields: { 'Remote issue key': 'CLOUD-7' } }, origin: ORIGIN }), [
      ...META_REQUESTS,
      { method: 'POST', path: '/rest/api/3/issue', headers: WRITE, body: { fields: { summary: 'New', customfield_10000: 'CLOUD-7', project: { key: 'INT' }, issuetype: { name: 'Task' } }, properties: [{ key: 'twinSync.origin', value: ORIGIN }] } },
    ]],
    ['updateIssue edits without notifying', (j) => j.updateIssue('10001', { summary: 'Edited', priority: null }), [
      { method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, body: { fields: { summary: 'Edited', priority: null } } },
    ]],
    ['getTransitions', (j) => j.getTransitions('10001'), [{ method: 'GET', path: '/rest/api/3/issue/10001/transitions', headers: READ, body: undefined }]],
    ['transitionIssue', (j) => j.transitionIssue('10001', '31'), [{ method: 'POST', path: '/rest/api/3/issue/10001/transitions', headers: WRITE, body: { transition: { id: '31' } } }]],
    ['addComment', (j) => j.addComment('10001', ADF), [{ method: 'POST', path: '/rest/api/3/issue/10001/comment', headers: WRITE, body: { body: ADF } }]],
    ['updateComment edits without notifying', (j) => j.updateComment('10001', '20001', ADF), [
      { method: 'PUT', path: '/rest/api/3/issue/10001/comment/20001?notifyUsers=false', headers: WRITE, body: { body: ADF } },
    ]],
    ['deleteComment', (j) => j.deleteComment('10001', '20001'), [{ method: 'DELETE', path: '/rest/api/3/issue/10001/comment/20001', headers: READ, body: undefined }]],
    ['getMetadata looks users up by email', (j) => j.getMetadata({ userEmails: ['Ada@Example.com'] }), [
      ...META_REQUESTS,
      { method: 'GET', path: '/rest/api/3/user/search?query=ada%40example.com&maxResults=10', headers: READ, body: undefined },
    ]],
    ['validateJql counts approximately', (j) => j.validateJql('project = "INT"'), [{ method: 'POST', path: '/rest/api/3/search/approximate-count', headers: WRITE, body: { jql: 'project = "INT"' } }]],
    ['countIssues counts approximately', (j) => j.countIssues('project = "INT"'), [{ method: 'POST', path: '/rest/api/3/search/approximate-count', headers: WRITE, body: { jql: 'project = "INT"' } }]],
  ])('%s', async (_name, call, expected) => {
    const seen = forgeRuntime(site);
    const jira = new ForgeJira(newStore());
    await call(jira);
    expect(seen).toEqual(expected.map((r) => ({ provider: 'app', ...r })));
    expect(jira.counter.calls).toBe(seen.length);
  });

  it('answers what Jira answered, parsed', async () => {
    forgeRuntime(site);
    const jira = new ForgeJira(newStore());
    expect(await jira.getTransitions('10001')).toEqual([{ id: '31', name: 'Done', to: { name: 'Done', category: 'done' } }]);
    expect(await jira.siteInfo()).toEqual({ baseUrl: 'https://int.example.net', siteTitle: 'INT' });
    expect(await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: {}, origin: ORIGIN })).toEqual({ id: '10002', key: 'INT-2' });
  });

  const warm = async (): Promise<ForgeJira> => {
    forgeRuntime(site);
    const jira = new ForgeJira(newStore());
    await jira.siteInfo();
    return jira;
  };

  it.each<[string, Answer | Error, { message: string; status: number; retryAfterSeconds: number | null }]>([
    ['a 400 with Jira\'s messages', { status: 400, body: { errorMessages: ['Bad transition'], errors: { transition: 'unknown' } } },
      { message: 'POST /rest/api/3/issue/10001/transitions → 400: Bad transition; transition: unknown', status: 400, retryAfterSeconds: null }],
    ['a 403 without a JSON body', { status: 403, text: '<html>denied</html>' }, { message: 'POST /rest/api/3/issue/10001/transitions → 403', status: 403, retryAfterSeconds: null }],
    ['a 429 with Retry-After', { status: 429, body: {}, headers: { 'Retry-After': '7' } }, { message: 'POST /rest/api/3/issue/10001/transitions → 429', status: 429, retryAfterSeconds: 7 }],
    ['a 503 with a Retry-After of 0', { status: 503, headers: { 'Retry-After': '0' } }, { message: 'POST /rest/api/3/issue/10001/transitions → 503', status: 503, retryAfterSeconds: null }],
    ['a 503 with a Retry-After date', { status: 503, headers: { 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' } }, { message: 'POST /rest/api/3/issue/10001/transitions → 503', status: 503, retryAfterSeconds: null }],
    ['a network failure', new Error('socket hang up'), { message: 'network failure: socket hang up', status: 0, retryAfterSeconds: null }],
  ])('turns %s into a JiraError with that status', async (_name, answer, expected) => {
    const jira = await warm();
    forgeRuntime(() => answer);
    const error: unknown = await jira.transitionIssue('10001', '31').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject(expected);
  });

  it('reports an answer that does not fit the schema as a 502, and one that is not JSON too', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ body: { transitions: [{ id: 31 }] } }));
    await expect(jira.getTransitions('10001')).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/^unexpected transitions response: transitions\.0\.id: /) });
    forgeRuntime(() => ({ text: 'not json' }));
    await expect(jira.getTransitions('10001')).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/^unexpected transitions response: /) });
  });

  it('answers null for an issue that is not there, ignores a comment already gone, and gives JQL errors as text', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ status: 404, body: { errorMessages: ['Issue does not exist'] } }));
    expect(await jira.getIssue('10009')).toBeNull();
    await expect(jira.deleteComment('10009', '1')).resolves.toBeUndefined();
    forgeRuntime(() => ({ status: 400, body: { errorMessages: ["Field 'x' does not exist."] } }));
    expect(await jira.validateJql('x = 1')).toBe("Field 'x' does not exist.");
    forgeRuntime(() => ({ status: 500 }));
    await expect(jira.getIssue('10001')).rejects.toMatchObject({ status: 500 });
  });
});

describe('ForgePermissions: every request, as the user', () => {
  it.each<[string, (p: ForgePermissions) => Promise<boolean>, string, boolean]>([
    ['isJiraAdmin', (p) => p.isJiraAdmin(), '/rest/api/3/mypermissions?permissions=ADMINISTER', true],
    ['canEditIssue', (p) => p.canEditIssue('10001'), '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueId=10001', false],
    ['canBrowseIssue', (p) => p.canBrowseIssue('10001'), '/rest/api/3/issue/10001?fields=id', true],
  ])('%s', async (_name, ask, path, expected) => {
    const seen = forgeRuntime(site);
    expect(await ask(new ForgePermissions())).toBe(expected);
    expect(seen).toEqual([{ provider: 'user', method: 'GET', path, headers: READ, body: undefined }]);
  });

  it.each<[string, Answer, boolean]>([
    ['a 404 (issue not visible) is no', { status: 404 }, false],
    ['a permission Jira does not list is no', { body: { permissions: {} } }, false],
  ])('isJiraAdmin: %s', async (_name, answer, expected) => {
    forgeRuntime(() => answer);
    expect(await new ForgePermissions().isJiraAdmin()).toBe(expected);
  });

  it.each([403, 404])('canBrowseIssue: %i is no', async (status) => {
    forgeRuntime(() => ({ status }));
    expect(await new ForgePermissions().canBrowseIssue('10001')).toBe(false);
  });

  it.each<[string, Answer | Error, { message: string | RegExp; status: number }]>([
    ['a 500', { status: 500, body: {} }, { message: 'GET /rest/api/3/mypermissions?permissions=ADMINISTER as the user → 500', status: 500 }],
    ['a 403 from mypermissions', { status: 403 }, { message: 'GET /rest/api/3/mypermissions?permissions=ADMINISTER as the user → 403', status: 403 }],
    ['an answer that is not JSON', { text: 'nope' }, { message: 'GET /rest/api/3/mypermissions?permissions=ADMINISTER as the user: the answer is not JSON', status: 502 }],
    ['an answer that does not fit', { body: { permissions: { ADMINISTER: {} } } }, { message: /^unexpected mypermissions response: permissions\.ADMINISTER\.havePermission: /, status: 502 }],
    ['a network failure', new Error('ECONNRESET'), { message: 'network failure: ECONNRESET', status: 0 }],
  ])('isJiraAdmin: %s is a JiraError', async (_name, answer, expected) => {
    forgeRuntime(() => answer);
    const error: unknown = await new ForgePermissions().isJiraAdmin().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject({ status: expected.status, message: typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message) });
  });

  it('lets NeedsAuthenticationError through so the platform can ask for consent', async () => {
    forgeRuntime(() => ({ status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } }));
    await expect(new ForgePermissions().isJiraAdmin()).rejects.toBeInstanceOf(NeedsAuthenticationError);
  });
});
