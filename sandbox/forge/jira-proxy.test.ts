import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { JiraSite } from '../jira/site';
import { proxyBody } from './installation';
import { ForgePlatform, type Installation } from './platform';

/**
 * The Jira proxy of the Forge runtime (installation.ts `requestJira`): request bodies reach Jira
 * byte-exact whatever their kind, responses stay binary, redirects are not followed (the app gets the
 * 303 and its Location), and the media link the Location names needs the app's egress permission.
 */
jest.setTimeout(60_000);

const APP = path.join(__dirname, 'testing', 'jira-proxy-app');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** the bytes the app uploads (testing/jira-proxy-app/src/index.ts, BYTES) */
const BYTES_LENGTH = 12;

describe('proxyBody: what an app hands requestJira, as the request fetch sends', () => {
  const multipartType = 'multipart/form-data; boundary=b';
  const sent = async (body: unknown, headers = new Headers()): Promise<{ bytes: string; type: string | null }> => {
    const init = await proxyBody(body, headers);
    const request = new Request('http://jira.invalid/', { method: 'POST', headers, ...(init !== undefined ? { body: init } : {}) });
    return { bytes: hex(new Uint8Array(await request.arrayBuffer())), type: request.headers.get('content-type') };
  };
  const raw = Uint8Array.from([0, 0x80, 0xff, 0x0d, 0x0a]);

  it.each<[string, () => unknown, string, string | null]>([
    ['a string, as UTF-8', () => 'é✓', hex(Buffer.from('é✓')), 'text/plain;charset=UTF-8'],
    ['URLSearchParams', () => new URLSearchParams({ a: '1 2', b: 'ü' }), hex(Buffer.from('a=1+2&b=%C3%BC')), 'application/x-www-form-urlencoded;charset=UTF-8'],
    ['a Uint8Array', () => raw, hex(raw), null],
    ['a Buffer', () => Buffer.from(raw), hex(raw), null],
    ['a view on part of a buffer', () => new Uint8Array(Uint8Array.from([9, ...raw, 9]).buffer, 1, raw.length), hex(raw), null],
    ['a DataView', () => new DataView(Uint8Array.from(raw).buffer), hex(raw), null],
    ['an ArrayBuffer', () => Uint8Array.from(raw).buffer, hex(raw), null],
    ['a Blob, with its type', () => new Blob([raw], { type: 'image/png' }), hex(raw), 'image/png'],
    ['a web ReadableStream', () => new Response(raw).body, hex(raw), null],
    ['a Node stream', () => Readable.from([Buffer.from(raw.subarray(0, 2)), Buffer.from(raw.subarray(2))]), hex(raw), null],
    ['a form-data style stream (getBoundary)', () => Object.assign(Readable.from([Buffer.from(raw)]), { getBoundary: () => 'b' }), hex(raw), multipartType],
  ])('%s', async (_name, make, bytes, type) => {
    expect(await sent(make())).toEqual({ bytes, type });
  });

  it('sends FormData as multipart/form-data with its boundary, the file bytes exact', async () => {
    const form = new FormData();
    form.append('file', new Blob([raw], { type: 'application/octet-stream' }), 'x.bin');
    const init = await proxyBody(form, new Headers());
    const request = new Request('http://jira.invalid/', { method: 'POST', ...(init !== undefined ? { body: init } : {}) });
    const type = request.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const text = Buffer.from(await request.arrayBuffer());
    expect(text.includes(Buffer.concat([Buffer.from('\r\n\r\n'), Buffer.from(raw), Buffer.from('\r\n--')]))).toBe(true);
  });

  it('keeps the app\'s own Content-Type (a stream with getBoundary does not override it) and sends no body for none', async () => {
    const headers = new Headers({ 'content-type': 'multipart/form-data; boundary=mine' });
    expect((await sent(Object.assign(Readable.from([Buffer.from('x')]), { getBoundary: () => 'b' }), headers)).type).toBe('multipart/form-data; boundary=mine');
    expect(await proxyBody(undefined, new Headers())).toBeUndefined();
    expect(await proxyBody(null, new Headers())).toBeUndefined();
  });

  it('copies bytes: the app may reuse its buffer after the call', async () => {
    const mine = Uint8Array.from([1, 2, 3]);
    const init = await proxyBody(mine, new Headers());
    mine[0] = 9;
    expect(hex(new Uint8Array(await new Request('http://jira.invalid/', { method: 'POST', ...(init !== undefined ? { body: init } : {}) }).arrayBuffer()))).toBe('010203');
  });
});

