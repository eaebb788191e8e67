import { FORGE_LIMITS } from './forge-limits';
import { InvocationQuota, InvocationRateLimitError, invocationTimeoutSeconds, type RateLimitedKind } from './invocation-limits';

const quota = (over: Partial<typeof FORGE_LIMITS.invocations>): InvocationQuota => new InvocationQuota({ ...FORGE_LIMITS.invocations, ...over });

/** https://developer.atlassian.com/platform/forge/limits-invocation: fixed one-minute windows */
describe('InvocationQuota', () => {
  it.each<[string, Partial<typeof FORGE_LIMITS.invocations>, RateLimitedKind, string | undefined, string]>([
    ['per user (resolvers)', { perUserPerMinute: 2 }, 'resolver', 'user-1', 'invocations by this user'],
    ['per installation (web triggers)', { perInstallationPerMinute: 2 }, 'webtrigger', undefined, 'invocations on this installation'],
    ['per installation (scheduled triggers)', { perInstallationPerMinute: 2 }, 'scheduled', undefined, 'invocations on this installation'],
    ['per app', { perAppPerMinute: 2 }, 'resolver', 'user-1', 'invocations of the app'],
  ])('%s: refuses past the limit with 429 RATE_LIMIT_EXCEEDED until the next minute', (_what, over, kind, user, text) => {
    const q = quota(over);
    const t0 = 60_000 * 1000 + 5_000;
    expect(q.admit(kind, 'inst', user, t0)).toBeUndefined();
    expect(q.admit(kind, 'inst', user, t0 + 1)).toBeUndefined();
    const refused = q.admit(kind, 'inst', user, t0 + 2);
    expect(refused).toBeInstanceOf(InvocationRateLimitError);
    expect(refused).toEqual(expect.objectContaining({ status: 429, code: 'RATE_LIMIT_EXCEEDED', message: expect.stringContaining(text) }));
    expect(q.admit(kind, 'inst', user, t0 + 54_999)).toBeDefined();
    expect(q.admit(kind, 'inst', user, t0 + 55_000)).toBeUndefined(); // the next fixed minute
  });

  it('keeps users and installations apart, and counts the app over all of them', () => {
    const q = quota({ perUserPerMinute: 1, perInstallationPerMinute: 2, perAppPerMinute: 3 });
    expect(q.admit('resolver', 'a', 'u1', 0)).toBeUndefined();
    expect(q.admit('resolver', 'a', 'u1', 0)?.message).toContain('by this user');
    expect(q.admit('resolver', 'a', 'u2', 0)).toBeUndefined();
    expect(q.admit('resolver', 'a', 'u3', 0)?.message).toContain('on this installation');
    expect(q.admit('webtrigger', 'b', undefined, 0)).toBeUndefined();
    expect(q.admit('webtrigger', 'c', undefined, 0)?.message).toContain('of the app');
  });
});

describe('invocationTimeoutSeconds', () => {
  it.each<[Parameters<typeof invocationTimeoutSeconds>[0], number | undefined, boolean, number]>([
    ['resolver', undefined, false, 25],
    ['trigger', undefined, false, 25],
    ['webtrigger', undefined, false, 55],
    ['consumer', undefined, true, 55],
    ['consumer', 900, true, 900],
    ['consumer', 30, true, 30],
    ['scheduled', 600, true, 600],
    // a function also referenced by another module keeps the default
    ['consumer', 900, false, 55],
    ['resolver', 900, false, 25],
  ])('%s with timeoutSeconds %s (only consumer/scheduled: %s) runs %i s', (kind, own, only, seconds) => {
    expect(invocationTimeoutSeconds(kind, own, only, FORGE_LIMITS.invocations)).toBe(seconds);
  });

  it('never lets a function run past 900 s', () => {
    expect(invocationTimeoutSeconds('consumer', 5000, true, FORGE_LIMITS.invocations)).toBe(900);
  });
});
