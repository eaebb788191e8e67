import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { lockDataFolder } from './data-lock';
import { createCustomUiHost } from './forge/custom-ui/custom-ui-host';
import { CLOCK_FILE, ForgePlatform, type ForgePlatformOptions, type Installation } from './forge/platform';
import type { JiraAccountCredentials, JiraSiteApi, JiraSiteOptions } from './jira/contract';
import { PointsPool } from './jira/rate-limits/points-pool';
import { seedProject } from './jira/seed';
import { JiraSite } from './jira/site';

/**
 * The whole sandbox: emulated Jira sites (by default two, `internal` and `external`), the local
 * Forge platform with the app installed on each, and (by default) the installations connected
 * through the app's own admin resolvers — what `npm start` runs.
 */
export interface StartSandboxOptions {
  /**
   * the sites, in order (default `['internal', 'external']`): 2 to 6 unique names of 1–20 lower-case
   * letters, digits and hyphens. Each is seeded with one project (sandbox/jira/seed.ts seedProject:
   * `internal` → INT, `external` → CLOUD, any other → its first four letters upper-cased, `partner` → PART)
   */
  sites?: readonly string[];
  /** which pairs are connected: `mesh` (default) every pair, `hub` the first site with each of the others */
  topology?: Topology;
  /** site i (0-based, in `sites` order) listens on portBase+1+i: internal on portBase+1, external on portBase+2; 0 = random free ports. Default 7100 */
  portBase?: number;
  /** keep nothing on disk */
  memory?: boolean;
  /** data folder (default `.sandbox/` in the app root) */
  dataDir?: string;
  /** delete the sandbox's data files in the data folder first */
  reset?: boolean;
  /** connect the installations as `topology` says (default true) */
  connect?: boolean;
  /** the app (folder with manifest.yml); default: this repository */
  appRoot?: string;
  /** strict manifest validation; default false: "missing resource" (UI not built) is a warning */
  strictResources?: boolean;
  /** platform log lines and manifest warnings */
  log?: (line: string) => void;
  /** the platform's queue delay/backoff multiplier (tests may pass 0); default 1 */
  retryBackoffScale?: number;
  /** the platform clock (default Date.now) */
  now?: () => number;
  /** host the app's Custom UI pages (admin page, issue panel) in the sites' web UI; default true */
  customUi?: boolean;
  /**
   * the sites' Jira Cloud behaviours, as JiraSiteOptions has them: rate limits and the search index
   * lag are on with their documented (harsh) defaults unless a test tightens or turns them off here
   */
  jira?: Pick<JiraSiteOptions, 'rateLimits' | 'searchIndexLagMs'>;
  /** the platform's documented limits, tightened or scaled (ForgePlatformOptions) */
  forge?: Pick<ForgePlatformOptions, 'limits' | 'quotaScale'>;
}

export interface SiteCredentials {
  url: string;
  email: string;
  apiToken: string;
}

/** one site of the sandbox with everything the sandbox knows of it */
export interface SandboxSite {
  name: string;
  site: JiraSiteApi;
  installation: Installation;
  url: string;
  credentials: SiteCredentials;
  /** the project the site is seeded with */
  projectKey: string;
  /** the scope it sends on its connections (`project = "KEY"`; null: nothing new, see sandboxScopeJql) */
  scopeJql: string | null;
}

/** a value per default site; reading one the sandbox was started without throws (see `all` / `of`) */
export interface PerDefaultSite<T> {
  readonly internal: T;
  readonly external: T;
}

