import { NeedsAuthenticationError } from '@forge/api';
import { JiraError } from '../../ports/jira';
import type { AdfDoc } from '../../model/replica';
import { CountingStore } from '../../sync/testing/counting-store';
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
  /** a string body parsed as JSON; a binary one as its bytes */
  body: unknown;
  /** `init.redirect` when the call set it */
  redirect?: string | undefined;
}

interface Answer {
  status?: number;
  body?: unknown;
  /** sent as is instead of JSON.stringify(body) */
  text?: string;
  /** a binary body, sent as a stream; `onCancel` is called if the reader cancels it */
  bytes?: Uint8Array;
  onCancel?: () => void;
  headers?: Record<string, string>;
  /** the answer's `url` (where a followed redirect landed) */
  url?: string;
}

type Responder = (method: string, path: string) => Answer | Error;

const ADF: AdfDoc = { type: 'doc', version: 1, content: [] };
/** a custom field type key Jira ships */
const TYPE = (short: string): string => `com.atlassian.jira.plugin.system.customfieldtypes:${short}`;
const WHEN = '2026-01-01T10:00:00.000+0000';
const ADA = { accountId: 'acc-ada', displayName: 'Ada', emailAddress: 'ada@example.com' };
/** an item of the issue's `attachment` field, as the Attachment schema describes it */
const ATTACHMENT = {
  self: 'https://int.example.net/rest/api/3/attachments/10100', id: '10100', filename: 'scan.pdf', author: ADA, created: WHEN, size: 20,
  mimeType: 'application/pdf', content: 'https://int.example.net/rest/api/3/attachment/content/10100',
};
const LOCAL_ATTACHMENT = { id: '10100', filename: 'scan.pdf', mimeType: 'application/pdf', size: 20, created: '2026-01-01T10:00:00.000Z', author: { accountId: 'acc-ada', displayName: 'Ada', email: 'ada@example.com' } };
/** the content of attachment 10100: every byte value a multipart or text reading could spoil */
const CONTENT = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x0d, 0x0a, 0x80, 0xfe, 0x22, 0x3b, 0x7f, 0x01, 0xc3, 0x28]);
const MEDIA_ID = '5b2e33c2-35a0-4c5b-9e1b-8d2a4c7e0f91';
const MEDIA_URL = `https://api.media.atlassian.com/file/${MEDIA_ID}/binary?token=eyJhbGciOi&client=5f2c8a7e&collection=&dl=true&max-age=2592000`;
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
    attachment: [ATTACHMENT],
    created: WHEN,
    updated: WHEN,
  },
};
const COMMENT = { id: '20001', body: ADF, created: WHEN, updated: WHEN };

/** What a small Jira site answers to every request the adapters make. */
const site: Responder = (method, path) => {
  const bare = path.replace(/\?.*$/, '');
  if (method === 'GET' && path === '/rest/api/3/attachment/content/10100?redirect=false') return { status: 206, bytes: CONTENT.slice(5, 15), headers: { 'Content-Range': 'bytes 5-14/20' } };
  if (method === 'GET' && path === '/rest/api/3/attachment/content/10100') return { status: 303, headers: { Location: MEDIA_URL } };
  const answers: Record<string, unknown> = {
    'GET /rest/api/3/field': [{ id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } }, { id: 'customfield_10000', name: 'Remote issue key', custom: true, schema: { type: 'string', custom: TYPE('textfield'), customId: 10000 } }],
    'GET /rest/api/3/project': [{ id: '1', key: 'INT' }],
    'GET /rest/api/3/project/INT': { id: '1', key: 'INT', issueTypes: [{ id: '1', name: 'Task', subtask: false }] },
    'GET /rest/api/3/project/NEW': { id: '10042', key: 'NEW', issueTypes: [] },
    'GET /rest/api/3/issueLinkType': { issueLinkTypes: [{ id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks', self: 'https://int.example.net/rest/api/3/issueLinkType/10000' }] },
    'GET /rest/api/3/user': ADA,
    'GET /rest/api/3/project/INT/components': [{ id: '10500', name: 'Backend', project: 'INT', projectId: 1 }, { id: '10501', name: 'API', project: 'INT', projectId: 1 }],
    'GET /rest/api/3/project/INT/versions': [{ id: '10600', name: '2.0', projectId: 1, released: false, archived: false }],
    'POST /rest/api/3/component': { id: '10502', name: 'Web', project: 'INT', projectId: 1 },
    'POST /rest/api/3/version': { id: '10601', name: '2.1', projectId: 1 },
    'GET /rest/api/3/priority': [{ id: '3', name: 'Medium' }],
    'GET /rest/api/3/resolution/search': { startAt: 0, maxResults: 100, total: 1, isLast: true, values: [{ id: '10000', name: 'Done', description: 'Work has been completed on this issue.', default: false }] },
    'GET /rest/api/3/status': [{ id: '10', name: 'To Do', statusCategory: { key: 'new' } }],
    'GET /rest/api/3/serverInfo': { baseUrl: 'https://int.example.net', serverTitle: 'INT' },
    'GET /rest/api/3/attachment/meta': { enabled: true, uploadLimit: 10485760 },
    'POST /rest/api/3/issue/10001/attachments': [{ ...ATTACHMENT, id: '10101', filename: 'new.bin', mimeType: 'application/octet-stream', created: 1767261600000 }],
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
  if (key === 'POST /rest/api/3/issueLink') return { status: 201, text: '' };
  if (method === 'PUT' || method === 'DELETE' || key === 'POST /rest/api/3/issue/10001/transitions') return { status: 204 };
  return { status: 404, body: { errorMessages: [`no ${key}`] } };
};

function seenBody(body: unknown): unknown {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return JSON.parse(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  throw new Error(`a body Forge does not take: ${Object.prototype.toString.call(body)}`);
}

/** Installs a `__forge_fetch__` answering with `respond`; returns the requests it saw. */
function forgeRuntime(respond: Responder): SeenRequest[] {
  const seen: SeenRequest[] = [];
  Reflect.set(globalThis, '__forge_fetch__', async (target: { provider: string }, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; redirect?: string } = {}) => {
    const method = init.method ?? 'GET';
    seen.push({ provider: target.provider, method, path, headers: init.headers ?? {}, body: seenBody(init.body), redirect: init.redirect });
    const answer = respond(method, path);
    if (answer instanceof Error) throw answer;
    const status = answer.status ?? 200;
    const bytes = answer.bytes;
    const body = bytes === undefined
      ? (answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)))
      : new ReadableStream<Uint8Array>({ start: (c) => { c.enqueue(bytes); c.close(); }, cancel: () => answer.onCancel?.() });
    const response = new Response(status === 204 ? null : body, { status, headers: answer.headers ?? {} });
    if (answer.url !== undefined) Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  });
  return seen;
}

/** a request's binary body */
function bodyOf(request: SeenRequest | undefined): Uint8Array<ArrayBuffer> {
  if (!(request?.body instanceof Uint8Array)) throw new Error('no binary body');
  return new Uint8Array(request.body);
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, '__forge_fetch__');
});

const READ = { Accept: 'application/json' };
const WRITE = { Accept: 'application/json', 'Content-Type': 'application/json' };
/** the metadata load (once per instance, then cached in KVS) */
const META_REQUESTS = ['/rest/api/3/field', '/rest/api/3/project', '/rest/api/3/project/INT', '/rest/api/3/priority', '/rest/api/3/resolution/search?startAt=0&maxResults=100', '/rest/api/3/status', '/rest/api/3/serverInfo', '/rest/api/3/attachment/meta', '/rest/api/3/issueLinkType']
  .map((path) => ({ method: 'GET', path, headers: READ, body: undefined }));
