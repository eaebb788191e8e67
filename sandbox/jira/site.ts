import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JiraAccountCredentials, JiraFault, JiraRateLimitOptions, JiraSiteApi, JiraSiteOptions, JournaledProductEvent, MountedHandler, ProductEventJournalInfo, SiteUiExtensions } from './contract';
import { EventBus } from './event-bus';
import { parseBasicAuth } from './http/basic-auth';
import { AttachmentSettingsStore, type AttachmentSettings } from './attachments';
import { controlRoutes, CONTROL_PREFIX } from './control-routes';
import { parseJson, readBody, readRawBody, sendBytes, sendEmpty, sendJson } from './http/io';
import { JiraError } from './http/jira-error';
import { Router, type Reply } from './http/router';
import { DEFAULT_SEARCH_INDEX_LAG_MS, IssueIndex } from './issue-index';
import { IssueService } from './issue-service';
import { IssueView } from './issue-view';
import { compileJql } from './jql';
import { MEDIA_PATH_PREFIX, MediaTokens, serveMedia } from './media';
import { Renderer } from './render';
import { RateLimiter, type RateLimitedRequest } from './rate-limits/rate-limiter';
import { attachmentRoutes } from './rest/attachment-routes';
import { componentRoutes } from './rest/component-routes';
import { linkRoutes } from './rest/link-routes';
import { versionRoutes } from './rest/version-routes';
import { IssueLinkView } from './issue-links';
import { ProjectPartsView } from './project-parts';
import { IssueLinkStore } from './storage/link-store';
import { ProjectPartsStore } from './storage/project-parts-store';
import { issueRoutes } from './rest/issue-routes';
import { metaRoutes } from './rest/meta-routes';
import { customFieldRoutes } from './rest/custom-field-routes';
import { permissionRoutes } from './rest/permission-routes';
import { remoteLinkRoutes } from './rest/remote-link-routes';
import { searchRoutes } from './rest/search-routes';
import type { Services } from './rest/services';
import { ensureAdmin, ensurePeople, ensureUser, seedDefault } from './seed';
import { Accounts, makeAccountId } from './storage/accounts';
import { AttachmentStore } from './storage/attachment-store';
import { Catalog } from './storage/catalog';
import { Counters, openDb, type Db } from './storage/db';
import { EventJournal } from './storage/event-journal';
import { IssueStore } from './storage/issue-store';
import { RemoteLinkStore } from './storage/remote-link-store';
import { serveUi } from './ui';
import type { AccountRecord, EmailVisibility } from './storage/records';

const REST_PREFIX = '/rest/api/3/';

/** A failure the site answers instead of serving matching REST requests (for retry tests). */
export type { JiraFault } from './contract';
const UNAUTHORIZED = new JiraError(401, ['Client must be authenticated to access this resource.']);

/**
 * Marks a request as an app's although it carries a person's credentials: a Forge app's asUser()
 * call, which the sandbox's Forge platform sends with the invoking person's Basic auth. Its value is
 * the app account's id on this site; the request then counts against that app's points quota, as
 * Jira counts every Forge app request (a sandbox header, never sent by Jira).
 */
export const APP_ON_BEHALF_HEADER = 'x-sandbox-app-account';

/** A seeded person: credentials, display name and who may see their email */
export interface JiraPerson extends JiraAccountCredentials {
  displayName: string;
  emailVisibility: EmailVisibility;
}

/** One emulated Jira Cloud site: SQLite storage, Basic auth, REST v3, product events, web UI. */
export class JiraSite implements JiraSiteApi {
  readonly name: string;
  readonly admin: JiraAccountCredentials;
  readonly user: JiraAccountCredentials;
  private url: string | null = null;
  private server: Server | null = null;
  private readonly db: Db;
  private readonly counters: Counters;
  private readonly accounts: Accounts;
  private readonly catalog: Catalog;
  private readonly store: IssueStore;
  private readonly index: IssueIndex;
  private readonly bus = new EventBus();
  private readonly journal: EventJournal;
  private readonly router = new Router();
  private readonly mounts: { prefix: string; handler: MountedHandler }[] = [];
  private readonly now: () => number;
  private readonly services: Services;
  private readonly limits: RateLimiter;
  private readonly seededPeople: readonly JiraPerson[];
  private readonly attachments: AttachmentStore;
  private readonly attachmentSettingsStore: AttachmentSettingsStore;
  private readonly media: MediaTokens;
  private extensions: SiteUiExtensions = {};
  private faults: (JiraFault & { left: number; seen: number })[] = [];
  private requestCount = 0;
  /** origin of the last request, for `self` links while the site is served by another server (handle() without listen()) */
  private lastOrigin: string | null = null;
  private byRoute: Record<string, number> = {};

