/**
 * A `multipart/form-data` body (RFC 7578) split into its parts, byte-exact: what
 * `POST /rest/api/3/issue/{issueIdOrKey}/attachments` reads ("Attachments are posted as
 * multipart/form-data (RFC 1867)", the OpenAPI description's `addAttachment`).
 */

export interface FormPart {
  /** the `name` of the part's Content-Disposition */
  name: string;
  /** the `filename` (or RFC 5987 `filename*`), or null when the part carries none */
  filename: string | null;
  /** the part's Content-Type header, or null */
  contentType: string | null;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** the boundary of a `multipart/form-data` Content-Type, or null when it is another type or has none */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const [type, ...params] = splitParams(contentType);
  if (type?.toLowerCase() !== 'multipart/form-data') return null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    const value = unquote(p.slice(eq + 1).trim());
    // RFC 2046: 1 to 70 characters
    return value.length >= 1 && value.length <= 70 ? value : null;
  }
  return null;
}

export function isMultipartFormData(contentType: string | undefined): boolean {
  return contentType !== undefined && (splitParams(contentType)[0] ?? '').toLowerCase() === 'multipart/form-data';
}

/** splits `a; b="x;y"; c` at the semicolons outside quotes */
function splitParams(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i] ?? '';
    if (c === '"' && header[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  out.push(current.trim());
  return out;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** RFC 5987 `UTF-8''name%20with%20spaces` */
function extValue(v: string): string | null {
  const m = /^([^']*)'[^']*'(.*)$/.exec(v);
  if (!m) return null;
  try {
    return (m[1] ?? '').toLowerCase() === 'utf-8' ? decodeURIComponent(m[2] ?? '') : unescape(m[2] ?? '');
  } catch {
    return null;
  }
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`a part has a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function disposition(value: string | undefined): { name: string; filename: string | null } {
  if (value === undefined) throw new MultipartError('a part has no Content-Disposition header');
  const [kind, ...params] = splitParams(value);
  if (kind?.toLowerCase() !== 'form-data') throw new MultipartError(`a part's Content-Disposition is '${kind ?? ''}', not form-data`);
  let name: string | null = null;
  let filename: string | null = null;
  let filenameExt: string | null = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    const raw = p.slice(eq + 1).trim();
    if (key === 'name') name = unquote(raw);
    else if (key === 'filename') filename = unquote(raw);
    else if (key === 'filename*') filenameExt = extValue(raw);
  }
  if (name === null) throw new MultipartError('a part\'s Content-Disposition has no name');
  return { name, filename: filenameExt ?? filename };
}

/**
 * The parts of a multipart body with this boundary. The header lines are read as UTF-8 (what browsers
 * and undici's FormData send for non-ASCII file names); the data is the bytes between the part's blank
 * line and the next delimiter, untouched. A body without its closing delimiter is malformed.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('the body has no part delimiter');
  for (;;) {
    let next = at + delimiter.length;
    // the closing delimiter: `--boundary--`
    if (body[next] === 0x2d && body[next + 1] === 0x2d) return parts;
    // transport padding, then CRLF
    while (body[next] === 0x20 || body[next] === 0x09) next++;
    if (body[next] !== 0x0d || body[next + 1] !== 0x0a) throw new MultipartError('a part delimiter is not followed by CRLF');
    const headersStart = next + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) throw new MultipartError('a part\'s headers never end');
    const headers = parseHeaders(body.subarray(headersStart, headersEnd).toString('utf8'));
    const dataStart = headersEnd + 4;
    // the data ends at CRLF + the next delimiter (empty data: the blank line is directly followed by it)
    const dataEnd = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (dataEnd < 0) throw new MultipartError('the body ends inside a part (no closing delimiter)');
    const { name, filename } = disposition(headers.get('content-disposition'));
    parts.push({ name, filename, contentType: headers.get('content-type') ?? null, data: Buffer.from(body.subarray(dataStart, dataEnd)) });
    at = dataEnd + 2;
  }
}