const newStore = (): MemoryStore => new MemoryStore({ now: () => Date.parse('2026-11-26T10:00:00.000Z') });
const ORIGIN = { connectionId: 'conn-1', remoteIssueId: '77', remoteIssueKey: 'CLOUD-7', remoteSiteUrl: 'https://ext.example.net' };

describe('ForgeJira: every request, as the app', () => {
  it.each<[string, (jira: ForgeJira) => Promise<unknown>, Omit<SeenRequest, 'provider'>[]]>([
    ['getIssue reads the issue with every field, then the comments it did not get', (j) => j.getIssue('10001'), [
      { method: 'GET', path: '/rest/api/3/issue/10001?fields=*all&properties=twinSync.origin', headers: READ, body: undefined },
      ...META_REQUESTS,
      { method: 'GET', path: '/rest/api/3/issue/10001/comment?startAt=0&maxResults=100', headers: READ, body: undefined },
    ]],
    ['getIssueInScope searches by id within the JQL', (j) => j.getIssueInScope('10001', 'project = "INT"'), [
      { method: 'POST', path: '/rest/api/3/search/jql', headers: WRITE, body: { jql: 'id = 10001 AND (project = "INT")', fields: ['*all'], properties: ['twinSync.origin'], maxResults: 1, reconcileIssues: [10001] } },
      ...META_REQUESTS,
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
    ['transitionIssue sets the resolution from the transition screen, by name', (j) => j.transitionIssue('10001', '31', { resolution: "Won't Do" }), [
      { method: 'POST', path: '/rest/api/3/issue/10001/transitions', headers: WRITE, body: { transition: { id: '31' }, fields: { resolution: { name: "Won't Do" } } } },
    ]],
    ['updateIssue names the resolution by name, and clears it with null', (j) => j.updateIssue('10001', { resolution: 'Done' }).then(() => j.updateIssue('10001', { resolution: null })), [
      { method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, body: { fields: { resolution: { name: 'Done' } } } },
      { method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, body: { fields: { resolution: null } } },
    ]],
    ['addComment', (j) => j.addComment('10001', ADF), [{ method: 'POST', path: '/rest/api/3/issue/10001/comment', headers: WRITE, body: { body: ADF } }]],
    ['updateComment edits without notifying', (j) => j.updateComment('10001', '20001', ADF), [
      { method: 'PUT', path: '/rest/api/3/issue/10001/comment/20001?notifyUsers=false', headers: WRITE, body: { body: ADF } },
    ]],
    ['deleteComment', (j) => j.deleteComment('10001', '20001'), [{ method: 'DELETE', path: '/rest/api/3/issue/10001/comment/20001', headers: READ, body: undefined }]],
    ['getMetadata looks users up by email', (j) => j.getMetadata({ userEmails: ['Ada@Example.com'] }), [
      ...META_REQUESTS,
      { method: 'GET', path: '/rest/api/3/user/search?query=ada%40example.com&maxResults=10', headers: READ, body: undefined },
    ]],
    ['getMetadata looks users up by account id, each once', (j) => j.getMetadata({ accountIds: ['557058:f1c2-ad0a', '557058:f1c2-ad0a'] }), [
      ...META_REQUESTS,
      { method: 'GET', path: '/rest/api/3/user?accountId=557058%3Af1c2-ad0a', headers: READ, body: undefined },
    ]],
    ['updateIssue sets the parent by id, components and fix versions by name', (j) => j.updateIssue('10001', { parent: '10000', components: ['API', 'Backend'], fixVersions: [] }), [
      { method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, body: { fields: { parent: { id: '10000' }, components: [{ name: 'API' }, { name: 'Backend' }], fixVersions: [] } } },
    ]],
    ['updateIssue clears the parent', (j) => j.updateIssue('10001', { parent: null }), [
      { method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, body: { fields: { parent: null } } },
    ]],
    ['createIssueLink: the link\'s outward issue (the one that "blocks") is the request\'s inwardIssue', (j) => j.createIssueLink({ type: 'Blocks', outwardIssueId: '10001', inwardIssueId: '10002' }), [
      { method: 'POST', path: '/rest/api/3/issueLink', headers: WRITE, body: { type: { name: 'Blocks' }, inwardIssue: { id: '10001' }, outwardIssue: { id: '10002' } } },
    ]],
    ['deleteIssueLink', (j) => j.deleteIssueLink('90001'), [{ method: 'DELETE', path: '/rest/api/3/issueLink/90001', headers: READ, body: undefined }]],
    ['getProjectParts reads the components and the versions', (j) => j.getProjectParts('INT'), [
      { method: 'GET', path: '/rest/api/3/project/INT/components', headers: READ, body: undefined },
      { method: 'GET', path: '/rest/api/3/project/INT/versions', headers: READ, body: undefined },
    ]],
    ['createComponent names the project by key', (j) => j.createComponent('INT', 'Web'), [
      { method: 'POST', path: '/rest/api/3/component', headers: WRITE, body: { name: 'Web', project: 'INT' } },
    ]],
    ['createVersion names the project by id, from the metadata', (j) => j.createVersion('INT', '2.1'), [
      ...META_REQUESTS,
      { method: 'POST', path: '/rest/api/3/version', headers: WRITE, body: { name: '2.1', projectId: 1 } },
    ]],
    ['createVersion reads the id of a project the metadata does not list', (j) => j.createVersion('NEW', '1.0'), [
      ...META_REQUESTS,
      { method: 'GET', path: '/rest/api/3/project/NEW', headers: READ, body: undefined },
      { method: 'POST', path: '/rest/api/3/version', headers: WRITE, body: { name: '1.0', projectId: 10042 } },
    ]],
    ['validateJql counts approximately', (j) => j.validateJql('project = "INT"'), [{ method: 'POST', path: '/rest/api/3/search/approximate-count', headers: WRITE, body: { jql: 'project = "INT"' } }]],
    ['countIssues counts approximately', (j) => j.countIssues('project = "INT"'), [{ method: 'POST', path: '/rest/api/3/search/approximate-count', headers: WRITE, body: { jql: 'project = "INT"' } }]],
    ['getAttachmentSettings loads with the metadata', (j) => j.getAttachmentSettings(), META_REQUESTS],
    ['readAttachment reads a range of the content itself (redirect=false)', (j) => j.readAttachment('10100', 5, 10), [
      { method: 'GET', path: '/rest/api/3/attachment/content/10100?redirect=false', headers: { Accept: '*/*', Range: 'bytes=5-14' }, body: undefined },
    ]],
    ['attachmentMediaId asks for the download redirect without following it', (j) => j.attachmentMediaId('10100'), [
      { method: 'GET', path: '/rest/api/3/attachment/content/10100', headers: { Accept: '*/*' }, body: undefined, redirect: 'manual' },
    ]],
    ['deleteAttachment', (j) => j.deleteAttachment('10100'), [{ method: 'DELETE', path: '/rest/api/3/attachment/10100', headers: READ, body: undefined }]],
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
    expect((await jira.getIssue('10001'))?.attachments).toEqual([LOCAL_ATTACHMENT]);
    expect((await jira.getIssueInScope('10001', 'project = "INT"'))?.attachments).toEqual([LOCAL_ATTACHMENT]);
    expect(await jira.getAttachmentSettings()).toEqual({ enabled: true, uploadLimit: 10485760 });
    expect(await jira.getProjectParts('INT')).toEqual({ components: ['Backend', 'API'], versions: ['2.0'] });
    expect((await jira.getMetadata({ accountIds: ['acc-ada'] })).users).toEqual([{ accountId: 'acc-ada', displayName: 'Ada', email: 'ada@example.com' }]);
    expect((await jira.getMetadata()).linkTypes).toEqual([{ name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }]);
    await expect(jira.createIssueLink({ type: 'Blocks', outwardIssueId: '10001', inwardIssueId: '10002' })).resolves.toBeUndefined();
    expect(await jira.readAttachment('10100', 5, 10)).toEqual(CONTENT.slice(5, 15));
    expect(await jira.attachmentMediaId('10100')).toBe(MEDIA_ID);
    await expect(jira.deleteAttachment('10100')).resolves.toBeUndefined();
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

  it("keeps the answer's field errors: a resolution the transition's screen lacks is told by its field, not its text", async () => {
    const jira = await warm();
    const refused = "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.";
    forgeRuntime(() => ({ status: 400, body: { errorMessages: [], errors: { resolution: refused } } }));
    const error: unknown = await jira.transitionIssue('10001', '31', { resolution: 'Done' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, fieldErrors: { resolution: refused } });
  });

  it('reads the resolution of an issue, and every page of the site\'s resolutions (GET /rest/api/3/resolution is deprecated)', async () => {
    const pages: Record<string, unknown> = {
      '0': { startAt: 0, maxResults: 2, total: 3, isLast: false, values: [{ id: '1', name: 'Done' }, { id: '2', name: "Won't Do" }] },
      '2': { startAt: 2, maxResults: 2, total: 3, isLast: true, values: [{ id: '3', name: 'Duplicate' }] },
    };
    const seen = forgeRuntime((method, path) => {
      if (path.startsWith('/rest/api/3/resolution/search')) return { body: pages[new URLSearchParams(path.split('?')[1]).get('startAt') ?? ''] };
      if (path.startsWith('/rest/api/3/issue/10001?')) return { body: { ...ISSUE, fields: { ...ISSUE.fields, resolution: { id: '2', name: "Won't Do" } } } };
      return site(method, path);
    });
    const jira = new ForgeJira(newStore());
    expect((await jira.getMetadata()).resolutions).toEqual([{ id: '1', name: 'Done' }, { id: '2', name: "Won't Do" }, { id: '3', name: 'Duplicate' }]);
    expect(seen.filter((r) => r.path.startsWith('/rest/api/3/resolution')).map((r) => r.path)).toEqual(['/rest/api/3/resolution/search?startAt=0&maxResults=100', '/rest/api/3/resolution/search?startAt=2&maxResults=100']);
    expect((await jira.getIssue('10001'))?.resolution).toBe("Won't Do");
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

describe('ForgeJira: attachments, as Jira answers them', () => {
  const warm = async (): Promise<ForgeJira> => {
    forgeRuntime(site);
    const jira = new ForgeJira(newStore());
    await jira.siteInfo();
    return jira;
  };

  it('uploads one multipart part named file, with the filename, the content type and the exact bytes, and X-Atlassian-Token: no-check', async () => {
    const jira = await warm();
    const seen = forgeRuntime(site);
    const added = await jira.addAttachment('10001', { filename: 'new.bin', mimeType: 'application/octet-stream', bytes: CONTENT });
    expect(added).toEqual({ ...LOCAL_ATTACHMENT, id: '10101', filename: 'new.bin', mimeType: 'application/octet-stream', created: '2026-01-01T10:00:00.000Z' });
    expect(seen).toHaveLength(1);
    const request = seen[0];
    if (!request) throw new Error('no request');
    const contentType = request.headers['Content-Type'] ?? '';
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
    if (boundary === undefined) throw new Error(`not a multipart content type: ${contentType}`);
    expect(request).toEqual({
      provider: 'app', method: 'POST', path: '/rest/api/3/issue/10001/attachments', redirect: undefined,
      headers: { Accept: 'application/json', 'X-Atlassian-Token': 'no-check', 'Content-Type': contentType }, body: expect.any(Uint8Array),
    });
    // the whole body, byte for byte: one part, then the closing boundary
    const expected = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="new.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`, 'latin1'),
      Buffer.from(CONTENT),
      Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
    ]);
    expect(Buffer.from(bodyOf(request)).equals(expected)).toBe(true);
    // and as a multipart reader takes it apart
    const form = await new Response(bodyOf(request), { headers: { 'Content-Type': contentType } }).formData();
    const parts = [...form.entries()];
    expect(parts.map(([name]) => name)).toEqual(['file']);
    const part = form.get('file');
    if (!(part instanceof File)) throw new Error('the file part is not a file');
    expect({ name: part.name, type: part.type }).toEqual({ name: 'new.bin', type: 'application/octet-stream' });
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(CONTENT);
  });

  it('sends a file\'s own content type and a filename that is not ASCII', async () => {
    const jira = await warm();
    const seen = forgeRuntime(site);
    await jira.addAttachment('10001', { filename: 'Übersicht 2026.pdf', mimeType: 'application/pdf', bytes: CONTENT });
    const request = seen[0];
    if (!request) throw new Error('no request');
    const part = (await new Response(bodyOf(request), { headers: { 'Content-Type': request.headers['Content-Type'] ?? '' } }).formData()).get('file');
    if (!(part instanceof File)) throw new Error('the file part is not a file');
    expect({ name: part.name, type: part.type, size: part.size }).toEqual({ name: 'Übersicht 2026.pdf', type: 'application/pdf', size: CONTENT.length });
  });

  it('gives a 413 as a JiraError with Jira\'s message', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ status: 413, body: { errorMessages: ['The attachment is larger than the maximum attachment size.'] } }));
    const error: unknown = await jira.addAttachment('10001', { filename: 'big.bin', mimeType: 'application/octet-stream', bytes: CONTENT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject({ status: 413, message: 'POST /rest/api/3/issue/10001/attachments → 413: The attachment is larger than the maximum attachment size.', retryAfterSeconds: null });
  });

  it('sends the same multipart body again after a short 429', async () => {
    const jira = await warm();
    let calls = 0;
    const seen = forgeRuntime((method, path) => (++calls === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : site(method, path)));
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      const added = jira.addAttachment('10001', { filename: 'new.bin', mimeType: 'application/octet-stream', bytes: CONTENT });
      await jest.advanceTimersByTimeAsync(1000);
      expect((await added).id).toBe('10101');
    } finally {
      jest.useRealTimers();
    }
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    expect(jira.counter.calls).toBe(META_REQUESTS.length + 2);
  });

  it.each<[string, (jira: ForgeJira) => Promise<unknown>, string]>([
    ['readAttachment', (j) => j.readAttachment('10100', 0, 10), 'GET /rest/api/3/attachment/content/10100?redirect=false'],
    ['attachmentMediaId', (j) => j.attachmentMediaId('10100'), 'GET /rest/api/3/attachment/content/10100'],
    ['addAttachment', (j) => j.addAttachment('10001', { filename: 'a.txt', mimeType: 'text/plain', bytes: CONTENT }), 'POST /rest/api/3/issue/10001/attachments'],
    ['deleteAttachment', (j) => j.deleteAttachment('10100'), 'DELETE /rest/api/3/attachment/10100'],
  ])('%s: a 429 is a JiraError with its Retry-After (too long to wait here)', async (_name, call, requestLine) => {
    const jira = await warm();
    const seen = forgeRuntime(() => ({ status: 429, headers: { 'Retry-After': '30' } }));
    const error: unknown = await call(jira).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 30, message: `${requestLine} → 429` });
    expect(seen).toHaveLength(1);
  });

  it.each<[string, Answer, number, number, Uint8Array]>([
    ['a 206 with the range', { status: 206, bytes: CONTENT.slice(5, 15), headers: { 'Content-Range': 'bytes 5-14/20' } }, 5, 10, CONTENT.slice(5, 15)],
    ['a 206 at the end of the file, shorter', { status: 206, bytes: CONTENT.slice(15), headers: { 'Content-Range': 'bytes 15-19/20' } }, 15, 10, CONTENT.slice(15)],
    ['a 206 longer than asked, cut', { status: 206, bytes: CONTENT.slice(5), headers: { 'Content-Range': 'bytes 5-19/20' } }, 5, 4, CONTENT.slice(5, 9)],
    ['a 206 without Content-Range', { status: 206, bytes: CONTENT.slice(5, 15) }, 5, 10, CONTENT.slice(5, 15)],
    ['a 200 with the whole file, the range cut from it', { status: 200, bytes: CONTENT }, 5, 10, CONTENT.slice(5, 15)],
    ['a 200 with the whole file, which fits', { status: 200, bytes: CONTENT }, 0, 1000, CONTENT],
  ])('readAttachment reads %s', async (_name, answer, offset, length, expected) => {
    const jira = await warm();
    forgeRuntime(() => answer);
    const bytes = await jira.readAttachment('10100', offset, length);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes).toEqual(expected);
  });

  it('readAttachment: a 416 is a JiraError, a range Jira did not start where asked a 502, a bad range refused before any call', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ status: 416, text: '' }));
    await expect(jira.readAttachment('10100', 20, 10)).rejects.toMatchObject({ status: 416, message: 'GET /rest/api/3/attachment/content/10100?redirect=false → 416' });
    forgeRuntime(() => ({ status: 206, bytes: CONTENT.slice(0, 10), headers: { 'Content-Range': 'bytes 0-9/20' } }));
    await expect(jira.readAttachment('10100', 5, 10)).rejects.toMatchObject({ status: 502 });
    forgeRuntime(() => ({ status: 303, headers: { Location: MEDIA_URL } }));
    await expect(jira.readAttachment('10100', 5, 10)).rejects.toMatchObject({ status: 502 });
    const seen = forgeRuntime(site);
    await expect(jira.readAttachment('10100', 0, 0)).rejects.toMatchObject({ status: 400 });
    await expect(jira.readAttachment('10100', -1, 10)).rejects.toMatchObject({ status: 400 });
    expect(seen).toEqual([]);
  });

  it.each<[string, Answer, string | null]>([
    ['a 303 to the Media Services download URL', { status: 303, headers: { Location: MEDIA_URL } }, MEDIA_ID],
    ['a redirect the runtime followed (the answer\'s url)', { status: 200, bytes: CONTENT, url: MEDIA_URL }, MEDIA_ID],
    ['a 200 from Jira itself', { status: 200, bytes: CONTENT, url: 'https://int.example.net/rest/api/3/attachment/content/10100' }, null],
    ['a 200 with no url', { status: 200, bytes: CONTENT }, null],
    ['a redirect elsewhere', { status: 302, headers: { Location: 'https://int.example.net/login' } }, null],
  ])('attachmentMediaId reads %s, never the content', async (_name, answer, expected) => {
    const jira = await warm();
    let cancelled = false;
    forgeRuntime(() => ({ ...answer, bytes: answer.bytes ?? new TextEncoder().encode('<html>See other</html>'), onCancel: () => { cancelled = true; } }));
    expect(await jira.attachmentMediaId('10100')).toBe(expected);
    expect(cancelled).toBe(true);
  });

  it('attachmentMediaId: an attachment that is not there is a JiraError', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ status: 404, body: { errorMessages: ['The attachment does not exist.'] } }));
    await expect(jira.attachmentMediaId('10109')).rejects.toMatchObject({ status: 404, message: 'GET /rest/api/3/attachment/content/10109 → 404: The attachment does not exist.' });
  });

  it('deleteAttachment: a 404 is a JiraError (not ignored like a comment already gone)', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ status: 404, body: { errorMessages: ['The attachment does not exist.'] } }));
    await expect(jira.deleteAttachment('10109')).rejects.toMatchObject({ status: 404 });
  });

  it('takes an attachment whose id is a number and whose time is epoch milliseconds, and refuses one without a size', async () => {
    const jira = await warm();
    forgeRuntime(() => ({ body: [{ id: 10102, filename: 'n.txt', size: 3, created: 1767261600000 }] }));
    expect(await jira.addAttachment('10001', { filename: 'n.txt', mimeType: 'text/plain', bytes: CONTENT })).toEqual({
      id: '10102', filename: 'n.txt', mimeType: 'application/octet-stream', size: 3, created: '2026-01-01T10:00:00.000Z', author: null,
    });
    forgeRuntime(() => ({ body: [{ id: '10103', filename: 'n.txt', created: WHEN }] }));
    await expect(jira.addAttachment('10001', { filename: 'n.txt', mimeType: 'text/plain', bytes: CONTENT })).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/^unexpected add attachment response: 0\.size: /) });
    forgeRuntime(() => ({ body: [] }));
    await expect(jira.addAttachment('10001', { filename: 'n.txt', mimeType: 'text/plain', bytes: CONTENT })).rejects.toMatchObject({ status: 502 });
  });

  it('caches the attachment settings with the metadata: one KVS read per invocation, the REST calls once per 10 minutes', async () => {
    const clock = { t: Date.parse('2026-11-26T10:00:00.000Z') };
    const store = new CountingStore(() => clock.t);
    const seen = forgeRuntime(site);
    const first = new ForgeJira(store);
    expect(await Promise.all([first.getAttachmentSettings(), first.getAttachmentSettings()])).toEqual([{ enabled: true, uploadLimit: 10485760 }, { enabled: true, uploadLimit: 10485760 }]);
    expect(seen.map((r) => r.path)).toEqual(META_REQUESTS.map((r) => r.path));
    expect(store.readsOf('meta:v2')).toBe(1);
    const second = new ForgeJira(store);
    await second.getAttachmentSettings();
    await second.getMetadata();
    expect(seen).toHaveLength(META_REQUESTS.length);
    expect(store.readsOf('meta:v2')).toBe(2);
    clock.t += 601_000;
    await new ForgeJira(store).getAttachmentSettings();
    expect(seen).toHaveLength(2 * META_REQUESTS.length);
  });
});

