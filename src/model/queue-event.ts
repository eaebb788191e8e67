import { z } from 'zod';

/**
 * Work items on the sync queue. `lock` is the concurrency key (`<connection>:<local issue id>`,
 * or `<connection>:r<remote issue id>` before the twin exists) so one issue is never processed
 * twice at once.
 */
export const OutgoingEventSchema = z.strictObject({
  kind: z.literal('outgoing'),
  connectionId: z.string().min(1),
  localIssueId: z.string().min(1),
  /** sent even when unchanged, marked syncBack on the wire */
  syncBack: z.boolean(),
  /**
   * 'redrive': a send a crash left reserved and unposted; 'sweep': a change the sweeper found not
   * sent; 'unlink': telling the remote of an unlink it could not be told of at once (src/sync/unlink.ts)
   */
  reason: z.enum(['event', 'manual', 'sync-back', 'retry', 'bulk', 'redrive', 'sweep', 'unlink', 'relay']),
  lock: z.string().min(1),
  /** transient failures so far */
  attempt: z.number().int().min(0),
  /** throttled answers (429) so far: they do not use up attempts */
  throttled: z.number().int().min(0).optional(),
});
export type OutgoingEvent = z.infer<typeof OutgoingEventSchema>;

export const IncomingEventSchema = z.strictObject({
  kind: z.literal('incoming'),
  connectionId: z.string().min(1),
  messageId: z.string().min(1),
  lock: z.string().min(1),
  attempt: z.number().int().min(0),
  throttled: z.number().int().min(0).optional(),
});
export type IncomingEvent = z.infer<typeof IncomingEventSchema>;

/** One step of a bulk sync job: queue the next page of the scope, or check what the other side confirmed. */
export const BulkEventSchema = z.strictObject({
  kind: z.literal('bulk'),
  connectionId: z.string().min(1),
  jobId: z.string().min(1),
  /** the chain of steps this one belongs to (a step of a superseded chain does nothing) and its place in it */
  chainId: z.string().min(1).optional(),
  chainStep: z.number().int().min(0).optional(),
  lock: z.string().min(1),
  attempt: z.number().int().min(0),
  throttled: z.number().int().min(0).optional(),
});
export type BulkEvent = z.infer<typeof BulkEventSchema>;

export const QueueEventSchema = z.discriminatedUnion('kind', [OutgoingEventSchema, IncomingEventSchema, BulkEventSchema]);
export type QueueEvent = z.infer<typeof QueueEventSchema>;

export function localLock(connectionId: string, localIssueId: string): string {
  return `${connectionId}:${localIssueId}`;
}

/** one bulk job per connection runs its steps one at a time */
export function bulkLock(connectionId: string): string {
  return `${connectionId}:bulk`;
}

export function remoteLock(connectionId: string, remoteIssueId: string): string {
  return `${connectionId}:r${remoteIssueId}`;
}
