/** The email and API token of an `Authorization: Basic` header, or null. */
export function parseBasicAuth(header: string | undefined): { email: string; token: string } | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m || m[1] === undefined) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { email: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}
