import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_SCOPE_JQL, startSandbox } from '../../sandbox/start';
import { FIXTURE_APP, freePort, freePortBase } from './fixture';

// loading the emulated site and the app under ts-jest takes seconds on a shared machine
jest.setTimeout(60_000);

describe('startSandbox', () => {
  it('starts two sites on random ports with the app installed on both', async () => {
    const sb = await startSandbox({ portBase: 0, memory: true, connect: false, appRoot: FIXTURE_APP });
    try {
      expect(sb.sites.internal.name).toBe('internal');
      expect(sb.sites.external.name).toBe('external');
      expect(sb.urls.internal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sb.urls.internal).not.toBe(sb.urls.external);
      expect(sb.installations.internal.siteUrl).toBe(sb.urls.internal);
      expect(sb.installations.external.siteUrl).toBe(sb.urls.external);
      expect(sb.credentials.external).toEqual({ url: sb.urls.external, email: 'admin@external.test', apiToken: 'sandbox-token' });
      expect(await sb.installations.external.invoke('fixture-admin', 'noop', {})).toEqual({});
      // the app's Custom UI page is hosted in the site's web UI
      const page = await fetch(`${sb.urls.internal}/_sandbox/ui/internal/fixture-admin/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Sandbox fixture page');
      await sb.waitForIdle();
    } finally {
      await sb.close();
    }
  });

  it('fails the connect step with a clear message when the admin resolvers are missing, and releases everything', async () => {
    const base = await freePortBase();
    await expect(startSandbox({ portBase: base, memory: true, appRoot: FIXTURE_APP })).rejects.toThrow(
      "connecting the sites failed at internal.listConnections: module 'twin-sync-admin' has no resolver in manifest.yml (start with --no-connect to skip this step)",
    );
    expect([await freePort(base + 1), await freePort(base + 2)]).toEqual([true, true]);
  });

  it("connects the real app's two installations once, through its admin resolvers, also across a restart", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-connect-'));
    const connections = async (sb: Awaited<ReturnType<typeof startSandbox>>): Promise<unknown[]> => [
      await sb.installations.internal.invoke('twin-sync-admin', 'listConnections', {}),
      await sb.installations.external.invoke('twin-sync-admin', 'listConnections', {}),
    ];
    try {
      const first = await startSandbox({ portBase: 0, dataDir: dir });
      const [internal, external] = await connections(first);
      await first.close();
      expect(internal).toEqual([expect.objectContaining({ name: 'internal ↔ external', status: 'active', direction: 'both', scopeJql: SANDBOX_SCOPE_JQL })]);
      expect(external).toEqual([expect.objectContaining({ name: 'internal ↔ external', status: 'active' })]);
      const second = await startSandbox({ portBase: 0, dataDir: dir });
      expect(await connections(second)).toEqual([internal, external]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
