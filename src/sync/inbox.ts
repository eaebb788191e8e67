import { z } from 'zod';
import { acceptGoodbye, acceptHello } from './connections';
import type { EngineDeps } from './deps';
import { EnvelopeSchema, HEADER_CONNECTION, HEADER_SIGNATURE, HEADER_TIMESTAMP } from './envelope/envelope';
import type { PartMessage } from './envelope/part-message';
import { localLock, remoteLock } from '../model/queue-event';
import type { ReplicaMessage } from './envelope/replica-message';
import { applyInline } from './incoming';
import { answerFetch } from './parts/attachments/transfer';
import type { OutcomeMessage } from './envelope/outcome-message';
import { applyOutcome, outcomeFor, signedOutcome } from './outcome';
import { enqueueStored, storeForQueue, type StoreOutcome } from './inbox-store';
import { releaseLock, tryLock } from './issue-lock';
import { MemoStore } from './state/memo-store';
import { receivingKey } from './send';
import { classify } from './errors';
import { verifySignedAt } from './signing';
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
    // one invocation: the connection and its secret, read to verify, are not read again to apply and answer
    return await receive({ ...deps, store: new MemoStore(deps.store) }, request);
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
    if (!token.success || !verifySignedAt(token.data, timestamp, request.body, signature, deps.clock.now(), deps.settings.maxSkewMs)) return UNAUTHORIZED;
    const parsed = parseEnvelope(request.body);
    if ('status' in parsed) return parsed;
    if (parsed.envelope.type !== 'hello' || parsed.envelope.connectionId !== connectionId) return reply(422, 'a pending connection accepts only its hello');
    return acceptHello(deps, connection, token.data, parsed.envelope);
  }

  // signed with the key of the direction from the other site to this one: a message of ours sent
  // back to us (a peer naming our inbox as its own) does not verify
  const key = await receivingKey(deps, connection);
  if (key === undefined || !verifySignedAt(key, timestamp, request.body, signature, deps.clock.now(), deps.settings.maxSkewMs)) return UNAUTHORIZED;
  const parsed = parseEnvelope(request.body);
  if ('status' in parsed) return parsed;
  const envelope = parsed.envelope;
  if (envelope.connectionId !== connectionId) return reply(422, 'envelope connectionId does not match the x-twin-connection header');
  if (envelope.type === 'hello') return reply(409, 'this connection is already established');
  if (envelope.from.cloudId !== connection.remoteCloudId) return reply(422, 'the message names another sending site than this connection\'s');
  if (envelope.type === 'ping') return reply(202, 'pong');
  if (envelope.type === 'goodbye') return acceptGoodbye(deps, connection);
  if (envelope.type === 'part') return acceptPart(deps, repo, connection, envelope);
  // a part of one of our attachments, for the copy the other site makes (nothing stored)
  if (envelope.type === 'fetch') {
    const answer = await answerFetch(deps, connection, envelope);
    return reply(answer.status, answer.message, answer.part ? { part: answer.part } : {});
  }
  if (envelope.type === 'replica') {
    const inline = await applyWhileWaiting(deps, connection, envelope);
    if (inline) return inline;
  }
  if (envelope.type === 'outcome' && (await outcomeWhileWaiting(deps, connection, envelope))) return reply(202, 'noted');
  return stored(await storeForQueue(deps, connection, envelope, request.body));
}

function stored(outcome: StoreOutcome): InboxResponse {
  if (outcome === 'duplicate') return reply(202, 'duplicate: already received', { duplicate: true });
  if (outcome === 'too-large') return reply(413, `message over ${INLINE_LIMIT_BYTES} bytes once stored: send it in parts (type "part")`);
  return reply(202, 'accepted');
}

/**
 * Applies a replica while its sender waits, with no inbox entry and no queue event (two invocations
 * and several storage operations fewer), when the issue is free: not blocked, and its lock taken at
 * once. A follow-up (the sync back of a new twin) is given back in the answer, signed. Anything else
 * (a busy or blocked issue, a failing apply) goes to the queue as before: null.
 * A message naming no twin and indexed nowhere is a creation: the creation marker keeps two of them
 * apart, and there is no local issue to lock yet.
 */
