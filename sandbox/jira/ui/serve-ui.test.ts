import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SiteUiExtensions } from '../contract';
import { serveUi, type UiContext } from './index';

const admin = { accountId: 'admin-1', email: 'admin@internal.test', apiToken: 'sandbox-token' };

interface Running {
  base: string;
  close(): Promise<void>;
}

/** A real HTTP server whose only handler is serveUi; unserved paths answer 404 like the site. */
async function startUi(overrides: Partial<UiContext> = {}): Promise<Running> {
  const ctx: UiContext = { siteName: 'internal', baseUrl: 'http://127.0.0.1', admin, extensions: {}, ...overrides };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    serveUi(req, res, url, ctx)
      .then((served) => {
        if (!served) {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('not served');
        }
      })
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: string | AddressInfo | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  const { port } = address;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function configOf(html: string): unknown {
  const match = /<script id="ui-config" type="application\/json">([^<]*)<\/script>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no ui-config in page');
  return JSON.parse(match[1]);
}

describe('serveUi pages', () => {
  let ui: Running;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(() => ui.close());

  it.each([
    ['/', 'text/html; charset=utf-8', 'data-testid="page-issues"'],
    ['/issues', 'text/html; charset=utf-8', 'data-testid="page-issues"'],
    ['/browse/INT-12', 'text/html; charset=utf-8', 'data-testid="page-issue"'],
    ['/jira/settings/apps/twin-sync', 'text/html; charset=utf-8', 'data-testid="app-not-installed"'],
    ['/_ui/app.css', 'text/css; charset=utf-8', '.site-header'],
    ['/_ui/app.js', 'text/javascript; charset=utf-8', 'load("main")'],
  ])('GET %s answers 200 %s', async (path, contentType, marker) => {
    const res = await fetch(ui.base + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(contentType);
    expect(await res.text()).toContain(marker);
  });

  it('redirects a lower-case issue key to the canonical one', async () => {
    const res = await fetch(`${ui.base}/browse/int-12?focus=1`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/browse/INT-12?focus=1');
  });

  it.each(['/nope', '/browse/', '/browse/in t-1', '/browse/1NT-1', '/browse/INT-0', '/browse/INT-1/x', '/rest/api/3/myself', '/_ui/other.js', '/favicon.ico'])(
    'GET %s is not served (404 from the caller)',
    async (path) => {
      const res = await fetch(ui.base + path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('not served');
    },
  );

  it.each(['POST', 'PUT', 'DELETE'])('%s / is not served', async (method) => {
    const res = await fetch(`${ui.base}/`, { method });
    expect(res.status).toBe(404);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetch(`${ui.base}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('');
  });

  it('shows the header with the site name and both navigation links on every page', async () => {
    for (const [path, current] of [['/', 'nav-issues'], ['/browse/INT-1', 'nav-issues'], ['/jira/settings/apps/twin-sync', 'nav-apps']] as const) {
      const html = await (await fetch(ui.base + path)).text();
      expect(html).toContain('internal — Jira (sandbox)');
      expect(html).toContain('<a href="/" data-testid="nav-issues"');
      expect(html).toContain('<a href="/jira/settings/apps/twin-sync" data-testid="nav-apps"');
      expect(html).toContain(`data-testid="${current}" aria-current="page"`);
    }
  });

  it('sends a content security policy that allows only its own scripts', async () => {
    const res = await fetch(`${ui.base}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('labels every form field of the issue list and issue view', async () => {
    for (const path of ['/', '/browse/INT-1']) {
      const html = await (await fetch(ui.base + path)).text();
      const ids = [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(html).toContain(`<label for="${id}">`);
    }
  });

  it('puts the default JQL in the search box, or the ?jql= one', async () => {
    expect(await (await fetch(`${ui.base}/`)).text()).toContain('value="ORDER BY created DESC"');
    const html = await (await fetch(`${ui.base}/?jql=${encodeURIComponent('project = INT AND summary ~ "a"')}`)).text();
    expect(html).toContain('value="project = INT AND summary ~ &quot;a&quot;"');
    expect(configOf(html)).toMatchObject({ page: { kind: 'issues', jql: 'project = INT AND summary ~ "a"' } });
  });

  it('gives the client the admin credentials as Basic authorization and the issue key', async () => {
    const html = await (await fetch(`${ui.base}/browse/INT-7`)).text();
    expect(configOf(html)).toEqual({
      siteName: 'internal',
      authorization: `Basic ${Buffer.from('admin@internal.test:sandbox-token').toString('base64')}`,
      page: { kind: 'issue', key: 'INT-7', panelTitle: null },
    });
    expect(html).not.toContain('data-testid="issue-panel"');
  });

  it('answers a fresh request for the script with 304 when the ETag matches', async () => {
    const first = await fetch(`${ui.base}/_ui/app.js`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const second = await fetch(`${ui.base}/_ui/app.js`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(second.status).toBe(304);
  });

  it('has no issue panel endpoint answer without an app panel', async () => {
    const res = await fetch(`${ui.base}/_ui/issue-panel?key=INT-1&id=10001`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errorMessages: ['No app contributes an issue panel on this site.'], errors: {} });
  });
});

describe('serveUi escaping', () => {
  const hostile = '<script>alert("x")</script>&\'';
  let ui: Running;
  beforeAll(async () => {
    ui = await startUi({ siteName: hostile, extensions: { adminPage: { title: '<img src=x onerror=alert(1)>', iframeUrl: '/_sandbox/admin?x="><script>' } } });
  });
  afterAll(() => ui.close());

  it.each(['/', '/browse/INT-1', '/jira/settings/apps/twin-sync'])('escapes a hostile site name on %s', async (path) => {
    const html = await (await fetch(ui.base + path)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39; — Jira (sandbox)');
    // only the page's own two script elements
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(configOf(html)).toMatchObject({ siteName: hostile });
  });

  it('escapes a hostile JQL in the search box', async () => {
    const html = await (await fetch(`${ui.base}/?jql=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('escapes the iframe address', async () => {
    const html = await (await fetch(`${ui.base}/jira/settings/apps/twin-sync`)).text();
    expect(html).toContain('src="/_sandbox/admin?x=&quot;&gt;&lt;script&gt;"');
  });
});

describe('serveUi with the app installed', () => {
  const extensions: SiteUiExtensions = {
    adminPage: { title: 'Twin Sync', iframeUrl: 'http://127.0.0.1:7300/_sandbox/ui/admin/index.html?module=twin-sync-admin' },
    issuePanel: { title: 'Twin', iframeUrl: (key, id) => `/_sandbox/ui/panel/index.html?issueKey=${key}&issueId=${id}` },
  };
  let ui: Running;
  beforeAll(async () => {
    ui = await startUi({ extensions });
  });
  afterAll(() => ui.close());

  it('embeds the admin page in a full-width titled iframe', async () => {
    const html = await (await fetch(`${ui.base}/jira/settings/apps/twin-sync`)).text();
    expect(html).toContain('<h1 data-testid="admin-page-title">Twin Sync</h1>');
    expect(html).toContain(
      '<iframe id="admin-page-frame" class="admin-frame" data-testid="admin-page-frame" title="Twin Sync" allow="clipboard-write" src="http://127.0.0.1:7300/_sandbox/ui/admin/index.html?module=twin-sync-admin"></iframe>',
    );
    expect(html).not.toContain('app-not-installed');
  });

  it('renders the issue panel section on the issue view and tells the client its title', async () => {
    const html = await (await fetch(`${ui.base}/browse/INT-3`)).text();
    expect(html).toContain('<h2 id="issue-panel-heading" data-testid="issue-panel-title">Twin</h2>');
    expect(html).toContain('data-testid="issue-panel-slot"');
    expect(configOf(html)).toMatchObject({ page: { kind: 'issue', key: 'INT-3', panelTitle: 'Twin' } });
  });

  it('answers the issue panel address for an issue', async () => {
    const res = await fetch(`${ui.base}/_ui/issue-panel?key=INT-3&id=10003`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ title: 'Twin', iframeUrl: '/_sandbox/ui/panel/index.html?issueKey=INT-3&issueId=10003' });
  });

  it.each([
    ['key=INT-3', 'missing id'],
    ['key=bad&id=1', 'bad key'],
    ['key=INT-3&id=abc', 'bad id'],
  ])('answers 400 for the issue panel address with %s (%s)', async (query) => {
    const res = await fetch(`${ui.base}/_ui/issue-panel?${query}`);
    expect(res.status).toBe(400);
  });
});

describe('serveUi with an unsafe app address', () => {
  let ui: Running;
  beforeAll(async () => {
    ui = await startUi({
      extensions: {
        adminPage: { title: 'Twin Sync', iframeUrl: 'javascript:alert(1)' },
        issuePanel: { title: 'Twin', iframeUrl: () => 'javascript:alert(1)' },
      },
    });
  });
  afterAll(() => ui.close());

  it('does not embed a javascript: admin page', async () => {
    const html = await (await fetch(`${ui.base}/jira/settings/apps/twin-sync`)).text();
    expect(html).toContain('data-testid="admin-page-error"');
    expect(html).not.toContain('<iframe');
  });

  it('refuses a javascript: issue panel address', async () => {
    const res = await fetch(`${ui.base}/_ui/issue-panel?key=INT-3&id=10003`);
    expect(res.status).toBe(500);
  });
});
