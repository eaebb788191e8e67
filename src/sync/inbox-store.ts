import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import type { ReplicaMessage } from './envelope/replica-message';
import type { UnlinkMessage } from './envelope/unlink-message';
import type { OutcomeMessage } from './envelope/outcome-message';
import { localLock, remoteLock, type IncomingEvent } from '../model/queue-event';
import { keys, safePart } from './state/keys';
import type { Connection, InboxEntry } from './state/records';
import { Repo } from './state/repo';
import { INLINE_LIMIT_BYTES } from './state/split-value';

export type StoreOutcome = 'stored' | 'duplicate' | 'too-large';

/**
 * Keeps a verified message for the queue: one inbox entry (with its de-duplication mark, in one
 * transaction), then a queue event behind the issue's lock. A lost push is re-driven by the sweeper.
 */
export async function storeForQueue(deps: EngineDeps, connection: Connection, envelope: ReplicaMessage | UnlinkMessage | OutcomeMessage, text: string): Promise<StoreOutcome> {
  const connectionId = connection.id;
  const messageId = safePart(envelope.messageId);
  const seenKey = keys.seen(connectionId, messageId);
  if ((await deps.store.get(seenKey)) !== undefined) return 'duplicate';
  const entry: InboxEntry = { connectionId, messageId, receivedAt: new Date(deps.clock.now()).toISOString(), body: text };
  // one KVS value holds the stored entry: a message that does not fit must come in parts
  if (Buffer.byteLength(JSON.stringify(entry), 'utf8') > INLINE_LIMIT_BYTES) return 'too-large';
  await deps.store.transact([
    { op: 'set', key: keys.inbox(connectionId, messageId), value: entry },
    { op: 'set', key: seenKey, value: { receivedAt: entry.receivedAt }, ttlSeconds: deps.settings.seenTtlSeconds },
  ]);
  await enqueueStored(deps, connection, envelope, messageId);
  return 'stored';
}

/** queues a stored message for the worker (a lost push is re-driven by the sweeper) */
export async function enqueueStored(deps: EngineDeps, connection: Connection, envelope: ReplicaMessage | UnlinkMessage | OutcomeMessage, messageId: string): Promise<void> {
  const connectionId = connection.id;
  // an outcome is about our own issue (its twin); a replica names it once it knows it
  const localId = envelope.type === 'outcome' ? envelope.twin.id
    : envelope.type === 'replica' && envelope.twin ? envelope.twin.id : await new Repo(deps.store).localIdForRemote(connectionId, envelope.issue.id);
  const event: IncomingEvent = {
    kind: 'incoming', connectionId, messageId, attempt: 0,
    lock: localId !== undefined ? localLock(connectionId, localId) : remoteLock(connectionId, envelope.type === 'outcome' ? envelope.twin.id : envelope.issue.id),
  };
  try {
    await deps.queue.push([event]);
  } catch (error) {
    // Stored: the sweeper re-drives it. Still accepted.
    await logActivity(deps, { connectionId, direction: 'in', type: envelope.type, issueKey: null, remoteIssueKey: envelope.type === 'outcome' ? envelope.issue?.key ?? null : envelope.issue.key, outcome: 'retry', message: `stored but not queued (${error instanceof Error ? error.message : String(error)}); the sweeper will pick it up` });
  }
}
