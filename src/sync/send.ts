import { z } from 'zod';
import type { EngineDeps } from './deps';
import { EnvelopeSchema, HEADER_CONNECTION, HEADER_SIGNATURE, HEADER_TIMESTAMP, type Envelope } from './envelope/envelope';
import { PermanentError, TransientError } from './errors';
import { directionKey, signBody, verifySignedAt } from './signing';
import { keys } from './state/keys';
import type { Connection } from './state/records';
import { parseJsonOrNull, textSha256 } from './canonical-json';
import { MAX_PARTS, type PartMessage } from './envelope/part-message';
import { sliceText } from './state/split-value';

export async function connectionSecret(deps: EngineDeps, connectionId: string): Promise<string | undefined> {
  const parsed = z.string().min(1).safeParse(await deps.store.getSecret(keys.connectionSecret(connectionId)));
  return parsed.success ? parsed.data : undefined;
}

export async function fromSite(deps: EngineDeps): Promise<Envelope['from']> {
  return { siteName: await deps.site.siteName(), cloudId: deps.site.cloudId };
}

/** Signs and posts an envelope to a remote inbox; maps the answer to success, transient or permanent failure. */
export async function postSigned(deps: EngineDeps, url: string, connectionId: string, secret: string, envelope: Envelope): Promise<{ status: number; body: string }> {
  return postText(deps, url, connectionId, secret, JSON.stringify(envelope));
}

async function postText(deps: EngineDeps, url: string, connectionId: string, secret: string, body: string): Promise<{ status: number; body: string }> {
  const timestamp = String(deps.clock.now());
  let response;
  try {
    response = await deps.transport.post({
      url,
      headers: {
        'content-type': 'application/json',
        [HEADER_CONNECTION]: connectionId,
        [HEADER_TIMESTAMP]: timestamp,
        [HEADER_SIGNATURE]: signBody(secret, timestamp, body),
      },
      body,
    });
  } catch (error) {
    throw new TransientError(`could not reach the remote site: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status >= 200 && response.status < 300) return response;
  const detail = response.body.slice(0, 300);
  if (response.status === 429 || response.status >= 500) {
    const retryAfter = Number(response.headers['retry-after'] ?? '');
    throw new TransientError(`remote site answered ${response.status}: ${detail}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, response.status);
  }
  if (response.status === 401) throw new PermanentError(`remote site refused the message signature (401): the connection was deleted there or its secret differs; reconnect the sites`);
  if (response.status === 413) throw new PermanentError('remote site refused the message as too large (413)');
  throw new PermanentError(`remote site refused the message (${response.status}): ${detail}`, response.status);
}

/** Posts `envelope` (in parts when large); the answer to the last request. */
/** the key this site signs its messages on `connection` with (its direction: from us to them) */
export async function sendingKey(deps: EngineDeps, connection: Connection): Promise<string> {
  const secret = await connectionSecret(deps, connection.id);
  if (secret === undefined || connection.remoteCloudId === null) throw new PermanentError(`connection "${connection.name}" has no secret: reconnect the sites`);
  return directionKey(secret, deps.site.cloudId, connection.remoteCloudId);
}

/** the key the other site signs its messages on `connection` with (from them to us); undefined when it has none */
export async function receivingKey(deps: EngineDeps, connection: Connection): Promise<string | undefined> {
  const secret = await connectionSecret(deps, connection.id);
  if (secret === undefined || connection.remoteCloudId === null || connection.remoteCloudId === deps.site.cloudId) return undefined;
  return directionKey(secret, connection.remoteCloudId, deps.site.cloudId);
}

export async function sendToConnection(deps: EngineDeps, connection: Connection, envelope: Envelope): Promise<{ status: number; body: string }> {
  if (connection.remoteInboxUrl === null) throw new PermanentError(`connection "${connection.name}" has no remote inbox yet (invitation not accepted)`);
  const secret = await sendingKey(deps, connection);
  const text = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= deps.settings.partBytes) return postText(deps, connection.remoteInboxUrl, connection.id, secret, text);
  if (bytes > deps.settings.maxMessageBytes) {
    throw new PermanentError(`the message is ${bytes} bytes, over the ${deps.settings.maxMessageBytes} bytes Twin Sync sends: leave the largest fields or comments out in the outgoing rules`);
  }
  // Over one request's worth: in parts, each signed on its own (the receiver takes the whole in when all have come).
  const slices = sliceText(text, deps.settings.partBytes);
  if (slices.length > MAX_PARTS) throw new PermanentError(`the message needs ${slices.length} parts, over the ${MAX_PARTS} the protocol allows`);
  const sha256 = textSha256(text);
  const from = await fromSite(deps);
  let answer = { status: 0, body: '' };
  for (const [i, slice] of slices.entries()) {
    const part: PartMessage = {
      v: 1, type: 'part', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from,
      whole: { messageId: envelope.messageId, index: i + 1, count: slices.length, sha256 },
      text: slice,
    };
    answer = await postText(deps, connection.remoteInboxUrl, connection.id, secret, JSON.stringify(part));
  }
  return answer;
}

/** An envelope's text signed to ride in an inbox's answer (a reply, an outcome), with this direction's key. */
export async function signedForAnswer(deps: EngineDeps, connection: Connection, text: string): Promise<{ timestamp: string; signature: string; body: string }> {
  const timestamp = String(deps.clock.now());
  return { timestamp, signature: signBody(await sendingKey(deps, connection), timestamp, text), body: text };
}

/**
 * An envelope given back in an answer on `connection`, if it is one: signed with the other
 * direction's key within the allowed skew, valid, and naming this connection and its remote site.
 */
export async function verifiedFromAnswer(deps: EngineDeps, connection: Connection, signed: { timestamp: string; signature: string; body: string }): Promise<Envelope | null> {
  const key = await receivingKey(deps, connection);
  if (key === undefined || !verifySignedAt(key, signed.timestamp, signed.body, signed.signature, deps.clock.now(), deps.settings.maxSkewMs)) return null;
  const parsed = EnvelopeSchema.safeParse(parseJsonOrNull(signed.body));
  if (!parsed.success || parsed.data.connectionId !== connection.id || parsed.data.from.cloudId !== connection.remoteCloudId) return null;
  return parsed.data;
}
