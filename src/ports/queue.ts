import type { QueueEvent } from '../model/queue-event';

/**
 * The platform refused a push: `throttled` when it asked us to slow down (Forge's per-minute event
 * quota, RateLimitError), else a limit retrying cannot fix by waiting (a payload too big, the
 * per-invocation-chain push limit).
 */
export class QueueError extends Error {
  constructor(message: string, readonly throttled: boolean) {
    super(message);
    this.name = 'QueueError';
  }
}

export interface QueuePushOptions {
  delaySeconds?: number;
}

/** The sync queue. The adapter sets `concurrency: {key: queueEventConcurrencyKey(event), limit: 1}`. */
export interface QueuePort {
  push(events: QueueEvent[], options?: QueuePushOptions): Promise<void>;
}
