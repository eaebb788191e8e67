import { FORGE_LIMITS, resolveForgeLimits } from './forge-limits';

describe('resolveForgeLimits', () => {
  it('answers the documented limits by default', () => {
    expect(resolveForgeLimits()).toEqual(FORGE_LIMITS);
    expect(FORGE_LIMITS.events.eventsPerMinute).toBe(500);
    expect(FORGE_LIMITS.kvs.writeUnitsPerMinute).toBe(4000);
    expect(FORGE_LIMITS.invocations.perInstallationPerMinute).toBe(5000);
  });

  it('scales the per-window quotas only, then applies the overrides', () => {
    const l = resolveForgeLimits({ kvs: { writeUnitsPerMinute: 5 }, invocations: { timeoutSeconds: { resolver: 1 } } }, 10);
    expect(l.kvs.readUnitsPerMinute).toBe(40_000);
    expect(l.kvs.writeUnitsPerMinute).toBe(5);
    expect(l.kvs.maxValueBytes).toBe(FORGE_LIMITS.kvs.maxValueBytes);
    expect(l.events.eventsPerMinute).toBe(5000);
    expect(l.events.maxEventsPerPush).toBe(50);
    expect(l.invocations.timeoutSeconds).toEqual({ ...FORGE_LIMITS.invocations.timeoutSeconds, resolver: 1 });
  });

  it('refuses a scale that is not positive', () => {
    expect(() => resolveForgeLimits({}, 0)).toThrow('quotaScale must be positive');
  });
});
