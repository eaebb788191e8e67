import { z } from 'zod';
import type { JiraProductEvent } from './contract';
import { MEDIA_TOKEN_TTL_MS } from './media';
import { adfMediaFileIds } from './attachments';
import { attachmentList, docWithMedia, mediaFileIdOf, mediaFileIdOfAttachment, rawGet, upload } from './testing/attachment-client';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

const created = z.object({ id: z.string(), key: z.string() });
const BYTES = Buffer.from('0123456789');
const T0 = Date.parse('2026-03-02T10:00:00Z');

async function createIssue(h: SiteHarness, fields: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'With files', ...fields } });
  expect(r.status).toBe(201);
  return created.parse(r.body);
}

async function attach(h: SiteHarness, key: string, names: readonly string[]): Promise<{ id: string; media: string }[]> {
  const r = await upload(h, key, names.map((filename) => ({ filename, type: 'image/png', data: BYTES })));
  expect(r.status).toBe(200);
  const out: { id: string; media: string }[] = [];
  for (const a of attachmentList.parse(r.json)) out.push({ id: a.id, media: await mediaFileIdOfAttachment(h, a.id) });
  return out;
}

async function attachmentIds(h: SiteHarness, key: string): Promise<string[]> {
  const r = await h.call('GET', `/rest/api/3/issue/${key}?fields=attachment`);
  return attachmentList.parse(z.object({ fields: z.object({ attachment: z.unknown() }) }).parse(r.body).fields.attachment).map((a) => a.id);
}

describe('attachment content (GET /attachment/content/{id}) and the media host', () => {
  let h: SiteHarness;
  let now = T0;
  let id = '';
  beforeEach(async () => {
    now = T0;
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0, now: () => now });
    const { key } = await createIssue(h);
    const r = await upload(h, key, [{ filename: 'digits & more.txt', type: 'text/plain', data: BYTES }]);
    id = attachmentList.parse(r.json)[0]?.id ?? '';
  });
  afterEach(async () => {
    await h.stop();
  });

  it('redirects (303, the default) to the media host with a token, client and file name; the link answers the bytes without credentials', async () => {
    for (const q of ['', '?redirect=true', '?redirect=TRUE']) {
      const r = await rawGet(h, `/rest/api/3/attachment/content/${id}${q}`);
      expect([q, r.status, r.bytes.length]).toEqual([q, 303, 0]);
      const location = r.headers.get('location') ?? '';
      expect(location).toMatch(new RegExp(`^${h.baseUrl}/_media/file/[0-9a-f-]{36}/binary\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+&client=[0-9a-f-]{36}&dl=true&name=digits\\+%26\\+more\\.txt$`));
      const file = await rawGet(h, location, { as: null });
      expect([file.status, file.headers.get('content-type'), file.bytes.equals(BYTES)]).toEqual([200, 'text/plain', true]);
      expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''digits%20%26%20more.txt");
    }
    // the metadata never names the media file id
    const meta = await h.call('GET', `/rest/api/3/attachment/${id}`);
    expect(JSON.stringify(meta.body)).not.toContain(mediaFileIdOf((await rawGet(h, `/rest/api/3/attachment/content/${id}`)).headers.get('location') ?? ''));
  });

  it('ignores a Range header when redirecting (303): 206 is only for redirect=false', async () => {
    expect((await rawGet(h, `/rest/api/3/attachment/content/${id}`, { headers: { range: 'bytes=0-1' } })).status).toBe(303);
  });

  it.each([
    ['expired (a minute and a millisecond later)', (loc: string) => loc, MEDIA_TOKEN_TTL_MS + 1, 401],
    ['exactly at the end of its minute', (loc: string) => loc, MEDIA_TOKEN_TTL_MS, 200],
    ['without its token', (loc: string) => loc.replace(/token=[^&]+&/, ''), 0, 401],
    ['with a tampered token', (loc: string) => loc.replace(/token=([^.]+)\.([^&])/, 'token=$1.x$2'), 0, 401],
    ['with another client id', (loc: string) => loc.replace(/client=[^&]+/, 'client=00000000-0000-4000-8000-000000000000'), 0, 401],
    ['for another file (the token names its file)', (loc: string) => loc.replace(/file\/[0-9a-f-]{36}/, 'file/00000000-0000-4000-8000-000000000000'), 0, 401],
  ])('refuses a media link %s', async (_name, change, advance, status) => {
    const location = (await rawGet(h, `/rest/api/3/attachment/content/${id}`)).headers.get('location') ?? '';
    now += advance;
    expect((await rawGet(h, change(location), { as: null })).status).toBe(status);
  });

  it('answers 200 with the bytes and the mimeType with redirect=false, and 400 for a redirect that is no boolean', async () => {
    const r = await rawGet(h, `/rest/api/3/attachment/content/${id}?redirect=false`);
    expect([r.status, r.headers.get('content-type'), r.headers.get('content-length'), r.bytes.equals(BYTES)]).toEqual([200, 'text/plain', '10', true]);
    expect((await rawGet(h, `/rest/api/3/attachment/content/${id}?redirect=yes`)).status).toBe(400);
  });

  it.each([
    ['bytes=0-3', 206, '0123', 'bytes 0-3/10'],
    ['bytes=2-', 206, '23456789', 'bytes 2-9/10'],
    ['bytes=-3', 206, '789', 'bytes 7-9/10'],
    ['bytes=-30', 206, '0123456789', 'bytes 0-9/10'],
    ['bytes=5-100', 206, '56789', 'bytes 5-9/10'],
    ['bytes=9-9', 206, '9', 'bytes 9-9/10'],
    [' bytes=0-0 ', 206, '0', 'bytes 0-0/10'],
    ['bytes=10-', 416, null, 'bytes */10'],
    ['bytes=10-12', 416, null, 'bytes */10'],
    ['bytes=-0', 416, null, 'bytes */10'],
    ['bytes=3-1', 400, null, null],
    ['bytes=0-1,4-5', 400, null, null],
    ['items=0-1', 400, null, null],
    ['bytes=a-b', 400, null, null],
    ['bytes=1', 400, null, null],
    ['bytes=+1-2', 400, null, null],
    ['bytes=-', 400, null, null],
  ])('Range %j with redirect=false → %i', async (range, status, body, contentRange) => {
    const r = await rawGet(h, `/rest/api/3/attachment/content/${id}?redirect=false`, { headers: { range } });
    expect(r.status).toBe(status);
    expect(r.headers.get('content-range')).toBe(contentRange);
    if (body !== null) expect(r.text).toBe(body);
    else expect(r.json).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('answers 404 for an unknown attachment, on both forms', async () => {
    expect((await rawGet(h, '/rest/api/3/attachment/content/999999')).status).toBe(404);
    expect((await rawGet(h, '/rest/api/3/attachment/content/999999?redirect=false')).status).toBe(404);
  });

  it('answers 404 on the media host for paths that are no file, and 405 for other methods', async () => {
    const location = (await rawGet(h, `/rest/api/3/attachment/content/${id}`)).headers.get('location') ?? '';
    expect((await rawGet(h, `${h.baseUrl}/_media/file/x/binary`, { as: null })).status).toBe(404);
    expect((await rawGet(h, location, { as: null, method: 'POST' })).status).toBe(405);
    const head = await rawGet(h, location, { as: null, method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.bytes.length]).toEqual([200, '10', 0]);
  });
});