export interface Sandbox {
  sites: PerDefaultSite<JiraSiteApi>;
  platform: ForgePlatform;
  installations: PerDefaultSite<Installation>;
  urls: PerDefaultSite<string>;
  credentials: PerDefaultSite<SiteCredentials>;
  /** every site's name, in the order they were started (and ports given) */
  siteNames: readonly string[];
  topology: Topology;
  /** every site by name */
  all: Readonly<Record<string, SandboxSite>>;
  /** one site by name; throws for a name the sandbox does not have */
  of(name: string): SandboxSite;
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PORT_BASE = 7100;
export const ADMIN_MODULE = 'twin-sync-admin';
/** the internal site's scope ("INT" is a reserved JQL word, so it is quoted, as on Jira Cloud) */
export const SANDBOX_SCOPE_JQL = 'project = "INT"';
export const REPO_ROOT = path.resolve(__dirname, '..');

export type Topology = 'mesh' | 'hub';
export const TOPOLOGIES: readonly Topology[] = ['mesh', 'hub'];
export const DEFAULT_SITES: readonly string[] = ['internal', 'external'];
export const MIN_SITES = 2;
export const MAX_SITES = 6;
const SITE_NAME = /^[a-z0-9-]{1,20}$/;

/** what is wrong with a list of site names (null: nothing) — shared by startSandbox and `npm start -- --sites` */
export function siteNamesProblem(names: readonly string[]): string | null {
  const bad = names.find((n) => !SITE_NAME.test(n));
  if (bad !== undefined) return `site name '${bad}' is not 1 to 20 lower-case letters, digits or hyphens`;
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) return `site name '${twice}' is given twice`;
  if (names.length < MIN_SITES || names.length > MAX_SITES) return `the sandbox runs ${MIN_SITES} to ${MAX_SITES} sites (got ${names.length})`;
  return null;
}

/** the pairs a topology connects, as [inviter, accepter] indexes into the site list */
export function topologyPairs(count: number, topology: Topology): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) if (topology === 'mesh' || a === 0) pairs.push([a, b]);
  }
  return pairs;
}

/** a site's seeded project as a scope (quoted: "INT" is a reserved JQL word, as on Jira Cloud) */
export const siteScopeJql = (siteName: string): string => `project = "${seedProject(siteName).key}"`;

const isDefaultPair = (siteNames: readonly string[]): boolean => siteNames.length === 2 && siteNames[0] === 'internal' && siteNames[1] === 'external';

/**
 * the scope a site sends on its connections: its own project. The default two-site sandbox keeps
 * what it always had: internal sends INT, external sends nothing new (its twins of INT issues sync back)
 */
export function sandboxScopeJql(siteNames: readonly string[], siteName: string): string | null {
  return isDefaultPair(siteNames) && siteName === 'external' ? null : siteScopeJql(siteName);
}

/** the files the sandbox owns in a data folder (deleted by `reset`): every site's, every installation's, the platform clock */
function isSandboxDataFile(name: string): boolean {
  return /^(jira|forge)-[a-z0-9-]{1,20}\.sqlite(-wal|-shm|-journal)?$/.test(name) || name === CLOCK_FILE || name === `${CLOCK_FILE}.tmp`;
}

const ResolverErrorSchema = z.looseObject({ error: z.looseObject({ code: z.string().optional(), message: z.string() }) });
const InvitationSchema = z.looseObject({ code: z.string().min(1), connectionId: z.string().min(1) });
const ConnectionListSchema = z.array(z.looseObject({ id: z.string(), name: z.string(), remoteSiteUrl: z.string().nullable().optional() }));

/**
 * connect two installations through the app's admin resolvers: `inviter` invites, `accepter` accepts;
 * each side sends the scope `scopeOf` gives (direction both, later wins). False when an earlier run had
 * connected them: the inviter lists a connection this step names (`a ↔ b`, also a pending one) or one
 * to the accepter's URL
 */
