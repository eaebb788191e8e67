import { z } from 'zod';
import type { JiraAccountCredentials, JiraRateLimitOptions } from '../../sandbox/jira/contract';
import { JiraSite } from '../../sandbox/jira/site';
import type { JiraOpenApi } from '../support/openapi';
import { issueFields } from './issue-input';
import { basicAuth, expectConforming, JiraProbe, type ProbeResponse } from './jira-probe';
import { createdIssue, errorCollection } from './responses';
import { describeConformance } from './spec-gate';

/**
 * The 429 answers of the emulated rate limits (https://developer.atlassian.com/cloud/jira/platform/rate-limiting)
 * against the spec. The spec declares 429 on a few operations only (findUsers, the user pickers,
 * addUserToGroup): there the answer must match it; elsewhere it must be Jira's ErrorCollection, as
 * every other error, and the spec's only complaint may be that 429 is not declared.
 */

const T0 = Date.parse('2026-03-02T10:20:00Z');
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const REASONS = ['jira-quota-global-based', 'jira-quota-tenant-based', 'jira-burst-based', 'jira-per-issue-on-write'];

interface Running {
  site: JiraSite;
  admin: JiraProbe;
  app: JiraProbe;
  appCredentials: JiraAccountCredentials;
  advance(ms: number): void;
  failures: string[];
  close(): Promise<void>;
}

async function start(spec: JiraOpenApi, rateLimits: JiraRateLimitOptions): Promise<Running> {
  let now = T0;
  const site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default', now: () => now, rateLimits, searchIndexLagMs: 0 });
  const baseUrl = await site.listen(0, '127.0.0.1');
  const failures: string[] = [];
  // every response is checked; a 429 on an operation that does not declare it is checked by the test itself
  const observe = (r: ProbeResponse): void => {
    const errors = r.status === 429 ? r.check.errors.filter((e) => !/status 429 is not declared/.test(e)) : r.check.errors;
    if (errors.length > 0) failures.push(`${r.method} ${r.path} ${r.status}: ${errors.join('; ')}`);
  };
  const appCredentials = site.createAppAccount('Twin Sync');
  return {
    site, failures, appCredentials,
    admin: new JiraProbe(baseUrl, spec, basicAuth(site.admin.email, site.admin.apiToken), observe),
    app: new JiraProbe(baseUrl, spec, basicAuth(appCredentials.email, appCredentials.apiToken), observe),
    advance: (ms) => { now += ms; },
    close: () => site.close(),
  };
}

/** the 429 carries the documented headers and Jira's error shape; on operations declaring 429 it matches the spec */
function expectRateLimited(spec: JiraOpenApi, res: ProbeResponse, reason: string): void {
  expect(res.status).toBe(429);
  if (res.check.errors.some((e) => /status 429 is not declared/.test(e))) {
    expect(res.check.errors).toEqual([expect.stringMatching(/^status 429 is not declared for \w+/)]);
    expect(spec.validateComponent('ErrorCollection', res.body)).toEqual([]);
    expect(res.contentType).toMatch(/^application\/json/);
  } else {
    expectConforming(res, 429);
  }
  expect(errorCollection.parse(res.body)).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  const h = (name: string): string | null => res.headers.get(name);
  expect(REASONS).toContain(h('RateLimit-Reason'));
  expect({
    reason: h('RateLimit-Reason'), retryAfter: Number(h('Retry-After')) >= 1 && /^\d+$/.test(h('Retry-After') ?? ''),
    reset: ISO_SECONDS.test(h('X-RateLimit-Reset') ?? ''), limit: /^\d+$/.test(h('X-RateLimit-Limit') ?? ''), remaining: h('X-RateLimit-Remaining'),
  }).toEqual({ reason, retryAfter: true, reset: true, limit: true, remaining: '0' });
}

