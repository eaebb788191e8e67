import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { JiraSite } from './site';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

describe('JiraSite basics over HTTP', () => {
  let h: SiteHarness;
  beforeEach(async () => {
    h = await startSite({ rateLimits: false }); // this suite checks answers at many requests a second; the limits have their own tests (rate-limits/)
  });
  afterEach(async () => {
    await h.stop();
  });

  it('answers /myself for the seeded admin', async () => {
    const r = await h.call('GET', '/rest/api/3/myself');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accountId: h.site.admin.accountId, emailAddress: 'admin@internal.test', accountType: 'atlassian', active: true, displayName: 'Admin' });
  });

  it('creates, reads, edits and deletes an issue', async () => {
    const created = await h.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'INT' }, issuetype: { name: 'Bug' }, summary: 'First', description: adf('Some words'), labels: ['x'], duedate: '2026-12-01' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: '10000', key: 'INT-1', self: `${h.baseUrl}/rest/api/3/issue/10000` });

    const got = await h.call('GET', '/rest/api/3/issue/INT-1');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: '10000', key: 'INT-1',
      fields: {
        summary: 'First', description: adf('Some words'), labels: ['x'], duedate: '2026-12-01',
        issuetype: { id: '10002', name: 'Bug', subtask: false },
        project: { key: 'INT', name: 'Internal' },
        status: { name: 'Open', statusCategory: { key: 'new', colorName: 'blue-gray' } },
        priority: { name: 'Medium' },
        reporter: { accountId: h.site.admin.accountId }, creator: { accountId: h.site.admin.accountId }, assignee: null,
        comment: { comments: [], total: 0, startAt: 0, maxResults: 0 },
        customfield_10000: null,
      },
    });
    const fields = z.object({ fields: z.object({ created: z.string() }) }).parse(got.body).fields;
    expect(fields.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);

    expect((await h.call('PUT', '/rest/api/3/issue/INT-1', { fields: { summary: 'Renamed', customfield_10000: 'CLOUD-7' } })).status).toBe(204);
    const edited = await h.call('GET', '/rest/api/3/issue/10000?fields=summary,customfield_10000');
    expect(edited.body).toMatchObject({ fields: { summary: 'Renamed', customfield_10000: 'CLOUD-7' } });
    expect(Object.keys(z.object({ fields: z.record(z.string(), z.unknown()) }).parse(edited.body).fields).sort()).toEqual(['customfield_10000', 'summary']);

    expect((await h.call('DELETE', '/rest/api/3/issue/INT-1')).status).toBe(204);
    const gone = await h.call('GET', '/rest/api/3/issue/INT-1');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
  });

  it('answers 401 with Jira\'s error shape for missing or wrong credentials', async () => {
    for (const as of [null, { accountId: 'x', email: 'admin@internal.test', apiToken: 'wrong' }]) {
      const r = await h.call('GET', '/rest/api/3/myself', undefined, { as });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
    }
  });

  it('routes mounted prefixes first, then the REST API, then GETs to the web UI, else 404', async () => {
    const seen: string[] = [];
    h.site.mount('/_sandbox/', async (_req, res, url) => {
      seen.push(url.pathname);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('mounted');
    });
    const mounted = await fetch(`${h.baseUrl}/_sandbox/x?y=1`);
    expect(await mounted.text()).toBe('mounted');
    expect(seen).toEqual(['/_sandbox/x']);
    const page = await fetch(`${h.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(`${h.baseUrl}/no/such/page`);
    expect(missing.status).toBe(404);
    const post = await fetch(`${h.baseUrl}/`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(h.site.stats().requests).toBe(0);
  });

  it('answers injected faults (429 with Retry-After) for the matching route only, then recovers', async () => {
    h.site.injectFault({ route: 'POST /rest/api/3/issue', status: 429, retryAfterSeconds: 7, times: 2 });
    const body = { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'x' } };
    const limited = await fetch(`${h.baseUrl}/rest/api/3/issue`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${h.site.admin.email}:${h.site.admin.apiToken}`).toString('base64')}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await h.call('GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await h.call('POST', '/rest/api/3/issue', body)).status).toBe(429);
    expect((await h.call('POST', '/rest/api/3/issue', body)).status).toBe(201);
    expect(h.site.issueCount()).toBe(1);
    expect(() => h.site.injectFault({ route: '*', status: 200 })).toThrow(/4xx or 5xx/);
  });

  it('counts REST requests by route template', async () => {
    await h.call('GET', '/rest/api/3/issue/INT-404');
    await h.call('GET', '/rest/api/3/issue/INT-405');
    expect(h.site.stats().byRoute['GET /rest/api/3/issue/{issueIdOrKey}']).toBe(2);
    h.site.resetStats();
    expect(h.site.stats()).toEqual({ requests: 0, byRoute: {}, rateLimited: {} });
  });
});

describe('JiraSite.handle without listen', () => {
  it('serves through another server and links to the origin the request came to', async () => {
    const site = JiraSite.create({ name: 'external', db: ':memory:' });
    const server = createServer((req, res) => {
      void site.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address: AddressInfo | string | null = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const origin = `http://127.0.0.1:${address.port}`;
      const auth = `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}`;
      const res = await fetch(`${origin}/rest/api/3/project/CLOUD`, { headers: { authorization: auth } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ key: 'CLOUD', self: expect.stringMatching(new RegExp(`^${origin}/rest/api/3/project/`)) });
      expect(site.baseUrl).toBeNull();
    } finally {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await site.close();
    }
  });
});
