import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_UPLOAD_LIMIT, MAX_ATTACHMENTS_PER_ISSUE, mimeTypeOf } from './attachments';
import { attachmentList, mediaFileIdOf, rawGet, upload, type TestFile } from './testing/attachment-client';
import { startSite, type SiteHarness } from './testing/site-harness';

const created = z.object({ id: z.string(), key: z.string() });
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x2d, 0x2d, 0x0d, 0x0a, 0x7f, 0x80]);
const T0 = Date.parse('2026-03-02T10:00:00Z');

async function createIssue(h: SiteHarness, fields: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'With files', ...fields } });
  expect(r.status).toBe(201);
  return created.parse(r.body);
}

async function attachmentField(h: SiteHarness, key: string): Promise<z.infer<typeof attachmentList>> {
  const r = await h.call('GET', `/rest/api/3/issue/${key}?fields=attachment`);
  expect(r.status).toBe(200);
  return attachmentList.parse(z.object({ fields: z.object({ attachment: z.unknown() }) }).parse(r.body).fields.attachment);
}

async function updatedOf(h: SiteHarness, key: string): Promise<string> {
  const r = await h.call('GET', `/rest/api/3/issue/${key}?fields=updated`);
  return z.object({ fields: z.object({ updated: z.string() }) }).parse(r.body).fields.updated;
}

