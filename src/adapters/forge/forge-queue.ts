import { Queue, RateLimitError } from '@forge/events';
import { QueueError, type QueuePort, type QueuePushOptions } from '../../ports/queue';
import type { QueueEvent } from '../../model/queue-event';

export const SYNC_QUEUE = 'sync-queue';
/** Forge queue pushes take at most 50 events. */
const MAX_BATCH = 50;

/** QueuePort over @forge/events: one concurrency key per connection + issue, limit 1. */
export class ForgeQueue implements QueuePort {
  private readonly queue = new Queue({ key: SYNC_QUEUE });
  pushed = 0;

  async push(events: QueueEvent[], options?: QueuePushOptions): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const batch = events.slice(i, i + MAX_BATCH).map((event) => ({
        body: { ...event },
        concurrency: { key: event.lock.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 200), limit: 1 },
        ...(options?.delaySeconds !== undefined && options.delaySeconds > 0 ? { delayInSeconds: Math.min(900, Math.round(options.delaySeconds)) } : {}),
      }));
      try {
        await this.queue.push(batch);
      } catch (error) {
        // 500 events per minute per installation: https://developer.atlassian.com/platform/forge/limits-async-events/
        if (error instanceof RateLimitError) throw new QueueError(`Forge refused the push: ${error.message}`, true);
        throw error;
      }
      this.pushed += batch.length;
    }
  }
}
