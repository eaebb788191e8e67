/**
 * Quota windows on the platform clock (epoch ms from `Scheduler.now`), so tests move past a window
 * with `platform.advance` instead of waiting.
 *
 * - SlidingWindow: what was taken in the last `windowMs` (a request at t counts until t + windowMs).
 *   Used where Forge's page says "per minute" / "per second" without saying how the window moves:
 *   a sliding window is never kinder than a fixed one (a fixed window lets twice the quota through
 *   across its boundary).
 * - FixedWindow: counts per aligned window (floor(now / windowMs)); used where the page says "fixed".
 */

export class SlidingWindow {
  private readonly entries: { at: number; units: number }[] = [];
  private head = 0;
  private sum = 0;

  constructor(readonly windowMs: number, readonly limit: number) {}

  private prune(now: number): void {
    while (this.head < this.entries.length) {
      const e = this.entries[this.head];
      if (!e || e.at > now - this.windowMs) break;
      this.sum -= e.units;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /** units taken in the window ending at `now` */
  used(now: number): number {
    this.prune(now);
    return this.sum;
  }

  /** would `units` more stay within the limit? */
  fits(now: number, units: number): boolean {
    return this.used(now) + units <= this.limit;
  }

  /** take `units` (whether or not they fit) */
  take(now: number, units: number): void {
    if (units <= 0 || this.limit === Number.POSITIVE_INFINITY) return;
    this.prune(now);
    this.entries.push({ at: now, units });
    this.sum += units;
  }

  /** take `units` if they fit; false (and nothing taken) otherwise */
  tryTake(now: number, units: number): boolean {
    if (!this.fits(now, units)) return false;
    this.take(now, units);
    return true;
  }
}

/** one SlidingWindow per key, created on first use and dropped when empty */
export class KeyedSlidingWindows {
  private readonly windows = new Map<string, SlidingWindow>();
  private sweepAt = 0;

  constructor(readonly windowMs: number, readonly limit: number) {}

  private window(key: string): SlidingWindow {
    let w = this.windows.get(key);
    if (!w) {
      w = new SlidingWindow(this.windowMs, this.limit);
      this.windows.set(key, w);
    }
    return w;
  }

  fits(key: string, now: number, units: number): boolean {
    return this.windows.get(key)?.fits(now, units) ?? units <= this.limit;
  }

  take(key: string, now: number, units: number): void {
    if (this.limit === Number.POSITIVE_INFINITY) return;
    this.window(key).take(now, units);
    this.sweep(now);
  }

  used(key: string, now: number): number {
    return this.windows.get(key)?.used(now) ?? 0;
  }

  /** keys with a window (for tests) */
  size(): number {
    return this.windows.size;
  }

  /** forget windows that emptied, at most once per window length */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + this.windowMs;
    for (const [k, w] of this.windows) if (w.used(now) === 0) this.windows.delete(k);
  }
}

/** counts per aligned window of `windowMs` on the clock, per key */
export class FixedWindow {
  private window = Number.NaN;
  private readonly counts = new Map<string, number>();

  constructor(readonly windowMs: number, readonly limit: number) {}

  private roll(now: number): void {
    const w = Math.floor(now / this.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
  }

  used(key: string, now: number): number {
    this.roll(now);
    return this.counts.get(key) ?? 0;
  }

  fits(key: string, now: number, units = 1): boolean {
    return this.used(key, now) + units <= this.limit;
  }

  take(key: string, now: number, units = 1): void {
    this.roll(now);
    this.counts.set(key, (this.counts.get(key) ?? 0) + units);
  }

  /** ms until the next window starts */
  msToNextWindow(now: number): number {
    return (Math.floor(now / this.windowMs) + 1) * this.windowMs - now;
  }
}
