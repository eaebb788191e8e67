import type { JiraAccountCredentials, JiraRateLimitOptions } from '../contract';
import { APP_ON_BEHALF_HEADER } from '../site';
import { startSite, type HttpReply, type SiteHarness } from '../testing/site-harness';
import { PointsPool } from './points-pool';

/** Jira Cloud's rate limits on a site, over HTTP, on a site clock the tests move. */

const T0 = Date.parse('2026-03-02T10:00:00Z');
const ISSUE = { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'rate limited' } };
const rateHeaders = (r: HttpReply): Record<string, string | null> => Object.fromEntries(
  ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit-reason', 'ratelimit-policy', 'ratelimit', 'x-ratelimit-nearlimit']
    .map((h) => [h, r.headers.get(h)]),
);

interface Clocked {
  h: SiteHarness;
  app: JiraAccountCredentials;
  advance(ms: number): void;
}

async function clockedSite(rateLimits: JiraRateLimitOptions | false, name = 'internal', start = T0): Promise<Clocked> {
  let now = start;
  const h = await startSite({ name, now: () => now, rateLimits, searchIndexLagMs: 0 });
  return { h, app: h.site.createAppAccount('Twin Sync'), advance: (ms) => { now += ms; } };
}

describe('the points quota of apps (Tier 1, reset at the top of the UTC hour)', () => {
  let s: Clocked;
  beforeEach(async () => {
    s = await clockedSite({ quota: { pointsPerHour: 10 }, burst: false, perIssueWrites: false }, 'internal', T0 + 45 * 60_000);
  });
  afterEach(() => s.h.stop());

  it('charges an app per object, refuses it once the hour is used up, and lets it in again at the top of the hour', async () => {
    for (let i = 0; i < 4; i++) expect((await s.h.call('GET', '/rest/api/3/myself', undefined, { as: s.app })).status).toBe(200); // 3 points each
    expect(s.h.site.pointsUsed('Twin Sync')).toBe(12);
    const refused = await s.h.call('GET', '/rest/api/3/priority', undefined, { as: s.app });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    expect(rateHeaders(refused)).toEqual({
      'retry-after': '900', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-03-02T11:00:00Z',
      'ratelimit-reason': 'jira-quota-global-based', 'ratelimit-policy': '"global-app-quota";q=10;w=3600', ratelimit: '"global-app-quota";r=0;t=900',
      'x-ratelimit-nearlimit': null,
    });
    expect(s.h.site.stats().rateLimited).toEqual({ 'jira-quota-global-based': 1 });
    s.advance(15 * 60_000 - 1);
    expect((await s.h.call('GET', '/rest/api/3/priority', undefined, { as: s.app })).status).toBe(429);
    s.advance(1);
    expect((await s.h.call('GET', '/rest/api/3/priority', undefined, { as: s.app })).status).toBe(200);
  });

  it('leaves people alone ("API token-based traffic is not affected")', async () => {
    for (let i = 0; i < 6; i++) expect((await s.h.call('GET', '/rest/api/3/myself')).status).toBe(200);
    expect(s.h.site.pointsUsed('Twin Sync')).toBe(0);
  });

  it("counts a person's request marked as an app's asUser() call against the app", async () => {
    for (let i = 0; i < 4; i++) await s.h.call('GET', '/rest/api/3/myself', undefined, { headers: { [APP_ON_BEHALF_HEADER]: s.app.accountId } });
    expect(s.h.site.pointsUsed('Twin Sync')).toBe(12);
    expect((await s.h.call('GET', '/rest/api/3/myself', undefined, { headers: { [APP_ON_BEHALF_HEADER]: s.app.accountId } })).status).toBe(429);
    expect((await s.h.call('GET', '/rest/api/3/myself', undefined, { headers: { [APP_ON_BEHALF_HEADER]: s.h.site.user.accountId } })).status).toBe(200); // not an app
  });

  it('tells the app its quota on every answer, and how much is left once less than 20% remains', async () => {
    const first = await s.h.call('GET', '/rest/api/3/priority/3', undefined, { as: s.app }); // 2 points
    expect(rateHeaders(first)).toMatchObject({ 'ratelimit-policy': '"global-app-quota";q=10;w=3600', ratelimit: '"global-app-quota";t=900', 'x-ratelimit-nearlimit': null });
    for (let i = 0; i < 3; i++) await s.h.call('GET', '/rest/api/3/priority/3', undefined, { as: s.app });
    const near = await s.h.call('PUT', '/rest/api/3/issue/INT-404', { fields: {} }, { as: s.app }); // 404: the base point
    expect(near.status).toBe(404);
    expect(rateHeaders(near)).toMatchObject({ ratelimit: '"global-app-quota";r=1;t=900', 'x-ratelimit-nearlimit': 'true' });
  });
});