async function connectInstallations(inviter: Installation, accepter: Installation, scopeOf: (siteName: string) => string | null): Promise<boolean> {
  const name = `${inviter.siteName} ↔ ${accepter.siteName}`;
  const step = async (inst: Installation, functionKey: string, payload: unknown): Promise<unknown> => {
    const failed = (why: string): Error => new Error(`connecting the sites failed at ${inst.siteName}.${functionKey}: ${why} (start with --no-connect to skip this step)`);
    let result: unknown;
    try {
      result = await inst.invoke(ADMIN_MODULE, functionKey, payload);
    } catch (e) {
      throw failed(e instanceof Error ? e.message : String(e));
    }
    // the app's resolvers answer expected failures as `{error: {code, message}}` values
    const refusal = ResolverErrorSchema.safeParse(result);
    if (refusal.success) throw failed(`${refusal.data.error.code ?? 'error'}: ${refusal.data.error.message}`);
    return result;
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new Error(`connecting the sites failed: ${what} answered an unexpected shape: ${z.prettifyError(r.error)}`);
    return r.data;
  };
  const list = async (): Promise<z.infer<typeof ConnectionListSchema>> =>
    parse(ConnectionListSchema, await step(inviter, 'listConnections', {}), `${inviter.siteName}.listConnections`);
  // connected in an earlier run (persisted data)
  if ((await list()).some((c) => c.name === name || c.remoteSiteUrl === accepter.siteUrl)) return false;
  const { code, connectionId } = parse(InvitationSchema, await step(inviter, 'createInvitation', { name }), `${inviter.siteName}.createInvitation`);
  const accepterScope = scopeOf(accepter.siteName);
  await step(accepter, 'acceptInvitation', accepterScope === null ? { code } : { code, scopeJql: accepterScope });
  if (!(await list()).some((c) => c.id === connectionId)) {
    throw new Error(`connecting the sites failed: ${inviter.siteName} has no connection to ${accepter.siteName} after the invitation was accepted`);
  }
  await step(inviter, 'updateConnection', { id: connectionId, direction: 'both', scopeJql: scopeOf(inviter.siteName), conflictPolicy: 'latest-wins' });
  return true;
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<Sandbox> {
  const appRoot = opts.appRoot ?? REPO_ROOT;
  const siteNames = [...(opts.sites ?? DEFAULT_SITES)];
  const namesProblem = siteNamesProblem(siteNames);
  if (namesProblem !== null) throw new Error(`sites: ${namesProblem}`);
  const topology = opts.topology ?? 'mesh';
  if (!TOPOLOGIES.includes(topology)) throw new Error(`topology must be one of ${TOPOLOGIES.join(', ')} (got ${String(topology)})`);
  const portBase = opts.portBase ?? DEFAULT_PORT_BASE;
  const maxPortBase = 65535 - siteNames.length;
  if (!Number.isInteger(portBase) || portBase < 0 || portBase > maxPortBase) throw new Error(`portBase must be an integer from 0 to ${maxPortBase} (got ${portBase})`);
  const dataDir = opts.memory ? null : path.resolve(opts.dataDir ?? path.join(appRoot, '.sandbox'));
  let unlock = (): void => undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    // one sandbox per data folder: a second one would silently share (and corrupt) the first one's data
    unlock = lockDataFolder(dataDir);
    if (opts.reset && existsSync(dataDir)) {
      for (const name of readdirSync(dataDir)) if (isSandboxDataFile(name)) rmSync(path.join(dataDir, name), { force: true });
    }
  }
  const log = opts.log ?? ((): void => undefined);
  const platform = new ForgePlatform({
    appRoot, dataDir, allowMissingResources: !(opts.strictResources ?? false), log,
    ...(opts.retryBackoffScale !== undefined ? { retryBackoffScale: opts.retryBackoffScale } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.forge?.limits !== undefined ? { limits: opts.forge.limits } : {}),
    ...(opts.forge?.quotaScale !== undefined ? { quotaScale: opts.forge.quotaScale } : {}),
  });
  const started: JiraSite[] = [];
  const pool = new PointsPool();
  try {
    const { warnings } = await platform.start();
    for (const w of warnings) log(`manifest warning: ${w}`);
    const startSite = async (name: string, offset: number): Promise<JiraSite> => {
      const site = JiraSite.create({
        name, db: dataDir ? path.join(dataDir, `jira-${name}.sqlite`) : ':memory:', seed: 'default',
        // one clock for the platform and the sites: platform.advance() moves rate-limit windows and the index lag too
        now: () => platform.scheduler.now(),
        ...(opts.jira?.searchIndexLagMs !== undefined ? { searchIndexLagMs: opts.jira.searchIndexLagMs } : {}),
        // Tier 1's quota is one pool for the app across every site it is installed on (sandbox/jira/README.md)
        rateLimits: opts.jira?.rateLimits === false ? false : { ...(opts.jira?.rateLimits ?? {}), quota: opts.jira?.rateLimits?.quota === false ? false : { pool, ...(opts.jira?.rateLimits?.quota ?? {}) } },
      });
      started.push(site);
      await site.listen(portBase === 0 ? 0 : portBase + offset, '127.0.0.1');
      return site;
    };
    const sites: JiraSite[] = [];
    for (const [i, name] of siteNames.entries()) sites.push(await startSite(name, 1 + i));
    const installations: Installation[] = [];
    for (const site of sites) installations.push(await platform.install(site));
    const creds = (site: JiraSite): SiteCredentials => {
      const admin: JiraAccountCredentials = site.admin;
      return { url: site.baseUrl ?? '', email: admin.email, apiToken: admin.apiToken };
    };
    const all: Record<string, SandboxSite> = {};
    sites.forEach((site, i) => {
      const installation = installations[i];
      if (!installation) throw new Error(`site ${site.name} has no installation`);
      all[site.name] = {
        name: site.name, site, installation, url: site.baseUrl ?? '', credentials: creds(site),
        projectKey: seedProject(site.name).key, scopeJql: sandboxScopeJql(siteNames, site.name),
      };
    });
    const of = (name: string): SandboxSite => {
      const found = all[name];
      if (!found) throw new Error(`the sandbox has no site '${name}' (its sites: ${siteNames.join(', ')}); start it with sites: [...] / --sites to have one`);
      return found;
    };
    if (opts.customUi ?? true) {
      const host = createCustomUiHost({
        appRoot,
        siteContext: (name) => {
          const which = all[name];
          return which ? { cloudId: which.installation.cloudId, accountId: which.site.admin.accountId } : undefined;
        },
      });
      for (const site of sites) {
        site.mount('/_sandbox/ui/', host.handler);
        site.setUiExtensions(host.extensions(site.name));
      }
    }
    // every site answers over HTTP before anything is reported ready
    for (const site of sites) {
      const res = await fetch(`${site.baseUrl ?? ''}/_sandbox/idle`);
      if (!res.ok) throw new Error(`site ${site.name} does not answer at ${site.baseUrl ?? '?'} (HTTP ${res.status})`);
      await res.body?.cancel();
    }
    if (opts.connect ?? true) {
      let earlier = false;
      for (const [a, b] of topologyPairs(siteNames.length, topology)) {
        const inviter = installations[a];
        const accepter = installations[b];
        if (!inviter || !accepter) throw new Error(`no installation for the pair ${a}–${b}`);
        if (!(await connectInstallations(inviter, accepter, (name) => sandboxScopeJql(siteNames, name)))) earlier = true;
      }
      // fresh connections settle completely before the sandbox is ready. On a data folder of an
      // earlier run, what it left (product events and queue events waiting up to 900 s for their retry
      // or delay) is left to the clock: ready once nothing runs or is due now
      if (!earlier) await platform.waitForIdle();
      else await platform.waitForSettled();
    }
    let closed: Promise<void> | undefined;
    // the two default sites by name, as most tests read them; a sandbox without one throws on reading it
    const perDefaultSite = <T>(pick: (s: SandboxSite) => T): PerDefaultSite<T> => ({
      get internal() { return pick(of('internal')); },
      get external() { return pick(of('external')); },
    });
    return {
      sites: perDefaultSite((s) => s.site),
      platform,
      installations: perDefaultSite((s) => s.installation),
      urls: perDefaultSite((s) => s.url),
      credentials: perDefaultSite((s) => s.credentials),
      siteNames,
      topology,
      all,
      of,
      waitForIdle: () => platform.waitForIdle(),
      close: () => {
        closed ??= (async () => {
          try {
            await platform.close();
            for (const s of started) await s.close();
          } finally {
            unlock();
          }
        })();
        return closed;
      },
    };
  } catch (e) {
    await platform.close();
    for (const s of started) await s.close().catch(() => undefined);
    unlock();
    throw e;
  }
}

/** the one line `npm start` prints when the sandbox is ready: every site, in order, with its URL and admin credentials */
export function readyLine(sb: Pick<Sandbox, 'siteNames' | 'of'>): string {
  const sites = sb.siteNames.map((name) => {
    const c = sb.of(name).credentials;
    return `${name} ${c.url} (${c.email} / ${c.apiToken})`;
  });
  return `Twin Sync sandbox ready: ${sites.join(', ')}`;
}
