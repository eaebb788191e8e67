import { Queue } from '@forge/events';
import type { QueuePort, QueuePushOptions } from '../../ports/queue';
import type { QueueEvent } from '../../sync/queue-event';

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
      await this.queue.push(batch);
      this.pushed += batch.length;
    }
  }
}
