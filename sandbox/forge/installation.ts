import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { JiraAccountCredentials, JiraProductEvent, JiraSiteApi } from '../jira/contract';
import { checkAppRequest } from '../jira/scopes/scope-check';
import { AsyncQueue, DEAD_LETTER_PREFIX, JobRequestSchema, type AsyncEvent, type DeadLetter } from './async-queue';
import { handleKvsRequest } from './kvs-api';
import { KvsStore } from './kvs-store';
import type { LoadedManifest } from './manifest';
import { ProductEventDelivery, type TriggerMatch } from './product-events';
import { platformFetch, type ForgeFetchInit, type ForgeFetchTarget, type InvocationContext } from './runtime-context';
import { nextGridPoint, type Scheduler } from './scheduler';

/** The kinds of invocation, with Forge's time limits (a consumer uses its function's timeoutSeconds). */
export type InvocationKind = 'trigger' | 'webtrigger' | 'consumer' | 'scheduled' | 'resolver';

export interface InvokeOptions {
  accountId?: string;
}

/** What an installation needs from the platform that runs it. */
export interface PlatformServices {
  readonly loaded: LoadedManifest;
  readonly scheduler: Scheduler;
  readonly backoffScale: number;
  /** run a function of the app for `inst`; rejects on error or timeout */
  invokeFunction(inst: InstallationRuntime, kind: InvocationKind, moduleKey: string, functionKey: string, payload: unknown, accountId: string | undefined): Promise<unknown>;
  /** the platform's pending count changed */
  changed(): void;
  log(line: string): void;
}

/** How product events reach the app's trigger modules (the platform's manifest filters). */
export interface TriggerRouting {
  /** the trigger modules the event goes to (events, filter.expression, ignoreSelf) with their payloads */
  match(inst: InstallationRuntime, event: JiraProductEvent): TriggerMatch[];
  /** the function of a trigger module of the manifest, or undefined */
  functionOf(moduleKey: string): string | undefined;
}

/** One installation of the app on one emulated site. */
export interface InstallationInfo {
  id: string;
  cloudId: string;
  siteName: string;
  siteUrl: string;
  appAccountId: string;
}

/** The app installed on one site, as tests, benchmarks and `npm start` see it. */
export interface Installation extends InstallationInfo {
  /** call a resolver function of a module (as the site admin unless `accountId` is given) */
  invoke(moduleKey: string, functionKey: string, payload: unknown, opts?: InvokeOptions): Promise<unknown>;
  webTriggerUrl(moduleKey: string): Promise<string>;
  /** run a scheduled trigger now */
  runScheduled(moduleKey: string): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** KVS keys (not secrets) of this installation, for inspection */
  kvsKeys(prefix?: string): string[];
  /** the KVS value (not a secret) stored under `key`, or undefined, for inspection */
  kvsValue(key: string): unknown;
  /** the largest KVS value (not secrets) stored now, in bytes of its JSON */
  kvsLargestValue(): { key: string; bytes: number } | null;
  stats(): InstallationStats;
  resetStats(): void;
}

export interface InstallationStats {
  invocations: Record<string, number>;
  kvsOps: number;
  /** bytes the app's KVS reads answered and its writes sent */
  kvsBytesRead: number;
  kvsBytesWritten: number;
  /** requests that reached the site (refused ones never do) */
  productRequests: number;
  /** app requests to Jira refused for scopes, by "METHOD /template" (or "METHOD /path" when no operation matched) */
  scopeRefusals: Record<string, number>;
}

const DeadLetterSchema = z.strictObject({
  queueName: z.string(), eventId: z.string(), jobId: z.string(), body: z.record(z.string(), z.unknown()),
  attempts: z.number().int(), retryReason: z.string(), lastError: z.string(), failedAt: z.string(),
});
const GraphqlBody = z.looseObject({ query: z.string(), variables: z.record(z.string(), z.unknown()).optional() });
const WebTriggerInput = z.looseObject({ input: z.looseObject({ triggerKey: z.string() }) });

const META = z.strictObject({ installationId: z.string(), cloudId: z.string(), webTriggers: z.record(z.string(), z.string()) });

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function toHeaders(h: unknown): Headers {
  const out = new Headers();
  if (h instanceof Headers) {
    h.forEach((v, k) => out.append(k, v));
  } else if (Array.isArray(h)) {
    for (const pair of h) if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') out.append(pair[0], pair[1]);
  } else if (h !== null && typeof h === 'object') {
    for (const [k, v] of Object.entries(h)) {
      if (typeof v === 'string') out.append(k, v);
      else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.append(k, x);
    }
  }
  return out;
}

