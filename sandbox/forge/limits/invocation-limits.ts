import { LIMIT_SOURCES, type InvocationLimits } from './forge-limits';
import { FixedWindow } from './windows';

/**
 * Invocation rate limits (https://developer.atlassian.com/platform/forge/limits-invocation, Jan 2026):
 * "User-led invocations have the following rate limits, which are applied on a fixed one-minute
 * window": 1,200 per user on an installation, 5,000 per installation, 30,000 per app over all its
 * installations. Resolvers are the user-led invocations; web triggers and scheduled triggers count
 * against the installation and app limits too (the web trigger page: "Invocations from users,
 * webtriggers, or scheduled triggers are subject to Forge's invocation limits": the harsher reading).
 * The page names no error: an invocation over a limit does not run and fails with 429
 * RATE_LIMIT_EXCEEDED (the resolver bridge and the web trigger answer 429), the sandbox's choice.
 */

export type RateLimitedKind = 'resolver' | 'webtrigger' | 'scheduled';

/** an invocation refused by a rate limit: it did not run */
export class InvocationRateLimitError extends Error {
  readonly status = 429;
  readonly code = 'RATE_LIMIT_EXCEEDED';
  /** the limit that refused: "invocations.<field>" of ForgeLimits */
  constructor(message: string, readonly limit: string) {
    super(message);
    this.name = 'InvocationRateLimitError';
  }
}

/** an invocation whose request is over the payload limit: it did not run (413) */
export class InvocationPayloadTooLargeError extends Error {
  readonly status = 413;
  constructor(message: string) {
    super(message);
    this.name = 'InvocationPayloadTooLargeError';
  }
}

/** an invocation whose response is over the payload limit: it ran, its answer is dropped (500) */
export class InvocationResponseTooLargeError extends Error {
  readonly status = 500;
  constructor(message: string) {
    super(message);
    this.name = 'InvocationResponseTooLargeError';
  }
}

/** the rate limits of one app on one platform, over all its installations */
export class InvocationQuota {
  private readonly perUser: FixedWindow;
  private readonly perInstallation: FixedWindow;
  private readonly perApp: FixedWindow;

  constructor(private readonly limits: InvocationLimits) {
    this.perUser = new FixedWindow(60_000, limits.perUserPerMinute);
    this.perInstallation = new FixedWindow(60_000, limits.perInstallationPerMinute);
    this.perApp = new FixedWindow(60_000, limits.perAppPerMinute);
  }

  /** count an invocation that is about to start, or refuse it (nothing counted then) */
  admit(kind: RateLimitedKind, installationId: string, accountId: string | undefined, now: number): InvocationRateLimitError | undefined {
    const l = this.limits;
    const userKey = accountId !== undefined && kind === 'resolver' ? `${installationId}\u0000${accountId}` : undefined;
    const refuse = (limit: keyof InvocationLimits, what: string): InvocationRateLimitError => new InvocationRateLimitError(
      `Rate limit exceeded: ${what} in this minute; the invocation did not run (${LIMIT_SOURCES.invocations}).`, `invocations.${limit}`);
    if (!this.perApp.fits('app', now)) return refuse('perAppPerMinute', `more than ${l.perAppPerMinute} invocations of the app`);
    if (!this.perInstallation.fits(installationId, now)) return refuse('perInstallationPerMinute', `more than ${l.perInstallationPerMinute} invocations on this installation`);
    if (userKey !== undefined && !this.perUser.fits(userKey, now)) return refuse('perUserPerMinute', `more than ${l.perUserPerMinute} invocations by this user on this installation`);
    this.perApp.take('app', now);
    this.perInstallation.take(installationId, now);
    if (userKey !== undefined) this.perUser.take(userKey, now);
    return undefined;
  }
}

/**
 * The seconds an invocation may run (https://developer.atlassian.com/platform/forge/limits-invocation,
 * "Runtime seconds"): a consumer or scheduled trigger function may set timeoutSeconds, up to 900, which
 * "applies to function modules that are only referenced by consumer or scheduled trigger modules";
 * every other invocation has its kind's limit (resolvers and product triggers 25, web triggers 55,
 * consumers and scheduled triggers 55 by default).
 */
export function invocationTimeoutSeconds(
  kind: keyof InvocationLimits['timeoutSeconds'], functionTimeoutSeconds: number | undefined, onlyConsumerOrScheduled: boolean, limits: InvocationLimits,
): number {
  const own = (kind === 'consumer' || kind === 'scheduled') && onlyConsumerOrScheduled ? functionTimeoutSeconds : undefined;
  return own === undefined ? limits.timeoutSeconds[kind] : Math.min(own, limits.maxTimeoutSeconds);
}

/**
 * bytes of a value as JSON (what crosses the invocation boundary); 0 for a value JSON cannot write
 * (a cycle, a BigInt), which fails where it is sent, as before
 */
export function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return 0;
  }
}