/**
 * A site with custom fields of every kind and their options, for the typed reads and writes: what
 * `GET /rest/api/3/field` lists (with `schema.custom`), each option field's contexts (the first in
 * two pages) and their options (cascading ones after their parents, some disabled).
 */
const OPTION = (id: string, value: string, extra: Record<string, unknown> = {}) => ({ id, value, disabled: false, ...extra });
const TYPED_FIELDS = [
  { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'customfield_10000', name: 'Remote issue key', custom: true, schema: { type: 'string', custom: TYPE('textfield'), customId: 10000 } },
  { id: 'customfield_10001', name: 'Severity', custom: true, schema: { type: 'option', custom: TYPE('select'), customId: 10001 } },
  { id: 'customfield_10002', name: 'Region', custom: true, schema: { type: 'option-with-child', custom: TYPE('cascadingselect'), customId: 10002 } },
  { id: 'customfield_10003', name: 'Platforms', custom: true, schema: { type: 'array', items: 'option', custom: TYPE('multicheckboxes'), customId: 10003 } },
  { id: 'customfield_10004', name: 'Owner', custom: true, schema: { type: 'user', custom: TYPE('userpicker'), customId: 10004 } },
  { id: 'customfield_10005', name: 'Due at', custom: true, schema: { type: 'datetime', custom: TYPE('datetime'), customId: 10005 } },
  { id: 'customfield_10006', name: 'Sprint', custom: true, schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10006 } },
  { id: 'customfield_10007', name: 'Notes', custom: true, schema: { type: 'string', custom: TYPE('textarea'), customId: 10007 } },
];
const page = (values: unknown[], isLast: boolean, startAt = 0) => ({ startAt, maxResults: 50, total: values.length + startAt + (isLast ? 0 : 1), isLast, values });
const typedAnswers: Record<string, unknown> = {
  'GET /rest/api/3/field': TYPED_FIELDS,
  // Severity: two contexts, the first page holding one of them
  'GET /rest/api/3/field/customfield_10001/context?startAt=0&maxResults=50': page([{ id: '20001', name: 'Default', isGlobalContext: true, isAnyIssueType: true, description: '' }], false),
  'GET /rest/api/3/field/customfield_10001/context?startAt=1&maxResults=50': page([{ id: '20002', name: 'CLOUD only', isGlobalContext: false, isAnyIssueType: true, description: '' }], true, 1),
  'GET /rest/api/3/field/customfield_10001/context/20001/option?startAt=0&maxResults=100': page([OPTION('1', 'High'), OPTION('2', 'Low'), OPTION('3', 'Retired', { disabled: true })], true),
  'GET /rest/api/3/field/customfield_10001/context/20002/option?startAt=0&maxResults=100': page([OPTION('4', 'Critical'), OPTION('5', 'High')], true),
  'GET /rest/api/3/field/customfield_10002/context?startAt=0&maxResults=50': page([{ id: '20003', name: 'Default', isGlobalContext: true, isAnyIssueType: true, description: '' }], true),
  'GET /rest/api/3/field/customfield_10002/context/20003/option?startAt=0&maxResults=100': page([
    OPTION('10', 'Europe'), OPTION('11', 'America'), OPTION('12', 'Atlantis', { disabled: true }),
    OPTION('13', 'France', { optionId: '10' }), OPTION('14', 'Spain', { optionId: '10', disabled: true }), OPTION('15', 'Texas', { optionId: '11' }), OPTION('16', 'Sunken city', { optionId: '12' }),
  ], true),
  'GET /rest/api/3/field/customfield_10003/context?startAt=0&maxResults=50': page([{ id: 20004, name: 'Default', isGlobalContext: true, isAnyIssueType: true, description: '' }], true),
  'GET /rest/api/3/field/customfield_10003/context/20004/option?startAt=0&maxResults=100': page([OPTION('20', 'Linux'), OPTION('21', 'Mac')], true),
};
const SEVERITY_OPTION_REQUESTS = [
  '/rest/api/3/field/customfield_10001/context?startAt=0&maxResults=50', '/rest/api/3/field/customfield_10001/context?startAt=1&maxResults=50',
  '/rest/api/3/field/customfield_10001/context/20001/option?startAt=0&maxResults=100', '/rest/api/3/field/customfield_10001/context/20002/option?startAt=0&maxResults=100',
];
const REGION_OPTION_REQUESTS = ['/rest/api/3/field/customfield_10002/context?startAt=0&maxResults=50', '/rest/api/3/field/customfield_10002/context/20003/option?startAt=0&maxResults=100'];
const PLATFORMS_OPTION_REQUESTS = ['/rest/api/3/field/customfield_10003/context?startAt=0&maxResults=50', '/rest/api/3/field/customfield_10003/context/20004/option?startAt=0&maxResults=100'];
/** the metadata load: the field list (no contexts or options, loaded when a replica names the field) and the rest */
const TYPED_META_REQUESTS = META_REQUESTS.map((r) => r.path);
/** every custom field with the options of its three option fields loaded */
const TYPED_CUSTOM_FIELDS = [
  { id: 'customfield_10000', name: 'Remote issue key', kind: 'text', options: null },
  { id: 'customfield_10001', name: 'Severity', kind: 'select', options: [{ value: 'High', children: [] }, { value: 'Low', children: [] }, { value: 'Critical', children: [] }] },
  { id: 'customfield_10002', name: 'Region', kind: 'cascading', options: [{ value: 'Europe', children: ['France'] }, { value: 'America', children: ['Texas'] }] },
  { id: 'customfield_10003', name: 'Platforms', kind: 'checkboxes', options: [{ value: 'Linux', children: [] }, { value: 'Mac', children: [] }] },
  { id: 'customfield_10004', name: 'Owner', kind: 'user', options: null },
  { id: 'customfield_10005', name: 'Due at', kind: 'datetime', options: null },
  { id: 'customfield_10006', name: 'Sprint', kind: 'other', options: null },
  { id: 'customfield_10007', name: 'Notes', kind: 'paragraph', options: null },
];
/** TYPED_CUSTOM_FIELDS with the options of only the named option fields loaded (the others null: not loaded) */
const withOptionsOf = (...names: string[]) => TYPED_CUSTOM_FIELDS.map((f) => (f.options === null || names.includes(f.name) ? f : { ...f, options: null }));
const NOTES: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'See the runbook' }] }] };
const linked = (id: string, key: string) => ({ id, key, self: `https://int.example.net/rest/api/3/issue/${id}`, fields: { summary: key, status: { name: 'To Do' } } });
const TYPED_ISSUE = {
  ...ISSUE,
  fields: {
    ...ISSUE.fields,
    comment: { comments: [], total: 0 },
    customfield_10001: { self: 'https://int.example.net/rest/api/3/customFieldOption/1', value: 'High', id: '1' },
    customfield_10002: { value: 'Europe', id: '10', child: { value: 'France', id: '13' } },
    customfield_10003: [{ value: 'Mac', id: '21' }, { value: 'Linux', id: '20' }],
    customfield_10004: ADA,
    customfield_10005: '2026-12-02T21:00:00.000+1100',
    customfield_10006: [{ id: 7, name: 'Sprint 7', state: 'active' }],
    customfield_10007: NOTES,
    parent: linked('10000', 'INT-0'),
    issuelinks: [
      { id: '90001', self: 'https://int.example.net/rest/api/3/issueLink/90001', type: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }, outwardIssue: linked('10002', 'INT-2') },
      { id: '90002', self: 'https://int.example.net/rest/api/3/issueLink/90002', type: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }, inwardIssue: linked('10003', 'INT-3') },
    ],
    components: [{ id: '10500', name: 'Backend' }, { id: '10501', name: 'API' }],
    fixVersions: [{ id: '10600', name: '2.0' }],
  },
};
const typedSite = (extra: Record<string, unknown> = {}): Responder => (method, path) => {
  const answers: Record<string, unknown> = { ...typedAnswers, 'GET /rest/api/3/issue/10001': TYPED_ISSUE, 'POST /rest/api/3/search/jql': { issues: [TYPED_ISSUE] }, ...extra };
  const exact = `${method} ${path}`;
  if (exact in answers) return { body: answers[exact] };
  const bare = `${method} ${path.replace(/\?.*$/, '')}`;
  if (bare in answers) return { body: answers[bare] };
  return site(method, path);
};

