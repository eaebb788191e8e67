import { z } from 'zod';
import type { JiraOpenApi } from '../support/openapi';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { basicAuth, expectConforming } from './jira-probe';
import { createdIssue, errorCollection } from './responses';
import { describeConformance } from './spec-gate';

/**
 * Issue attachments: upload (multipart/form-data, X-Atlassian-Token), settings, metadata, content
 * (303 to the media host, 200 and 206 with redirect=false, 400, 416) and deletion. JSON answers are
 * checked against the spec like every other probe's. The spec declares no media type for the binary
 * answers (getAttachmentContent 200 and 206) nor a body for 303: those are checked for a declared
 * status with no JSON body, and their bytes and headers by the test. The 403 of the XSRF check is
 * Jira's plain text "XSRF check failed" (https://support.atlassian.com/atlassian-cloud/kb/xsrf-check-failed-when-calling-cloud-apis),
 * not an ErrorCollection: its status is checked as declared, its body as the KB shows it.
 */

const attachment = z.object({
  self: z.url(), id: z.string().regex(/^\d+$/), filename: z.string(), author: z.object({ accountId: z.string() }), created: z.string(),
  size: z.number().int(), mimeType: z.string(), content: z.url(), thumbnail: z.url().optional(),
});
const BYTES = Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);

interface RawResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: unknown;
}

/** a request the JSON probe cannot make (multipart bodies, Range, no redirect following), checked against the spec all the same */
function rawProbe(spec: JiraOpenApi, baseUrl: () => string, authorization: () => string, failures: string[]) {
  return async (method: string, path: string, opts: { body?: BodyInit; headers?: Record<string, string>; binary?: boolean; plainText?: boolean } = {}): Promise<RawResponse> => {
    const res = await fetch(`${baseUrl()}${path}`, { method, redirect: 'manual', headers: { authorization: authorization(), accept: 'application/json', ...opts.headers }, ...(opts.body !== undefined ? { body: opts.body } : {}) });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: unknown;
    try {
      json = bytes.length === 0 ? undefined : JSON.parse(bytes.toString('utf8'));
    } catch {
      json = undefined;
    }
    const contentType = res.headers.get('content-type');
    // binary and plain-text answers: the status must be declared; their body is not JSON (see above)
    const check = spec.validateResponse({ method, path: new URL(path, 'http://x').pathname, status: res.status, body: opts.binary || opts.plainText ? undefined : json, contentType: opts.binary || opts.plainText ? null : contentType });
    const declaredOnly = (opts.binary || opts.plainText) && check.errors.every((e) => e.includes('expected a JSON body'));
    if (!check.ok && !declaredOnly) failures.push(`${method} ${path} ${res.status}: ${check.errors.join('; ')}`);
    if (opts.plainText && check.errors.some((e) => e.includes('is not declared'))) failures.push(`${method} ${path} ${res.status}: undeclared status`);
    return { status: res.status, headers: res.headers, bytes, json };
  };
}

function form(files: { filename: string; type: string; data: Buffer }[]): FormData {
  const f = new FormData();
  for (const file of files) f.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
  return f;
}

