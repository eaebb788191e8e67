import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 over `timestamp + "." + body`, hex encoded (architecture §4).
 * Pure computation: no I/O.
 */
export function signBody(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signBody(secret, timestamp, body), 'hex');
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The key of one direction of a connection (from one site's cloud id to the other's), derived from
 * the connection secret: a message signed for A → B does not verify as B → A, so a message sent
 * back to its own site (a peer that named our inbox as its own) is refused like a forgery.
 */
export function directionKey(secret: string, fromCloudId: string, toCloudId: string): string {
  return createHmac('sha256', secret).update(`twin-sync/direction/${fromCloudId}>${toCloudId}`).digest('base64url');
}

/**
 * A signed request or reply as the receiver checks it: a timestamp of digits within `maxSkewMs` of
 * `now`, and the signature over it and the body.
 */
export function verifySignedAt(key: string, timestamp: string, body: string, signature: string, now: number, maxSkewMs: number): boolean {
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > maxSkewMs) return false;
  return verifySignature(key, timestamp, body, signature);
}

/** The connection secret both sides derive from the invitation token and the accepter's nonce. */
export function deriveConnectionSecret(token: string, connectionId: string, nonce: string): string {
  return createHmac('sha256', token).update(`twin-sync/connection-secret/${connectionId}/${nonce}`).digest('base64url');
}
