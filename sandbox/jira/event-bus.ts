import type { JiraProductEvent } from './contract';

/**
 * Delivers product events to subscribers after the change is committed: each delivery runs in its
 * own `setImmediate`, so no listener runs inside a request's transaction or delays the response, and
 * a throwing listener surfaces as an uncaught error instead of being swallowed.
 */
export class EventBus {
  private readonly listeners = new Set<(event: JiraProductEvent) => void>();

  subscribe(listener: (event: JiraProductEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(events: readonly JiraProductEvent[]): void {
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        setImmediate(() => {
          if (this.listeners.has(listener)) listener(event);
        });
      }
    }
  }
}