async function applyWhileWaiting(deps: EngineDeps, connection: Connection, envelope: ReplicaMessage): Promise<InboxResponse | null> {
  if (!deps.settings.inlineApply || connection.direction === 'send-only') return null;
  // one invocation (handleInbox's MemoStore): what the apply reads again (the remote index, the link) is read from storage once
  const invocation: EngineDeps = { ...deps };
  const repo = new Repo(invocation.store);
  const localId = envelope.twin?.id ?? await repo.localIdForRemote(connection.id, envelope.issue.id);
  if (localId !== undefined && !JIRA_ID.test(localId)) return null;
  if (localId === undefined && !JIRA_ID.test(envelope.issue.id)) return null;
  const lock = localId !== undefined ? localLock(connection.id, localId) : remoteLock(connection.id, envelope.issue.id);
  if ((await repo.blockedBy(lock)) !== undefined) return null;
  if (localId !== undefined) {
    const got = await tryLock(invocation, lock, 'inbox');
    if (!('held' in got)) return null;
    invocation.heldLock = got.held;
  }
  try {
    const result = await applyInline(invocation, connection, envelope, lock);
    if (result.outcome === 'relocked' || result.outcome === 'deferred') return null;
    if (result.outcome === 'duplicate') return reply(202, 'duplicate: already received', { duplicate: true });
    // the sender learns from the answer itself that its seq was applied (signed, like a message)
    const applied = result.outcome === 'applied' || result.outcome === 'created';
    const outcome = applied ? await signedOutcome(invocation, connection, await outcomeFor(invocation, connection, envelope, result.localIssue, 'applied', null)) : null;
    return reply(200, result.outcome, { applied, ...(outcome ? { outcome } : {}), ...(result.reply ? { reply: result.reply } : {}) });
  } catch (error) {
    // The platform pacing us: the sender waits and sends again (handleInbox answers 429).
    if (classify(error).throttled) throw error;
    // The queue takes it from here, with its retries and, in the end, an error record on the issue.
    return null;
  } finally {
    // a failed release leaves the lock to its lease: the queue's consumer takes it over
    await releaseLock(invocation).catch(() => undefined);
  }
}

/**
 * An outcome of the remote's apply of one of our messages, noted on the issue's link at once when
 * the issue is free (its lock taken); false when it is busy: the queue notes it behind the lock.
 */
async function outcomeWhileWaiting(deps: EngineDeps, connection: Connection, envelope: OutcomeMessage): Promise<boolean> {
  const invocation: EngineDeps = { ...deps };
  const got = await tryLock(invocation, localLock(connection.id, envelope.twin.id), 'inbox');
  if (!('held' in got)) return false;
  invocation.heldLock = got.held;
  try {
    await applyOutcome(invocation, connection, envelope);
    return true;
  } finally {
    await releaseLock(invocation).catch(() => undefined);
  }
}

/** Jira issue ids are decimal numbers */
const JIRA_ID = /^[0-9]{1,18}$/;

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
  if (envelope.type !== 'replica' && envelope.type !== 'unlink' && envelope.type !== 'outcome') return reply(422, `a ${envelope.type} message is never sent in parts`);
  if (envelope.connectionId !== connectionId || envelope.messageId !== whole.messageId) return reply(422, 'the parts name another connection or message than the whole they form');
  // the last two parts may arrive at once: only one of them takes the whole in
  const first = await deps.store.setIfAbsent(keys.seen(connectionId, safePart(whole.messageId)), { receivedAt }, { ttlSeconds: deps.settings.seenTtlSeconds });
  if (!first) return reply(202, 'duplicate: already received', { duplicate: true });
  await deps.store.set(keys.inbox(connectionId, whole.messageId), entry);
  await enqueueStored(deps, connection, envelope, whole.messageId);
  return reply(202, 'accepted');
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
