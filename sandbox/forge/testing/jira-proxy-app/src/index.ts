/**
 * Handlers of the Jira proxy test app (sandbox/forge/jira-proxy.test.ts). `onIssue` uploads an
 * attachment to the new issue with the body kind its summary names (`formdata`, `uint8array`,
 * `buffer`, `arraybuffer`, `dataview`, `blob`, `stream`, `string`, `no-xsrf`), then reads the bytes
 * back and follows the media link itself; it records everything under `result:<kind>` in KVS.
 * `onAttachment` records each attachment event under `event:<eventType>:<attachment id>`.
 * `onLink` records each issue link event under `event:<eventType>:<link id>`.
 */
import api, { route } from '@forge/api';
import { kvs } from '@forge/kvs';
import { Readable } from 'node:stream';

export const BYTES = Uint8Array.from([0x00, 0x01, 0x0d, 0x0a, 0x2d, 0x2d, 0x7f, 0x80, 0xc3, 0x28, 0xfe, 0xff]);
const BOUNDARY = 'sandbox-proxy-boundary';

interface IssueEvent {
  issue: { key: string; fields: Record<string, unknown> };
}

interface AttachmentEvent {
  eventType: string;
  attachment: { id: string };
  selfGenerated: boolean;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** a multipart body written by hand: one `file` part holding `data` */
function multipart(data: Uint8Array, filename: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(data),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]));
}

/** the request body of each kind, and the headers the app adds (a Content-Type where fetch cannot derive it) */
function request(kind: string): { body: unknown; headers: Record<string, string>; data: Uint8Array } {
  const typed = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
  switch (kind) {
    case 'formdata': {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(BYTES)], { type: 'application/octet-stream' }), 'formdata.bin');
      return { body: form, headers: {}, data: BYTES };
    }
    case 'uint8array': return { body: multipart(BYTES, 'uint8array.bin'), headers: typed, data: BYTES };
    case 'buffer': return { body: Buffer.from(multipart(BYTES, 'buffer.bin')), headers: typed, data: BYTES };
    case 'arraybuffer': return { body: multipart(BYTES, 'arraybuffer.bin').buffer, headers: typed, data: BYTES };
    case 'dataview': {
      const bytes = multipart(BYTES, 'dataview.bin');
      return { body: new DataView(bytes.buffer), headers: typed, data: BYTES };
    }
    case 'blob': return { body: new Blob([multipart(BYTES, 'blob.bin')], { type: `multipart/form-data; boundary=${BOUNDARY}` }), headers: {}, data: BYTES };
    case 'stream': {
      // what the `form-data` package is to node-fetch: a Node stream with getBoundary(), no Content-Type set by the app
      const bytes = multipart(BYTES, 'stream.bin');
      const stream = Object.assign(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), { getBoundary: () => BOUNDARY });
      return { body: stream, headers: {}, data: BYTES };
    }
    case 'string': {
      const text = new TextEncoder().encode('plain text, é and ✓');
      return { body: Buffer.from(multipart(text, 'string.txt')).toString('utf8'), headers: typed, data: text };
    }
    default: return { body: multipart(BYTES, 'x.bin'), headers: typed, data: BYTES };
  }
}

export async function onIssue(event: IssueEvent): Promise<void> {
  const kind = String(event.issue.fields['summary'] ?? '');
  const { body, headers, data } = request(kind);
  const xsrf: Record<string, string> = kind === 'no-xsrf' ? {} : { 'X-Atlassian-Token': 'no-check' };
  const res = await api.asApp().requestJira(route`/rest/api/3/issue/${event.issue.key}/attachments`, {
    method: 'POST', headers: { Accept: 'application/json', ...xsrf, ...headers }, body: body as never,
  });
  if (res.status !== 200) {
    await kvs.set(`result:${kind}`, { uploadStatus: res.status, text: await res.text(), contentType: res.headers.get('content-type') });
    return;
  }
  const [attachment] = (await res.json()) as { id: string; filename: string; size: number }[];
  const id = attachment?.id ?? '';
  const content = await api.asApp().requestJira(route`/rest/api/3/attachment/content/${id}?redirect=false`);
  const stored = new Uint8Array(await content.arrayBuffer());
  const redirect = await api.asApp().requestJira(route`/rest/api/3/attachment/content/${id}`, { redirect: 'follow' });
  const location = redirect.headers.get('location');
  let media: unknown;
  try {
    const file = await fetch(location ?? '');
    media = { status: file.status, hex: hex(new Uint8Array(await file.arrayBuffer())) };
  } catch (e) {
    media = { error: e instanceof Error ? e.name : String(e) };
  }
  await kvs.set(`result:${kind}`, {
    uploadStatus: res.status, filename: attachment?.filename, size: attachment?.size, sent: hex(data), stored: hex(stored),
    redirectStatus: redirect.status, redirectBodyBytes: (await redirect.arrayBuffer()).byteLength, location, media,
  });
}

export async function onAttachment(event: AttachmentEvent): Promise<void> {
  await kvs.set(`event:${event.eventType}:${event.attachment.id}`, { keys: Object.keys(event).sort(), attachment: event.attachment, selfGenerated: event.selfGenerated });
}

interface IssueLinkEvent {
  eventType: string;
  id: string;
  selfGenerated?: boolean;
}

export async function onLink(event: IssueLinkEvent): Promise<void> {
  await kvs.set(`event:${event.eventType}:${event.id}`, { keys: Object.keys(event).sort(), event, selfGenerated: event.selfGenerated });
}
