import { PER_ISSUE_WINDOWS, PerIssueWrites } from './per-issue-writes';

const T0 = Date.parse('2026-03-02T10:00:00Z');

/** records `count` writes to issue 1, `gapMs` apart from T0, and says whether one more fits at `at` */
function after(count: number, gapMs: number, at: number): ReturnType<PerIssueWrites['check']> {
  const writes = new PerIssueWrites(PER_ISSUE_WINDOWS);
  for (let i = 0; i < count; i++) writes.record(1, T0 + i * gapMs);
  return writes.check(1, at);
}

describe('per-issue write limits: 20 per 2 s and 100 per 30 s, sliding', () => {
  it.each<[string, number, number, number, ReturnType<PerIssueWrites['check']>]>([
    ['19 writes at once: one more fits', 19, 0, T0, { ok: true }],
    ['20 writes at once: the 21st waits for the first to leave the 2 s window', 20, 0, T0 + 10, { ok: false, window: { writes: 20, ms: 2000 }, retryAt: T0 + 2000 }],
    ['20 writes, 2 s later: fits again', 20, 0, T0 + 2000, { ok: true }],
    ['20 writes 50 ms apart: waits for the first of them', 20, 50, T0 + 999, { ok: false, window: { writes: 20, ms: 2000 }, retryAt: T0 + 2000 }],
    ['100 writes 250 ms apart (8 per 2 s): the long window refuses the 101st', 100, 250, T0 + 25_000, { ok: false, window: { writes: 100, ms: 30_000 }, retryAt: T0 + 30_000 }],
    ['99 writes 250 ms apart: the 100th fits', 99, 250, T0 + 25_000, { ok: true }],
  ])('%s', (_name, count, gap, at, verdict) => {
    expect(after(count, gap, at)).toEqual(verdict);
  });

  it('counts each issue apart', () => {
    const writes = new PerIssueWrites([{ writes: 2, ms: 2000 }]);
    writes.record(1, T0);
    writes.record(1, T0);
    expect(writes.check(1, T0)).toMatchObject({ ok: false });
    expect(writes.check(2, T0)).toEqual({ ok: true });
  });
});
