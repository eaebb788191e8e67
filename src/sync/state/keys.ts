/**
 * Storage keys. Forge KVS keys are ≤ 500 chars from `[a-zA-Z0-9:._\s-#]`; every variable part
 * here is a uuid, a Jira id (digits) or a zero-padded number, checked by `safePart`.
 */
import { z } from 'zod';

const SAFE = /^[a-zA-Z0-9._-]{1,120}$/;

/**
 * An id that may become part of a storage key (a connection's, an error's…), as payloads must
 * carry it: anything else is refused where it comes in (invalid-payload), never half way through.
 */
export const StorageIdSchema = z.string().regex(SAFE, 'an id is 1 to 120 letters, digits, ".", "_" or "-"');

/** An id that cannot be part of a storage key reached the key registry: refused before anything is written under it. */
export class UnsafeKeyPartError extends Error {
  constructor(part: string) {
    super(`unsafe storage key part: ${JSON.stringify(part.slice(0, 40))}`);
    this.name = 'UnsafeKeyPartError';
  }
}

export function safePart(part: string): string {
  if (!SAFE.test(part)) throw new UnsafeKeyPartError(part);
  return part;
}

export const keys = {
  connection: (id: string) => `connection:${safePart(id)}`,
  connectionPrefix: 'connection:',
  invitation: (connectionId: string) => `invitation:${safePart(connectionId)}`,
  invitationTokenSecret: (connectionId: string) => `invite-token:${safePart(connectionId)}`,
  connectionSecret: (connectionId: string) => `conn-secret:${safePart(connectionId)}`,
  /** link state by local issue */
  link: (connectionId: string, localIssueId: string) => `link:${safePart(connectionId)}:${safePart(localIssueId)}`,
  linkPrefix: (connectionId: string) => `link:${safePart(connectionId)}:`,
  /** remote issue id → local issue id */
  remoteIndex: (connectionId: string, remoteIssueId: string) => `rlink:${safePart(connectionId)}:${safePart(remoteIssueId)}`,
  remoteIndexPrefix: (connectionId: string) => `rlink:${safePart(connectionId)}:`,
  /** last replica applied for a link (kept apart: it can be large) */
  previous: (connectionId: string, localIssueId: string) => `previous:${safePart(connectionId)}:${safePart(localIssueId)}`,
  /** marks a twin creation in flight, so a crash between create and link searches before creating again */
  creating: (connectionId: string, remoteIssueId: string) => `creating:${safePart(connectionId)}:${safePart(remoteIssueId)}`,
  /** set by the trigger when a person changed the issue: the link's snapshot is older than this */
  dirty: (connectionId: string, localIssueId: string) => `dirty:${safePart(connectionId)}:${safePart(localIssueId)}`,
  inbox: (connectionId: string, messageId: string) => `inbox:${safePart(connectionId)}:${safePart(messageId)}`,
  inboxPrefix: 'inbox:',
  /** part `index` of a message that comes in parts (by the whole message's id) */
  inboxPart: (connectionId: string, wholeMessageId: string, index: number) => `inpart:${safePart(connectionId)}:${safePart(wholeMessageId)}:${String(index).padStart(3, '0')}`,
  inboxPartPrefix: (connectionId: string, wholeMessageId: string) => `inpart:${safePart(connectionId)}:${safePart(wholeMessageId)}:`,
  /**
   * A send reserved and not yet known to have been posted (src/sync/outgoing.ts): written with the
   * seq reservation, deleted with the send's last write; the sweeper re-drives what a crash left.
   */
  outbox: (connectionId: string, localIssueId: string) => `outbox:${safePart(connectionId)}:${safePart(localIssueId)}`,
  outboxPrefix: 'outbox:',
  /** how far the sweeper's search for changes not sent has come, per connection (src/sync/anti-entropy.ts) */
  sweepMark: (connectionId: string) => `sweepmark:${safePart(connectionId)}`,
  seen: (connectionId: string, messageId: string) => `seen:${safePart(connectionId)}:${safePart(messageId)}`,
  /** the connection's bulk sync job */
  bulkJob: (connectionId: string) => `bulk:${safePart(connectionId)}`,
  /** one page of a bulk job: the issue ids it queued and those not confirmed yet */
  bulkPage: (connectionId: string, jobId: string, page: number) => `bulkpage:${safePart(connectionId)}:${safePart(jobId)}:${String(page).padStart(6, '0')}`,
  error: (id: string) => `error:${safePart(id)}`,
  errorPrefix: 'error:',
  /**
   * Who is working on an issue right now (the queue's concurrency key, `<connection>:<issue>`): the
   * consumer and the inbox's inline apply exclude each other through it (src/sync/issue-lock.ts).
   */
  issueLock: (lock: string) => `lock:${lock.split(':').map(safePart).join(':')}`,
  /** lock (connection + issue) → error id of the item blocking it */
  blocked: (lock: string) => `blocked:${lock.split(':').map(safePart).join(':')}`,
  activity: (at: number, id: string) => `activity:${String(9_999_999_999_999 - at).padStart(13, '0')}:${safePart(id)}`,
  activityPrefix: 'activity:',
};
