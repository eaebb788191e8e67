import { HOUR_MS, PointsPool } from './points-pool';

const T0 = Date.parse('2026-03-02T10:00:00Z');

describe('the hourly points pool (resets at the top of each UTC hour)', () => {
  it.each<[string, [number, number][], number, { used: number; remaining: number; resetAt: number }]>([
    ['nothing used', [], T0 + 5_000, { used: 0, remaining: 100, resetAt: T0 + HOUR_MS }],
    ['points add up within the hour', [[T0, 30], [T0 + 59 * 60_000, 50]], T0 + 59 * 60_000, { used: 80, remaining: 20, resetAt: T0 + HOUR_MS }],
    ['used past the limit: nothing remains', [[T0, 130]], T0 + 1, { used: 130, remaining: 0, resetAt: T0 + HOUR_MS }],
    ['a new hour starts from zero', [[T0 + HOUR_MS - 1, 100]], T0 + HOUR_MS, { used: 0, remaining: 100, resetAt: T0 + 2 * HOUR_MS }],
    ['a half-past start still resets on the hour', [[T0 + 30 * 60_000, 100]], T0 + HOUR_MS + 1, { used: 0, remaining: 100, resetAt: T0 + 2 * HOUR_MS }],
  ])('%s', (_name, charges, at, expected) => {
    const pool = new PointsPool(100);
    for (const [when, points] of charges) pool.charge('Twin Sync', points, when);
    expect(pool.state('Twin Sync', at)).toEqual({ ...expected, limit: 100 });
  });

  it('counts apps apart, and one pool can serve several sites (the Global Pool)', () => {
    const pool = new PointsPool(100);
    pool.charge('Twin Sync', 60, T0);
    pool.charge('Other App', 10, T0);
    pool.charge('Twin Sync', 30, T0 + 1); // the same app on another site
    expect(pool.state('Twin Sync', T0 + 2).remaining).toBe(10);
    expect(pool.state('Other App', T0 + 2).remaining).toBe(90);
  });

  it('defaults to Tier 1, 65,000 points per hour', () => {
    expect(new PointsPool().pointsPerHour).toBe(65_000);
  });
});
