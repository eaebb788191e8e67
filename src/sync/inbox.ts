import { z } from 'zod';
import { logActivity } from './activity';
import { acceptGoodbye, acceptHello } from './connections';
import type { EngineDeps } from './deps';
import { EnvelopeSchema, HEADER_CONNECTION, HEADER_SIGNATURE, HEADER_TIMESTAMP } from './envelope/envelope';
import { localLock, remoteLock, type IncomingEvent } from './queue-event';
import { connectionSecret } from './send';
import { verifySignature } from './signing';
import { keys, safePart } from './state/keys';
import { Repo } from './state/repo';

/** A web trigger request, reduced to what the inbox needs (headers lower-cased). */
export interface InboxRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface InboxResponse {
  status: number;
  body: { ok: boolean; message: string; [key: string]: unknown };
}

const reply = (status: number, message: string, extra: Record<string, unknown> = {}): InboxResponse => ({ status, body: { ok: status < 300, message, ...extra } });
/** One answer for every authentication failure, so a caller learns nothing about which part was wrong. */
const UNAUTHORIZED = reply(401, 'unauthorized');

/**
 * The inbox (architecture §4): size → authentication (connection, signature, timestamp) → JSON →
 * schema → de-duplication → store + enqueue → 202. Nothing is stored for a rejected request.
 * A `hello` is authenticated with the invitation's one-time token and answered synchronously.
 */
export async function handleInbox(deps: EngineDeps, request: InboxRequest): Promise<InboxResponse> {
  if (request.method.toUpperCase() !== 'POST') return reply(405, 'use POST');
  if (Buffer.byteLength(request.body, 'utf8') > deps.settings.maxBodyBytes) return reply(413, `body larger than ${deps.settings.maxBodyBytes} bytes`);
  const connectionId = request.headers[HEADER_CONNECTION];
  const signature = request.headers[HEADER_SIGNATURE];
  const timestamp = request.headers[HEADER_TIMESTAMP];
  if (!connectionId || !signature || !timestamp || !/^[a-zA-Z0-9._-]{1,100}$/.test(connectionId)) return UNAUTHORIZED;
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(connectionId);
  // A closed connection (the remote ended it) accepts nothing: its secret is gone too.
  if (!connection || connection.status === 'closed') return UNAUTHORIZED;

  if (connection.status === 'pending') {
    // Only a hello, signed with the invitation token, is accepted on a pending connection.
    const token = z.string().min(1).safeParse(await deps.store.getSecret(keys.invitationTokenSecret(connectionId)));
    if (!token.success || !verifySignature(token.data, timestamp, request.body, signature) || !freshTimestamp(deps, timestamp)) return UNAUTHORIZED;
    const parsed = parseEnvelope(request.body);
    if ('status' in parsed) return parsed;
    if (parsed.envelope.type !== 'hello' || parsed.envelope.connectionId !== connectionId) return reply(422, 'a pending connection accepts only its hello');
    return acceptHello(deps, connection, token.data, parsed.envelope);
  }

  const secret = await connectionSecret(deps, connectionId);
  if (secret === undefined || !verifySignature(secret, timestamp, request.body, signature) || !freshTimestamp(deps, timestamp)) return UNAUTHORIZED;
  const parsed = parseEnvelope(request.body);
  if ('status' in parsed) return parsed;
  const envelope = parsed.envelope;
  if (envelope.connectionId !== connectionId) return reply(422, 'envelope connectionId does not match the x-twin-connection header');
  if (envelope.type === 'hello') return reply(409, 'this connection is already established');
  if (envelope.type === 'ping') return reply(202, 'pong');
  if (envelope.type === 'goodbye') return acceptGoodbye(deps, connection);
  const messageId = safePart(envelope.messageId);

  const seenKey = keys.seen(connectionId, messageId);
  const inboxKey = keys.inbox(connectionId, messageId);
  if ((await deps.store.get(seenKey)) !== undefined) return reply(202, 'duplicate: already received', { duplicate: true });
  const receivedAt = new Date(deps.clock.now()).toISOString();
  await deps.store.transact([
    { op: 'set', key: inboxKey, value: { connectionId, messageId, receivedAt, body: request.body } },
    { op: 'set', key: seenKey, value: { receivedAt }, ttlSeconds: deps.settings.seenTtlSeconds },
  ]);
  const localId = envelope.type === 'replica' && envelope.twin !== null ? envelope.twin.id : await repo.localIdForRemote(connectionId, envelope.issue.id);
  const event: IncomingEvent = {
    kind: 'incoming', connectionId, messageId, attempt: 0,
    lock: localId !== undefined ? localLock(connectionId, localId) : remoteLock(connectionId, envelope.issue.id),
  };
  try {
    await deps.queue.push([event]);
  } catch (error) {
    // Stored: the sweeper re-drives it. Still accepted.
    await logActivity(deps, { connectionId, direction: 'in', type: envelope.type, issueKey: null, remoteIssueKey: envelope.issue.key, outcome: 'retry', message: `stored but not queued (${error instanceof Error ? error.message : String(error)}); the sweeper will pick it up` });
  }
  return reply(202, 'accepted');
}

function freshTimestamp(deps: EngineDeps, timestamp: string): boolean {
  if (!/^\d{1,16}$/.test(timestamp)) return false;
  return Math.abs(deps.clock.now() - Number(timestamp)) <= deps.settings.maxSkewMs;
}

function parseEnvelope(body: string): { envelope: z.infer<typeof EnvelopeSchema> } | InboxResponse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return reply(400, 'body is not valid JSON');
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    return reply(422, `envelope does not match the protocol: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { envelope: parsed.data };
}