describe('quota tiers and pools', () => {
  it('names the per-tenant pool when the app is in Tier 2', async () => {
    const s = await clockedSite({ quota: { tier: 'tenant', pointsPerHour: 1 }, burst: false, perIssueWrites: false });
    try {
      await s.h.call('GET', '/rest/api/3/serverInfo', undefined, { as: s.app });
      const refused = await s.h.call('GET', '/rest/api/3/serverInfo', undefined, { as: s.app });
      expect(rateHeaders(refused)).toMatchObject({ 'ratelimit-reason': 'jira-quota-tenant-based', 'ratelimit-policy': '"tenant-app-quota";q=1;w=3600' });
    } finally {
      await s.h.stop();
    }
  });

  it('shares one Global Pool between the sites an app is installed on', async () => {
    const pool = new PointsPool(6);
    const a = await clockedSite({ quota: { pool }, burst: false, perIssueWrites: false }, 'internal');
    const b = await clockedSite({ quota: { pool }, burst: false, perIssueWrites: false }, 'external');
    try {
      expect((await a.h.call('GET', '/rest/api/3/myself', undefined, { as: a.app })).status).toBe(200);
      expect((await b.h.call('GET', '/rest/api/3/myself', undefined, { as: b.app })).status).toBe(200);
      expect((await a.h.call('GET', '/rest/api/3/myself', undefined, { as: a.app })).status).toBe(429);
    } finally {
      await a.h.stop();
      await b.h.stop();
    }
  });

  it('scales the documented 65,000 points', async () => {
    const s = await clockedSite({ scale: 0.0001, burst: false, perIssueWrites: false }); // 6 points
    try {
      await s.h.call('GET', '/rest/api/3/myself', undefined, { as: s.app });
      await s.h.call('GET', '/rest/api/3/myself', undefined, { as: s.app });
      expect((await s.h.call('GET', '/rest/api/3/myself', undefined, { as: s.app })).status).toBe(429);
    } finally {
      await s.h.stop();
    }
  });
});

