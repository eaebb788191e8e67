import { z } from 'zod';
import type { EngineDeps } from './deps';
import { HEADER_CONNECTION, HEADER_SIGNATURE, HEADER_TIMESTAMP, type Envelope } from './envelope/envelope';
import { PermanentError, TransientError } from './errors';
import { signBody } from './signing';
import { keys } from './state/keys';
import type { Connection } from './state/records';

export async function connectionSecret(deps: EngineDeps, connectionId: string): Promise<string | undefined> {
  const parsed = z.string().min(1).safeParse(await deps.store.getSecret(keys.connectionSecret(connectionId)));
  return parsed.success ? parsed.data : undefined;
}

export async function fromSite(deps: EngineDeps): Promise<Envelope['from']> {
  return { siteName: await deps.site.siteName(), cloudId: deps.site.cloudId };
}

/** Signs and posts an envelope to a remote inbox; maps the answer to success, transient or permanent failure. */
export async function postSigned(deps: EngineDeps, url: string, connectionId: string, secret: string, envelope: Envelope): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(envelope);
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
    throw new TransientError(`remote site answered ${response.status}: ${detail}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  if (response.status === 401) throw new PermanentError(`remote site refused the message signature (401): the connection was deleted there or its secret differs; reconnect the sites`);
  if (response.status === 413) throw new PermanentError('remote site refused the message as too large (413)');
  throw new PermanentError(`remote site refused the message (${response.status}): ${detail}`);
}

export async function sendToConnection(deps: EngineDeps, connection: Connection, envelope: Envelope): Promise<void> {
  if (connection.remoteInboxUrl === null) throw new PermanentError(`connection "${connection.name}" has no remote inbox yet (invitation not accepted)`);
  const secret = await connectionSecret(deps, connection.id);
  if (secret === undefined) throw new PermanentError(`connection "${connection.name}" has no secret: reconnect the sites`);
  await postSigned(deps, connection.remoteInboxUrl, connection.id, secret, envelope);
}
