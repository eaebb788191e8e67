import type { JournaledProductEvent } from './contract';

/**
 * Delivers product events to subscribers after the change is committed: each delivery runs in its
 * own `setImmediate`, so no listener runs inside a request's transaction or delays the response, and
 * a throwing listener surfaces as an uncaught error instead of being swallowed. Events come in the
 * order they were emitted (journal order); what a subscriber misses while it is not subscribed stays
 * in the site's journal (storage/event-journal.ts).
 */
export class EventBus {
  private readonly listeners = new Set<(event: JournaledProductEvent) => void>();

  subscribe(listener: (event: JournaledProductEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(events: readonly JournaledProductEvent[]): void {
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        setImmediate(() => {
          if (this.listeners.has(listener)) listener(event);
        });
      }
    }
  }
}
