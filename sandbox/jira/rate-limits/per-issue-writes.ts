/**
 * Jira Cloud's per-issue write limit (https://developer.atlassian.com/cloud/jira/platform/rate-limiting,
 * "Per-issue rate limiting on write operations"):
 *
 * > Per-issue rate limiting restricts the number of write operations (create, update, delete) that can
 * > be performed on a single Jira issue within specific time windows.
 * > Short window: 20 write operations per 2 seconds. Long window: 100 write operations per 30 seconds.
 * > … HTTP status code: 429 Too Many Requests; RateLimit-Reason header: jira-per-issue-on-write
 *
 * The page applies it to every caller, so does the sandbox. It does not say whether the windows are
 * fixed or sliding: they slide here (harsher: no fresh window at a boundary to burst into). Every write
 * that reaches the issue counts, whether it succeeds or not (a refused 429 does not).
 */

export interface WriteWindow {
  writes: number;
  /** window length in milliseconds */
  ms: number;
}

export const PER_ISSUE_WINDOWS: readonly WriteWindow[] = [
  { writes: 20, ms: 2_000 },
  { writes: 100, ms: 30_000 },
];

export type WriteVerdict =
  | { ok: true }
  | { ok: false; window: WriteWindow; retryAt: number };

export class PerIssueWrites {
  /** write times per issue id, oldest first */
  private readonly log = new Map<number, number[]>();
  private readonly longest: number;

  constructor(private readonly windows: readonly WriteWindow[]) {
    this.longest = Math.max(0, ...windows.map((w) => w.ms));
  }

  /** whether one more write to the issue fits every window now (nothing is recorded) */
  check(issueId: number, now: number): WriteVerdict {
    const times = this.prune(issueId, now);
    let worst: WriteVerdict = { ok: true };
    for (const w of this.windows) {
      const inWindow = times.filter((t) => t > now - w.ms);
      if (inWindow.length < w.writes) continue;
      // the window has room again once enough of its oldest writes have left it
      const leaving = inWindow[inWindow.length - w.writes];
      const retryAt = (leaving ?? now) + w.ms;
      if (worst.ok || retryAt > worst.retryAt) worst = { ok: false, window: w, retryAt };
    }
    return worst;
  }

  record(issueId: number, now: number): void {
    const times = this.prune(issueId, now);
    times.push(now);
    this.log.set(issueId, times);
  }

  private prune(issueId: number, now: number): number[] {
    const times = (this.log.get(issueId) ?? []).filter((t) => t > now - this.longest);
    if (times.length === 0) this.log.delete(issueId);
    else this.log.set(issueId, times);
    return times;
  }
}
