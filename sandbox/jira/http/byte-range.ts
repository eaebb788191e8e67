/**
 * The `Range` header of `GET /rest/api/3/attachment/content/{id}?redirect=false`. The OpenAPI
 * description (`getAttachmentContent`): "A `Range` header can be set to define a range of bytes within
 * the attachment to download. See the HTTP Range header standard"; 206 "when a `Range` header is
 * provided and `redirect` is set to `false`"; 400 "if the range supplied in the `Range` header is
 * malformed"; 416 "if the server is unable to satisfy the range of bytes provided".
 *
 * RFC 9110 §14.1.2 forms, one range: `bytes=a-b`, `bytes=a-` (from a to the end) and `bytes=-n` (the
 * last n bytes); an end past the last byte is cut to it. Where the spec is silent the sandbox is the
 * harsher: anything else is malformed (400), a list of several ranges included (RFC 9110 lets a server
 * answer those as multipart/byteranges; the spec names one `Content-Range`), as are another unit,
 * `a > b` and whitespace or signs inside the numbers.
 */

export type RangeVerdict =
  | { kind: 'none' }
  | { kind: 'range'; start: number; end: number }
  | { kind: 'unsatisfiable' }
  | { kind: 'malformed'; reason: string };

const DIGITS = /^\d{1,15}$/;

export function parseRange(header: string | undefined, size: number): RangeVerdict {
  if (header === undefined) return { kind: 'none' };
  const m = /^bytes=(.*)$/.exec(header.trim());
  if (!m) return { kind: 'malformed', reason: `the Range header '${header}' is not of the form bytes=start-end` };
  const spec = m[1] ?? '';
  if (spec.includes(',')) return { kind: 'malformed', reason: 'the Range header names several ranges; one range is supported' };
  const dash = spec.indexOf('-');
  if (dash < 0) return { kind: 'malformed', reason: `the range '${spec}' has no '-'` };
  const first = spec.slice(0, dash);
  const last = spec.slice(dash + 1);
  if (first === '') {
    // suffix: the last n bytes
    if (!DIGITS.test(last)) return { kind: 'malformed', reason: `the suffix length '${last}' is not a number of bytes` };
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - n), end: size - 1 };
  }
  if (!DIGITS.test(first)) return { kind: 'malformed', reason: `the range start '${first}' is not a number of bytes` };
  const start = Number(first);
  if (last !== '' && !DIGITS.test(last)) return { kind: 'malformed', reason: `the range end '${last}' is not a number of bytes` };
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return { kind: 'malformed', reason: `the range ${start}-${end} ends before it starts` };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(end, size - 1) };
}