describeConformance('issue attachments', (spec) => {
  const site = useSite(spec);
  const failures: string[] = [];
  const raw = rawProbe(spec, () => site.running.baseUrl, () => basicAuth(site.running.site.admin.email, site.running.site.admin.apiToken), failures);
  const XSRF = { 'x-atlassian-token': 'no-check' };

  async function issueKey(): Promise<string> {
    const res = await site.jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'attached' }) });
    expectConforming(res, 201);
    return createdIssue.parse(res.body).key;
  }

  async function uploaded(key: string): Promise<z.infer<typeof attachment>> {
    const res = await raw('POST', `/rest/api/3/issue/${key}/attachments`, { headers: XSRF, body: form([{ filename: 'pic.gif', type: 'image/gif', data: BYTES }]) });
    expect(res.status).toBe(200);
    const [a] = z.array(attachment).parse(res.json);
    if (!a) throw new Error('no attachment');
    return a;
  }

  it('addAttachment: 200 with an array of Attachment (several files), the issue lists them in its attachment field', async () => {
    const key = await issueKey();
    const res = await raw('POST', `/rest/api/3/issue/${key}/attachments`, { headers: XSRF, body: form([{ filename: 'pic.gif', type: 'image/gif', data: BYTES }, { filename: 'log.txt', type: 'text/plain', data: Buffer.from('log') }]) });
    expect(res.status).toBe(200);
    const list = z.array(attachment).parse(res.json);
    expect(list.map((a) => [a.filename, a.mimeType, a.size, a.thumbnail !== undefined])).toEqual([['pic.gif', 'image/gif', BYTES.length, true], ['log.txt', 'text/plain', 3, false]]);
    const issue = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'attachment' } });
    expectConforming(issue, 200);
    expect(z.object({ fields: z.object({ attachment: z.array(attachment) }) }).parse(issue.body).fields.attachment).toEqual(list);
    for (const a of list) expect(spec.validateComponent('Attachment', a)).toEqual([]);
  });

  it('addAttachment: 403 "XSRF check failed" (plain text) without X-Atlassian-Token: no-check, and nothing stored', async () => {
    const key = await issueKey();
    const res = await raw('POST', `/rest/api/3/issue/${key}/attachments`, { body: form([{ filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') }]), plainText: true });
    expect([res.status, res.bytes.toString('utf8')]).toEqual([403, 'XSRF check failed']);
    const issue = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'attachment' } });
    expect(issue.body).toMatchObject({ fields: { attachment: [] } });
  });

  it('addAttachment: 404 for an unknown issue, 413 over the upload limit (ErrorCollection), nothing stored', async () => {
    expect((await raw('POST', '/rest/api/3/issue/INT-99999/attachments', { headers: XSRF, body: form([{ filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') }]) })).status).toBe(404);
    const key = await issueKey();
    site.running.site.setAttachmentSettings({ uploadLimit: 8 });
    try {
      const res = await raw('POST', `/rest/api/3/issue/${key}/attachments`, { headers: XSRF, body: form([{ filename: 'big.bin', type: 'application/octet-stream', data: Buffer.alloc(9) }]) });
      expect(res.status).toBe(413);
      expect(errorCollection.parse(res.json).errorMessages).toEqual(['The field file exceeds its maximum permitted size of 8 bytes.']);
    } finally {
      site.running.site.setAttachmentSettings({ uploadLimit: 1_000_000_000 });
    }
    const issue = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'attachment' } });
    expect(issue.body).toMatchObject({ fields: { attachment: [] } });
  });

  it('getAttachmentMeta: AttachmentSettings', async () => {
    const res = await site.jira.get('/rest/api/3/attachment/meta');
    expectConforming(res, 200);
    expect(res.body).toEqual({ enabled: true, uploadLimit: 1_000_000_000 });
  });

  it('getAttachment: AttachmentMetadata (integer id, a User author, no other members); 404 for an unknown id', async () => {
    const a = await uploaded(await issueKey());
    const res = await site.jira.get(`/rest/api/3/attachment/${a.id}`);
    expectConforming(res, 200);
    expect(res.body).toMatchObject({ id: Number(a.id), filename: 'pic.gif', mimeType: 'image/gif', size: BYTES.length, content: a.content, thumbnail: a.thumbnail });
    expectConforming(await site.jira.get('/rest/api/3/attachment/999999'), 404);
  });

  it('getAttachmentContent: 303 to the download URL (the default), whose bytes are the upload', async () => {
    const a = await uploaded(await issueKey());
    const res = await raw('GET', `/rest/api/3/attachment/content/${a.id}`, { binary: true });
    expect([res.status, res.bytes.length]).toEqual([303, 0]);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/\/_media\/file\/[0-9a-f-]{36}\/binary\?token=[^&]+&client=[0-9a-f-]{36}&dl=true&name=pic\.gif$/);
    const file = await fetch(location);
    expect([file.status, file.headers.get('content-type'), Buffer.from(await file.arrayBuffer()).equals(BYTES)]).toEqual([200, 'image/gif', true]);
  });

  it.each([
    [undefined, 200, BYTES, null],
    ['bytes=0-5', 206, BYTES.subarray(0, 6), `bytes 0-5/${BYTES.length}`],
    ['bytes=-2', 206, BYTES.subarray(BYTES.length - 2), `bytes ${BYTES.length - 2}-${BYTES.length - 1}/${BYTES.length}`],
  ])('getAttachmentContent with redirect=false and Range %s: %i with the bytes and the mimeType', async (range, status, bytes, contentRange) => {
    const a = await uploaded(await issueKey());
    const res = await raw('GET', `/rest/api/3/attachment/content/${a.id}?redirect=false`, { binary: true, headers: range === undefined ? {} : { range } });
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-range'), res.bytes.equals(bytes)]).toEqual([status, 'image/gif', contentRange, true]);
  });

  it.each([
    ['bytes=100-', 416],
    ['bytes=5-2', 400],
    ['pages=1-2', 400],
  ])('getAttachmentContent with redirect=false and Range %s: %i in Jira\'s error shape', async (range, status) => {
    const a = await uploaded(await issueKey());
    const res = await raw('GET', `/rest/api/3/attachment/content/${a.id}?redirect=false`, { headers: { range } });
    expect(res.status).toBe(status);
    expect(errorCollection.parse(res.json).errorMessages.length).toBe(1);
  });

  it('getAttachmentContent: 404 for an unknown attachment', async () => {
    expect((await raw('GET', '/rest/api/3/attachment/content/999999')).status).toBe(404);
  });

  it('removeAttachment: 204, then 404; the issue no longer lists it', async () => {
    const key = await issueKey();
    const a = await uploaded(key);
    expectConforming(await site.jira.delete(`/rest/api/3/attachment/${a.id}`), 204);
    expectConforming(await site.jira.get(`/rest/api/3/attachment/${a.id}`), 404);
    expectConforming(await site.jira.delete(`/rest/api/3/attachment/${a.id}`), 404);
    const issue = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'attachment' } });
    expect(issue.body).toMatchObject({ fields: { attachment: [] } });
  });

  it('removeAttachment: 403 for a person deleting someone else\'s attachment (no Delete all attachments)', async () => {
    const a = await uploaded(await issueKey());
    const user = site.running.site.user;
    expectConforming(await site.probeAs(basicAuth(user.email, user.apiToken)).delete(`/rest/api/3/attachment/${a.id}`), 403);
  });

  it('getFields lists the attachment system field', async () => {
    const res = await site.jira.get('/rest/api/3/field');
    expectConforming(res, 200);
    expect(z.array(z.object({ id: z.string() }).passthrough()).parse(res.body).find((f) => f.id === 'attachment')).toMatchObject({ name: 'Attachment', navigable: false, schema: { type: 'array', items: 'attachment', system: 'attachment' } });
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect([...failures, ...site.specFailures()]).toEqual([]);
  });

  it('checked every attachment operation against the spec', () => {
    expect(uncheckedOperations(spec, ['addAttachment', 'getAttachmentMeta', 'getAttachment', 'getAttachmentContent', 'removeAttachment'])).toEqual([]);
  });
});
