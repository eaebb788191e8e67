import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { AttachmentSettings } from './attachments';
import type { MountedHandler } from './contract';
import { sendJson } from './http/io';

/**
 * The site's own sandbox routes (Jira has none of them), in the style of the Forge platform's
 * `/_sandbox/idle` and `/_sandbox/advance`: errors are `{error: {name, message}}`, no credentials.
 *
 * - `GET /_sandbox/jira/attachments` → `{enabled, uploadLimit}`
 * - `POST /_sandbox/jira/attachments` `{"uploadLimit": 5242880}` (and/or `"enabled": false`) → the
 *   settings now in force, kept in the site's database (what a site admin sets on Jira's attachment
 *   settings page); 400 for a limit outside 1 … 2 GB (sandbox/jira/attachments.ts)
 */
export const CONTROL_PREFIX = '/_sandbox/jira/';

const SettingsBody = z.strictObject({ uploadLimit: z.number().optional(), enabled: z.boolean().optional() });
const MAX_BODY_BYTES = 1024;

export interface ControlHost {
  attachmentSettings(): AttachmentSettings;
  /** throws with the reason on a value Jira Cloud does not allow */
  setAttachmentSettings(s: Partial<AttachmentSettings>): AttachmentSettings;
}

async function smallBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

const bad = (message: string): { error: { name: string; message: string } } => ({ error: { name: 'BadRequest', message } });

export function controlRoutes(host: ControlHost): MountedHandler {
  return async (req, res, url) => {
    if (url.pathname !== `${CONTROL_PREFIX}attachments`) return sendJson(res, 404, { error: { name: 'NotFound', message: `no sandbox route ${url.pathname}` } });
    if (req.method === 'GET') return sendJson(res, 200, host.attachmentSettings());
    if (req.method !== 'POST') return sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'GET or POST' } });
    const text = await smallBody(req);
    if (text === null) return sendJson(res, 413, bad(`the body is over ${MAX_BODY_BYTES} bytes`));
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return sendJson(res, 400, bad('request body is not valid JSON'));
    }
    const body = SettingsBody.safeParse(raw);
    if (!body.success) return sendJson(res, 400, bad(`expected {"uploadLimit"?: <bytes>, "enabled"?: <boolean>}: ${z.prettifyError(body.error)}`));
    try {
      const { uploadLimit, enabled } = body.data;
      return sendJson(res, 200, host.setAttachmentSettings({ ...(uploadLimit !== undefined ? { uploadLimit } : {}), ...(enabled !== undefined ? { enabled } : {}) }));
    } catch (e) {
      return sendJson(res, 400, bad(e instanceof Error ? e.message : String(e)));
    }
  };
}
