import type { QueueEvent } from '../sync/queue-event';

export interface QueuePushOptions {
  delaySeconds?: number;
}

/** The sync queue. The adapter sets `concurrency: {key: queueEventConcurrencyKey(event), limit: 1}`. */
export interface QueuePort {
  push(events: QueueEvent[], options?: QueuePushOptions): Promise<void>;
}