  private constructor(opts: JiraSiteOptions) {
    this.name = opts.name;
    this.now = opts.now ?? Date.now;
    this.db = openDb(opts.db);
    this.counters = new Counters(this.db);
    this.accounts = new Accounts(this.db);
    this.catalog = new Catalog(this.db, this.counters, opts.name);
    const [admin, user, people] = this.db.transaction(() => {
      const a = ensureAdmin(opts.name, this.accounts);
      const u = ensureUser(opts.name, this.accounts);
      const others = ensurePeople(opts.name, this.accounts);
      if ((opts.seed ?? 'default') === 'default') seedDefault(opts.name, this.db, this.counters, this.catalog, a);
      this.catalog.ensureDefaultResolutions();
      return [a, u, others] as const;
    })();
    this.seededPeople = [admin, user, ...people].map((p) => ({
      accountId: p.accountId, email: p.email, apiToken: p.apiToken, displayName: p.displayName, emailVisibility: p.emailVisibility,
    }));
    this.limits = new RateLimiter(opts.rateLimits, this.now);
    this.catalog.reload();
    this.admin = { accountId: admin.accountId, email: admin.email, apiToken: admin.apiToken };
    this.user = { accountId: user.accountId, email: user.email, apiToken: user.apiToken };
    this.store = new IssueStore(this.db, this.counters);
    // issue link types and links, components and versions (issue-links.ts, project-parts.ts); Jira Cloud's
    // default link types are on every site, also with seed 'none' and on older files (README, "Issue links")
    const links = new IssueLinkStore(this.db, this.counters);
    this.db.transaction(() => links.ensureDefaultLinkTypes())();
    const parts = new ProjectPartsStore(this.db, this.counters);
    this.index = new IssueIndex(this.store, this.catalog, this.now, opts.searchIndexLagMs ?? DEFAULT_SEARCH_INDEX_LAG_MS);
    this.index.load();
    const render = new Renderer(() => this.origin(), this.catalog, this.accounts);
    this.attachments = new AttachmentStore(this.db, this.counters);
    this.attachmentSettingsStore = new AttachmentSettingsStore(this.db, opts.attachments);
    this.media = new MediaTokens(this.db, this.now);
    const linkView = new IssueLinkView(render, this.catalog, this.store, links);
    const partsView = new ProjectPartsView(render, this.catalog, this.accounts, parts, this.now);
    const view = new IssueView(this.store, this.catalog, render, this.attachments, linkView, partsView);
    this.journal = new EventJournal(this.db, this.now);
    const issues = new IssueService(this.db, this.store, this.catalog, this.accounts, this.index, this.bus, render, this.now, this.journal, this.attachments, links, parts);
    this.services = {
      siteName: this.name, adminAccountId: admin.accountId, baseUrl: () => this.origin(), now: this.now,
      db: this.db, catalog: this.catalog, accounts: this.accounts, store: this.store, index: this.index, issues, view, render,
      attachments: this.attachments, attachmentSettings: this.attachmentSettingsStore, media: this.media,
      links, linkView, parts, partsView,
      compileJql,
    };
    issueRoutes(this.router, this.services);
    metaRoutes(this.router, this.services);
    customFieldRoutes(this.router, this.services);
    searchRoutes(this.router, this.services);
    permissionRoutes(this.router, this.services);
    remoteLinkRoutes(this.router, this.services, new RemoteLinkStore(this.db, this.counters));
    attachmentRoutes(this.router, this.services);
    linkRoutes(this.router, this.services);
    componentRoutes(this.router, this.services);
    versionRoutes(this.router, this.services);
    // the site's own routes beside the REST API: the media host and the sandbox's attachment settings
    this.mount(MEDIA_PATH_PREFIX, async (req, res, url) => {
      serveMedia(req, res, url, this.media, this.attachments);
      return Promise.resolve();
    });
    this.mount(CONTROL_PREFIX, controlRoutes({ attachmentSettings: () => this.attachmentSettings(), setAttachmentSettings: (x) => this.setAttachmentSettings(x) }));
  }

  static create(opts: JiraSiteOptions): JiraSite {
    return new JiraSite(opts);
  }

  get baseUrl(): string | null {
    return this.url;
  }

