import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AttachmentStore } from './storage/attachment-store';
import type { Db } from './storage/db';

/**
 * The sandbox's stand-in for Atlassian's Media Services host (`api.media.atlassian.com`), served by
 * the site itself under `/_media/`. `GET /rest/api/3/attachment/content/{id}` answers 303 with a
 * `Location` on it ("See the `Location` header for the download URL", the spec's
 * `getAttachmentContent`), of the form Atlassian's media host uses
 * (`/file/<file id>/binary?token=<JWT>&client=<client id>&name=<file name>`, observed in
 * https://github.com/pchuri/confluence-cli/issues/198): the host authenticates "via the short-lived JWT
 * in the query string", not the site's credentials. That redirect is the only place the REST API
 * names an attachment's media file id, the id ADF `media` nodes carry.
 *
 * Where the docs are silent the sandbox is harsher: a token lives MEDIA_TOKEN_TTL_MS on the site clock,
 * is good for its one file and client only, and a file whose attachment was deleted is gone (404).
 */
export const MEDIA_PATH_PREFIX = '/_media/';
export const MEDIA_TOKEN_TTL_MS = 60_000;

const tokenClaims = z.strictObject({ f: z.string(), c: z.string(), e: z.number().int() });
const BINARY = /^\/_media\/file\/([0-9a-f-]{36})\/binary$/;

export class MediaTokens {
  private readonly secret: Buffer;
  /** the site's media client id (`client=` of every download URL) */
  readonly clientId: string;

  constructor(db: Db, private readonly now: () => number) {
    const meta = db.prepare<[string], { value: string }>('SELECT value FROM site_meta WHERE name = ?');
    const init = db.prepare<[string, string]>('INSERT INTO site_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    const { secret, client } = db.transaction(() => {
      init.run('mediaTokenSecret', randomBytes(32).toString('base64'));
      init.run('mediaClientId', randomUUID());
      return { secret: meta.get('mediaTokenSecret')?.value ?? '', client: meta.get('mediaClientId')?.value ?? '' };
    })();
    this.secret = Buffer.from(secret, 'base64');
    this.clientId = client;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  /** a token for one file, expiring MEDIA_TOKEN_TTL_MS from now (site clock) */
  issue(mediaFileId: string): string {
    const payload = Buffer.from(JSON.stringify({ f: mediaFileId, c: this.clientId, e: this.now() + MEDIA_TOKEN_TTL_MS })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** null when the token is good for this file and client now; else why not */
  problem(token: string | null, mediaFileId: string, client: string | null): string | null {
    if (token === null || token === '') return 'a token is required';
    const dot = token.indexOf('.');
    if (dot <= 0) return 'the token is malformed';
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the token signature is invalid';
    let claims: z.infer<typeof tokenClaims>;
    try {
      claims = tokenClaims.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      return 'the token is malformed';
    }
    if (claims.f !== mediaFileId) return 'the token is for another file';
    if (client !== claims.c) return 'the token is for another client';
    if (this.now() > claims.e) return 'the token has expired';
    return null;
  }

  /** `<siteUrl>/_media/file/<id>/binary?token=…&client=…&dl=true&name=…` */
  downloadUrl(siteUrl: string, mediaFileId: string, filename: string): string {
    const q = new URLSearchParams({ token: this.issue(mediaFileId), client: this.clientId, dl: 'true', name: filename });
    return `${siteUrl}${MEDIA_PATH_PREFIX}file/${mediaFileId}/binary?${q.toString()}`;
  }
}

function sendMediaError(res: ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ error: { code: status === 401 ? 'Unauthorized' : status === 404 ? 'NotFound' : 'BadRequest', title: message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `GET|HEAD /_media/file/<media file id>/binary?token&client[&dl][&name]`: the bytes, or 401 / 404 */
export function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL, tokens: MediaTokens, store: AttachmentStore): void {
  const m = BINARY.exec(url.pathname);
  if (!m) return sendMediaError(res, 404, `No media resource at ${url.pathname}.`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMediaError(res, 405, 'GET only');
  const fileId = m[1] ?? '';
  const problem = tokens.problem(url.searchParams.get('token'), fileId, url.searchParams.get('client'));
  if (problem !== null) return sendMediaError(res, 401, problem);
  const attachment = store.byMediaFileId(fileId);
  const bytes = attachment ? store.content(attachment.id) : undefined;
  if (!attachment || !bytes) return sendMediaError(res, 404, 'The file does not exist.');
  const name = url.searchParams.get('name') ?? attachment.filename;
  const kind = url.searchParams.get('dl') === 'true' ? 'attachment' : 'inline';
  // the Range header is not honoured here (the docs are silent; RFC 9110 lets a server ignore it)
  res.writeHead(200, {
    'content-type': attachment.mimeType, 'content-length': bytes.length,
    'content-disposition': `${kind}; filename*=UTF-8''${encodeURIComponent(name)}`, 'cache-control': 'private, no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
