import { createServer } from 'node:net';
import path from 'node:path';
import { ForgePlatform, type ForgePlatformOptions, type Installation } from '../../sandbox/forge/platform';
import { JiraSite } from '../../sandbox/jira/site';

export const FIXTURE_APP = path.join(__dirname, 'fixture-app');

export interface FixtureSandbox {
  platform: ForgePlatform;
  sites: JiraSite[];
  installs: Installation[];
  /** the platform clock's start (virtual time only moves with `platform.advance`) */
  t0: number;
  /** call a resolver function of the fixture through the site's HTTP bridge, as the site UI does */
  call(inst: Installation, functionKey: string, payload?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The fixture app on real emulated sites (in memory), with a frozen platform clock. */
export async function startFixture(siteNames: string[] = ['internal'], opts: Partial<ForgePlatformOptions> = {}): Promise<FixtureSandbox> {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const platform = new ForgePlatform({ appRoot: FIXTURE_APP, dataDir: null, now: () => t0, ...opts });
  const sites: JiraSite[] = [];
  const installs: Installation[] = [];
  for (const name of siteNames) {
    const site = JiraSite.create({ name, db: ':memory:', seed: 'default' });
    await site.listen(0, '127.0.0.1');
    sites.push(site);
    installs.push(await platform.install(site));
  }
  return {
    platform, sites, installs, t0,
    async call(inst, functionKey, payload = {}) {
      const res = await fetch(`${inst.siteUrl}/_sandbox/invoke`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ moduleKey: 'fixture-admin', functionKey, payload }),
      });
      return { status: res.status, body: await res.json() as unknown };
    },
    async close() {
      await platform.close();
      for (const s of sites) await s.close();
    },
  };
}

export async function freePort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** a port base N with N+1 and N+2 free */
export async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await freePort(base + 1)) && (await freePort(base + 2))) return base;
  }
}
