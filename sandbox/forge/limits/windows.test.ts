import { FixedWindow, KeyedSlidingWindows, SlidingWindow } from './windows';

describe('SlidingWindow', () => {
  it('counts what was taken in the last window and frees it when the window slides past', () => {
    const w = new SlidingWindow(60_000, 3);
    w.take(0, 1);
    w.take(30_000, 2);
    expect(w.fits(59_999, 1)).toBe(false);
    expect(w.used(59_999)).toBe(3);
    // the unit taken at 0 leaves the window at 60,000; the two taken at 30,000 stay until 90,000
    expect(w.fits(60_000, 1)).toBe(true);
    expect(w.fits(60_000, 2)).toBe(false);
    expect(w.used(90_000)).toBe(0);
  });

  it('takes nothing when it refuses, and never lets a burst through at a boundary', () => {
    const w = new SlidingWindow(1000, 2);
    expect(w.tryTake(999, 2)).toBe(true);
    expect(w.tryTake(1000, 1)).toBe(false);
    expect(w.used(1000)).toBe(2);
    expect(w.tryTake(1999, 1)).toBe(true);
  });

  it('never counts against an infinite limit', () => {
    const w = new SlidingWindow(1000, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 10; i++) w.take(0, 1e9);
    expect(w.fits(0, 1e12)).toBe(true);
  });
});

describe('KeyedSlidingWindows', () => {
  it('keeps one window per key and forgets the empty ones', () => {
    const w = new KeyedSlidingWindows(1000, 10);
    w.take('a', 0, 10);
    expect(w.fits('a', 500, 1)).toBe(false);
    expect(w.fits('b', 500, 10)).toBe(true);
    expect(w.fits('c', 500, 11)).toBe(false);
    w.take('b', 2000, 1);
    expect(w.size()).toBe(1);
  });
});

describe('FixedWindow', () => {
  it('counts per aligned window and starts again at the next one', () => {
    const w = new FixedWindow(60_000, 2);
    w.take('k', 59_000);
    w.take('k', 59_500);
    expect(w.fits('k', 59_999)).toBe(false);
    expect(w.fits('other', 59_999)).toBe(true);
    expect(w.msToNextWindow(59_999)).toBe(1);
    expect(w.fits('k', 60_000)).toBe(true);
    expect(w.used('k', 60_000)).toBe(0);
  });
});
