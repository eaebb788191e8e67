import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ADMIN_MODULE, readyLine, siteNamesProblem, startSandbox, topologyPairs, type Sandbox, type StartSandboxOptions } from './start';

// three emulated sites and the real app under ts-jest take seconds on a shared machine
jest.setTimeout(120_000);

const ConnectionsSchema = z.array(z.looseObject({ name: z.string(), status: z.string(), direction: z.string(), scopeJql: z.string().nullable(), remoteSiteUrl: z.string().nullable() }));
const ProjectsSchema = z.array(z.looseObject({ key: z.string() }));

const connections = async (sb: Sandbox, name: string): Promise<z.infer<typeof ConnectionsSchema>> =>
  ConnectionsSchema.parse(await sb.of(name).installation.invoke(ADMIN_MODULE, 'listConnections', {}));

/** the sites a site is connected to, by name (a connection knows the other site by its URL) */
const connectedTo = async (sb: Sandbox, name: string): Promise<string[]> =>
  (await connections(sb, name)).map((c) => sb.siteNames.find((n) => sb.of(n).url === c.remoteSiteUrl) ?? `? ${String(c.remoteSiteUrl)}`).sort();

const projectKeys = async (sb: Sandbox, name: string): Promise<string[]> => {
  const { url, email, apiToken } = sb.of(name).credentials;
  const res = await fetch(`${url}/rest/api/3/project`, { headers: { authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}` } });
  expect(res.status).toBe(200);
  return ProjectsSchema.parse(await res.json()).map((p) => p.key);
};

async function withSandbox(opts: StartSandboxOptions, run: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = await startSandbox({ portBase: 0, memory: true, customUi: false, ...opts });
  try {
    await run(sb);
  } finally {
    await sb.close();
  }
}

describe('startSandbox with any number of sites', () => {
  it('starts three sites in a mesh: every pair connected, each side sending its own project', async () => {
    await withSandbox({ sites: ['internal', 'external', 'partner'] }, async (sb) => {
      expect(sb.siteNames).toEqual(['internal', 'external', 'partner']);
      expect(sb.topology).toBe('mesh');
      expect(Object.keys(sb.all)).toEqual(['internal', 'external', 'partner']);
      expect(sb.sites.internal).toBe(sb.of('internal').site);
      expect(sb.installations.external).toBe(sb.of('external').installation);
      expect(new Set(sb.siteNames.map((n) => sb.of(n).url)).size).toBe(3);
      expect(sb.of('partner').credentials).toEqual({ url: sb.of('partner').url, email: 'admin@partner.test', apiToken: 'sandbox-token' });

      const keys = { internal: 'INT', external: 'CLOUD', partner: 'PART' };
      for (const [name, key] of Object.entries(keys)) {
        expect(sb.of(name).projectKey).toBe(key);
        expect(await projectKeys(sb, name)).toEqual([key]);
        const mine = await connections(sb, name);
        expect(mine).toHaveLength(2);
        for (const c of mine) expect(c).toMatchObject({ status: 'active', direction: 'both', scopeJql: `project = "${key}"` });
        expect(await connectedTo(sb, name)).toEqual(sb.siteNames.filter((n) => n !== name).sort());
      }
      expect((await connections(sb, 'external')).map((c) => c.name).sort()).toEqual(['external ↔ partner', 'internal ↔ external']);

      const line = readyLine(sb);
      for (const name of sb.siteNames) expect(line).toContain(`${name} ${sb.of(name).url} (admin@${name}.test / sandbox-token)`);
      expect(line).toMatch(/^Twin Sync sandbox ready: internal .*, external .*, partner .*\)$/);
    });
  });

  it('starts three sites as a hub: the first site connected to each of the others', async () => {
    await withSandbox({ sites: ['hq', 'east', 'west'], topology: 'hub' }, async (sb) => {
      expect(await connectedTo(sb, 'hq')).toEqual(['east', 'west']);
      expect(await connectedTo(sb, 'east')).toEqual(['hq']);
      expect(await connectedTo(sb, 'west')).toEqual(['hq']);
      expect(sb.of('hq').projectKey).toBe('HQ');
      expect(await projectKeys(sb, 'east')).toEqual(['EAST']);
      // the default two are not part of this sandbox: reading them says so
      expect(() => sb.sites.internal).toThrow("the sandbox has no site 'internal' (its sites: hq, east, west)");
      expect(() => sb.of('nope')).toThrow("the sandbox has no site 'nope'");
    });
  });

  it('keeps the default: internal and external, one connection, the ready line of two sites', async () => {
    await withSandbox({}, async (sb) => {
      expect(sb.siteNames).toEqual(['internal', 'external']);
      expect(await connections(sb, 'internal')).toEqual([expect.objectContaining({ name: 'internal ↔ external', status: 'active', scopeJql: 'project = "INT"' })]);
      // as it always was: external sends nothing new, its twins of INT issues sync back
      expect(await connections(sb, 'external')).toEqual([expect.objectContaining({ name: 'internal ↔ external', status: 'active', scopeJql: null })]);
      expect(sb.of('external').scopeJql).toBeNull();
      const c = sb.credentials;
      expect(readyLine(sb)).toBe(`Twin Sync sandbox ready: internal ${c.internal.url} (admin@internal.test / sandbox-token), external ${c.external.url} (admin@external.test / sandbox-token)`);
    });
  });

  it('connects each pair once on a data folder, also across a restart; reset deletes every site\'s files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-sites-'));
    const sites = ['internal', 'partner', 'vendor'];
    const ids = async (sb: Sandbox): Promise<string[][]> => Promise.all(sites.map(async (n) => (await connections(sb, n)).map((c) => c.name).sort()));
    try {
      let first: string[][] = [];
      await withSandbox({ sites, dataDir: dir, memory: false }, async (sb) => { first = await ids(sb); });
      expect(first).toEqual([['internal ↔ partner', 'internal ↔ vendor'], ['internal ↔ partner', 'partner ↔ vendor'], ['internal ↔ vendor', 'partner ↔ vendor']]);
      expect(existsSync(path.join(dir, 'jira-vendor.sqlite'))).toBe(true);
      expect(existsSync(path.join(dir, 'forge-vendor.sqlite'))).toBe(true);
      // random ports: the sites have other URLs now, the pairs are still known by name
      await withSandbox({ sites, dataDir: dir, memory: false }, async (sb) => { expect(await ids(sb)).toEqual(first); });
      await withSandbox({ sites: ['internal', 'external'], dataDir: dir, memory: false, reset: true, connect: false }, async () => {
        expect(existsSync(path.join(dir, 'jira-vendor.sqlite'))).toBe(false);
        expect(existsSync(path.join(dir, 'forge-partner.sqlite'))).toBe(false);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['internal'], 'the sandbox runs 2 to 6 sites (got 1)'],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g'], 'the sandbox runs 2 to 6 sites (got 7)'],
    [['internal', 'internal'], "site name 'internal' is given twice"],
    [['internal', 'Partner'], "site name 'Partner' is not 1 to 20 lower-case letters, digits or hyphens"],
    [['internal', 'a'.repeat(21)], `site name '${'a'.repeat(21)}' is not 1 to 20 lower-case letters, digits or hyphens`],
    [['internal', ''], "site name '' is not 1 to 20 lower-case letters, digits or hyphens"],
    [['internal', 'our_site'], "site name 'our_site' is not 1 to 20 lower-case letters, digits or hyphens"],
  ])('refuses the sites %j', async (sites, problem) => {
    expect(siteNamesProblem(sites)).toBe(problem);
    await expect(startSandbox({ sites, portBase: 0, memory: true })).rejects.toThrow(`sites: ${problem}`);
  });

  it('accepts names of letters, digits and hyphens', () => {
    expect(siteNamesProblem(['internal', 'eu-2', 'a'.repeat(20)])).toBeNull();
  });

  it.each([
    ['mesh', 2, [[0, 1]]],
    ['mesh', 4, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]],
    ['hub', 4, [[0, 1], [0, 2], [0, 3]]],
  ] as const)('%s of %i sites connects %j', (topology, count, pairs) => {
    expect(topologyPairs(count, topology)).toEqual(pairs);
  });
});