describe('attachments: upload (POST /issue/{issueIdOrKey}/attachments)', () => {
  let h: SiteHarness;
  let now = T0;
  beforeEach(async () => {
    now = T0;
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0, now: () => now });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('stores the bytes exactly, answers 200 with Attachment objects, and the issue shows them', async () => {
    const { key } = await createIssue(h);
    now += 5000;
    const r = await upload(h, key, [{ filename: 'logo.png', type: 'image/png', data: BINARY }, { filename: 'notes.txt', type: 'text/plain', data: 'hello' }]);
    expect(r.status).toBe(200);
    const list = attachmentList.parse(r.json);
    expect(list.map((a) => [a.filename, a.mimeType, a.size])).toEqual([['logo.png', 'image/png', BINARY.length], ['notes.txt', 'text/plain', 5]]);
    const [png, txt] = list;
    expect(Number(txt?.id)).toBe(Number(png?.id) + 1);
    expect(png).toMatchObject({
      self: `${h.baseUrl}/rest/api/3/attachment/${png?.id ?? ''}`, content: `${h.baseUrl}/rest/api/3/attachment/content/${png?.id ?? ''}`,
      thumbnail: `${h.baseUrl}/rest/api/3/attachment/thumbnail/${png?.id ?? ''}`, created: '2026-03-02T10:00:05.000+0000',
      author: { accountId: h.site.admin.accountId, displayName: 'Admin', accountType: 'atlassian' },
    });
    expect(txt?.thumbnail).toBeUndefined();
    const bytes = await rawGet(h, `/rest/api/3/attachment/content/${png?.id ?? ''}?redirect=false`);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect(bytes.bytes.equals(BINARY)).toBe(true);
    expect(await attachmentField(h, key)).toEqual(list);
    expect(await updatedOf(h, key)).toBe('2026-03-02T10:00:05.000+0000');
  });

  it.each([
    ['no header', null],
    ['an empty value', ''],
    ['the old Server spelling', 'nocheck'],
    ['another case', 'No-Check'],
    ['another value', 'check'],
  ])('refuses an upload with %s as X-Atlassian-Token: 403 "XSRF check failed" as plain text, nothing stored', async (_name, xsrf) => {
    const { key } = await createIssue(h);
    await h.eventsReached(1);
    const before = await updatedOf(h, key);
    now += 1000;
    const r = await upload(h, key, [{ filename: 'a.txt', data: 'x' }], { xsrf });
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([403, 'XSRF check failed', 'text/plain;charset=UTF-8']);
    expect(await attachmentField(h, key)).toEqual([]);
    expect(await updatedOf(h, key)).toBe(before);
    expect(h.events).toHaveLength(1);
  });

  it('checks the XSRF header before anything else (an unknown issue is still 403), then the issue (404)', async () => {
    expect((await upload(h, 'INT-999', [{ filename: 'a.txt', data: 'x' }], { xsrf: null })).status).toBe(403);
    const r = await upload(h, 'INT-999', [{ filename: 'a.txt', data: 'x' }]);
    expect([r.status, r.json]).toEqual([404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }]);
  });

  it('answers 401 without credentials before the XSRF check', async () => {
    const { key } = await createIssue(h);
    const res = await fetch(`${h.baseUrl}/rest/api/3/issue/${key}/attachments`, { method: 'POST', body: new FormData() });
    expect(res.status).toBe(401);
  });

  it.each<[string, TestFile[] | { body: Buffer; contentType: string }, number, RegExp]>([
    ['no part named file', [{ field: 'attachment', filename: 'a.txt', data: 'x' }], 400, /no multipart\/form-data part named 'file'/],
    ['an empty file', [{ filename: 'empty.txt', data: '' }], 400, /is empty/],
    ['a JSON body', { body: Buffer.from('{"file":"x"}'), contentType: 'application/json' }, 415, /multipart\/form-data/],
    ['no boundary', { body: Buffer.from('--x\r\n'), contentType: 'multipart/form-data' }, 400, /no boundary/],
    ['a body without its closing delimiter', { body: Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'), contentType: 'multipart/form-data; boundary=b' }, 400, /malformed/],
    ['a file part without a file name', { body: Buffer.from('--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--b--\r\n'), contentType: 'multipart/form-data; boundary=b' }, 400, /no file name/],
  ])('refuses %s and stores nothing', async (_name, files, status, message) => {
    const { key } = await createIssue(h);
    const r = await upload(h, key, files);
    expect(r.status).toBe(status);
    expect(z.object({ errorMessages: z.array(z.string()) }).parse(r.json).errorMessages.join(' ')).toMatch(message);
    expect(await attachmentField(h, key)).toEqual([]);
  });

  it('ignores parts that are not files and takes every file part, byte-exact, whatever bytes the boundary lookalikes hold', async () => {
    const { key } = await createIssue(h);
    // partial delimiters, CRLFs and dashes inside the data (a full CRLF--boundary would end the part)
    const tricky = Buffer.concat([Buffer.from('\r\n--XyZ12'), BINARY, Buffer.from('\r\n--XyZ\r\n\r\n--')]);
    const body = Buffer.concat([
      Buffer.from('preamble\r\n--XyZ123\r\nContent-Disposition: form-data; name="comment"\r\n\r\nnot a file\r\n'),
      Buffer.from('--XyZ123\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.bin\r\nContent-Type: application/octet-stream\r\n\r\n'),
      tricky,
      Buffer.from('\r\n--XyZ123--\r\n'),
    ]);
    const r = await upload(h, key, { body, contentType: 'multipart/form-data; boundary="XyZ123"' });
    expect(r.status).toBe(200);
    const [a] = attachmentList.parse(r.json);
    expect([a?.filename, a?.mimeType, a?.size]).toEqual(['résumé.bin', 'application/octet-stream', tricky.length]);
    expect((await rawGet(h, `/rest/api/3/attachment/content/${a?.id ?? ''}?redirect=false`)).bytes.equals(tricky)).toBe(true);
  });

  describe('the upload limit', () => {
    it('defaults to Jira Cloud\'s 1 GB and is answered by GET /attachment/meta', async () => {
      expect(DEFAULT_UPLOAD_LIMIT).toBe(1_000_000_000);
      expect((await h.call('GET', '/rest/api/3/attachment/meta')).body).toEqual({ enabled: true, uploadLimit: 1_000_000_000 });
    });

    it.each([
      ['one file at the limit', [1024], 200],
      ['one file a byte over', [1025], 413],
      ['files that are over it together (harsher reading)', [600, 600], 413],
      ['files under it together', [500, 500], 200],
      ['a body far over the limit (drained, not parsed)', [300_000], 413],
    ])('with a limit of 1024 bytes: %s (sizes %j → %s), nothing stored when refused', async (_name, sizes, status) => {
      h.site.setAttachmentSettings({ uploadLimit: 1024 });
      const { key } = await createIssue(h);
      await h.eventsReached(1);
      const before = await updatedOf(h, key);
      now += 1000;
      const r = await upload(h, key, sizes.map((n, i) => ({ filename: `f${i}.bin`, data: Buffer.alloc(n, i + 1) })));
      expect(r.status).toBe(status);
      if (status === 413) {
        expect(r.json).toEqual({ errorMessages: ['The field file exceeds its maximum permitted size of 1024 bytes.'], errors: {} });
        expect(await attachmentField(h, key)).toEqual([]);
        expect(await updatedOf(h, key)).toBe(before);
        expect(h.events).toHaveLength(1);
      } else {
        expect(attachmentList.parse(r.json).map((a) => a.size)).toEqual(sizes);
      }
    });

    it('is set by POST /_sandbox/jira/attachments (no credentials), answered by /attachment/meta, and refuses values Jira does not allow', async () => {
      const set = await fetch(`${h.baseUrl}/_sandbox/jira/attachments`, { method: 'POST', body: JSON.stringify({ uploadLimit: 5 * 1024 * 1024 }) });
      expect([set.status, await set.json()]).toEqual([200, { enabled: true, uploadLimit: 5_242_880 }]);
      expect((await h.call('GET', '/rest/api/3/attachment/meta')).body).toEqual({ enabled: true, uploadLimit: 5_242_880 });
      expect(await (await fetch(`${h.baseUrl}/_sandbox/jira/attachments`)).json()).toEqual({ enabled: true, uploadLimit: 5_242_880 });
      for (const body of ['{"uploadLimit":0}', '{"uploadLimit":2000000001}', '{"uploadLimit":1.5}', '{"uploadLimit":"5"}', '{"limit":5}', 'not json']) {
        const r = await fetch(`${h.baseUrl}/_sandbox/jira/attachments`, { method: 'POST', body });
        expect([body, r.status]).toEqual([body, 400]);
      }
      expect((await fetch(`${h.baseUrl}/_sandbox/jira/attachments`, { method: 'DELETE' })).status).toBe(405);
      expect(h.site.attachmentSettings()).toEqual({ enabled: true, uploadLimit: 5_242_880 });
    });

    it('refuses more than 60 files in one request (413)', async () => {
      const { key } = await createIssue(h);
      const files = Array.from({ length: 61 }, (_, i) => ({ filename: `f${i}.txt`, data: 'x' }));
      expect((await upload(h, key, files)).status).toBe(413);
      expect((await upload(h, key, files.slice(0, 60))).status).toBe(200);
      expect(await attachmentField(h, key)).toHaveLength(60);
    });

    it(`refuses an upload that would pass ${MAX_ATTACHMENTS_PER_ISSUE} attachments on the issue (413), all or nothing`, async () => {
      const { key } = await createIssue(h);
      const batch = Array.from({ length: 50 }, (_, i) => ({ filename: `f${i}.txt`, data: 'x' }));
      for (let i = 0; i < MAX_ATTACHMENTS_PER_ISSUE / 50 - 1; i++) expect((await upload(h, key, batch)).status).toBe(200);
      expect((await upload(h, key, [...batch, { filename: 'one-too-many.txt', data: 'x' }])).status).toBe(413);
      expect(await attachmentField(h, key)).toHaveLength(MAX_ATTACHMENTS_PER_ISSUE - 50);
      expect((await upload(h, key, batch)).status).toBe(200);
      expect((await upload(h, key, [{ filename: 'last.txt', data: 'x' }])).status).toBe(413);
    }, 60_000);
  });

  it('is refused when attachments are disabled: meta says so, uploads 403, reads 404', async () => {
    const { key } = await createIssue(h);
    const [a] = attachmentList.parse((await upload(h, key, [{ filename: 'a.txt', data: 'x' }])).json);
    h.site.setAttachmentSettings({ enabled: false });
    expect((await h.call('GET', '/rest/api/3/attachment/meta')).body).toEqual({ enabled: false, uploadLimit: DEFAULT_UPLOAD_LIMIT });
    expect((await upload(h, key, [{ filename: 'b.txt', data: 'y' }])).status).toBe(403);
    expect((await h.call('GET', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
    expect((await rawGet(h, `/rest/api/3/attachment/content/${a?.id ?? ''}`)).status).toBe(404);
    expect((await h.call('DELETE', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
  });

  it('is a change of the issue: Attachment changelog items, created:attachment then updated:issue per file, updated moves', async () => {
    const { id, key } = await createIssue(h);
    await h.eventsReached(1);
    now += 60_000;
    const list = attachmentList.parse((await upload(h, key, [{ filename: 'one.txt', data: '1' }, { filename: 'two.txt', data: '22' }])).json);
    const events = (await h.eventsReached(5)).slice(1);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:created:attachment', 'avi:jira:updated:issue', 'avi:jira:created:attachment', 'avi:jira:updated:issue']);
    expect(events[0]).toEqual({
      eventType: 'avi:jira:created:attachment', timestamp: '2026-03-02T10:01:00.000Z',
      attachment: { id: list[0]?.id, issueId: id, fileName: 'one.txt', mimeType: 'text/plain', size: 1, createDate: '2026-03-02 10:01:00.000', author: { accountId: h.site.admin.accountId } },
      journalSeq: expect.any(Number),
    });
    expect(events[1]).toMatchObject({ atlassianId: h.site.admin.accountId, issue: { id, key }, changelog: { items: [{ field: 'Attachment', fieldId: 'attachment', fieldtype: 'jira', from: null, fromString: null, to: list[0]?.id, toString: 'one.txt' }] } });
    expect(events[3]).toMatchObject({ changelog: { items: [{ field: 'Attachment', to: list[1]?.id, toString: 'two.txt' }] } });
    const changelog = z.object({ values: z.array(z.object({ items: z.array(z.object({ field: z.string(), to: z.string().nullable() })) })) }).parse((await h.call('GET', `/rest/api/3/issue/${key}/changelog`)).body);
    expect(changelog.values.map((v) => v.items.map((i) => [i.field, i.to]))).toEqual([[['Attachment', list[0]?.id]], [['Attachment', list[1]?.id]]]);
    expect(await updatedOf(h, key)).toBe('2026-03-02T10:01:00.000+0000');
  });
});

describe('attachments: metadata, deletion, the issue field', () => {
  let h: SiteHarness;
  let now = T0;
  beforeEach(async () => {
    now = T0;
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0, now: () => now });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('GET /attachment/{id}: AttachmentMetadata with an integer id and nothing beyond the schema; 404 for unknown and non-numeric ids', async () => {
    const { key } = await createIssue(h);
    const [a] = attachmentList.parse((await upload(h, key, [{ filename: 'pic.jpg', type: 'image/jpeg', data: BINARY }])).json);
    const r = await h.call('GET', `/rest/api/3/attachment/${a?.id ?? ''}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: Number(a?.id), self: a?.self, filename: 'pic.jpg', author: a?.author, created: a?.created, size: BINARY.length,
      mimeType: 'image/jpeg', content: a?.content, thumbnail: a?.thumbnail,
    });
    for (const id of ['999999', 'abc', '1e3']) expect((await h.call('GET', `/rest/api/3/attachment/${id}`)).status).toBe(404);
  });

  it('DELETE /attachment/{id}: 204, gone everywhere, deleted:attachment then updated:issue, updated moves', async () => {
    const { id, key } = await createIssue(h);
    const [a, b] = attachmentList.parse((await upload(h, key, [{ filename: 'a.txt', data: 'a' }, { filename: 'b.txt', data: 'b' }])).json);
    const location = (await rawGet(h, `/rest/api/3/attachment/content/${a?.id ?? ''}`)).headers.get('location') ?? '';
    await h.eventsReached(5);
    now += 30_000;
    expect((await h.call('DELETE', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
    expect((await rawGet(h, `/rest/api/3/attachment/content/${a?.id ?? ''}?redirect=false`)).status).toBe(404);
    expect((await rawGet(h, location, { as: null })).status).toBe(404);
    expect((await attachmentField(h, key)).map((x) => x.id)).toEqual([b?.id]);
    const events = (await h.eventsReached(7)).slice(5);
    expect(events[0]).toMatchObject({ eventType: 'avi:jira:deleted:attachment', attachment: { id: a?.id, issueId: id, fileName: 'a.txt' } });
    expect(events[1]).toMatchObject({ eventType: 'avi:jira:updated:issue', changelog: { items: [{ field: 'Attachment', from: a?.id, fromString: 'a.txt', to: null, toString: null }] } });
    expect(await updatedOf(h, key)).toBe('2026-03-02T10:00:30.000+0000');
    expect((await h.call('DELETE', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
  });

  it.each([
    ['a person deleting their own attachment', 'user', 'user', 204],
    ['a person deleting someone else\'s (no Delete all attachments)', 'admin', 'user', 403],
    ['the site admin deleting someone else\'s', 'user', 'admin', 204],
    ['an app deleting someone else\'s', 'user', 'app', 204],
  ])('permissions: %s (uploaded by %s, deleted by %s → %s)', async (_name, uploader, deleter, status) => {
    const app = h.site.createAppAccount('Twin Sync');
    const who = (name: string): typeof app => (name === 'user' ? h.site.user : name === 'app' ? app : h.site.admin);
    const { key } = await createIssue(h);
    const [a] = attachmentList.parse((await upload(h, key, [{ filename: 'a.txt', data: 'a' }], { as: who(uploader) })).json);
    expect((await h.call('DELETE', `/rest/api/3/attachment/${a?.id ?? ''}`, undefined, { as: who(deleter) })).status).toBe(status);
    expect(await attachmentField(h, key)).toHaveLength(status === 204 ? 0 : 1);
  });

  it('the attachment field: in *all (GET issue\'s default) and when named, not in *navigable; GET /field lists it as Jira Cloud does', async () => {
    const { key } = await createIssue(h);
    const list = attachmentList.parse((await upload(h, key, [{ filename: 'a.txt', data: 'a' }])).json);
    const fieldsOf = async (q: string): Promise<Record<string, unknown>> => z.object({ fields: z.record(z.string(), z.unknown()) }).parse((await h.call('GET', `/rest/api/3/issue/${key}${q}`)).body).fields;
    expect((await fieldsOf('')).attachment).toEqual(list);
    expect((await fieldsOf('?fields=*navigable')).attachment).toBeUndefined();
    expect((await fieldsOf('?fields=*all,-attachment')).attachment).toBeUndefined();
    const search = z.object({ issues: z.array(z.object({ fields: z.record(z.string(), z.unknown()) })) });
    expect(search.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: `key = ${key}`, fields: ['attachment'] })).body).issues[0]?.fields.attachment).toEqual(list);
    expect(search.parse((await h.call('POST', '/rest/api/3/search/jql', { jql: `key = ${key}`, fields: ['*navigable'] })).body).issues[0]?.fields.attachment).toBeUndefined();
    const fields = z.array(z.object({ id: z.string() }).passthrough()).parse((await h.call('GET', '/rest/api/3/field')).body);
    expect(fields.find((f) => f.id === 'attachment')).toEqual({
      id: 'attachment', key: 'attachment', name: 'Attachment', custom: false, orderable: true, navigable: false, searchable: true,
      clauseNames: ['attachments'], schema: { type: 'array', items: 'attachment', system: 'attachment' },
    });
  });

  it('deleting the issue deletes its attachments (no attachment events: Forge emits no cascading events)', async () => {
    const { key } = await createIssue(h);
    const [a] = attachmentList.parse((await upload(h, key, [{ filename: 'a.txt', data: 'a' }])).json);
    const location = (await rawGet(h, `/rest/api/3/attachment/content/${a?.id ?? ''}`)).headers.get('location') ?? '';
    await h.eventsReached(3);
    expect((await h.call('DELETE', `/rest/api/3/issue/${key}`)).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
    expect((await rawGet(h, location, { as: null })).status).toBe(404);
    const events = await h.eventsReached(4);
    expect(events.slice(3).map((e) => e.eventType)).toEqual(['avi:jira:deleted:issue']);
  });
});

describe('attachments: persistence', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'jira-attach-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('keeps bytes, metadata, the ids\' counter, media links and the settings across a restart on the same file', async () => {
    const db = join(dir, 'jira-internal.sqlite');
    const now = (): number => T0;
    const first = await startSite({ db, rateLimits: false, now });
    first.site.setAttachmentSettings({ uploadLimit: 4096 });
    const { key } = await createIssue(first);
    const [a] = attachmentList.parse((await upload(first, key, [{ filename: 'b.bin', data: BINARY }])).json);
    const location = (await rawGet(first, `/rest/api/3/attachment/content/${a?.id ?? ''}`)).headers.get('location') ?? '';
    await first.stop();

    const second = await startSite({ db, rateLimits: false, now });
    try {
      expect(second.site.attachmentSettings()).toEqual({ enabled: true, uploadLimit: 4096 });
      expect(JSON.stringify(await attachmentField(second, key))).toBe(JSON.stringify([a]).replaceAll(first.baseUrl, second.baseUrl));
      expect((await rawGet(second, `/rest/api/3/attachment/content/${a?.id ?? ''}?redirect=false`)).bytes.equals(BINARY)).toBe(true);
      // the link signed before the restart still works (within its minute): same site secret, same file id
      const again = await rawGet(second, location.replace(first.baseUrl, second.baseUrl), { as: null });
      expect([again.status, again.bytes.equals(BINARY)]).toEqual([200, true]);
      expect(mediaFileIdOf((await rawGet(second, `/rest/api/3/attachment/content/${a?.id ?? ''}`)).headers.get('location') ?? '')).toBe(mediaFileIdOf(location));
      const [b] = attachmentList.parse((await upload(second, key, [{ filename: 'c.txt', data: 'c' }])).json);
      expect(Number(b?.id)).toBe(Number(a?.id) + 1);
    } finally {
      await second.stop();
    }
  });
});

describe('mimeTypeOf', () => {
  it.each([
    ['a.png', 'image/png', 'image/png'],
    ['a.png', 'IMAGE/PNG; charset=x', 'image/png'],
    ['report.PDF', 'application/octet-stream', 'application/pdf'],
    ['report.pdf', null, 'application/pdf'],
    ['data.unknownext', 'application/octet-stream', 'application/octet-stream'],
    ['noext', null, 'application/octet-stream'],
    ['a.txt', 'not a type', 'text/plain'],
  ])('%s sent as %s → %s', (name, declared, expected) => {
    expect(mimeTypeOf(name, declared)).toBe(expected);
  });
});