/** a Node stream (`stream.Readable`, or a legacy one such as the `form-data` package's CombinedStream): it has `pipe` */
interface PipeableBody {
  pipe(destination: NodeJS.WritableStream): unknown;
  getBoundary?: () => string;
}

function isPipeable(body: object): body is PipeableBody {
  return 'pipe' in body && typeof body.pipe === 'function';
}

/** every byte a Node stream produces, by piping it into a collector (works for legacy streams too) */
function collectStream(body: PipeableBody): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: unknown, _encoding, done) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk instanceof Uint8Array ? chunk : String(chunk)));
        done();
      },
    });
    sink.on('finish', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    sink.on('error', reject);
    if ('on' in body && typeof body.on === 'function') body.on('error', reject);
    body.pipe(sink);
  });
}

/**
 * The body of an app's Jira request, byte-exact, as `fetch` takes it. `@forge/api` hands `init` to
 * `__forge_fetch__` untouched (out/api/fetch.js, `__fetchProduct`: `global.__forge_fetch__(target,
 * path, init)`), so whatever the app passed arrives here:
 * - string, URLSearchParams, Blob/File and FormData go to `fetch` as they are: it writes their bytes
 *   and, when the app set no Content-Type, their type (FormData: `multipart/form-data; boundary=…`; an
 *   app that sets `Content-Type: multipart/form-data` itself sends no boundary, as it would on Forge);
 * - ArrayBuffer and any ArrayBufferView (Uint8Array, Buffer, DataView) are sent as their bytes;
 * - a web ReadableStream or a Node stream is read to its end first (`fetch` would need `duplex`); a
 *   stream with `getBoundary()` (the `form-data` package the spec's Forge example uses) gets
 *   `multipart/form-data; boundary=…` when the app set no Content-Type, as node-fetch does for it;
 * - anything else goes to `fetch` as given (which sends `String(body)`, as a real fetch would).
 */
export async function proxyBody(body: unknown, headers: Headers): Promise<BodyInit | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams || body instanceof Blob || body instanceof FormData) return body;
  // copies: the app may reuse its buffer once the call returns
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  if (ArrayBuffer.isView(body)) return new Uint8Array(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  if (body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer());
  if (typeof body === 'object' && isPipeable(body)) {
    if (typeof body.getBoundary === 'function' && !headers.has('content-type')) headers.set('content-type', `multipart/form-data; boundary=${body.getBoundary()}`);
    return collectStream(body);
  }
  return String(body);
}

/**
 * What Jira Cloud answers a Forge app whose scopes do not cover the operation, and an app request
 * to a path that is no operation: 401 `{"code":401,"message":"Unauthorized; scope does not match"}`,
 * with `x-failure-category: FAILURE_CLIENT_SCOPE_CHECK`. Observed on real sites:
 * https://community.atlassian.com/forums/Jira-Service-Management/Forge-code-401-message-Unauthorized-scope-does-not-match/qaq-p/3255119 (Forge, asApp and asUser),
 * https://community.developer.atlassian.com/t/forge-app-401-unauthorized-failure-client-scope-check-when-calling-ex-jira-cloudid-rest-api-3-project-search-from-webtrigger/96127 (the header),
 * https://support.atlassian.com/jira/kb/oauth-app-throwing-error-unauthorized-scope-does-not-match (a path that is no route);
 * "Calling an unsupported operation with asUser() returns a 401 error":
 * https://developer.atlassian.com/platform/forge/product-rest-api-reference/
 * `x-sandbox-refusal` is the sandbox's own: why, in words (never sent by Jira).
 */
function scopeRefusal(reason: string): Response {
  return new Response(JSON.stringify({ code: 401, message: 'Unauthorized; scope does not match' }), {
    status: 401,
    statusText: 'Unauthorized',
    headers: { 'content-type': 'application/json', 'x-failure-category': 'FAILURE_CLIENT_SCOPE_CHECK', 'x-sandbox-refusal': reason.replace(/[^\x20-\x7e]/g, '?') },
  });
}

function proxyError(status: number, code: string): Response {
  return new Response(JSON.stringify({ code, message: code }), { status, headers: { 'content-type': 'application/json', 'forge-proxy-error': code } });
}

