import type { IncomingMessage, ServerResponse } from 'node:http';
import { JiraError } from './jira-error';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads the whole request body as UTF-8 (413 past the limit). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new JiraError(413, ['The request body is too large.']);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the whole request body as bytes, up to `limit` bytes. A longer body is read to its end and
 * thrown away (the client still gets the answer, not a reset connection): `tooLarge` then.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<{ bytes: Buffer; tooLarge: boolean; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size <= limit) chunks.push(buf);
    else chunks.length = 0;
  }
  return size > limit ? { bytes: Buffer.alloc(0), tooLarge: true, size } : { bytes: Buffer.concat(chunks), tooLarge: false, size };
}

/** Parses a JSON request body; malformed JSON is Jira's 400. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw JiraError.badRequest('No content to map due to end-of-input: the request body must be JSON.');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw JiraError.badRequest(`Unexpected character in the request body: it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, no-store, no-transform' });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'cache-control': 'no-cache, no-store, no-transform' });
  res.end();
}

export function sendBytes(res: ServerResponse, status: number, bytes: Buffer, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length, 'cache-control': 'no-cache, no-store, no-transform' });
  res.end(bytes);
}