describe('burst limits per endpoint and method, for every caller', () => {
  let s: Clocked;
  afterEach(() => s.h.stop());

  it.each<[string, string, number, unknown]>([
    ['GET', '/rest/api/3/priority', 100, undefined],
    ['GET', '/rest/api/3/issue/INT-404', 150, undefined],
    ['POST', '/rest/api/3/search/approximate-count', 150, { jql: 'project = "INT"' }],
    ['DELETE', '/rest/api/3/issue/INT-404', 50, undefined],
  ])('%s %s: the documented %i requests within one second, then 429 jira-burst-based', async (method, path, rate, body) => {
    s = await clockedSite({ quota: false, perIssueWrites: false });
    for (let i = 0; i < rate; i++) expect((await s.h.call(method, path, body)).status).not.toBe(429);
    const refused = await s.h.call(method, path, body);
    expect(refused.status).toBe(429);
    expect(rateHeaders(refused)).toMatchObject({ 'retry-after': '1', 'x-ratelimit-limit': String(rate), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-03-02T10:00:01Z', 'ratelimit-reason': 'jira-burst-based' });
    expect((await s.h.call('GET', '/rest/api/3/serverInfo')).status).toBe(200); // other endpoints are unaffected
    s.advance(1000);
    expect((await s.h.call(method, path, body)).status).not.toBe(429);
  });

  it('reports the endpoint rate and what is left of it on every answer', async () => {
    s = await clockedSite({ quota: false, perIssueWrites: false, burst: { perMethod: { GET: 5 } } });
    await s.h.call('GET', '/rest/api/3/priority');
    expect(rateHeaders(await s.h.call('GET', '/rest/api/3/priority'))).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', 'ratelimit-reason': null, 'retry-after': null });
  });

  it('refuses a request sent again before its Retry-After, even once a token is back', async () => {
    s = await clockedSite({ quota: false, perIssueWrites: false, burst: { perMethod: { GET: 1 } } });
    s.advance(300);
    await s.h.call('GET', '/rest/api/3/priority');
    expect(rateHeaders(await s.h.call('GET', '/rest/api/3/priority'))['retry-after']).toBe('1'); // the token comes back at +1000 ms from the bucket's start
    s.advance(800); // the bucket has a token again (refilled at T0+1000 ms) but Retry-After (1 s from T0+300 ms) has not passed
    expect((await s.h.call('GET', '/rest/api/3/priority')).status).toBe(429);
    s.advance(200);
    expect((await s.h.call('GET', '/rest/api/3/priority')).status).toBe(200);
  });
});

describe('per-issue write limits, for every caller', () => {
  let s: Clocked;
  afterEach(() => s.h.stop());

  it('refuses the 21st write to one issue within 2 s with jira-per-issue-on-write; other issues and reads go on', async () => {
    s = await clockedSite({ quota: false, burst: false });
    expect((await s.h.call('POST', '/rest/api/3/issue', ISSUE)).status).toBe(201); // the create is write 1
    expect((await s.h.call('POST', '/rest/api/3/issue', ISSUE)).status).toBe(201);
    const writes: [string, string, unknown][] = [
      ['PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'edited' } }],
      ['POST', '/rest/api/3/issue/INT-1/comment', { body: { type: 'doc', version: 1, content: [] } }],
      ['PUT', '/rest/api/3/issue/10000/properties/p', { n: 1 }], // by id: the same issue
      ['POST', '/rest/api/3/issue/INT-1/transitions', { transition: { id: '21' } }],
    ];
    for (let i = 1; i < 20; i++) {
      const [method, path, body] = writes[i % writes.length] ?? writes[0] ?? ['PUT', '', {}];
      expect((await s.h.call(method, path, body)).status).not.toBe(429);
    }
    const refused = await s.h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'one too many' } });
    expect(refused.status).toBe(429);
    expect(rateHeaders(refused)).toMatchObject({ 'retry-after': '2', 'x-ratelimit-limit': '20', 'ratelimit-reason': 'jira-per-issue-on-write' });
    expect((await s.h.call('PUT', '/rest/api/3/issue/INT-2', { fields: { summary: 'another issue' } })).status).toBe(204);
    expect((await s.h.call('GET', '/rest/api/3/issue/INT-1')).status).toBe(200);
    s.advance(1999);
    expect((await s.h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'too early' } })).status).toBe(429);
    s.advance(1);
    expect((await s.h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'later' } })).status).toBe(204);
  });

  it('has a 30 s window too, and windows can be tightened', async () => {
    s = await clockedSite({ quota: false, burst: false, perIssueWrites: { windows: [{ writes: 2, seconds: 10 }] } });
    await s.h.call('POST', '/rest/api/3/issue', ISSUE);
    s.advance(4000);
    await s.h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'a' } });
    const refused = await s.h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'b' } });
    expect(rateHeaders(refused)).toMatchObject({ 'retry-after': '6', 'x-ratelimit-limit': '2', 'ratelimit-reason': 'jira-per-issue-on-write' });
  });
});

describe('switching the limits', () => {
  it('answers no 429 and no rate limit headers with rateLimits: false, and setRateLimits turns them on later', async () => {
    const s = await clockedSite(false);
    try {
      for (let i = 0; i < 60; i++) expect((await s.h.call('DELETE', '/rest/api/3/issue/INT-404', undefined, { as: s.app })).status).toBe(404);
      expect(rateHeaders(await s.h.call('GET', '/rest/api/3/myself', undefined, { as: s.app }))).toEqual({
        'retry-after': null, 'x-ratelimit-limit': null, 'x-ratelimit-remaining': null, 'x-ratelimit-reset': null, 'ratelimit-reason': null,
        'ratelimit-policy': null, ratelimit: null, 'x-ratelimit-nearlimit': null,
      });
      expect(s.h.site.pointsUsed('Twin Sync')).toBeNull();
      s.h.site.setRateLimits({ quota: { pointsPerHour: 1 }, burst: false, perIssueWrites: false });
      await s.h.call('GET', '/rest/api/3/serverInfo', undefined, { as: s.app });
      expect((await s.h.call('GET', '/rest/api/3/serverInfo', undefined, { as: s.app })).status).toBe(429);
    } finally {
      await s.h.stop();
    }
  });

  it('still answers injected faults before any limit', async () => {
    const s = await clockedSite({});
    try {
      s.h.site.injectFault({ route: 'GET /rest/api/3/myself', status: 429, retryAfterSeconds: 3 });
      const faulted = await s.h.call('GET', '/rest/api/3/myself');
      expect(rateHeaders(faulted)).toMatchObject({ 'retry-after': '3', 'ratelimit-reason': 'jira-quota-global-based' });
      expect((await s.h.call('GET', '/rest/api/3/myself')).status).toBe(200);
    } finally {
      await s.h.stop();
    }
  });
});
