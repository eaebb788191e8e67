import { Scheduler } from './scheduler';

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
});
