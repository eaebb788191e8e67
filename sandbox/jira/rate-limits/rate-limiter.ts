import type { JiraRateLimitOptions } from '../contract';
import { BurstBuckets, ENDPOINT_RATES, METHOD_RATES, type BurstMethod } from './burst-buckets';
import { PER_ISSUE_WINDOWS, PerIssueWrites, type WriteWindow } from './per-issue-writes';
import { GLOBAL_POOL_POINTS_PER_HOUR, HOUR_MS, PointsPool } from './points-pool';
import { isWrite, requestCost } from './request-cost';

/**
 * Jira Cloud's three rate limits, as one site applies them
 * (https://developer.atlassian.com/cloud/jira/platform/rate-limiting):
 *
 * > Jira Cloud enforces three independent rate limiting systems that work simultaneously …
 * > Points-based quota (per-hour) … Burst API rate limits (per-second) … Per-issue write limits.
 * > When any limit is exceeded, Jira returns an HTTP 429 Too Many Requests response.
 *
 * - the points quota counts only apps' requests: "The new rate limits will apply to all Forge,
 *   Connect, and OAuth 2.0 (3LO) apps … API token-based traffic is not affected by this change, and
 *   will continue to be governed by existing burst rate limits." People's Basic-auth requests skip it;
 *   an app's asUser() request is the app's (see `RateLimitedRequest.app`);
 * - burst and per-issue limits count every request.
 *
 * Headers, from the page's "Rate limit related headers" (enforcement active, so no `Beta-` prefix):
 * `Retry-After` (seconds), `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO 8601,
 * `2026-01-01T01:01:01Z`) and `RateLimit-Reason` on every 429; `X-RateLimit-Limit`/`-Remaining` of the
 * endpoint's request rate on every answer; for apps `RateLimit-Policy: "global-app-quota";q=65000;w=3600`
 * and `RateLimit: "global-app-quota";t=<s>` (with `r=<remaining>` and `X-RateLimit-NearLimit: true` once
 * less than 20% remains). The page shows no 429 body; the sandbox answers Jira's error shape
 * `{"errorMessages": ["Rate limit exceeded."], "errors": {}}`.
 *
 * A request sent again before its Retry-After has passed fails again with the time still left, even
 * where the limit itself would have let it through: the page that preceded this one said "If you
 * reissue the request before the retry period expires, the request will fail and return the same or
 * longer Retry-After period" (quoted in https://jira.atlassian.com/browse/JRACLOUD-69262).
 */

export type RateLimitReason = 'jira-quota-global-based' | 'jira-quota-tenant-based' | 'jira-burst-based' | 'jira-per-issue-on-write';

export interface RateLimitedRequest {
  method: string;
  /** the route template, e.g. '/rest/api/3/issue/{issueIdOrKey}' */
  template: string;
  /** the app whose quota the request counts against (an app account's, or asUser() on an app's behalf); null: a person's API token */
  app: string | null;
  /** the issue the request writes to, when its route names an existing one */
  issueId: number | null;
}

export interface RateLimitRefusal {
  status: 429;
  reason: RateLimitReason;
  headers: Record<string, string>;
  body: { errorMessages: string[]; errors: Record<string, string> };
}

export type Admission = { refusal: RateLimitRefusal } | { refusal: null; headers: Record<string, string> };

interface Quota {
  pool: PointsPool;
  policy: 'global-app-quota' | 'tenant-app-quota';
  reason: 'jira-quota-global-based' | 'jira-quota-tenant-based';
}

interface Block {
  until: number;
  reason: RateLimitReason;
  limit: number;
}

/** share of the quota below which `X-RateLimit-NearLimit: true` and `r=` are sent */
const NEAR_LIMIT_SHARE = 0.2;

export class RateLimiter {
  private quota: Quota | null = null;
  private burst: BurstBuckets | null = null;
  private perIssue: PerIssueWrites | null = null;
  private readonly blocks = new Map<string, Block>();
  private refused: Record<string, number> = {};

  constructor(options: JiraRateLimitOptions | false | undefined, private readonly now: () => number) {
    this.configure(options);
  }

  /** replaces the settings (the counters start afresh, except a shared pool's) */
  configure(options: JiraRateLimitOptions | false | undefined): void {
    this.blocks.clear();
    if (options === false) {
      this.quota = null;
      this.burst = null;
      this.perIssue = null;
      return;
    }
    const o = options ?? {};
    const scale = o.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) throw new Error(`rateLimits.scale must be a positive number, got ${scale}`);
    const scaled = (n: number): number => Math.max(1, Math.floor(n * scale));

    if (o.quota === false) this.quota = null;
    else {
      const q = o.quota ?? {};
      const tenant = q.tier === 'tenant';
      this.quota = {
        pool: q.pool ?? new PointsPool(scaled(q.pointsPerHour ?? GLOBAL_POOL_POINTS_PER_HOUR)),
        policy: tenant ? 'tenant-app-quota' : 'global-app-quota',
        reason: tenant ? 'jira-quota-tenant-based' : 'jira-quota-global-based',
      };
    }

    if (o.burst === false) this.burst = null;
    else {
      const b = o.burst ?? {};
      const perMethod: Record<BurstMethod, number> = { ...METHOD_RATES, ...b.perMethod };
      this.burst = new BurstBuckets({ perMethod, perEndpoint: { ...ENDPOINT_RATES, ...b.perEndpoint }, bucketSeconds: b.bucketSeconds ?? 1, scale });
    }

