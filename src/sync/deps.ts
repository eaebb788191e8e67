import type { Clock } from '../ports/clock';
import type { IdSource } from '../ports/ids';
import type { JiraPort } from '../ports/jira';
import type { QueuePort } from '../ports/queue';
import type { RulesProvider } from '../ports/rules-provider';
import type { SiteIdentity } from '../ports/site';
import type { StorePort } from '../ports/store';
import type { TransportPort } from '../ports/transport';
import type { RetryPolicy } from './errors';
import type { HeldLock } from './issue-lock';

/** Everything the engine needs from the outside world. */
export interface EngineDeps {
  jira: JiraPort;
  store: StorePort;
  queue: QueuePort;
  transport: TransportPort;
  clock: Clock;
  ids: IdSource;
  site: SiteIdentity;
  rules: RulesProvider;
  settings: EngineSettings;
  /** this invocation's lock on the issue it works on (src/sync/issue-lock.ts), when it holds one */
  heldLock?: HeldLock;
}

export interface EngineSettings {
  retry: RetryPolicy;
  /** largest request body the inbox accepts, bytes: a bigger message comes in parts */
  maxBodyBytes: number;
  /** largest whole message, bytes (in parts): a replica over it is an error for its issue */
  maxMessageBytes: number;
  /** a message whose text is over this many bytes is sent in parts of at most this size */
  partBytes: number;
  /** allowed clock skew of signed requests, ms */
  maxSkewMs: number;
  /** how long an invitation code is valid, ms */
  invitationTtlMs: number;
  /** how long message ids are remembered for de-duplication, s */
  seenTtlSeconds: number;
  /** activity entries kept */
  activityLimit: number;
  /** inbox entries older than this are re-driven by the sweeper, ms */
  stuckInboxMs: number;
  /** outbox entries (sends reserved, not known to be posted) older than this are re-driven, ms: no send lasts as long */
  stuckOutboxMs: number;
  /**
   * The sweeper's search for changes not sent looks back this far before its mark, ms: JQL compares
   * `updated` to the minute, and Jira's search index lags behind its writes.
   */
  sweepMarginMs: number;
  /** issues that search looks at per connection and run (the rest at the next run) */
  sweepMaxIssues: number;
  /**
   * Outgoing syncs a bulk job queues per minute. Each one costs the sending installation about two
   * queue events (the sync and the sync back it receives); Forge allows 500 per minute per
   * installation (https://developer.atlassian.com/platform/forge/limits-async-events/), so the
   * default leaves more than half of that to everyday syncing.
   */
  bulkPerMinute: number;
  /** steps of one bulk chain before it hands over to the sweeper (BULK_CHAIN_STEPS) */
  bulkChainSteps: number;
  /**
   * The inbox applies a replica while its sender waits when the issue is free (src/sync/inbox.ts),
   * and gives a follow-up back in its answer; false = every message goes through the inbox entry and
   * the queue (three invocations more per create with sync back).
   */
  inlineApply: boolean;
  /**
   * Bytes of attachment content per fetch (src/sync/parts/attachments/transfer.ts): answered by a
   * web trigger, whose response is at most 5 MiB (https://developer.atlassian.com/platform/forge/limits-invocation/),
   * as base64 (4/3 of the bytes) in a JSON body.
   */
  attachmentPartBytes: number;
  /**
   * The largest file Twin Sync copies: the copy is uploaded in one multipart request
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/), so
   * the whole file is held in the consumer's memory with its parts. A larger one is an error for
   * that attachment only.
   */
  maxAttachmentBytes: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  retry: { maxAttempts: 6, baseDelaySeconds: 5, maxDelaySeconds: 900 },
  maxBodyBytes: 256 * 1024,
  maxMessageBytes: 4 * 1024 * 1024,
  partBytes: 160 * 1024,
  maxSkewMs: 5 * 60 * 1000,
  invitationTtlMs: 24 * 60 * 60 * 1000,
  seenTtlSeconds: 24 * 60 * 60,
  activityLimit: 500,
  stuckInboxMs: 60 * 1000,
  stuckOutboxMs: 60 * 1000,
  sweepMarginMs: 3 * 60 * 1000,
  sweepMaxIssues: 1000,
  bulkPerMinute: 100,
  bulkChainSteps: 200,
  inlineApply: true,
  attachmentPartBytes: 2 * 1024 * 1024,
  maxAttachmentBytes: 100 * 1024 * 1024,
};
