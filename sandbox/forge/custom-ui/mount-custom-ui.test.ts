import { rmSync } from 'node:fs';
import { z } from 'zod';
import { JiraSite } from '../../jira/site';
import { CONTEXT_ELEMENT_ID } from './bridge-script';
import { makeFixtureApp } from './fixture-app';
import { mountCustomUi } from './mount-custom-ui';

let appRoot: string;
let site: JiraSite;

beforeAll(async () => {
  appRoot = makeFixtureApp();
  site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default' });
  await site.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await site.close();
  rmSync(appRoot, { recursive: true, force: true });
});

function pageContext(html: string): Record<string, unknown> {
  const m = new RegExp(`id="${CONTEXT_ELEMENT_ID}">(.*?)</script>`).exec(html);
  if (m === null || m[1] === undefined) throw new Error('no context block');
  const data: unknown = JSON.parse(m[1]);
  if (typeof data !== 'object' || data === null || !('context' in data)) throw new Error('no context');
  const context: unknown = data.context;
  if (typeof context !== 'object' || context === null) throw new Error('bad context');
  return { ...context };
}

describe('mountCustomUi on a real emulated site', () => {
  it('puts the admin page in the site’s apps page and serves it with the site admin as the viewer', async () => {
    mountCustomUi(appRoot, [{ site, cloudId: 'cloud-1' }]);
    const base = site.baseUrl ?? '';
    const apps = await (await fetch(`${base}/jira/settings/apps/twin-sync`)).text();
    expect(apps).toContain('src="/_sandbox/ui/internal/twin-sync-admin/"');

    const page = await fetch(`${base}/_sandbox/ui/internal/twin-sync-admin/`);
    expect(page.status).toBe(200);
    expect(pageContext(await page.text())).toMatchObject({
      accountId: site.admin.accountId,
      cloudId: 'cloud-1',
      siteUrl: base,
      moduleKey: 'twin-sync-admin',
    });
  });

  it('gives the site the issue panel’s address, routed to the host (and not to the platform’s /_sandbox/ route)', async () => {
    const base = site.baseUrl ?? '';
    const created = await fetch(`${base}/rest/api/3/issue`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'x' } }),
    });
    const { id, key } = z.object({ id: z.string(), key: z.string() }).parse(await created.json());
    const panel = await (await fetch(`${base}/_ui/issue-panel?key=${key}&id=${id}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}` },
    })).json();
    expect(panel).toEqual({ title: 'Twin Sync panel', iframeUrl: `/_sandbox/ui/internal/twin-sync-panel/?issueKey=${key}&issueId=${id}` });
    site.mount('/_sandbox/', async (_req, res) => {
      res.writeHead(418).end();
    });
    const icon = await fetch(`${base}/_sandbox/ui/internal/twin-sync-panel/icon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });
});