describeConformance('rate limit answers', (spec) => {
  let r: Running | null = null;
  afterEach(async () => {
    expect(r?.failures ?? []).toEqual([]);
    await r?.close();
    r = null;
  });
  const running = (): Running => {
    if (r === null) throw new Error('not started');
    return r;
  };

  it.each<[string, 'global' | 'tenant']>([
    ['jira-quota-global-based', 'global'],
    ['jira-quota-tenant-based', 'tenant'],
  ])('%s: an app past its hourly points, on findUsers (declares 429) and on editIssue', async (reason, tier) => {
    r = await start(spec, { quota: { tier, pointsPerHour: 3 }, burst: false, perIssueWrites: false });
    const s = running();
    const created = await s.admin.post('/rest/api/3/issue', { fields: issueFields({ summary: 'quota' }) });
    expectConforming(created, 201);
    const key = createdIssue.parse(created.body).key;
    expectConforming(await s.app.get('/rest/api/3/user/search', { query: { query: 'admin' } }), 200); // 1 + 1 user × 2
    const users = await s.app.get('/rest/api/3/user/search', { query: { query: 'admin' } });
    expectRateLimited(spec, users, reason);
    expect(users.headers.get('Retry-After')).toBe('2400'); // to the top of the UTC hour
    expect(users.headers.get('X-RateLimit-Reset')).toBe('2026-03-02T11:00:00Z');
    expect(users.headers.get('RateLimit-Policy')).toBe(`"${tier}-app-quota";q=3;w=3600`);
    expectRateLimited(spec, await s.app.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'no' } }), reason);
    expectConforming(await s.admin.get('/rest/api/3/user/search', { query: { query: 'admin' } }), 200); // people are not counted
  });

  it('jira-burst-based: a second request to one endpoint within the second', async () => {
    r = await start(spec, { quota: false, perIssueWrites: false, burst: { perMethod: { GET: 1, PUT: 1 } } });
    const s = running();
    expectConforming(await s.admin.get('/rest/api/3/user/search', { query: { query: 'admin' } }), 200);
    expectRateLimited(spec, await s.admin.get('/rest/api/3/user/search', { query: { query: 'admin' } }), 'jira-burst-based');
    expectRateLimited(spec, await s.app.get('/rest/api/3/user/search', { query: { query: 'user' } }), 'jira-burst-based'); // one bucket per site
    s.advance(1000);
    expectConforming(await s.app.get('/rest/api/3/user/search', { query: { query: 'user' } }), 200);
  });

  it('jira-per-issue-on-write: writes to one issue past the window', async () => {
    r = await start(spec, { quota: false, burst: false, perIssueWrites: { windows: [{ writes: 2, seconds: 2 }] } });
    const s = running();
    const created = await s.admin.post('/rest/api/3/issue', { fields: issueFields({ summary: 'hot issue' }) });
    expectConforming(created, 201);
    const key = createdIssue.parse(created.body).key;
    expectConforming(await s.app.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'second write' } }), 204);
    expectRateLimited(spec, await s.app.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'third' } }), 'jira-per-issue-on-write');
    expectRateLimited(spec, await s.admin.post(`/rest/api/3/issue/${key}/comment`, { body: { type: 'doc', version: 1, content: [] } }), 'jira-per-issue-on-write');
    expectConforming(await s.app.get(`/rest/api/3/issue/${key}`), 200);
  });

  it('every answer carries the request rate; an app also gets its quota policy', async () => {
    r = await start(spec, {});
    const s = running();
    const res = await s.app.get('/rest/api/3/myself');
    expectConforming(res, 200);
    expect({
      limit: res.headers.get('X-RateLimit-Limit'), remaining: z.coerce.number().int().parse(res.headers.get('X-RateLimit-Remaining')) >= 0,
      policy: res.headers.get('RateLimit-Policy'), rateLimit: res.headers.get('RateLimit'), reason: res.headers.get('RateLimit-Reason'),
    }).toEqual({ limit: '100', remaining: true, policy: '"global-app-quota";q=65000;w=3600', rateLimit: '"global-app-quota";t=2400', reason: null });
  });
});
