import { z } from 'zod';
import { logActivity } from './activity';
import { acceptGoodbye, acceptHello } from './connections';
import type { EngineDeps } from './deps';
import { EnvelopeSchema, HEADER_CONNECTION, HEADER_SIGNATURE, HEADER_TIMESTAMP } from './envelope/envelope';
import type { PartMessage } from './envelope/part-message';
import { localLock, remoteLock, type IncomingEvent } from './queue-event';
import { connectionSecret } from './send';
import { classify } from './errors';
import { verifySignature } from './signing';
import { keys, safePart } from './state/keys';
import type { Connection, InboxEntry } from './state/records';
import { Repo } from './state/repo';
import { INLINE_LIMIT_BYTES } from './state/split-value';

/** A web trigger request, reduced to what the inbox needs (headers lower-cased). */
export interface InboxRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface InboxResponse {
  status: number;
  body: { ok: boolean; message: string; [key: string]: unknown };
  /** sent as Retry-After with a 429 */
  retryAfterSeconds?: number;
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
  try {
    return await receive(deps, request);
  } catch (error) {
    // The platform is pacing this installation (KVS quota, event quota): the sender waits and sends
    // again, as after any 429; nothing was taken in. Anything else propagates (a 500 to the sender).
    const c = classify(error);
    if (!c.throttled) throw error;
    const retryAfterSeconds = c.retryAfterSeconds ?? 10;
    return { status: 429, body: { ok: false, message: `busy: ${c.message}; send again in ${retryAfterSeconds}s` }, retryAfterSeconds };
  }
}

async function receive(deps: EngineDeps, request: InboxRequest): Promise<InboxResponse> {
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
  if (envelope.type === 'part') return acceptPart(deps, repo, connection, envelope);
  const messageId = safePart(envelope.messageId);

  const seenKey = keys.seen(connectionId, messageId);
  if ((await deps.store.get(seenKey)) !== undefined) return reply(202, 'duplicate: already received', { duplicate: true });
  const entry: InboxEntry = { connectionId, messageId, receivedAt: new Date(deps.clock.now()).toISOString(), body: request.body };
  // one KVS value holds the stored entry: a message that does not fit must come in parts
  if (Buffer.byteLength(JSON.stringify(entry), 'utf8') > INLINE_LIMIT_BYTES) {
    return reply(413, `message over ${INLINE_LIMIT_BYTES} bytes once stored: send it in parts (type "part")`);
  }
  await deps.store.transact([
    { op: 'set', key: keys.inbox(connectionId, messageId), value: entry },
    { op: 'set', key: seenKey, value: { receivedAt: entry.receivedAt }, ttlSeconds: deps.settings.seenTtlSeconds },
  ]);
  return enqueue(deps, repo, connection, envelope, messageId);
}

/** queues a stored message for the worker (a lost push is re-driven by the sweeper) */
async function enqueue(deps: EngineDeps, repo: Repo, connection: Connection, envelope: { type: 'replica' | 'unlink'; issue: { id: string; key: string }; twin?: { id: string } | null }, messageId: string): Promise<InboxResponse> {
  const connectionId = connection.id;
  const localId = envelope.type === 'replica' && envelope.twin ? envelope.twin.id : await repo.localIdForRemote(connectionId, envelope.issue.id);
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

/** how long the parts of an incomplete message are kept */
const PART_TTL_SECONDS = 24 * 60 * 60;

/**
 * One part of a message sent in parts: kept (de-duplicated by its own id); when the last one
 * arrives, in whatever order, the whole is checked (hash, size, schema, the same connection and id)
 * and stored as one inbox entry that points at its parts.
 */
async function acceptPart(deps: EngineDeps, repo: Repo, connection: Connection, part: PartMessage): Promise<InboxResponse> {
  const connectionId = connection.id;
  const { whole } = part;
  if (whole.index > whole.count) return reply(422, `part ${whole.index} of ${whole.count} does not exist`);
  const seenKey = keys.seen(connectionId, safePart(part.messageId));
  if ((await deps.store.get(seenKey)) !== undefined) return reply(202, 'duplicate: already received', { duplicate: true });
  const receivedAt = new Date(deps.clock.now()).toISOString();
  await deps.store.transact([
    { op: 'set', key: keys.inboxPart(connectionId, whole.messageId, whole.index), value: { t: part.text, receivedAt }, ttlSeconds: PART_TTL_SECONDS },
    { op: 'set', key: seenKey, value: { receivedAt }, ttlSeconds: deps.settings.seenTtlSeconds },
  ]);
  const stored = await deps.store.list(keys.inboxPartPrefix(connectionId, whole.messageId), { limit: 100 });
  if (stored.entries.length < whole.count) return reply(202, `part ${whole.index} of ${whole.count} stored`, { part: true });
  const entry: InboxEntry = { connectionId, messageId: whole.messageId, receivedAt, parts: { count: whole.count, sha256: whole.sha256 } };
  let text: string;
  try {
    text = await repo.inboxBody(entry);
  } catch (error) {
    return reply(422, error instanceof Error ? error.message : String(error));
  }
  if (Buffer.byteLength(text, 'utf8') > deps.settings.maxMessageBytes) return reply(413, `message larger than ${deps.settings.maxMessageBytes} bytes`);
  const parsed = parseEnvelope(text);
  if ('status' in parsed) return parsed;
  const envelope = parsed.envelope;
  if (envelope.type !== 'replica' && envelope.type !== 'unlink') return reply(422, `a ${envelope.type} message is never sent in parts`);
  if (envelope.connectionId !== connectionId || envelope.messageId !== whole.messageId) return reply(422, 'the parts name another connection or message than the whole they form');
  // the last two parts may arrive at once: only one of them takes the whole in
  const first = await deps.store.setIfAbsent(keys.seen(connectionId, safePart(whole.messageId)), { receivedAt }, { ttlSeconds: deps.settings.seenTtlSeconds });
  if (!first) return reply(202, 'duplicate: already received', { duplicate: true });
  await deps.store.set(keys.inbox(connectionId, whole.messageId), entry);
  return enqueue(deps, repo, connection, envelope, whole.messageId);
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
