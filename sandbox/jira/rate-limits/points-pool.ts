/**
 * The hourly points quota of apps (https://developer.atlassian.com/cloud/jira/platform/rate-limiting,
 * "Points-based rate limit quotas by tiers"):
 *
 * > All quotas are measured in points per hour and reset at the top of each UTC hour.
 * > Tier 1 – Global Pool (default): Your app shares a single 65,000 point hourly quota across all tenants.
 * > Tier 2 – Per-Tenant Pool: … 65,000 (Free), 100,000 + 10 × users (Standard), 130,000 + 20 × users
 * > (Premium), 150,000 + 30 × users (Enterprise) points/hour, capped at 500,000.
 * > What happens if I exceed my allocation? … All requests are denied until the next hourly reset.
 * > There is no gradual throttling.
 *
 * A pool counts the points each app used in the current UTC hour, by app name. Tier 1 is one pool
 * for every site an app is installed on: give several sites the same pool to share it as Jira does
 * (each site gets a pool of its own otherwise). "Enforcement is designed to account for normal
 * variability in traffic, and brief or infrequent spikes may not immediately result in rate
 * limiting. Clients should nevertheless treat published quotas as fixed limits": the sandbox
 * enforces the limit exactly. A request's cost is known once it has been answered (it depends on the
 * objects returned), so a request is refused once the hour's points are used up, and the last one
 * admitted may take the usage past the limit.
 */

export const HOUR_MS = 3_600_000;

/** Tier 1's quota */
export const GLOBAL_POOL_POINTS_PER_HOUR = 65_000;

export interface PoolState {
  used: number;
  limit: number;
  remaining: number;
  /** epoch ms of the next top of the UTC hour, when the quota resets */
  resetAt: number;
}

export class PointsPool {
  private readonly byApp = new Map<string, { hour: number; used: number }>();

  constructor(readonly pointsPerHour: number = GLOBAL_POOL_POINTS_PER_HOUR) {
    if (!Number.isFinite(pointsPerHour) || pointsPerHour < 0) throw new Error(`pointsPerHour must be a non-negative number, got ${pointsPerHour}`);
  }

  state(app: string, now: number): PoolState {
    const hour = Math.floor(now / HOUR_MS);
    const entry = this.byApp.get(app);
    const used = entry !== undefined && entry.hour === hour ? entry.used : 0;
    return { used, limit: this.pointsPerHour, remaining: Math.max(0, this.pointsPerHour - used), resetAt: (hour + 1) * HOUR_MS };
  }

  charge(app: string, points: number, now: number): void {
    const hour = Math.floor(now / HOUR_MS);
    const entry = this.byApp.get(app);
    if (entry !== undefined && entry.hour === hour) entry.used += points;
    else this.byApp.set(app, { hour, used: points });
  }

  /** forgets every app's usage (tests) */
  reset(): void {
    this.byApp.clear();
  }
}