describe('ForgeJira: custom fields by kind, their options, parents, links, components and versions', () => {
  it('loads each custom field\'s kind with the metadata, and the enabled options of every context of the option fields named, merged', async () => {
    const seen = forgeRuntime(typedSite());
    const jira = new ForgeJira(newStore());
    expect((await jira.getMetadata()).customFields).toEqual(withOptionsOf());
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(TYPED_META_REQUESTS.map((p) => `GET ${p}`));
    const metadata = await jira.getMetadata({ customFields: { Severity: [], Region: [], Platforms: [] } });
    expect(metadata.customFields).toEqual(TYPED_CUSTOM_FIELDS);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([...TYPED_META_REQUESTS, ...SEVERITY_OPTION_REQUESTS, ...REGION_OPTION_REQUESTS, ...PLATFORMS_OPTION_REQUESTS].map((p) => `GET ${p}`));
    expect(jira.counter.calls).toBe(seen.length);
  });

  it('a site with issue linking disabled has no link types (404)', async () => {
    forgeRuntime((method, path) => (path === '/rest/api/3/issueLinkType' ? { status: 404, body: { errorMessages: ['Issue linking is disabled.'] } } : site(method, path)));
    expect((await new ForgeJira(newStore()).getMetadata()).linkTypes).toEqual([]);
  });

  it('a deactivated account found by its id is nobody here (Jira refuses it as an assignee)', async () => {
    forgeRuntime((method, path) => (path.startsWith('/rest/api/3/user?accountId=')
      ? { status: 200, body: { accountId: decodeURIComponent(path.split('=')[1] ?? ''), displayName: 'Someone', active: !path.includes('gone') } }
      : typedSite()(method, path)));
    const users = (await new ForgeJira(newStore()).getMetadata({ accountIds: ['acc-gone', 'acc-here'] })).users;
    expect(users.map((u) => u.accountId)).toEqual(['acc-here']);
  });

  it('a field whose options it may not read (403) is left unchecked, not an error: its options are null, kept as loaded, and not read again', async () => {
    const seen = forgeRuntime((method, path) => (path.startsWith('/rest/api/3/field/customfield_10002/context') ? { status: 403, body: { errorMessages: ['Only Jira administrators can access custom field contexts.'] } } : typedSite()(method, path)));
    const store = newStore();
    const jira = new ForgeJira(store);
    expect((await jira.getMetadata()).customFields).toEqual(withOptionsOf());
    expect((await jira.getMetadata({ customFields: { Severity: ['High'], Region: [] } })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen.slice(TYPED_META_REQUESTS.length).map((r) => r.path)).toEqual([...SEVERITY_OPTION_REQUESTS, REGION_OPTION_REQUESTS[0]]);
    expect(await store.get('meta:v2')).toMatchObject({ optionsLoaded: ['customfield_10001', 'customfield_10002'] });
    // a new invocation reads nothing again
    const before = seen.length;
    expect((await new ForgeJira(store).getMetadata({ customFields: { Severity: ['High'], Region: [] } })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen.length).toBe(before);
  });

  it.each<[string, (jira: ForgeJira) => Promise<unknown>]>([
    ['getIssue', (j) => j.getIssue('10001')],
    ['getIssueInScope', (j) => j.getIssueInScope('10001', 'project = INT')],
  ])('%s reads the parent, the links with their direction, components, versions and every custom field by its kind', async (_name, read) => {
    forgeRuntime(typedSite());
    const issue = await read(new ForgeJira(newStore()));
    expect(issue).toMatchObject({
      parent: { id: '10000', key: 'INT-0' },
      links: [
        { id: '90001', type: 'Blocks', direction: 'outward', issue: { id: '10002', key: 'INT-2' } },
        { id: '90002', type: 'Blocks', direction: 'inward', issue: { id: '10003', key: 'INT-3' } },
      ],
      components: ['API', 'Backend'],
      fixVersions: ['2.0'],
      customFields: {
        'Remote issue key': { value: 'CLOUD-1' },
        Severity: { value: 'High' },
        Region: { value: { value: 'Europe', child: 'France' } },
        Platforms: { value: ['Linux', 'Mac'] },
        Owner: { value: { accountId: 'acc-ada', displayName: 'Ada', email: 'ada@example.com' } },
        'Due at': { value: '2026-12-02T10:00:00.000Z' },
        Sprint: { value: [{ id: 7, name: 'Sprint 7', state: 'active' }] },
        Notes: { value: NOTES },
      },
    });
  });

  it('reads an issue without a parent, links, components or versions as empty', async () => {
    forgeRuntime(site);
    expect(await new ForgeJira(newStore()).getIssue('10001')).toMatchObject({ parent: null, links: [], components: [], fixVersions: [] });
  });

  it('writes every custom field by its kind, and refuses a value of another kind before any write', async () => {
    forgeRuntime(typedSite());
    const jira = new ForgeJira(newStore());
    await jira.siteInfo();
    const seen = forgeRuntime(typedSite());
    await jira.updateIssue('10001', {
      customFields: {
        severity: 'Low', Region: { value: 'America', child: 'Texas' }, Platforms: ['Linux'], Owner: 'acc-ada', 'Due at': '2026-12-02T10:00:00.000Z', Notes: null, 'Remote issue key': 'CLOUD-1',
      },
    });
    expect(seen).toEqual([{
      provider: 'app', method: 'PUT', path: '/rest/api/3/issue/10001?notifyUsers=false', headers: WRITE, redirect: undefined,
      body: {
        fields: {
          customfield_10001: { value: 'Low' }, customfield_10002: { value: 'America', child: { value: 'Texas' } }, customfield_10003: [{ value: 'Linux' }],
          customfield_10004: { accountId: 'acc-ada' }, customfield_10005: '2026-12-02T10:00:00.000+0000', customfield_10007: null, customfield_10000: 'CLOUD-1',
        },
      },
    }]);
    await expect(jira.updateIssue('10001', { customFields: { Severity: ['Low'] } })).rejects.toMatchObject({ status: 400, message: 'custom field "Severity": not a value of a select field: ["Low"]' });
    expect(seen).toHaveLength(1);
  });

  it('creates an issue with typed values, leaving out the empty ones', async () => {
    const seen = forgeRuntime(typedSite());
    await new ForgeJira(newStore()).createIssue({ projectKey: 'INT', typeName: 'Task', fields: { summary: 'New', parent: '10000', customFields: { Severity: 'High', Owner: null } }, origin: ORIGIN });
    expect(seen.at(-1)?.body).toEqual({
      fields: { summary: 'New', parent: { id: '10000' }, customfield_10001: { value: 'High' }, project: { key: 'INT' }, issuetype: { name: 'Task' } },
      properties: [{ key: 'twinSync.origin', value: ORIGIN }],
    });
  });
});

describe('ForgeJira: the custom fields loaded again for a field or option created since the metadata was cached', () => {
  /** the platform's clock, the store's and the adapter's alike */
  const NOW = (): number => Date.parse('2026-11-26T10:00:00.000Z');
  /** a store holding the metadata of the small site (no option fields), as an earlier invocation left it */
  const staleStore = async (now = NOW): Promise<CountingStore> => {
    forgeRuntime(site);
    const store = new CountingStore(now);
    await new ForgeJira(store, now).getMetadata();
    return store;
  };

  it.each<[string, Record<string, string[]>]>([
    ['a field it does not know', { Severity: ['High'] }],
    ['a field it does not know, by another case', { SEVERITY: [] }],
  ])('getMetadata: %s has the field list loaded again (the options of the new field named with it, not of the others), once per instance, and kept for the next', async (_name, customFields) => {
    const store = await staleStore();
    const seen = forgeRuntime(typedSite());
    const jira = new ForgeJira(store, NOW);
    const metadata = await jira.getMetadata({ customFields });
    expect(metadata.customFields).toEqual(withOptionsOf('Severity'));
    expect(metadata.priorities).toEqual([{ id: '3', name: 'Medium' }]);
    expect(seen.map((r) => r.path)).toEqual(['/rest/api/3/field', ...SEVERITY_OPTION_REQUESTS]);
    await jira.getMetadata({ customFields: { 'Not here at all': [] } });
    await jira.getMetadata({ customFields });
    expect(seen).toHaveLength(1 + SEVERITY_OPTION_REQUESTS.length);
    expect((await new ForgeJira(store, NOW).getMetadata({ customFields })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen).toHaveLength(1 + SEVERITY_OPTION_REQUESTS.length);
  });

  it('getMetadata: an option value the field does not offer has the field list and that field\'s options loaded again; values it offers, or of a field without options, do not', async () => {
    const store = new CountingStore(NOW);
    forgeRuntime(typedSite());
    await new ForgeJira(store, NOW).getMetadata({ customFields: { Severity: [], Region: [] } });
    const seen = forgeRuntime(typedSite());
    await new ForgeJira(store, NOW).getMetadata({ customFields: { severity: ['High', 'Critical'], Region: ['Europe', 'France'], 'Remote issue key': ['CLOUD-9'], Owner: [] } });
    expect(seen).toEqual([]);
    const metadata = await new ForgeJira(store, NOW).getMetadata({ customFields: { Severity: ['Blocker'], Region: ['Europe'] } });
    expect(seen.map((r) => r.path)).toEqual(['/rest/api/3/field', ...SEVERITY_OPTION_REQUESTS]);
    // Region's options kept through the refresh, Severity's loaded again, Platforms' never named
    expect(metadata.customFields).toEqual(withOptionsOf('Severity', 'Region'));
    expect(await store.get('meta:v2')).toMatchObject({ optionsLoaded: expect.arrayContaining(['customfield_10001', 'customfield_10002']), metadata: { customFields: withOptionsOf('Severity', 'Region') } });
    expect(((await store.get('meta:v2')) as { optionsLoaded: string[] }).optionsLoaded).toHaveLength(2);
  });

  it('getMetadata: a value of an option field whose options are not loaded yet has only its options read (they are as Jira has them now), not the field list', async () => {
    const store = new CountingStore(NOW);
    forgeRuntime(typedSite());
    await new ForgeJira(store, NOW).getMetadata();
    const seen = forgeRuntime(typedSite());
    expect((await new ForgeJira(store, NOW).getMetadata({ customFields: { Severity: ['Critical'] } })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen.map((r) => r.path)).toEqual(SEVERITY_OPTION_REQUESTS);
  });

  it('getMetadata: a field the other site has and this one lacks costs the field list once per instance, never the rest of the metadata', async () => {
    const store = await staleStore();
    const seen = forgeRuntime(site);
    for (let i = 0; i < 3; i++) await new ForgeJira(store, NOW).getMetadata({ customFields: { 'Story points': [], Team: ['Red'] } });
    expect(seen.map((r) => r.path)).toEqual(['/rest/api/3/field', '/rest/api/3/field', '/rest/api/3/field']);
  });

  it('the custom fields loaded again are stored to expire with the rest of the metadata', async () => {
    const clock = { t: Date.parse('2026-11-26T10:00:00.000Z') };
    const now = () => clock.t;
    const store = await staleStore(now);
    clock.t += 400_000;
    forgeRuntime(typedSite());
    await new ForgeJira(store, now).getMetadata({ customFields: { Severity: [] } });
    clock.t += 150_000;
    const seen = forgeRuntime(typedSite());
    expect((await new ForgeJira(store, now).getMetadata({ customFields: { Severity: [] } })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen).toEqual([]);
    clock.t += 60_000;
    await new ForgeJira(store, now).getMetadata({ customFields: { Severity: [] } });
    expect(seen.map((r) => r.path)).toEqual([...TYPED_META_REQUESTS, ...SEVERITY_OPTION_REQUESTS]);
  });

  it('the options loaded when a field is named are stored to expire with the rest of the metadata', async () => {
    const clock = { t: Date.parse('2026-11-26T10:00:00.000Z') };
    const now = () => clock.t;
    const store = new CountingStore(now);
    forgeRuntime(typedSite());
    await new ForgeJira(store, now).getMetadata();
    clock.t += 400_000;
    const seen = forgeRuntime(typedSite());
    await new ForgeJira(store, now).getMetadata({ customFields: { Region: ['Europe', 'France'] } });
    expect(seen.map((r) => r.path)).toEqual(REGION_OPTION_REQUESTS);
    clock.t += 150_000;
    expect((await new ForgeJira(store, now).getMetadata({ customFields: { Region: ['Europe'] } })).customFields).toEqual(withOptionsOf('Region'));
    expect(seen).toHaveLength(REGION_OPTION_REQUESTS.length);
    clock.t += 60_000;
    expect((await new ForgeJira(store, now).getMetadata()).customFields).toEqual(withOptionsOf());
    expect(seen.map((r) => r.path)).toEqual([...REGION_OPTION_REQUESTS, ...TYPED_META_REQUESTS]);
  });

  it('getMetadata: an instance that loaded the metadata from Jira itself does not load it again', async () => {
    const seen = forgeRuntime(site);
    const jira = new ForgeJira(newStore());
    await jira.getMetadata({ customFields: { Severity: ['High'] } });
    expect(seen).toHaveLength(META_REQUESTS.length);
  });

  it('getIssue: an issue naming a custom field the metadata does not know has the fields loaded again once, and the field read by its kind', async () => {
    const store = await staleStore();
    const seen = forgeRuntime(typedSite());
    const jira = new ForgeJira(store, NOW);
    const issue = await jira.getIssue('10001');
    expect(issue?.customFields.Severity).toEqual({ value: 'High' });
    expect(seen.map((r) => r.path)).toEqual(['/rest/api/3/issue/10001?fields=*all&properties=twinSync.origin', '/rest/api/3/field']);
    await jira.getIssue('10001');
    expect(seen).toHaveLength(3);
  });

  it('getIssue: a field Jira lists on the issue but not in its field list is looked for once, then read without it', async () => {
    const store = await staleStore();
    const seen = forgeRuntime((method, path) => (method === 'GET' && path.startsWith('/rest/api/3/issue/10001?') ? { body: { ...ISSUE, fields: { ...ISSUE.fields, customfield_10099: 'x' } } } : site(method, path)));
    const jira = new ForgeJira(store, NOW);
    expect(Object.keys((await jira.getIssue('10001'))?.customFields ?? {})).toEqual(['Remote issue key']);
    await jira.getIssue('10001');
    expect(seen.map((r) => r.path).filter((p) => p === '/rest/api/3/field')).toHaveLength(1);
  });

  it('updateIssue: a field named that the metadata does not know has the fields loaded again; one Jira does not have either is a 400 before any write', async () => {
    const store = await staleStore();
    const seen = forgeRuntime(typedSite());
    const jira = new ForgeJira(store, NOW);
    await jira.updateIssue('10001', { customFields: { Severity: 'Critical' } });
    expect(seen.map((r) => r.path)).toEqual(['/rest/api/3/field', '/rest/api/3/issue/10001?notifyUsers=false']);
    expect(seen.at(-1)?.body).toEqual({ fields: { customfield_10001: { value: 'Critical' } } });
    await expect(jira.updateIssue('10001', { customFields: { Story: 'x' } })).rejects.toMatchObject({ status: 400, message: 'no custom field named "Story" on this site' });
    expect(seen).toHaveLength(2);
  });

  it.each<[string, (path: string) => boolean, string[]]>([
    ['of the field list', (path) => path === '/rest/api/3/field', ['/rest/api/3/field', '/rest/api/3/field', ...SEVERITY_OPTION_REQUESTS]],
    ['of the options named', (path) => path.includes('/context/20002/option'), ['/rest/api/3/field', ...SEVERITY_OPTION_REQUESTS, ...SEVERITY_OPTION_REQUESTS]],
  ])('a load %s that fails is no load: the next call in the invocation loads again', async (_name, failing, expected) => {
    const store = await staleStore();
    let fail = true;
    const seen = forgeRuntime((method, path) => (fail && failing(path) ? { status: 503 } : typedSite()(method, path)));
    const jira = new ForgeJira(store, NOW);
    await expect(jira.getMetadata({ customFields: { Severity: [] } })).rejects.toMatchObject({ status: 503 });
    fail = false;
    expect((await jira.getMetadata({ customFields: { Severity: [] } })).customFields).toEqual(withOptionsOf('Severity'));
    expect(seen.map((r) => r.path)).toEqual(expected);
    expect(await store.get('meta:v2')).toMatchObject({ optionsLoaded: ['customfield_10001'], metadata: { customFields: withOptionsOf('Severity') } });
  });
});

describe('ForgeJira: the options of an option field, loaded when a replica names it', () => {
  const NOW = (): number => Date.parse('2026-11-26T10:00:00.000Z');
  /** the typed site with a second select field, Impact */
  const IMPACT = { id: 'customfield_10008', name: 'Impact', custom: true, schema: { type: 'option', custom: TYPE('select'), customId: 10008 } };
  const IMPACT_OPTION_REQUESTS = ['/rest/api/3/field/customfield_10008/context?startAt=0&maxResults=50', '/rest/api/3/field/customfield_10008/context/20008/option?startAt=0&maxResults=100'];
  const twoSelectSite = typedSite({
    'GET /rest/api/3/field': [...TYPED_FIELDS, IMPACT],
    [`GET ${IMPACT_OPTION_REQUESTS[0] ?? ''}`]: page([{ id: '20008', name: 'Default', isGlobalContext: true, isAnyIssueType: true, description: '' }], true),
    [`GET ${IMPACT_OPTION_REQUESTS[1] ?? ''}`]: page([OPTION('30', 'Minor'), OPTION('31', 'Major')], true),
  });
  const IMPACT_META = { id: 'customfield_10008', name: 'Impact', kind: 'select', options: null };
  const IMPACT_LOADED = { ...IMPACT_META, options: [{ value: 'Minor', children: [] }, { value: 'Major', children: [] }] };
  const optionRequests = (seen: SeenRequest[]) => seen.map((r) => r.path).filter((p) => p.includes('/context'));

  it('a site with two select fields, the replica naming one: only that field\'s contexts and options are read, once per instance', async () => {
    const seen = forgeRuntime(twoSelectSite);
    const jira = new ForgeJira(new CountingStore(NOW), NOW);
    const metadata = await jira.getMetadata({ customFields: { IMPACT: ['Minor'], 'Remote issue key': ['CLOUD-1'] } });
    expect(metadata.customFields).toEqual([...withOptionsOf(), IMPACT_LOADED]);
    expect(seen.map((r) => r.path)).toEqual([...TYPED_META_REQUESTS, ...IMPACT_OPTION_REQUESTS]);
    await jira.getMetadata({ customFields: { Impact: ['Major'] } });
    await jira.getMetadata({ customFields: { impact: [] } });
    expect(seen).toHaveLength(TYPED_META_REQUESTS.length + IMPACT_OPTION_REQUESTS.length);
    expect(jira.counter.calls).toBe(seen.length);
  });

  it('a site with two select fields, its metadata cached: naming one reads only that field\'s options, not the field list', async () => {
    const store = new CountingStore(NOW);
    forgeRuntime(twoSelectSite);
    await new ForgeJira(store, NOW).getMetadata();
    const seen = forgeRuntime(twoSelectSite);
    const metadata = await new ForgeJira(store, NOW).getMetadata({ customFields: { Severity: ['High'] } });
    expect(metadata.customFields).toEqual([...withOptionsOf('Severity'), IMPACT_META]);
    expect(seen.map((r) => r.path)).toEqual(SEVERITY_OPTION_REQUESTS);
  });

  it('the options loaded are stored: a new instance naming the same field makes no call, and one naming another reads only that one\'s', async () => {
    const store = new CountingStore(NOW);
    forgeRuntime(twoSelectSite);
    await new ForgeJira(store, NOW).getMetadata({ customFields: { Impact: ['Minor'] } });
    expect(await store.get('meta:v2')).toMatchObject({ optionsLoaded: ['customfield_10008'], metadata: { customFields: [...withOptionsOf(), IMPACT_LOADED] } });
    const seen = forgeRuntime(twoSelectSite);
    const next = new ForgeJira(store, NOW);
    expect((await next.getMetadata({ customFields: { impact: ['Minor', 'Major'] } })).customFields).toEqual([...withOptionsOf(), IMPACT_LOADED]);
    expect(seen).toEqual([]);
    expect(next.counter.calls).toBe(0);
    const third = new ForgeJira(store, NOW);
    expect((await third.getMetadata({ customFields: { Impact: ['Major'], Severity: ['Low'] } })).customFields).toEqual([...withOptionsOf('Severity'), IMPACT_LOADED]);
    expect(seen.map((r) => r.path)).toEqual(SEVERITY_OPTION_REQUESTS);
    expect(await store.get('meta:v2')).toMatchObject({ optionsLoaded: ['customfield_10008', 'customfield_10001'], metadata: { customFields: [...withOptionsOf('Severity'), IMPACT_LOADED] } });
  });

  it('a field not named keeps options: null in the answer, and no call is made for it', async () => {
    const seen = forgeRuntime(twoSelectSite);
    const jira = new ForgeJira(new CountingStore(NOW), NOW);
    expect((await jira.getMetadata()).customFields).toEqual([...withOptionsOf(), IMPACT_META]);
    expect((await jira.getMetadata({ userEmails: ['ada@example.com'] })).customFields).toEqual([...withOptionsOf(), IMPACT_META]);
    expect((await jira.getMetadata({ customFields: { 'Remote issue key': ['CLOUD-1'], Owner: [], 'Not a field here': ['x'] } })).customFields).toEqual([...withOptionsOf(), IMPACT_META]);
    expect(optionRequests(seen)).toEqual([]);
    await jira.getMetadata({ customFields: { Platforms: ['Linux'] } });
    // loaded ones stay in the answers that do not name them; the others stay null
    expect((await jira.getMetadata()).customFields).toEqual([...withOptionsOf('Platforms'), IMPACT_META]);
    expect(optionRequests(seen)).toEqual(PLATFORMS_OPTION_REQUESTS);
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
