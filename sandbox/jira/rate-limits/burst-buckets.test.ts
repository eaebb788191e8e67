import { BurstBuckets, ENDPOINT_RATES, METHOD_RATES, type BurstConfig } from './burst-buckets';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const config = (over: Partial<BurstConfig> = {}): BurstConfig => ({ perMethod: METHOD_RATES, perEndpoint: ENDPOINT_RATES, bucketSeconds: 1, scale: 1, ...over });

describe('burst token buckets (per endpoint and method)', () => {
  it.each<[string, number]>([
    ['GET /rest/api/3/project', 100],
    ['POST /rest/api/3/issue', 100],
    ['PUT /rest/api/3/issue/{issueIdOrKey}', 50],
    ['DELETE /rest/api/3/issue/{issueIdOrKey}', 50],
    ['GET /rest/api/3/issue/{issueIdOrKey}', 150],
    ['GET /rest/api/3/issue/{issueIdOrKey}/changelog', 200],
    ['GET /rest/api/3/user', 150],
    ['POST /rest/api/3/search/approximate-count', 150],
  ])('%s: %i requests per second', (endpoint, rate) => {
    expect(new BurstBuckets(config()).rate(endpoint)).toBe(rate);
  });

  it.each<[string, Partial<BurstConfig>, string, number]>([
    ['scaled down', { scale: 0.1 }, 'PUT /rest/api/3/issue/{issueIdOrKey}', 5],
    ['never below 1', { scale: 0.0001 }, 'GET /rest/api/3/project', 1],
    ['a method overridden', { perMethod: { ...METHOD_RATES, GET: 3 } }, 'GET /rest/api/3/project', 3],
    ['an endpoint overridden', { perEndpoint: { 'GET /rest/api/3/project': 7 } }, 'GET /rest/api/3/project', 7],
  ])('rates can be tightened: %s', (_name, over, endpoint, rate) => {
    expect(new BurstBuckets(config(over)).rate(endpoint)).toBe(rate);
  });

  it('allows one second of the steady rate at once, refuses the next until the second has passed', () => {
    const buckets = new BurstBuckets(config({ perMethod: { ...METHOD_RATES, PUT: 3 } }));
    const endpoint = 'PUT /rest/api/3/issue/{issueIdOrKey}';
    expect([1, 2, 3].map(() => buckets.take(endpoint, T0))).toEqual([
      { ok: true, limit: 3, remaining: 2 }, { ok: true, limit: 3, remaining: 1 }, { ok: true, limit: 3, remaining: 0 },
    ]);
    expect(buckets.take(endpoint, T0 + 999)).toEqual({ ok: false, limit: 3, retryAt: T0 + 1000 });
    expect(buckets.take('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', T0 + 999)).toMatchObject({ ok: true }); // other endpoints are unaffected
    expect(buckets.take(endpoint, T0 + 1000)).toEqual({ ok: true, limit: 3, remaining: 2 });
  });

  it('refills a second at a time, never past the bucket size', () => {
    const buckets = new BurstBuckets(config({ perMethod: { ...METHOD_RATES, GET: 2 }, bucketSeconds: 2 }));
    const endpoint = 'GET /rest/api/3/project';
    for (let i = 0; i < 4; i++) expect(buckets.take(endpoint, T0)).toMatchObject({ ok: true });
    expect(buckets.take(endpoint, T0 + 1500)).toMatchObject({ ok: true, remaining: 1 }); // +2 after one whole second
    expect(buckets.take(endpoint, T0 + 60_000)).toMatchObject({ ok: true, remaining: 3 }); // full (4) again, then one taken
  });
});
