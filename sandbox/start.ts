import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { lockDataFolder } from './data-lock';
import { createCustomUiHost } from './forge/custom-ui/custom-ui-host';
import { CLOCK_FILE, ForgePlatform, type ForgePlatformOptions, type Installation } from './forge/platform';
import type { JiraAccountCredentials, JiraSiteApi, JiraSiteOptions } from './jira/contract';
import { PointsPool } from './jira/rate-limits/points-pool';
import { JiraSite } from './jira/site';

/**
 * The whole sandbox: two emulated Jira sites (`internal`, `external`), the local Forge platform
 * with the app installed on both, and (by default) the two installations connected through the
 * app's own admin resolvers — what `npm start` runs.
 */
export interface StartSandboxOptions {
  /** site internal listens on portBase+1, external on portBase+2; 0 = random free ports. Default 7100 */
  portBase?: number;
  /** keep nothing on disk */
  memory?: boolean;
  /** data folder (default `.sandbox/` in the app root) */
  dataDir?: string;
  /** delete the sandbox's data files in the data folder first */
  reset?: boolean;
  /** connect the two installations (default true) */
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

export interface Sandbox {
  sites: { internal: JiraSiteApi; external: JiraSiteApi };
  platform: ForgePlatform;
  installations: { internal: Installation; external: Installation };
  urls: { internal: string; external: string };
  credentials: { internal: SiteCredentials; external: SiteCredentials };
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PORT_BASE = 7100;
export const ADMIN_MODULE = 'twin-sync-admin';
/** the internal site's scope ("INT" is a reserved JQL word, so it is quoted, as on Jira Cloud) */
export const SANDBOX_SCOPE_JQL = 'project = "INT"';
export const REPO_ROOT = path.resolve(__dirname, '..');

type SiteName = 'internal' | 'external';

/** the files the sandbox owns in a data folder (deleted by `reset`): the sites', the installations', the platform clock */
function isSandboxDataFile(name: string): boolean {
  return /^(jira|forge)-(internal|external)\.sqlite(-wal|-shm|-journal)?$/.test(name) || name === CLOCK_FILE || name === `${CLOCK_FILE}.tmp`;
}

const ResolverErrorSchema = z.looseObject({ error: z.looseObject({ code: z.string().optional(), message: z.string() }) });
const InvitationSchema = z.looseObject({ code: z.string().min(1) });
const ConnectionListSchema = z.array(z.looseObject({ id: z.string(), remoteSiteName: z.string().optional() }));

/** connect the two installations through the app's admin resolvers; false when an earlier run had connected them */
async function connectInstallations(internal: Installation, external: Installation): Promise<boolean> {
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
  const existing = parse(ConnectionListSchema, await step(internal, 'listConnections', {}), 'internal.listConnections');
  if (existing.length > 0) return false; // connected in an earlier run (persisted data)
  const { code } = parse(InvitationSchema, await step(internal, 'createInvitation', { name: 'internal ↔ external' }), 'internal.createInvitation');
  await step(external, 'acceptInvitation', { code });
  const connections = parse(ConnectionListSchema, await step(internal, 'listConnections', {}), 'internal.listConnections');
  const connection = connections[0];
  if (!connection) throw new Error('connecting the sites failed: internal has no connection after the invitation was accepted');
  await step(internal, 'updateConnection', { id: connection.id, direction: 'both', scopeJql: SANDBOX_SCOPE_JQL, conflictPolicy: 'latest-wins' });
  return true;
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<Sandbox> {
  const appRoot = opts.appRoot ?? REPO_ROOT;
  const portBase = opts.portBase ?? DEFAULT_PORT_BASE;
  if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65533) throw new Error(`portBase must be an integer from 0 to 65533 (got ${portBase})`);
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
    const startSite = async (name: SiteName, offset: number): Promise<JiraSite> => {
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
    const sites = { internal: await startSite('internal', 1), external: await startSite('external', 2) };
    const installations = { internal: await platform.install(sites.internal), external: await platform.install(sites.external) };
    if (opts.customUi ?? true) {
      const host = createCustomUiHost({
        appRoot,
        siteContext: (name) => {
          const which = name === 'internal' || name === 'external' ? name : undefined;
          return which ? { cloudId: installations[which].cloudId, accountId: sites[which].admin.accountId } : undefined;
        },
      });
      for (const site of [sites.internal, sites.external]) {
        site.mount('/_sandbox/ui/', host.handler);
        site.setUiExtensions(host.extensions(site.name));
      }
    }
    // both sites answer over HTTP before anything is reported ready
    for (const site of [sites.internal, sites.external]) {
      const res = await fetch(`${site.baseUrl ?? ''}/_sandbox/idle`);
      if (!res.ok) throw new Error(`site ${site.name} does not answer at ${site.baseUrl ?? '?'} (HTTP ${res.status})`);
      await res.body?.cancel();
    }
    if (opts.connect ?? true) {
      const connected = await connectInstallations(installations.internal, installations.external);
      // a fresh connection settles completely before the sandbox is ready. On a data folder of an
      // earlier run, what it left (product events and queue events waiting up to 900 s for their retry
      // or delay) is left to the clock: ready once nothing runs or is due now
      if (connected) await platform.waitForIdle();
      else await platform.waitForSettled();
    }
    const creds = (site: JiraSite): SiteCredentials => {
      const admin: JiraAccountCredentials = site.admin;
      return { url: site.baseUrl ?? '', email: admin.email, apiToken: admin.apiToken };
    };
    let closed: Promise<void> | undefined;
    return {
      sites,
      platform,
      installations,
      urls: { internal: sites.internal.baseUrl ?? '', external: sites.external.baseUrl ?? '' },
      credentials: { internal: creds(sites.internal), external: creds(sites.external) },
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

/** the one line `npm start` prints when the sandbox is ready */
export function readyLine(sb: Sandbox): string {
  const c = sb.credentials;
  return `Twin Sync sandbox ready: internal ${c.internal.url} (${c.internal.email} / ${c.internal.apiToken}), external ${c.external.url} (${c.external.email} / ${c.external.apiToken})`;
}