  private origin(): string {
    return this.url ?? this.lastOrigin ?? `http://${this.name}.sandbox.invalid`;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error(`site ${this.name} is already listening at ${this.url ?? '?'}`);
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.fail(res, e));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address: AddressInfo | string | null = server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      });
    }
    if (this.db.open) this.db.close();
  }

  mount(prefix: string, handler: MountedHandler): void {
    this.mounts.push({ prefix, handler });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  onEvent(listener: (event: JournaledProductEvent) => void): () => void {
    return this.bus.subscribe(listener);
  }

  eventJournal(): ProductEventJournalInfo {
    return this.journal.info();
  }

  eventsAfter(afterSeq: number, limit?: number): JournaledProductEvent[] {
    return this.journal.after(afterSeq, limit);
  }

  createAppAccount(appName: string): JiraAccountCredentials {
    const slug = appName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'app';
    const email = `${slug}@app.${this.name}.test`;
    const account = this.db.transaction(() => this.accounts.ensure({
      accountId: makeAccountId(this.name, email), email, displayName: appName, accountType: 'app',
      apiToken: `app-${randomBytes(18).toString('base64url')}`, appName,
    }))();
    return { accountId: account.accountId, email: account.email, apiToken: account.apiToken };
  }

  credentialsFor(accountId: string): JiraAccountCredentials | null {
    const a = this.accounts.get(accountId);
    if (!a || !a.active || a.accountType !== 'atlassian') return null;
    return { accountId: a.accountId, email: a.email, apiToken: a.apiToken };
  }

  stats(): { requests: number; byRoute: Record<string, number>; rateLimited: Record<string, number> } {
    return { requests: this.requestCount, byRoute: { ...this.byRoute }, rateLimited: this.limits.refusals() };
  }

  resetStats(): void {
    this.requestCount = 0;
    this.byRoute = {};
    this.limits.resetRefusals();
  }

  /** every seeded person: admin and user (emails visible), then the people who hide theirs (README, "Seed") */
  get people(): readonly JiraPerson[] {
    return this.seededPeople;
  }

  /** replaces the rate limits (the JiraSiteOptions `rateLimits` setting); false: none. Counters start afresh */
  setRateLimits(options: JiraRateLimitOptions | false): void {
    this.limits.configure(options);
  }

  /** the points an app (by name, e.g. 'Twin Sync') used in the current UTC hour; null without a quota */
  pointsUsed(appName: string): number | null {
    return this.limits.pointsUsed(appName);
  }

  /** how long after a change JQL search sees it (ms on the site clock); 0 also shows every pending change now */
  setSearchIndexLag(ms: number): void {
    this.index.setLag(ms);
  }

  /** makes every change so far visible to JQL search now, as if the lag had passed */
  settleSearchIndex(): void {
    this.index.settleAll();
  }

  setUiExtensions(ext: SiteUiExtensions): void {
    this.extensions = ext;
  }

  /** as `GET /rest/api/3/attachment/meta` answers: `{enabled, uploadLimit}` */
  attachmentSettings(): AttachmentSettings {
    return this.attachmentSettingsStore.get();
  }

  /** e.g. `{ uploadLimit: 5 * 1024 * 1024 }`; kept in the site's database; throws on a value Jira Cloud does not allow */
  setAttachmentSettings(settings: Partial<AttachmentSettings>): AttachmentSettings {
    return this.attachmentSettingsStore.set(settings);
  }

  /**
   * Makes the next matching REST requests fail (after authentication, before anything is read or
   * written), as Jira Cloud does when rate limiting (429 with Retry-After) or failing (5xx).
   */
  injectFault(fault: JiraFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`injectFault: times must be a positive integer, got ${String(fault.times)}`);
    if (fault.status < 400 || fault.status > 599) throw new Error(`injectFault: status must be 4xx or 5xx, got ${fault.status}`);
    const every = fault.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new Error(`injectFault: every must be a positive integer, got ${String(fault.every)}`);
    this.faults.push({ ...fault, left: times, seen: 0 });
  }

  /** the number of issues stored (for benchmarks and tests) */
  issueCount(): number {
    return this.index.size;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url ?? `http://${req.headers.host ?? 'localhost'}`);
      if (!this.url) this.lastOrigin = url.origin;
      const mounted = this.mounts.find((m) => url.pathname.startsWith(m.prefix));
      if (mounted) {
        await mounted.handler(req, res, url);
        return;
      }
      if (url.pathname.startsWith(REST_PREFIX)) {
        await this.rest(req, res, url);
        return;
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (await serveUi(req, res, url, { siteName: this.name, baseUrl: this.url ?? url.origin, admin: this.admin, extensions: this.extensions })) return;
      }
      sendJson(res, 404, { errorMessages: [`No page or resource at ${url.pathname}.`], errors: {} });
    } catch (e) {
      this.fail(res, e);
    }
  }

  private async rest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.router.match(method, url.pathname);
    const template = match === undefined || match === 'method-not-allowed' ? `${url.pathname.split('/').slice(0, 5).join('/')}/<unknown>` : match.template;
    this.requestCount += 1;
    this.byRoute[`${method} ${template}`] = (this.byRoute[`${method} ${template}`] ?? 0) + 1;

    const hasBody = !(method === 'GET' || method === 'HEAD' || method === 'DELETE');
    const rawLimit = match !== undefined && match !== 'method-not-allowed' ? match.options.rawBody : undefined;
    // a route that reads bytes (attachments) has its own limit; a longer body is drained, and rawBody() answers null
    const raw = hasBody && rawLimit !== undefined ? await readRawBody(req, rawLimit()) : null;
    const text = hasBody && rawLimit === undefined ? await readBody(req) : '';
    const actor = this.authenticate(req);
    if (!actor) throw UNAUTHORIZED;
    if (match === undefined) throw JiraError.notFound(`No REST resource at ${method} ${url.pathname}.`);
    if (match === 'method-not-allowed') throw new JiraError(405, [`Method ${method} is not allowed for ${url.pathname}.`]);
    const isApp = actor.accountType === 'app' || this.appOf(actor, req) !== null;
    const matching = this.faults.find((f) => (f.route === '*' || f.route === `${method} ${template}`) && (!f.onlyApps || isApp));
    if (matching) matching.seen += 1;
    const fault = matching && matching.seen % (matching.every ?? 1) === 0 ? matching : undefined;
    if (fault) {
      fault.left -= 1;
      if (fault.left === 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      if (fault.status === 429) res.setHeader('RateLimit-Reason', 'jira-quota-global-based');
      const message = fault.status === 429 ? 'Rate limit exceeded.' : `Injected failure (HTTP ${fault.status}).`;
      sendJson(res, fault.status, { errorMessages: [message], errors: {} });
      return;
    }
    const limited: RateLimitedRequest = { method, template, app: this.appOf(actor, req), issueId: this.issueIdOf(match.params) };
    const admission = this.limits.admit(limited);
    if (admission.refusal !== null) {
      for (const [name, value] of Object.entries(admission.refusal.headers)) res.setHeader(name, value);
      sendJson(res, admission.refusal.status, admission.refusal.body);
      return;
    }
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let parsed: { value: unknown } | undefined;
    let reply: Reply;
    try {
      reply = match.handler({
        actor, params: match.params, query: url.searchParams, url, headers: req.headers,
        rawBody: () => (raw === null ? Buffer.from(text) : raw.tooLarge ? null : raw.bytes),
        body: () => {
          if (parsed) return parsed.value;
          if (contentType !== '' && !contentType.includes('json')) throw new JiraError(415, [`Unsupported Media Type: the request body must be application/json, not ${contentType}.`]);
          parsed = { value: parseJson(text) };
          return parsed.value;
        },
      });
    } catch (e) {
      // a refused request still counts (the points quota's base point): settle, then answer the error as before
      const status = e instanceof JiraError ? e.status : 500;
      for (const [name, value] of Object.entries(this.limits.settle(limited, status, undefined))) res.setHeader(name, value);
      throw e;
    }
    for (const [name, value] of Object.entries(this.limits.settle(limited, reply.status, reply.body))) res.setHeader(name, value);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.raw !== undefined) sendBytes(res, reply.status, reply.raw.bytes, reply.raw.contentType);
    else if (reply.body === undefined) sendEmpty(res, reply.status);
    else sendJson(res, reply.status, reply.body);
  }

  /** the app whose points quota a request counts against: an app account's own, or an asUser() call marked with APP_ON_BEHALF_HEADER */
  private appOf(actor: AccountRecord, req: IncomingMessage): string | null {
    if (actor.accountType === 'app') return actor.appName ?? actor.accountId;
    const marked = req.headers[APP_ON_BEHALF_HEADER];
    const app = typeof marked === 'string' ? this.accounts.get(marked) : undefined;
    return app !== undefined && app.accountType === 'app' ? (app.appName ?? app.accountId) : null;
  }

  /** the stored issue a route's {issueIdOrKey} names, for the per-issue write limit */
  private issueIdOf(params: Record<string, string>): number | null {
    const idOrKey = params.issueIdOrKey;
    return idOrKey === undefined ? null : (this.store.issue(idOrKey)?.id ?? null);
  }

  private authenticate(req: IncomingMessage): AccountRecord | undefined {
    const creds = parseBasicAuth(req.headers.authorization);
    return creds ? this.accounts.authenticate(creds.email, creds.token) : undefined;
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy(e instanceof Error ? e : undefined);
      return;
    }
    if (e instanceof JiraError) {
      if (e.status === 401) res.setHeader('www-authenticate', 'Basic realm="Jira sandbox"');
      sendJson(res, e.status, e.body());
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`[jira ${this.name}] internal error: ${e instanceof Error ? (e.stack ?? message) : message}\n`);
    sendJson(res, 500, { errorMessages: [`Internal server error: ${message}`], errors: {} });
  }
}