export class InstallationRuntime implements InstallationInfo {
  readonly id: string;
  readonly cloudId: string;
  readonly siteName: string;
  readonly siteUrl: string;
  readonly appAccountId: string;
  readonly kvs: KvsStore;
  readonly queue: AsyncQueue;
  /** web trigger id → module key */
  readonly webTriggerIds: Map<string, string>;
  private readonly db: Database.Database;
  private readonly appAccount: JiraAccountCredentials;
  private invocations: Record<string, number> = {};
  private productRequests = 0;
  private scopeRefusals: Record<string, number> = {};
  /** `permissions.scopes` of the app's manifest: what every Jira request of the app is checked against */
  private readonly grantedScopes: readonly string[];
  private readonly log: (line: string) => void;
  private unsubscribe: () => void = () => undefined;
  /** product events owed to the trigger modules, recorded in this installation's file (product-events.ts) */
  readonly productEvents: ProductEventDelivery;
  private readonly scheduleStmts;

  constructor(readonly site: JiraSiteApi, services: PlatformServices, dbFile: string, triggers: TriggerRouting) {
    if (!site.baseUrl) throw new Error(`site '${site.name}' is not listening yet: call site.listen() before install()`);
    this.siteName = site.name;
    this.siteUrl = site.baseUrl;
    this.grantedScopes = services.loaded.scopes;
    this.log = (line) => services.log(line);
    this.db = new Database(dbFile);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const stored = this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'installation'").get();
    const webTriggerKeys = services.loaded.manifest.modules.webtrigger.map((w) => w.key);
    const meta = stored ? META.parse(JSON.parse(stored.value)) : { installationId: randomUUID(), cloudId: randomUUID(), webTriggers: {} };
    for (const key of webTriggerKeys) meta.webTriggers[key] ??= randomUUID();
    this.db.prepare("INSERT INTO meta (name, value) VALUES ('installation', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(JSON.stringify(meta));
    this.id = meta.installationId;
    this.cloudId = meta.cloudId;
    this.webTriggerIds = new Map(Object.entries(meta.webTriggers).filter(([k]) => webTriggerKeys.includes(k)).map(([k, id]) => [id, k]));
    this.appAccount = site.createAppAccount('Twin Sync');
    this.appAccountId = this.appAccount.accountId;
    this.kvs = new KvsStore(this.db, () => services.scheduler.now());
    const consumers = new Map(services.loaded.manifest.modules.consumer.map((c) => [c.queue, c]));
    this.queue = new AsyncQueue({
      db: this.db,
      scheduler: services.scheduler,
      backoffScale: services.backoffScale,
      hasConsumer: (q) => consumers.has(q),
      deliver: (event: AsyncEvent) => {
        const consumer = consumers.get(event.queueName);
        if (!consumer) return Promise.reject(new Error(`no consumer for queue '${event.queueName}'`));
        return services.invokeFunction(this, 'consumer', consumer.key, consumer.function, event, undefined);
      },
      writeDeadLetter: (letter) => {
        this.kvs.set('', `${DEAD_LETTER_PREFIX}${letter.queueName}:${letter.eventId}`, letter);
        services.log(`[${this.siteName}] dead letter on queue ${letter.queueName} after ${letter.attempts} attempts: ${letter.lastError}`);
      },
      changed: () => services.changed(),
    });
    this.productEvents = new ProductEventDelivery({
      db: this.db,
      scheduler: services.scheduler,
      backoffScale: services.backoffScale,
      source: site,
      match: (ev) => triggers.match(this, ev),
      hasModule: (key) => triggers.functionOf(key) !== undefined,
      invoke: (moduleKey, payload) => {
        const fn = triggers.functionOf(moduleKey);
        if (fn === undefined) return Promise.reject(new Error(`no trigger module '${moduleKey}' in manifest.yml`));
        return services.invokeFunction(this, 'trigger', moduleKey, fn, payload, undefined);
      },
      log: (line) => services.log(`[${this.siteName}] ${line}`),
      changed: () => services.changed(),
    });
    // scheduled triggers keep their cadence across restarts: the next due time per module
    this.db.exec('CREATE TABLE IF NOT EXISTS scheduled_triggers (module_key TEXT PRIMARY KEY, interval_ms INTEGER NOT NULL, next_due INTEGER NOT NULL)');
    this.scheduleStmts = {
      get: this.db.prepare<[string], { interval_ms: number; next_due: number }>('SELECT interval_ms, next_due FROM scheduled_triggers WHERE module_key = ?'),
      set: this.db.prepare<[string, number, number]>(`INSERT INTO scheduled_triggers (module_key, interval_ms, next_due) VALUES (?, ?, ?)
        ON CONFLICT (module_key) DO UPDATE SET interval_ms = excluded.interval_ms, next_due = excluded.next_due`),
    };
  }

  /** subscribe to the site's product events and deliver what is owed (recorded, or journaled since the last run) */
  start(): void {
    this.unsubscribe();
    this.unsubscribe = this.site.onEvent((ev) => this.productEvents.onEvent(ev));
    this.productEvents.start();
  }

  /**
   * the first run of a scheduled trigger from now: one interval after a fresh install (and after a
   * change of its interval); after a restart, the next point at or after `now` of the grid it ran on
   * before (no burst of the runs missed meanwhile, no reset to now + interval). Persisted.
   */
  firstScheduledRun(moduleKey: string, intervalMs: number, now: number): number {
    const stored = this.scheduleStmts.get.get(moduleKey);
    const due = stored && stored.interval_ms === intervalMs ? nextGridPoint(stored.next_due, intervalMs, now, 'at-or-after') : now + intervalMs;
    this.scheduleStmts.set.run(moduleKey, intervalMs, due);
    return due;
  }

  /** record the next due time of a scheduled trigger (before its current run starts) */
  setScheduledRun(moduleKey: string, intervalMs: number, due: number): void {
    this.scheduleStmts.set.run(moduleKey, intervalMs, due);
  }

  get contextAri(): string {
    return `ari:cloud:jira::site/${this.cloudId}`;
  }

  webTriggerUrlFor(moduleKey: string): string | undefined {
    for (const [id, key] of this.webTriggerIds) if (key === moduleKey) return `${this.siteUrl}/x1/${id}`;
    return undefined;
  }

  private kvsBytesRead = 0;
  private kvsBytesWritten = 0;

  countInvocation(moduleKey: string): void {
    this.invocations[moduleKey] = (this.invocations[moduleKey] ?? 0) + 1;
  }

  stats(): InstallationStats {
    return {
      invocations: { ...this.invocations }, kvsOps: this.kvs.opCount(), kvsBytesRead: this.kvsBytesRead, kvsBytesWritten: this.kvsBytesWritten,
      productRequests: this.productRequests, scopeRefusals: { ...this.scopeRefusals },
    };
  }

  resetStats(): void {
    this.invocations = {};
    this.productRequests = 0;
    this.scopeRefusals = {};
    this.kvs.resetOpCount();
    this.kvsBytesRead = 0;
    this.kvsBytesWritten = 0;
  }

  deadLetters(): DeadLetter[] {
    return this.kvs.query('', DEAD_LETTER_PREFIX, undefined, 1_000_000).items.map((it) => DeadLetterSchema.parse(it.value));
  }

  kvsValue(key: string): unknown {
    return this.kvs.get('', key)?.value;
  }

  kvsKeys(prefix = ''): string[] {
    return this.kvs.keys('').filter((k) => k.startsWith(prefix));
  }

  kvsLargestValue(): { key: string; bytes: number } | null {
    return this.kvs.largestValue('');
  }

  close(): void {
    this.unsubscribe();
    this.productEvents.close();
    this.queue.close();
    this.db.close();
  }

  /** `global.__forge_fetch__` for an invocation of this installation */
  async forgeFetch(ctx: InvocationContext, target: ForgeFetchTarget, path: string, init: ForgeFetchInit | undefined): Promise<Response> {
    if (target.type === 'kvs') {
      const response = await handleKvsRequest(this.kvs, path, init);
      // bytes as Forge bills them (https://developer.atlassian.com/platform/forge/forge-platform-pricing/):
      // reads by what they answer, writes by what they send
      if (/\/(get|query)$|\/batch\/get$|\/secret\/get$/.test(path.replace(/\?.*$/, ''))) this.kvsBytesRead += Buffer.byteLength(await response.clone().text());
      else this.kvsBytesWritten += typeof init?.body === 'string' ? Buffer.byteLength(init.body) : 0;
      return response;
    }
    if (target.type === 'fpp' && target.remote === 'jira') return this.requestJira(ctx, target, path, init);
    if (target.type === 'fpp' && target.remote === 'stargate') return this.stargate(path, init);
    return proxyError(400, 'INVALID_REMOTE');
  }

  private async requestJira(ctx: InvocationContext, target: ForgeFetchTarget, path: string, init: ForgeFetchInit | undefined): Promise<Response> {
    if (!path.startsWith('/')) return proxyError(400, 'INVALID_PATH');
    let creds: JiraAccountCredentials = this.appAccount;
    if (target.provider === 'user') {
      // asUser acts as the invoking user with that user's own credentials on the site; no user, or
      // one the site does not know (as for a user who never granted the app access), fails the way
      // Forge fails a user without consent: 401 NEEDS_AUTHENTICATION_ERR
      const accountId = target.accountId ?? ctx.accountId;
      if (!accountId) return proxyError(401, 'NEEDS_AUTHENTICATION_ERR');
      const user = this.site.credentialsFor(accountId);
      if (!user) return proxyError(401, 'NEEDS_AUTHENTICATION_ERR');
      creds = user;
    }
    // Jira Cloud checks every Forge app request, asApp and asUser alike, against the app's scopes
    // (manifest.yml permissions.scopes): an operation is allowed when the app holds its full
    // classic set or its full granular set, as listed in the operation's "OAuth scopes required"
    // (https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/,
    // https://developer.atlassian.com/platform/forge/add-scopes-to-call-an-atlassian-rest-api/).
    // Table and readings: sandbox/jira/scopes. A refused request never reaches the site.
    const method = (init?.method ?? 'GET').toUpperCase();
    const verdict = checkAppRequest(method, path, this.grantedScopes);
    if (!verdict.allowed) {
      const key = verdict.operation ?? `${method} ${path.replace(/[?#].*$/s, '')}`;
      this.scopeRefusals[key] = (this.scopeRefusals[key] ?? 0) + 1;
      this.log(`[${this.siteName}] ${ctx.moduleKey}: Jira request refused (401 scope does not match): ${verdict.reason}`);
      return scopeRefusal(verdict.reason);
    }
    const headers = toHeaders(init?.headers);
    headers.set('authorization', `Basic ${Buffer.from(`${creds.email}:${creds.apiToken}`).toString('base64')}`);
    this.productRequests++;
    const body = await proxyBody(init?.body, headers);
    // Jira's redirects reach the app as they are: the proxy does not follow them (a 303 from
    // GET /attachment/content/{id} gives the app its Location, the media download URL). Forge does not
    // document what its proxy does with a redirect: the harsher reading, whatever `redirect` the app
    // asked for (sandbox/forge/README.md, "Jira requests: bodies and redirects").
    return platformFetch(`${this.siteUrl}${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
  }

  private stargate(path: string, init: ForgeFetchInit | undefined): Response {
    let body: unknown;
    try {
      body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    } catch {
      return json(400, { message: 'request body is not JSON' });
    }
    if (path.startsWith('/webhook/queue/publish/')) {
      const outcome = this.queue.push(body);
      return outcome.status === 201 ? json(201, {}) : json(outcome.status, { errorMessage: outcome.errorMessage, message: outcome.errorMessage });
    }
    if (path.startsWith('/webhook/queue/stats/') || path.startsWith('/webhook/queue/cancel/')) {
      const req = JobRequestSchema.safeParse(body);
      if (!req.success) return json(400, { message: z.prettifyError(req.error) });
      if (path.startsWith('/webhook/queue/stats/')) {
        const stats = this.queue.jobStats(req.data.jobId);
        return stats ? json(200, stats) : json(404, { message: 'job not found' });
      }
      return this.queue.cancelJob(req.data.jobId) ? new Response(null, { status: 204 }) : json(404, { message: 'job not found' });
    }
    if (path === '/graphql') {
      const gql = GraphqlBody.safeParse(body);
      if (!gql.success) return json(400, { errors: [{ message: 'invalid GraphQL request' }] });
      const { query, variables } = gql.data;
      if (query.includes('createWebTriggerUrl')) {
        const input = WebTriggerInput.safeParse(variables);
        if (!input.success) return json(200, { errors: [{ message: 'createWebTriggerUrl: input.triggerKey is required' }] });
        const url = this.webTriggerUrlFor(input.data.input.triggerKey);
        if (!url) return json(200, { errors: [{ message: `No webtrigger module '${input.data.input.triggerKey}' in manifest.yml` }], data: { createWebTriggerUrl: null } });
        return json(200, { data: { createWebTriggerUrl: { url } } });
      }
      if (query.includes('webTriggerUrlsByAppContext')) {
        const list = [...this.webTriggerIds].map(([id, key]) => ({ triggerKey: key, url: `${this.siteUrl}/x1/${id}` }));
        return json(200, { data: { webTriggerUrlsByAppContext: list } });
      }
      if (query.includes('deleteWebTriggerUrl')) {
        return json(200, { data: { deleteWebTriggerUrl: { success: false, message: 'the sandbox keeps exactly one URL per web trigger module' } } });
      }
      return json(200, { errors: [{ message: 'this GraphQL operation is not provided by the sandbox' }] });
    }
    return proxyError(404, 'NOT_FOUND');
  }
}