    if (o.perIssueWrites === false) this.perIssue = null;
    else {
      const windows: WriteWindow[] = o.perIssueWrites?.windows?.map((w) => ({ writes: w.writes, ms: w.seconds * 1000 })) ?? [...PER_ISSUE_WINDOWS];
      this.perIssue = new PerIssueWrites(windows.map((w) => ({ writes: scaled(w.writes), ms: w.ms })));
    }
  }

  /** before a request is served: refused, or admitted with the headers every answer carries */
  admit(req: RateLimitedRequest): Admission {
    const now = this.now();
    const endpoint = `${req.method.toUpperCase()} ${req.template}`;
    const refuse = (key: string | null, reason: RateLimitReason, limit: number, retryAt: number, extra: Record<string, string> = {}): Admission => {
      const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
      if (key !== null) this.blocks.set(key, { until: now + seconds * 1000, reason, limit });
      this.refused[reason] = (this.refused[reason] ?? 0) + 1;
      return {
        refusal: {
          status: 429, reason,
          headers: {
            'Retry-After': String(seconds), 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': isoSeconds(Math.max(retryAt, now + seconds * 1000)), 'RateLimit-Reason': reason, ...extra,
          },
          body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
        },
      };
    };
    const blocked = (key: string): Admission | null => {
      const b = this.blocks.get(key);
      if (b === undefined) return null;
      if (now >= b.until) {
        this.blocks.delete(key);
        return null;
      }
      return refuse(null, b.reason, b.limit, b.until);
    };

    if (this.quota !== null && req.app !== null) {
      const q = this.quota;
      const state = q.pool.state(req.app, now);
      if (state.remaining <= 0) {
        const t = Math.max(1, Math.ceil((state.resetAt - now) / 1000));
        return refuse(null, q.reason, state.limit, state.resetAt, {
          'RateLimit-Policy': `"${q.policy}";q=${state.limit};w=${HOUR_MS / 1000}`,
          RateLimit: `"${q.policy}";r=0;t=${t}`,
        });
      }
    }

    const headers: Record<string, string> = {};
    if (this.burst !== null) {
      const key = `burst:${endpoint}`;
      const box = blocked(key);
      if (box !== null) return box;
      const verdict = this.burst.take(endpoint, now);
      if (!verdict.ok) return refuse(key, 'jira-burst-based', verdict.limit, verdict.retryAt);
      headers['X-RateLimit-Limit'] = String(verdict.limit);
      headers['X-RateLimit-Remaining'] = String(verdict.remaining);
    }

    if (this.perIssue !== null && req.issueId !== null && isWrite(req.method, req.template)) {
      const key = `issue:${req.issueId}`;
      const box = blocked(key);
      if (box !== null) return box;
      const verdict = this.perIssue.check(req.issueId, now);
      if (!verdict.ok) return refuse(key, 'jira-per-issue-on-write', verdict.window.writes, verdict.retryAt);
      this.perIssue.record(req.issueId, now);
    }
    return { refusal: null, headers };
  }

  /**
   * after an admitted request was answered: charges the app's points, counts a create as a write to
   * the new issues, and gives the quota headers of the answer
   */
  settle(req: RateLimitedRequest, status: number, body: unknown): Record<string, string> {
    const now = this.now();
    if (this.perIssue !== null && status < 400) for (const id of createdIssueIds(req, body)) this.perIssue.record(id, now);
    if (this.quota === null || req.app === null) return {};
    const q = this.quota;
    q.pool.charge(req.app, requestCost({ method: req.method, template: req.template, status, body }), now);
    const state = q.pool.state(req.app, now);
    const t = Math.max(1, Math.ceil((state.resetAt - now) / 1000));
    const near = state.remaining < state.limit * NEAR_LIMIT_SHARE;
    return {
      'RateLimit-Policy': `"${q.policy}";q=${state.limit};w=${HOUR_MS / 1000}`,
      RateLimit: near ? `"${q.policy}";r=${state.remaining};t=${t}` : `"${q.policy}";t=${t}`,
      ...(near ? { 'X-RateLimit-NearLimit': 'true' } : {}),
    };
  }

  /** the points an app used in the current hour (null: no quota) */
  pointsUsed(app: string): number | null {
    return this.quota === null ? null : this.quota.pool.state(app, this.now()).used;
  }

  /** 429s answered so far, by RateLimit-Reason */
  refusals(): Record<string, number> {
    return { ...this.refused };
  }

  resetRefusals(): void {
    this.refused = {};
  }
}

/** `2026-01-01T01:01:01Z`: whole seconds, rounded up, as the page's examples write it */
export function isoSeconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function createdIssueIds(req: RateLimitedRequest, body: unknown): number[] {
  if (req.method.toUpperCase() !== 'POST' || body === null || typeof body !== 'object') return [];
  const ids = (list: unknown): number[] => (Array.isArray(list) ? list.flatMap((i: unknown) => idOf(i)) : []);
  if (req.template === '/rest/api/3/issue') return idOf(body);
  if (req.template === '/rest/api/3/issue/bulk' && 'issues' in body) return ids(body.issues);
  return [];
}

function idOf(value: unknown): number[] {
  if (value === null || typeof value !== 'object' || !('id' in value)) return [];
  const id = Number(value.id);
  return Number.isInteger(id) ? [id] : [];
}
