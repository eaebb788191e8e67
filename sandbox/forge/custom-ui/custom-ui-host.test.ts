import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import vm from 'node:vm';
import { CONTEXT_ELEMENT_ID } from './bridge-script';
import { createCustomUiHost, type CustomUiHost, type CustomUiHostOptions, type CustomUiInvoke } from './custom-ui-host';
import { FIXTURE_PAGE as PAGE, makeFixtureApp } from './fixture-app';
import { parseCsp } from './page-csp';

interface Running {
  host: CustomUiHost;
  base: string;
  server: Server;
}

let appRoot: string;
const running: Running[] = [];

beforeAll(() => {
  appRoot = makeFixtureApp();
});

afterAll(() => rmSync(appRoot, { recursive: true, force: true }));

afterEach(async () => {
  for (const r of running.splice(0)) await new Promise<void>((resolve) => r.server.close(() => resolve()));
});

/** The host mounted under /_sandbox/ui/ of a real HTTP server on a free loopback port. */
async function start(invoke?: CustomUiInvoke, more: Partial<Pick<CustomUiHostOptions, 'appRoot' | 'onCspReport'>> = {}): Promise<Running> {
  const host = createCustomUiHost({
    appRoot,
    ...more,
    ...(invoke === undefined ? {} : { invoke }),
    siteContext: (site) => (site === 'internal' ? { cloudId: 'cloud-internal', accountId: 'admin-1' } : undefined),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/_sandbox/ui/')) {
      res.writeHead(404).end();
      return;
    }
    host.handler(req, res, url).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const r = { host, server, base: `http://127.0.0.1:${port}` };
  running.push(r);
  return r;
}

/** the JSON block the page carries for the bridge */
function pageData(html: string): { context: Record<string, unknown>; invokeUrl: string; tokensUrl: string } {
  const m = new RegExp(`<script type="application/json" id="${CONTEXT_ELEMENT_ID}">(.*?)</script>`).exec(html);
  if (m === null || m[1] === undefined) throw new Error('no context block in the page');
  return JSON.parse(m[1]) as { context: Record<string, unknown>; invokeUrl: string; tokensUrl: string };
}

describe('createCustomUiHost', () => {
  it('gives each site its admin page and issue panel addresses', async () => {
    const { host } = await start();
    const ext = host.extensions('internal');
    expect(ext.adminPage).toEqual({ title: 'Twin Sync', iframeUrl: '/_sandbox/ui/internal/twin-sync-admin/' });
    expect(ext.issuePanel?.title).toBe('Twin Sync panel');
    expect(ext.issuePanel?.iframeUrl('INT-1', '10001')).toBe('/_sandbox/ui/internal/twin-sync-panel/?issueKey=INT-1&issueId=10001');
    expect(() => host.extensions('../x')).toThrow('not a usable site name');
    expect(host.modules.map((m) => [m.key, m.type, m.resourceKey])).toEqual([
      ['twin-sync-admin', 'jira:adminPage', 'admin'],
      ['twin-sync-panel', 'jira:issuePanel', 'panel'],
    ]);
  });

  it('serves the admin page with the bridge injected before the app’s scripts and the admin context', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/_sandbox/ui/internal/twin-sync-admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html.indexOf('/_sandbox/ui/bridge.js')).toBeLessThan(html.indexOf('./assets/main.js'));
    expect(pageData(html)).toEqual({
      context: {
        accountId: 'admin-1',
        cloudId: 'cloud-internal',
        siteUrl: base,
        moduleKey: 'twin-sync-admin',
        localId: 'twin-sync-admin-sandbox',
        environmentType: 'DEVELOPMENT',
        locale: 'en-US',
        timezone: 'UTC',
        extension: { type: 'jira:adminPage' },
      },
      invokeUrl: '/_sandbox/invoke',
      tokensUrl: '/_sandbox/ui/tokens.css',
    });
  });

  it('gives the issue panel the issue’s context, and refuses a panel without a valid issue', async () => {
    const { base } = await start();
    const html = await (await fetch(`${base}/_sandbox/ui/external/twin-sync-panel/?issueKey=CLOUD-12&issueId=10042`)).text();
    expect(pageData(html).context).toMatchObject({
      moduleKey: 'twin-sync-panel',
      extension: { type: 'jira:issuePanel', issue: { key: 'CLOUD-12', id: '10042' }, project: { key: 'CLOUD' } },
    });
    expect(pageData(html).context).not.toHaveProperty('cloudId');
    const bad = await fetch(`${base}/_sandbox/ui/external/twin-sync-panel/?issueKey=<x>&issueId=1`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { name: 'HttpError', message: 'The issue panel needs issueKey (e.g. INT-1) and issueId (digits).' } });
  });

  it('keeps context text from breaking out of its script block', async () => {
    const { base } = await start();
    const html = await (await fetch(`${base}/_sandbox/ui/external/twin-sync-panel/?issueKey=A-1&issueId=1`)).text();
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it.each([
    ['/_sandbox/ui/internal/twin-sync-admin/assets/main.js', 200, 'text/javascript; charset=utf-8', 'console.log("admin");'],
    ['/_sandbox/ui/internal/twin-sync-panel/icon.svg', 200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['/_sandbox/ui/internal/twin-sync-admin/assets/missing.js', 404, null, null],
    ['/_sandbox/ui/internal/twin-sync-admin/..%2F..%2F..%2F..%2Fsecret.txt', 404, null, null],
    ['/_sandbox/ui/internal/twin-sync-admin/assets%5C..%5C..%5C..%5C..%5Csecret.txt', 404, null, null],
    ['/_sandbox/ui/internal/no-such-module/', 404, null, null],
    ['/_sandbox/ui/bad..site/twin-sync-admin/', 404, null, null],
  ])('GET %s → %i', async (route, status, type, body) => {
    const { base } = await start();
    const res = await fetch(base + route);
    expect(res.status).toBe(status);
    const text = await res.text();
    if (type !== null) expect(res.headers.get('content-type')).toBe(type);
    if (body !== null) expect(text).toBe(body);
    expect(text).not.toContain('not for the browser');
  });

  it('redirects a page address without its trailing slash, keeping the query', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/_sandbox/ui/internal/twin-sync-panel?issueKey=A-1&issueId=1`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/_sandbox/ui/internal/twin-sync-panel/?issueKey=A-1&issueId=1');
  });

  it('serves the design tokens of @atlaskit/tokens', async () => {
    const { base } = await start();
    const css = await (await fetch(`${base}/_sandbox/ui/tokens.css`)).text();
    expect(css).toContain('--ds-text:');
    expect(css).toContain('--ds-space-100:');
    expect(css).toContain('--ds-font-body:');
  });

  it('says clearly when a page is not built', async () => {
    const { base } = await start();
    rmSync(path.join(appRoot, 'static', 'admin', 'build', 'index.html'));
    try {
      const res = await fetch(`${base}/_sandbox/ui/internal/twin-sync-admin/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('run npm run build:ui');
    } finally {
      writeFileSync(path.join(appRoot, 'static', 'admin', 'build', 'index.html'), PAGE);
    }
  });

  describe('with its own invoke route', () => {
    const post = (base: string, body: unknown) =>
      fetch(`${base}/_sandbox/ui/internal/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    it('runs resolver calls through `invoke`, naming the site', async () => {
      const invoke = jest.fn<Promise<unknown>, Parameters<CustomUiInvoke>>(async () => [{ id: 'c1' }]);
      const { base } = await start(invoke);
      const html = await (await fetch(`${base}/_sandbox/ui/internal/twin-sync-admin/`)).text();
      expect(pageData(html).invokeUrl).toBe('/_sandbox/ui/internal/invoke');
      const res = await post(base, { moduleKey: 'twin-sync-admin', functionKey: 'listConnections', payload: { a: 1 }, context: { accountId: 'u1' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ result: [{ id: 'c1' }] });
      expect(invoke).toHaveBeenCalledWith('twin-sync-admin', 'listConnections', { a: 1 }, { accountId: 'u1', siteName: 'internal' });
    });

    it.each([
      ['invalid JSON', '{', 400, 'request body is not valid JSON'],
      ['a missing functionKey', { moduleKey: 'twin-sync-admin' }, 400, 'functionKey'],
      ['an unknown module', { moduleKey: 'replica-inbox', functionKey: 'x' }, 400, "module 'replica-inbox' is not a Custom UI module"],
    ])('refuses %s without calling the app', async (_name, body, status, message) => {
      const invoke = jest.fn<Promise<unknown>, Parameters<CustomUiInvoke>>(async () => null);
      const { base } = await start(invoke);
      const res = await post(base, body);
      expect(res.status).toBe(status);
      expect(JSON.stringify(await res.json())).toContain(message);
      expect(invoke).not.toHaveBeenCalled();
    });

    it('answers a resolver’s error with its message', async () => {
      const { base } = await start(async () => {
        throw new Error('The invitation expired.');
      });
      const res = await post(base, { moduleKey: 'twin-sync-admin', functionKey: 'acceptInvitation' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { name: 'Error', message: 'The invitation expired.' } });
    });

    it('makes the unmodified @forge/bridge work against it', async () => {
      const calls: unknown[][] = [];
      const { base } = await start(async (...args) => {
        calls.push(args);
        if (args[1] === 'fail') throw new Error('Not an admin');
        return { echoed: args[2] };
      });
      const html = await (await fetch(`${base}/_sandbox/ui/internal/twin-sync-panel/?issueKey=INT-3&issueId=10003`)).text();
      const dataText = /<script type="application\/json" id="forge-sandbox-context">(.*?)<\/script>/.exec(html)?.[1] ?? '';
      const script = await (await fetch(`${base}/_sandbox/ui/bridge.js`)).text();

      // A page realm: the script's window is its own global, fetch goes to the real server.
      const page: Record<string, unknown> = {
        document: { getElementById: (id: string) => (id === CONTEXT_ELEMENT_ID ? { textContent: dataText } : null) },
        fetch: (input: string, init: RequestInit) => fetch(new URL(input, base), init),
        location: { origin: base },
      };
      page['window'] = page;
      page['parent'] = page;
      vm.runInNewContext(script, page);
      const previous: unknown = Reflect.get(globalThis, '__bridge');
      Reflect.set(globalThis, '__bridge', page['__bridge']);
      try {
        let bridge: typeof import('@forge/bridge') | undefined;
        jest.isolateModules(() => {
          bridge = jest.requireActual<typeof import('@forge/bridge')>('@forge/bridge');
        });
        if (bridge === undefined) throw new Error('@forge/bridge did not load');
        await expect(bridge.invoke('getTwin', { x: 1 })).resolves.toEqual({ echoed: { x: 1 } });
        await expect(bridge.invoke('fail')).rejects.toThrow('Not an admin');
        const context = await bridge.view.getContext();
        expect(context.moduleKey).toBe('twin-sync-panel');
        expect(context.extension).toEqual({ type: 'jira:issuePanel', issue: { key: 'INT-3', id: '10003' }, project: { key: 'INT' } });
        await expect(bridge.router.navigate('/x')).rejects.toThrow('The sandbox host does not support navigate.');
      } finally {
        Reflect.set(globalThis, '__bridge', previous);
      }
      expect(calls).toEqual([
        ['twin-sync-panel', 'getTwin', { x: 1 }, { accountId: 'admin-1', localId: 'twin-sync-panel-sandbox', extension: { type: 'jira:issuePanel', issue: { key: 'INT-3', id: '10003' }, project: { key: 'INT' } }, siteName: 'internal' }],
        ['twin-sync-panel', 'fail', {}, { accountId: 'admin-1', localId: 'twin-sync-panel-sandbox', extension: { type: 'jira:issuePanel', issue: { key: 'INT-3', id: '10003' }, project: { key: 'INT' } }, siteName: 'internal' }],
      ]);
    });
  });
});

describe('the pages’ Content-Security-Policy (derived as Forge does, with @forge/csp)', () => {
  const apps: string[] = [];
  afterAll(() => {
    for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  });
  const app = (opts: Parameters<typeof makeFixtureApp>[0]): string => {
    const dir = makeFixtureApp(opts);
    apps.push(dir);
    return dir;
  };
  /** the page's header, parsed, from a host on `root` */
  async function pageCspOf(root: string, page = '/_sandbox/ui/internal/twin-sync-admin/'): Promise<{ base: string; csp: Map<string, string[]> }> {
    const { base } = await start(undefined, { appRoot: root });
    const res = await fetch(base + page);
    expect(res.status).toBe(200);
    const header = res.headers.get('content-security-policy');
    if (header === null) throw new Error('the page has no Content-Security-Policy');
    return { base, csp: parseCsp(header) };
  }
  const directive = (csp: Map<string, string[]>, name: string): string[] => {
    const sources = csp.get(name);
    if (sources === undefined) throw new Error(`no ${name} in the policy`);
    return sources;
  };

  it('allows no inline style or script when the manifest declares no content permissions', async () => {
    const { base, csp } = await pageCspOf(appRoot);
    expect(directive(csp, 'style-src')).toContain("'self'");
    expect(directive(csp, 'style-src')).not.toContain("'unsafe-inline'");
    expect(directive(csp, 'script-src')[0]).toBe("'self'");
    expect(directive(csp, 'script-src').filter((s) => s.startsWith("'unsafe") || s.startsWith("'sha"))).toEqual([]);
    expect(directive(csp, 'default-src')[0]).toBe("'self'");
    // the bridge posts to a same-origin route; the embedding site is Forge's `hostname`
    expect(directive(csp, 'connect-src').slice(0, 2)).toEqual(["'self'", base]);
    expect(directive(csp, 'connect-src').some((s) => s.includes('localhost'))).toBe(false);
    expect(directive(csp, 'frame-ancestors')).toEqual(expect.arrayContaining(["'self'", base]));
    expect(directive(csp, 'form-action')).toEqual(["'self'"]);
    expect(directive(csp, 'sandbox')).toEqual(['allow-popups', 'allow-popups-to-escape-sandbox', 'allow-downloads', 'allow-forms', 'allow-modals', 'allow-pointer-lock', 'allow-same-origin', 'allow-scripts']);
    // reports stay on the machine
    expect(directive(csp, 'report-uri')).toEqual(['/_sandbox/ui/csp-report']);
  });

  it("adds 'unsafe-inline' to style-src, and only there, when content.styles declares it", async () => {
    const root = app({ manifestTail: 'permissions:\n  scopes: []\n  content:\n    styles:\n      - unsafe-inline\n' });
    for (const page of ['/_sandbox/ui/internal/twin-sync-admin/', '/_sandbox/ui/external/twin-sync-panel/?issueKey=CLOUD-1&issueId=10000']) {
      const { csp } = await pageCspOf(root, page);
      expect(directive(csp, 'style-src')).toContain("'unsafe-inline'");
      expect(directive(csp, 'script-src')).not.toContain("'unsafe-inline'");
    }
  });

  it('puts external.fetch.client in connect-src and external.images (and the other lists) in their directives', async () => {
    const root = app({
      manifestTail: `
remotes:
  - key: billing
    baseUrl: https://billing.example.com
  - key: per-env
    baseUrl: { development: https://dev.example.com }
permissions:
  scopes: []
  external:
    fetch:
      backend: [backend.example.com]
      client:
        - https://api.example.com
        - address: https://events.example.com
          category: analytics
        - remote: billing
        - remote: per-env
    images: ['*.giphy.com', { address: 'https://img.example.com' }]
    fonts: [https://fonts.example.com]
    styles: [https://css.example.com]
    scripts: [https://js.example.com]
    media: [https://media.example.com]
    frames: [https://frames.example.com]
`,
    });
    const { csp } = await pageCspOf(root);
    expect(directive(csp, 'connect-src')).toEqual(expect.arrayContaining(['https://api.example.com', 'https://events.example.com', 'https://billing.example.com']));
    expect(directive(csp, 'img-src')).toEqual(expect.arrayContaining(['*.giphy.com', 'https://img.example.com']));
    expect(directive(csp, 'font-src')).toContain('https://fonts.example.com');
    expect(directive(csp, 'style-src')).toContain('https://css.example.com');
    expect(directive(csp, 'script-src')).toContain('https://js.example.com');
    expect(directive(csp, 'media-src')).toContain('https://media.example.com');
    expect(directive(csp, 'frame-src')).toContain('https://frames.example.com');
    const all = [...csp.values()].flat();
    // backend egress is for functions, never the page; a remote without one address is left out
    expect(all.some((s) => s.includes('backend.example.com') || s.includes('dev.example.com'))).toBe(false);
    expect(directive(csp, 'img-src')).not.toContain('https://api.example.com');
    expect(directive(csp, 'connect-src')).not.toContain('*.giphy.com');
  });

  it('adds content.scripts to script-src and hashes the page’s own inline scripts, as Forge does', async () => {
    const inline = 'window.appBoot = 1;';
    const root = app({
      manifestTail: "permissions:\n  scopes: []\n  content:\n    scripts: ['unsafe-eval']\n",
      page: `<!doctype html><html><head><script>${inline}</script><script type="module" src="./assets/main.js"></script></head><body></body></html>`,
    });
    const { csp } = await pageCspOf(root);
    expect(directive(csp, 'script-src')).toEqual(expect.arrayContaining(["'unsafe-eval'", `'sha256-${createHash('sha256').update(inline).digest('base64')}'`]));
    // the sandbox's own context block (JSON, never run) is not hashed: one hash, the app's
    expect(directive(csp, 'script-src').filter((s) => s.startsWith("'sha256-"))).toHaveLength(1);
  });

  it.each([
    ['a content script source Forge does not allow', "  content:\n    scripts: ['unsafe-everything']\n", "'unsafe-everything' is not a source Forge allows"],
    ['a content style other than unsafe-inline', "  content:\n    styles: ['unsafe-eval']\n", 'permissions.content.styles'],
  ])('refuses to start with %s', (_name, content, message) => {
    const root = app({ manifestTail: `permissions:\n  scopes: []\n${content}` });
    expect(() => createCustomUiHost({ appRoot: root })).toThrow(message);
  });

  it('takes the browsers’ violation reports at its report-uri', async () => {
    const reports: unknown[] = [];
    const { base } = await start(undefined, { onCspReport: (r) => reports.push(r) });
    const report = { 'csp-report': { 'violated-directive': 'style-src-elem', 'blocked-uri': 'inline' } };
    const res = await fetch(`${base}/_sandbox/ui/csp-report`, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: JSON.stringify(report) });
    expect(res.status).toBe(204);
    expect(reports).toEqual([report]);
    const bad = await fetch(`${base}/_sandbox/ui/csp-report`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
  });

  it('serves the resource’s other files without a page policy', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/_sandbox/ui/internal/twin-sync-admin/assets/main.js`);
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});
