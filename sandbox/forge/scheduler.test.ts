import { Scheduler, nextGridPoint } from './scheduler';

describe('Scheduler', () => {
  it('fires timers in due order when the clock is advanced, never early', () => {
    const s = new Scheduler(() => 1_000);
    const fired: string[] = [];
    s.at(1_500, () => fired.push('b'));
    s.after(100, () => fired.push('a'));
    s.at(1_500, () => fired.push('c'));
    s.advance(99);
    expect(fired).toEqual([]);
    s.advance(1);
    expect(fired).toEqual(['a']);
    s.advance(400);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(s.now()).toBe(1_500);
    s.close();
  });

  it('does not fire a cancelled timer and lets a timer schedule another', () => {
    const s = new Scheduler(() => 0);
    const fired: number[] = [];
    s.after(10, () => fired.push(1)).cancel();
    s.after(10, () => { fired.push(2); s.after(10, () => fired.push(3)); });
    s.advance(10);
    expect(fired).toEqual([2]);
    expect(s.size()).toBe(1);
    s.advance(10);
    expect(fired).toEqual([2, 3]);
    s.close();
  });

  it('refuses to move time backwards', () => {
    const s = new Scheduler(() => 0);
    expect(() => s.advance(-1)).toThrow('advance(-1): time only moves forward');
    s.close();
  });

  it('also fires on real time through one armed setTimeout', async () => {
    const s = new Scheduler(Date.now);
    // read before the timer is set: it is due 5 ms after a time at or after this one
    const started = Date.now();
    const fired = new Promise<number>((resolve) => s.after(5, () => resolve(s.now())));
    expect(await fired).toBeGreaterThanOrEqual(started + 5);
    s.close();
  });

  it('starts at a restored offset and reports every advance (the platform persists the clock)', () => {
    const seen: [number, number][] = [];
    const s = new Scheduler(() => 1_000, { offsetMs: 500, onAdvance: (offset, now) => seen.push([offset, now]) });
    expect(s.now()).toBe(1_500);
    s.advance(250);
    expect(seen).toEqual([[750, 1_750]]);
    expect(s.offsetMs()).toBe(750);
    s.close();
  });
});

describe('nextGridPoint', () => {
  it.each<[number, number, number, 'at-or-after' | 'after', number]>([
    [100, 50, 100, 'at-or-after', 100],
    [100, 50, 100, 'after', 150],
    [100, 50, 101, 'at-or-after', 150],
    [100, 50, 249, 'after', 250],
    [100, 50, 250, 'after', 300],
    [100, 50, 250, 'at-or-after', 250],
    [100, 50, 30, 'at-or-after', 50], // the grid runs backwards too
    [100, 50, 50, 'after', 100],
  ])('grid %i + k × %i, now %i, %s → %i', (anchor, interval, now, mode, expected) => {
    expect(nextGridPoint(anchor, interval, now, mode)).toBe(expected);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => nextGridPoint(0, 0, 10, 'after')).toThrow('interval must be positive');
  });
});