describe('ADF media nodes and the attachments they name', () => {
  let h: SiteHarness;
  beforeEach(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0 });
  });
  afterEach(async () => {
    await h.stop();
  });

  const deletedIds = (events: JiraProductEvent[]): string[] => events.filter((e) => e.eventType === 'avi:jira:deleted:attachment').map((e) => String(e.attachment?.id));

  it.each(['mediaSingle', 'mediaGroup', 'mediaInline'] as const)('accepts %s nodes in descriptions and comments', async (form) => {
    const { key } = await createIssue(h);
    const [a] = await attach(h, key, ['a.png']);
    const doc = docWithMedia('see', [a?.media ?? ''], form);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: doc } })).status).toBe(204);
    expect((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: doc })).status).toBe(201);
    const got = z.object({ fields: z.object({ description: z.unknown() }) }).parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=description`)).body);
    expect(got.fields.description).toEqual(doc);
  });

  it('deletes an attachment when a description edit drops the last reference to its media file, and keeps the others', async () => {
    const { key } = await createIssue(h);
    const [a, b, c] = await attach(h, key, ['a.png', 'b.png', 'never-referenced.png']);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: docWithMedia('two', [a?.media ?? '', b?.media ?? '']) } })).status).toBe(204);
    const seen = h.events.length;
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: docWithMedia('one', [b?.media ?? '']) } })).status).toBe(204);
    expect(await attachmentIds(h, key)).toEqual([b?.id, c?.id]);
    const events = (await h.eventsReached(seen + 2)).slice(seen);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:deleted:attachment', 'avi:jira:updated:issue']);
    expect(deletedIds(events)).toEqual([a?.id]);
    // one change: the description and the attachment in the same changelog entry
    expect(events[1]?.changelog?.items.map((i) => [i.field, i.from])).toEqual([['description', null], ['Attachment', a?.id]]);
    expect((await h.call('GET', `/rest/api/3/attachment/${a?.id ?? ''}`)).status).toBe(404);
    // an edit of another field, or a description that keeps its media, deletes nothing
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'renamed', description: docWithMedia('still one', [b?.media ?? '']) } })).status).toBe(204);
    expect(await attachmentIds(h, key)).toEqual([b?.id, c?.id]);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: null } })).status).toBe(204);
    expect(await attachmentIds(h, key)).toEqual([c?.id]);
  });

  it.each([
    ['a comment still names it', 'comment', 1],
    ['a comment added in the same edit names it', 'same-edit', 1],
    ['nothing else names it', 'none', 0],
  ])('a description that drops a media file: %s → %i left', async (_name, other, left) => {
    const { key } = await createIssue(h);
    const [a] = await attach(h, key, ['a.png']);
    const doc = docWithMedia('with', [a?.media ?? '']);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: doc } })).status).toBe(204);
    if (other === 'comment') expect((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: doc })).status).toBe(201);
    const update = other === 'same-edit' ? { update: { comment: [{ add: { body: doc } }] } } : {};
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: adf('without') }, ...update })).status).toBe(204);
    expect(await attachmentIds(h, key)).toHaveLength(left);
  });

  it('deletes an attachment when a comment edit or a comment deletion drops the last reference, with the events', async () => {
    const { key } = await createIssue(h);
    const [a, b] = await attach(h, key, ['a.png', 'b.png']);
    const one = z.object({ id: z.string() }).parse((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: docWithMedia('a', [a?.media ?? '']) })).body);
    const two = z.object({ id: z.string() }).parse((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: docWithMedia('b', [b?.media ?? '']) })).body);
    let seen = h.events.length;
    expect((await h.call('PUT', `/rest/api/3/issue/${key}/comment/${one.id}`, { body: adf('no picture') })).status).toBe(200);
    let events = (await h.eventsReached(seen + 3)).slice(seen);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:commented:issue', 'avi:jira:deleted:attachment', 'avi:jira:updated:issue']);
    expect(deletedIds(events)).toEqual([a?.id]);
    expect(await attachmentIds(h, key)).toEqual([b?.id]);
    seen = h.events.length;
    expect((await h.call('DELETE', `/rest/api/3/issue/${key}/comment/${two.id}`)).status).toBe(204);
    events = (await h.eventsReached(seen + 3)).slice(seen);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:deleted:comment', 'avi:jira:deleted:attachment', 'avi:jira:updated:issue']);
    expect(deletedIds(events)).toEqual([b?.id]);
    expect(await attachmentIds(h, key)).toEqual([]);
  });

  it('deletes only the issue\'s own attachments: dropping a reference to another issue\'s file deletes nothing', async () => {
    const first = await createIssue(h);
    const second = await createIssue(h);
    const [a] = await attach(h, first.key, ['a.png']);
    expect((await h.call('PUT', `/rest/api/3/issue/${second.key}`, { fields: { description: docWithMedia('theirs', [a?.media ?? '']) } })).status).toBe(204);
    expect((await h.call('PUT', `/rest/api/3/issue/${second.key}`, { fields: { description: adf('gone') } })).status).toBe(204);
    expect(await attachmentIds(h, first.key)).toEqual([a?.id]);
  });

  it('also deletes on a transition that changes the description', async () => {
    const { key } = await createIssue(h);
    const [a] = await attach(h, key, ['a.png']);
    expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: { description: docWithMedia('x', [a?.media ?? '']) } })).status).toBe(204);
    expect((await h.call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' }, fields: { description: adf('done') } })).status).toBe(204);
    expect(await attachmentIds(h, key)).toEqual([]);
  });
});

describe('adfMediaFileIds', () => {
  it.each([
    ['mediaSingle', docWithMedia('x', ['a', 'b']), ['a', 'b']],
    ['mediaGroup', docWithMedia('x', ['a', 'b'], 'mediaGroup'), ['a', 'b']],
    ['mediaInline', docWithMedia('x', ['c'], 'mediaInline'), ['c']],
    ['link and external media', { type: 'doc', version: 1, content: [{ type: 'mediaSingle', content: [{ type: 'media', attrs: { type: 'link', id: 'l', collection: '' } }] }, { type: 'mediaSingle', content: [{ type: 'media', attrs: { type: 'external', url: 'https://x/y.png' } }] }] }, []],
    ['nested in a table', { type: 'doc', version: 1, content: [{ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [docWithMedia('x', ['t'])] }] }] }] }, ['t']],
    ['no document', null, []],
  ])('%s', (_name, doc, ids) => {
    expect([...adfMediaFileIds(doc)].sort()).toEqual(ids);
  });
});