describe('requestJira through the real @forge/api: attachments', () => {
  let dir: string;
  let platform: ForgePlatform;
  let site: JiraSite;
  let inst: Installation;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'forge-proxy-'));
    platform = new ForgePlatform({ appRoot: APP, dataDir: null, log: () => undefined });
    await platform.start();
    site = JiraSite.create({ name: 'internal', db: ':memory:', rateLimits: false, searchIndexLagMs: 0, now: () => platform.scheduler.now() });
    await site.listen(0, '127.0.0.1');
    inst = await platform.install(site);
  });
  afterAll(async () => {
    await platform.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(kind: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${site.baseUrl ?? ''}/rest/api/3/issue`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: kind } }),
    });
    expect(res.status).toBe(201);
    await platform.waitForIdle();
    const result = inst.kvsValue(`result:${kind}`);
    if (typeof result !== 'object' || result === null) throw new Error(`no result for ${kind}: ${JSON.stringify(result)}`);
    return { ...result };
  }

  it.each(['formdata', 'uint8array', 'buffer', 'arraybuffer', 'dataview', 'blob', 'stream', 'string'])('uploads a %s body byte-exact, reads it back binary, gets the 303 unfollowed and may fetch its media link', async (kind) => {
    const r = await run(kind);
    expect(r).toMatchObject({ uploadStatus: 200, size: kind === 'string' ? Buffer.byteLength('plain text, é and ✓') : BYTES_LENGTH, redirectStatus: 303, redirectBodyBytes: 0 });
    expect(r.stored).toBe(r.sent);
    expect(String(r.location)).toMatch(new RegExp(`^${site.baseUrl ?? ''}/_media/file/[0-9a-f-]{36}/binary\\?token=`));
    // the manifest's egress names api.media.atlassian.com: the sandbox's media host answers the bytes
    expect(r.media).toEqual({ status: 200, hex: r.sent });
  });

  it('gets Jira\'s 403 "XSRF check failed" when the app sends no X-Atlassian-Token', async () => {
    expect(await run('no-xsrf')).toEqual({ uploadStatus: 403, text: 'XSRF check failed', contentType: 'text/plain;charset=UTF-8' });
  });

  it('delivers avi:jira:created:attachment with the documented payload, even to an ignoreSelf trigger (no atlassianId to match)', async () => {
    const keys = inst.kvsKeys('event:avi:jira:created:attachment:');
    expect(keys.length).toBeGreaterThanOrEqual(8);
    const recorded = inst.kvsValue(keys[0] ?? '');
    expect(recorded).toEqual({
      keys: ['attachment', 'context', 'eventType', 'selfGenerated', 'timestamp'],
      attachment: { id: expect.stringMatching(/^\d+$/), issueId: expect.stringMatching(/^\d+$/), fileName: expect.any(String), mimeType: 'application/octet-stream', size: expect.any(Number), createDate: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/), author: { accountId: inst.appAccountId } },
      selfGenerated: false,
    });
  });

  it('delivers avi:jira:created:issuelink and avi:jira:deleted:issuelink with their payload, even to an ignoreSelf trigger (no atlassianId to match)', async () => {
    const headers = { authorization: `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}`, 'content-type': 'application/json' };
    const call = (method: string, p: string, body?: unknown): Promise<Response> => fetch(`${site.baseUrl ?? ''}${p}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const issue = z.object({ id: z.string(), key: z.string() });
    const a = issue.parse(await (await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'link-a' } })).json());
    const b = issue.parse(await (await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'link-b' } })).json());
    expect((await call('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } })).status).toBe(201);
    const links = z.object({ fields: z.object({ issuelinks: z.array(z.object({ id: z.string() })) }) }).parse(await (await call('GET', `/rest/api/3/issue/${a.key}?fields=issuelinks`)).json());
    const id = links.fields.issuelinks[0]?.id ?? '';
    expect((await call('DELETE', `/rest/api/3/issueLink/${id}`)).status).toBe(204);
    await platform.waitForIdle();
    for (const eventType of ['avi:jira:created:issuelink', 'avi:jira:deleted:issuelink']) {
      expect(inst.kvsValue(`event:${eventType}:${id}`)).toEqual({
        keys: ['context', 'destinationIssueId', 'destinationProjectId', 'eventType', 'id', 'issueLinkType', 'selfGenerated', 'sourceIssueId', 'sourceProjectId', 'timestamp'],
        event: expect.objectContaining({
          eventType, id, sourceIssueId: a.id, destinationIssueId: b.id, sourceProjectId: '10000', destinationProjectId: '10000',
          issueLinkType: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
        }),
        selfGenerated: false,
      });
    }
  });
});

describe('the media link without the egress permission', () => {
  it('is refused like any external fetch (ExternalEndpointNotAllowedError)', async () => {
    // the delivery app declares no egress: a fetch of a site's /_media/ link from inside it is refused
    const platform = new ForgePlatform({ appRoot: path.join(__dirname, 'testing', 'delivery-app'), dataDir: null, log: () => undefined });
    await platform.start();
    const site = JiraSite.create({ name: 'internal', db: ':memory:', rateLimits: false });
    await site.listen(0, '127.0.0.1');
    try {
      await platform.install(site);
      const refusal = (platform as unknown as { egressRefusal(url: string): Error | undefined }).egressRefusal(`${site.baseUrl ?? ''}/_media/file/00000000-0000-4000-8000-000000000000/binary?token=x`);
      expect(refusal?.constructor.name).toBe('ExternalEndpointNotAllowedError');
      const sameSiteOther = (platform as unknown as { egressRefusal(url: string): Error | undefined }).egressRefusal(`${site.baseUrl ?? ''}/rest/api/3/myself`);
      expect(sameSiteOther?.constructor.name).toBe('ExternalEndpointNotAllowedError');
    } finally {
      await platform.close();
      await site.close();
    }
  });
});
