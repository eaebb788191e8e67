/**
 * A timer wheel on a virtual-time-friendly clock. Time is `baseNow() + offset`; timers fire from one
 * real `setTimeout` armed for the earliest due time, and `advance(ms)` moves the offset forward and
 * fires what became due, so tests never sleep. Timers are created outside any AsyncLocalStorage
 * context by the caller (see runtime-context `outsideInvocation`).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface SchedulerOptions {
  /** where `advance` had moved the clock before (a restart on the same data folder); default 0 */
  offsetMs?: number;
  /** called after every `advance` with the new offset and time (the platform persists them) */
  onAdvance?: (offsetMs: number, now: number) => void;
}

/**
 * A point of the grid `anchor + k × interval` (k an integer): the first one at or after `now`, or
 * strictly after it. How a scheduled trigger keeps its cadence: its runs stay on the grid it started
 * on, whatever was missed while nothing ran.
 */
export function nextGridPoint(anchor: number, interval: number, now: number, mode: 'at-or-after' | 'after'): number {
  if (!(interval > 0)) throw new Error(`nextGridPoint: interval must be positive, got ${interval}`);
  const k = mode === 'at-or-after' ? Math.ceil((now - anchor) / interval) : Math.floor((now - anchor) / interval) + 1;
  return anchor + k * interval;
}

interface Timer {
  id: number;
  dueAt: number;
  fn: () => void;
}

export class Scheduler {
  private offset: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();
  private real: ReturnType<typeof setTimeout> | null = null;
  private realDueAt = Number.POSITIVE_INFINITY;
  private closed = false;

  private readonly onAdvance: ((offsetMs: number, now: number) => void) | undefined;

  constructor(private readonly baseNow: () => number, opts: SchedulerOptions = {}) {
    this.offset = opts.offsetMs ?? 0;
    this.onAdvance = opts.onAdvance;
  }

  now(): number {
    return this.baseNow() + this.offset;
  }

  /** how far `advance` has moved the clock ahead of its base */
  offsetMs(): number {
    return this.offset;
  }

  /** run `fn` once the clock reaches `dueAt` (epoch ms) */
  at(dueAt: number, fn: () => void): TimerHandle {
    const timer: Timer = { id: this.nextId++, dueAt, fn };
    this.timers.set(timer.id, timer);
    this.arm();
    return { cancel: () => { this.timers.delete(timer.id); } };
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.now() + Math.max(0, ms), fn);
  }

  /** move the clock forward by `ms` and fire everything now due (in due order) */
  advance(ms: number): void {
    if (ms < 0) throw new Error(`advance(${ms}): time only moves forward`);
    this.offset += ms;
    this.onAdvance?.(this.offset, this.now());
    this.fireDue();
  }

  /** number of timers waiting */
  size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    this.timers.clear();
    if (this.real) clearTimeout(this.real);
    this.real = null;
  }

  private fireDue(): void {
    const now = this.now();
    const due = [...this.timers.values()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    for (const t of due) {
      if (!this.timers.delete(t.id)) continue;
      t.fn();
    }
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.timers.values()) if (t.dueAt < earliest) earliest = t.dueAt;
    if (earliest === this.realDueAt && this.real) return;
    if (this.real) clearTimeout(this.real);
    this.real = null;
    this.realDueAt = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    // setTimeout caps at 2^31-1 ms; re-arm on wake-up if still early
    const delay = Math.min(Math.max(0, earliest - this.now()), 2 ** 31 - 1);
    this.real = setTimeout(() => {
      this.real = null;
      this.realDueAt = Number.POSITIVE_INFINITY;
      this.fireDue();
    }, delay);
  }
}
