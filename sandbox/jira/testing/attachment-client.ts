import { z } from 'zod';
import type { JiraAccountCredentials } from '../contract';
import type { SiteHarness } from './site-harness';

/** One file of a multipart upload in a test. */
export interface TestFile {
  /** the form field; Jira reads `file` only */
  field?: string;
  filename: string;
  /** the part's Content-Type; '' sends application/octet-stream (what FormData writes for a typeless Blob) */
  type?: string;
  data: Uint8Array | string;
}

export interface RawReply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  /** the JSON body, or undefined when it is not JSON */
  json: unknown;
}

const basic = (who: JiraAccountCredentials): string => `Basic ${Buffer.from(`${who.email}:${who.apiToken}`).toString('base64')}`;

async function reply(res: Response): Promise<RawReply> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, text, json };
}

export function formOf(files: readonly TestFile[]): FormData {
  const form = new FormData();
  for (const f of files) form.append(f.field ?? 'file', new Blob([new Uint8Array(Buffer.from(f.data))], { type: f.type ?? '' }), f.filename);
  return form;
}

/** POST /rest/api/3/issue/{key}/attachments with the XSRF header (unless `xsrf: null`), as the admin unless `as` */
export async function upload(h: SiteHarness, key: string, files: readonly TestFile[] | FormData | { body: Buffer; contentType: string }, opts: { xsrf?: string | null; as?: JiraAccountCredentials } = {}): Promise<RawReply> {
  const headers: Record<string, string> = { authorization: basic(opts.as ?? h.site.admin), accept: 'application/json' };
  if (opts.xsrf !== null) headers['x-atlassian-token'] = opts.xsrf ?? 'no-check';
  let body: FormData | Uint8Array<ArrayBuffer>;
  if (files instanceof FormData) body = files;
  else if ('body' in files) {
    body = new Uint8Array(files.body);
    headers['content-type'] = files.contentType;
  } else body = formOf(files);
  return reply(await fetch(`${h.baseUrl}/rest/api/3/issue/${key}/attachments`, { method: 'POST', headers, body }));
}

/** a request that never follows redirects (as the Forge proxy), with credentials unless `as: null` */
export async function rawGet(h: SiteHarness, pathOrUrl: string, opts: { headers?: Record<string, string>; as?: JiraAccountCredentials | null; method?: string } = {}): Promise<RawReply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.as !== null) headers.authorization = basic(opts.as ?? h.site.admin);
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${h.baseUrl}${pathOrUrl}`;
  return reply(await fetch(url, { method: opts.method ?? 'GET', headers, redirect: 'manual' }));
}

export const attachmentJson = z.object({
  self: z.string(), id: z.string().regex(/^\d+$/), filename: z.string(), author: z.object({ accountId: z.string() }).passthrough(),
  created: z.string(), size: z.number().int(), mimeType: z.string(), content: z.string(), thumbnail: z.string().optional(),
}).strict();
export const attachmentList = z.array(attachmentJson);

/** `…/_media/file/<media file id>/binary?…` → the media file id */
export function mediaFileIdOf(location: string): string {
  const m = /\/_media\/file\/([0-9a-f-]{36})\/binary\?/.exec(location);
  if (!m?.[1]) throw new Error(`not a media download URL: ${location}`);
  return m[1];
}

/** the media file id of an attachment, as an app learns it: the Location of GET /attachment/content/{id} */
export async function mediaFileIdOfAttachment(h: SiteHarness, attachmentId: string): Promise<string> {
  const r = await rawGet(h, `/rest/api/3/attachment/content/${attachmentId}`);
  if (r.status !== 303) throw new Error(`expected 303, got ${r.status} ${r.text}`);
  return mediaFileIdOf(r.headers.get('location') ?? '');
}

/** an ADF document with a mediaSingle per id (and text) */
export function docWithMedia(text: string, ids: readonly string[], form: 'mediaSingle' | 'mediaGroup' | 'mediaInline' = 'mediaSingle'): unknown {
  const media = (id: string): unknown => ({ type: 'media', attrs: { type: 'file', id, collection: '' } });
  const content: unknown[] = [{ type: 'paragraph', content: [{ type: 'text', text }] }];
  if (form === 'mediaSingle') for (const id of ids) content.push({ type: 'mediaSingle', attrs: { layout: 'center' }, content: [media(id)] });
  if (form === 'mediaGroup' && ids.length > 0) content.push({ type: 'mediaGroup', content: ids.map(media) });
  if (form === 'mediaInline') content.push({ type: 'paragraph', content: ids.map((id) => ({ type: 'mediaInline', attrs: { type: 'file', id, collection: '' } })) });
  return { type: 'doc', version: 1, content };
}
