// runtime-context must load before @forge/api: it installs the Forge globals and the egress fetch
import { machineNow, NOOP_METRICS, outsideInvocation, runInInvocation, type ForgeRuntime, type InvocationContext } from './runtime-context';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ExternalEndpointNotAllowedError } from '@forge/api';
import { EgressFilteringService } from '@forge/egress';
import type { JiraProductEvent, JiraSiteApi } from '../jira/contract';
import { InvocationTimeoutError } from './async-queue';
import { readClock, restoredOffset, writeClock } from './clock-file';
import { compileFilterExpression, type FilterExpression } from './filter-expression';
import { loadHandlers, type ForgeHandler } from './handler-loader';
import { ResolverRequestError, sandboxRoutes, webTriggerRoute, type ResolverCallContext, type RouteHost, type WebTriggerRequest } from './http-routes';
import { InstallationRuntime, type Installation, type InvocationKind, type PlatformServices } from './installation';
import { FORGE_LIMITS, LIMIT_SOURCES, resolveForgeLimits, type ForgeLimitOverrides, type ForgeLimits } from './limits/forge-limits';
import { InstallationGate } from './limits/installation-gate';
import { InvocationPayloadTooLargeError, InvocationQuota, InvocationResponseTooLargeError, invocationTimeoutSeconds, jsonBytes, type RateLimitedKind } from './limits/invocation-limits';
import { SCHEDULE_INTERVALS, loadManifest, validateManifest, type LoadedManifest } from './manifest';
import type { TriggerMatch } from './product-events';
import { Scheduler, nextGridPoint, type TimerHandle } from './scheduler';

export type { Installation, InstallationStats, InvokeOptions } from './installation';
export type { DeadLetter, AsyncEvent } from './async-queue';
export { DEAD_LETTER_PREFIX } from './async-queue';
export type { ForgeLimitOverrides, ForgeLimits } from './limits/forge-limits';
export { FORGE_LIMITS } from './limits/forge-limits';
export { InvocationPayloadTooLargeError, InvocationRateLimitError, InvocationResponseTooLargeError } from './limits/invocation-limits';
export { TRIGGER_DEFAULT_RETRY_AFTER_S, TRIGGER_MAX_RETRIES, TRIGGER_MAX_RETRY_AFTER_S } from './product-events';
export { CLOCK_FILE } from './clock-file';

export interface ForgePlatformOptions {
  /** folder holding manifest.yml and src/ */
  appRoot: string;
  /**
   * folder for the installations' SQLite files and the platform clock (`forge-clock.json`); null or
   * absent = in memory. A platform started on a folder goes on where the last one stopped: product
   * events owed are delivered, scheduled triggers keep their grid, the clock does not run backwards.
   */
  dataDir?: string | null;
  /** clock in epoch ms (default Date.now); `advance()` moves the platform's time on top of it */
  now?: () => number;
  /**
   * report "missing resource" manifest errors (Custom UI not built yet) as warnings instead of
   * refusing to start. Default false (strict).
   */
  allowMissingResources?: boolean;
  /** multiplies queue delays and retry backoff (tests may pass 0); default 1 */
  retryBackoffScale?: number;
  /** platform log lines (failed invocations, dead letters); default: dropped */
  log?: (line: string) => void;
  /**
   * tighten, raise or switch off (Infinity) any emulated Forge limit, e.g.
   * `{ kvs: { writeUnitsPerMinute: 5 }, events: { eventsPerMinute: 10 } }`. Default: the documented
   * limits (sandbox/forge/limits/forge-limits.ts, table in sandbox/forge/README.md).
   */
  limits?: ForgeLimitOverrides;
  /** multiplies every per-window quota (KVS, async events, invocation rates) before `limits` apply; default 1 */
  quotaScale?: number;
}

/** one invocation starting or ending (see ForgePlatform.onInvocation) */
export interface InvocationEvent {
  phase: 'start' | 'end';
  kind: InvocationKind;
  siteName: string;
  moduleKey: string;
  functionKey: string;
  /** for 'end': the error, if the invocation failed or timed out */
  error?: Error;
  /** the invocation chain (cyclic invocation limit): a consumer shares the chain of the invocation that pushed its event */
  chain: string;
}

/** Forge's time limits per kind of invocation, in seconds (a consumer uses its function's timeoutSeconds) */
export const INVOCATION_TIMEOUTS_S = FORGE_LIMITS.invocations.timeoutSeconds;

const ENVIRONMENT_ID = '6a1f3c2e-0d5b-4e7a-9c1d-2b3a4c5d6e7f';

/**
 * The local Forge platform: validates and loads the app from its manifest, installs it on
 * emulated Jira sites and runs its functions with the real @forge/* packages.
 */
export class ForgePlatform {
  readonly scheduler: Scheduler;
  private readonly opts: ForgePlatformOptions;
  private loaded: LoadedManifest | undefined;
  private handlers: Map<string, ForgeHandler> | undefined;
  private filters = new Map<string, FilterExpression>();
  private egress: EgressFilteringService | undefined;
  private startup: Promise<{ warnings: string[] }> | undefined;
  private readonly bySite = new Map<JiraSiteApi, InstallationRuntime>();
  /** the armed run of each scheduled trigger, by installation and module */
  private readonly scheduled = new Map<string, TimerHandle>();
  private active = 0;
  private webTriggerCalls = 0;
  private idleWaiters: { done: () => boolean; resolve: () => void }[] = [];
  private idleCheckQueued = false;
  private closed = false;
  private readonly invocationListeners = new Set<(e: InvocationEvent) => void>();
  /** how far the restored clock was moved to reach the data folder's last platform time (not time advanced) */
  private readonly clockCorrectionMs: number;
  /** the limits in force (the documented ones unless the options changed them) */
  readonly limits: ForgeLimits;
  private readonly invocationQuota: InvocationQuota;
  private readonly gates = new Map<InstallationRuntime, InstallationGate>();
  /** functions whose timeoutSeconds applies: referenced by consumer or scheduled trigger modules only */
  private longTimeoutFunctions = new Set<string>();
  /** queues whose consumer runs longer than 55 s (100 KB per event) */
  private longRunningQueues = new Set<string>();
  /** requests and invocations refused by a limit, by limit ("kvs.writeUnitsPerMinute", ...) */
  private readonly refusals = new Map<string, number>();

  constructor(opts: ForgePlatformOptions) {
    this.opts = opts;
    const baseNow = opts.now ?? machineNow;
    // the clock never runs backwards across a restart on the same data folder (clock-file.ts)
    const dataDir = opts.dataDir ?? null;
    const restored = dataDir ? restoredOffset(readClock(dataDir), baseNow()) : { advancedMs: 0, correctionMs: 0 };
    this.clockCorrectionMs = restored.correctionMs;
    this.scheduler = new Scheduler(baseNow, {
      offsetMs: restored.advancedMs + restored.correctionMs,
      ...(dataDir ? { onAdvance: () => this.saveClock() } : {}),
    });
    this.limits = resolveForgeLimits(opts.limits, opts.quotaScale);
    this.invocationQuota = new InvocationQuota(this.limits.invocations);
  }

  /** validate the manifest and load the handlers (idempotent); rejects with the validator's messages */
  start(): Promise<{ warnings: string[] }> {
    this.startup ??= this.doStart();
    return this.startup;
  }

  private async doStart(): Promise<{ warnings: string[] }> {
    const validation = await validateManifest(this.opts.appRoot, { allowMissingResources: this.opts.allowMissingResources ?? false });
    if (validation.errors.length) throw new Error(`manifest.yml is not valid:\n${validation.errors.join('\n')}`);
    const loaded = loadManifest(this.opts.appRoot);
    const problems: string[] = [];
    for (const t of loaded.manifest.modules.trigger) {
      if (t.filter?.expression === undefined) continue;
      try {
        this.filters.set(t.key, compileFilterExpression(t.filter.expression));
      } catch (e) {
        problems.push(`trigger '${t.key}': ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (problems.length) throw new Error(`manifest.yml cannot be run:\n${problems.join('\n')}`);
    this.handlers = loadHandlers(this.opts.appRoot, loaded.functions.values());
    this.egress = new EgressFilteringService(loaded.egress);
    // limits-invocation: timeoutSeconds "applies to function modules that are only referenced by
    // consumer or scheduled trigger modules"
    const m = loaded.manifest.modules;
    const elsewhere = new Set([...m.trigger.map((t) => t.function), ...m.webtrigger.map((w) => w.function), ...[...loaded.resolverModules.values()].map((r) => r.functionKey)]);
    this.longTimeoutFunctions = new Set([...m.consumer.map((c) => c.function), ...m.scheduledTrigger.map((s) => s.function)].filter((f) => !elsewhere.has(f)));
    const longRunning = (f: string): boolean => this.longTimeoutFunctions.has(f) && (loaded.functions.get(f)?.timeoutSeconds ?? 0) > this.limits.events.longRunningAboveSeconds;
    this.longRunningQueues = new Set(m.consumer.filter((c) => longRunning(c.function)).map((c) => c.queue));
    this.loaded = loaded;
    return { warnings: validation.warnings };
  }

  /** install the app on a listening site: identity, app account, storage, routes, event subscription */
  async install(site: JiraSiteApi): Promise<Installation> {
    await this.start();
    const loaded = this.requireLoaded();
    if (this.bySite.has(site) || [...this.bySite.values()].some((rt) => rt.siteName === site.name)) {
      throw new Error(`the app is already installed on a site named '${site.name}'`);
    }
    let dbFile = ':memory:';
    if (this.opts.dataDir) {
      mkdirSync(this.opts.dataDir, { recursive: true });
      dbFile = path.join(this.opts.dataDir, `forge-${site.name}.sqlite`);
    }
    const triggers = new Map(loaded.manifest.modules.trigger.map((t) => [t.key, t.function]));
    const rt = new InstallationRuntime(site, this.services(), dbFile, {
      match: (inst, ev) => this.matchTriggers(inst, ev),
      functionOf: (key) => triggers.get(key),
    });
    rt.kvs.limits = this.limits.kvs;
    rt.queue.setLimits(this.limits.events);
    this.gates.set(rt, new InstallationGate(this.limits, this.longRunningQueues, () => this.scheduler.now(), (limit, message) => this.limitRefused(rt, limit, message)));
    this.bySite.set(site, rt);
    const host = this.routeHost(site);
    site.mount('/_sandbox/', sandboxRoutes(host));
    site.mount('/x1/', webTriggerRoute(host));
    for (const s of loaded.manifest.modules.scheduledTrigger) this.scheduleRepeating(rt, s.key, s.function, SCHEDULE_INTERVALS[s.interval]);
    // product events owed from before a restart (recorded, or journaled by the site meanwhile), then live ones
    rt.start();
    this.saveClock();
    return this.publicInstallation(rt);
  }

  /** how often each limit refused something since the start, by limit ("kvs.writeUnitsPerMinute", "events.eventsPerMinute", ...) */
  limitRefusals(): Record<string, number> {
    return Object.fromEntries(this.refusals);
  }

  private limitRefused(inst: InstallationRuntime, limit: string, message: string): void {
    this.refusals.set(limit, (this.refusals.get(limit) ?? 0) + 1);
    this.log(`[${inst.siteName}] limit ${limit}: ${message}`);
  }

  /** observe invocations starting and ending (tests, benchmarks); returns the unsubscribe function */
  onInvocation(listener: (e: InvocationEvent) => void): () => void {
    this.invocationListeners.add(listener);
    return () => { this.invocationListeners.delete(listener); };
  }

  private emitInvocation(e: InvocationEvent): void {
    for (const l of [...this.invocationListeners]) l(e);
  }

  installations(): Installation[] {
    return [...this.bySite.values()].map((rt) => this.publicInstallation(rt));
  }

  /**
   * queued, delayed, retrying and running events, product events not yet delivered (recorded,
   * waiting for their retry, running, or journaled by the site and not yet recorded), running
   * invocations and web trigger calls in flight, over all installations
   */
  pending(): number {
    let n = this.active + this.webTriggerCalls;
    for (const rt of this.bySite.values()) n += rt.queue.size() + rt.productEvents.size();
    return n;
  }

  /** pending() by kind: running invocations, web trigger calls, and per site its queue's events and its product event deliveries */
  pendingDetail(): Record<string, number> {
    const detail: Record<string, number> = { invocations: this.active, webTriggerCalls: this.webTriggerCalls };
    for (const rt of this.bySite.values()) {
      detail[`${rt.siteName}.queue`] = rt.queue.size();
      detail[`${rt.siteName}.productEvents`] = rt.productEvents.size();
    }
    return detail;
  }

  /** resolves once nothing is pending (checked again one macrotask later, so cascades are not missed) */
  waitForIdle(): Promise<void> {
    return this.waitUntil(() => this.pending() === 0);
  }

  /**
   * resolves once nothing runs and nothing is due at the current platform time: what is left
   * waits for the clock (delays, retry backoff). For tests that drive time with `advance`.
   */
  waitForSettled(): Promise<void> {
    return this.waitUntil(() => {
      if (this.active + this.webTriggerCalls > 0) return false;
      for (const rt of this.bySite.values()) if (rt.queue.hasDueOrRunning() || rt.productEvents.hasDueOrRunning()) return false;
      return true;
    });
  }

  private waitUntil(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push({ done, resolve });
      this.changed();
    });
  }

  /**
   * move the platform clock forward (delays, backoff, timeouts, TTL, scheduled triggers); with a data
   * folder the new time is written to it first (clock-file.ts)
   */
  async advance(ms: number): Promise<void> {
    this.scheduler.advance(ms);
    this.changed();
    await new Promise<void>((r) => setImmediate(r));
  }

  /** write the time advanced and the platform time to the data folder (no-op in memory) */
  private saveClock(): void {
    const dataDir = this.opts.dataDir;
    if (dataDir && !this.closed) writeClock(dataDir, { advancedMs: this.scheduler.offsetMs() - this.clockCorrectionMs, now: this.scheduler.now() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.saveClock();
    this.closed = true;
    for (const t of this.scheduled.values()) t.cancel();
    this.scheduled.clear();
    this.scheduler.close();
    for (const rt of this.bySite.values()) rt.close();
    this.bySite.clear();
    this.gates.clear();
    for (const w of this.idleWaiters.splice(0)) w.resolve();
  }

  private requireLoaded(): LoadedManifest {
    if (!this.loaded) throw new Error('ForgePlatform.start() has not completed');
    return this.loaded;
  }

  private services(): PlatformServices {
    return {
      loaded: this.requireLoaded(),
      scheduler: this.scheduler,
      backoffScale: this.opts.retryBackoffScale ?? 1,
      invokeFunction: (inst, kind, moduleKey, functionKey, payload, accountId) => this.invokeFunction(inst, kind, moduleKey, functionKey, payload, accountId),
      changed: () => this.changed(),
      log: (line) => this.log(line),
    };
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  private changed(): void {
    if (this.idleWaiters.length === 0 || this.idleCheckQueued) return;
    this.idleCheckQueued = true;
    setImmediate(() => {
      this.idleCheckQueued = false;
      const ready = this.idleWaiters.filter((w) => w.done());
      this.idleWaiters = this.idleWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    });
  }

  private egressRefusal(url: string): Error | undefined {
    try {
      if (this.egress?.isValidUrl(url)) return undefined;
    } catch {
      return new ExternalEndpointNotAllowedError(url);
    }
    for (const rt of this.bySite.values()) {
      if (url.startsWith(`${rt.siteUrl}/x1/`)) return undefined;
      // a site's /_media/ stands for Atlassian's media host (sandbox/jira/media.ts): a download there is
      // an external fetch on Forge, allowed only when the manifest's egress names api.media.atlassian.com
      if (url.startsWith(`${rt.siteUrl}/_media/`)) {
        const real = `https://api.media.atlassian.com/${url.slice(`${rt.siteUrl}/_media/`.length)}`;
        try {
          if (this.egress?.isValidUrl(real)) return undefined;
        } catch {
          // refused below
        }
      }
    }
    return new ExternalEndpointNotAllowedError(url);
  }

  /** run one function of the app inside its own Forge invocation context */
  private invokeFunction(inst: InstallationRuntime, kind: InvocationKind, moduleKey: string, functionKey: string, payload: unknown, accountId: string | undefined): Promise<unknown> {
    const loaded = this.requireLoaded();
    const handler = this.handlers?.get(functionKey);
    if (!handler) return Promise.reject(new Error(`unknown function '${functionKey}'`));
    const il = this.limits.invocations;
    // limits-invocation: rate limits per user, installation and app (fixed minute); the invocation does
    // not run. A product trigger counts against the installation and app windows as web and scheduled
    // triggers do (the page lists user-led invocations; counting triggers too is the harsher reading):
    // refused, it is retried as a platform error (product-events.ts)
    if (kind === 'resolver' || kind === 'webtrigger' || kind === 'scheduled' || kind === 'trigger') {
      // admit() singles out resolvers (the per-user window); every other kind counts the same way
      const quotaKind: RateLimitedKind = kind === 'trigger' ? 'scheduled' : kind;
      const refused = this.invocationQuota.admit(quotaKind, inst.id, accountId, this.scheduler.now());
      if (refused) {
        this.limitRefused(inst, refused.limit, `${kind} ${moduleKey}: ${refused.message}`);
        return Promise.reject(refused);
      }
    }
    // the web trigger page: request sizes "including body, headers, query parameters, and all other metadata"
    if (kind === 'resolver' || kind === 'webtrigger') {
      const bytes = jsonBytes(payload);
      if (bytes > il.requestPayloadBytes) {
        const message = `The invocation request is ${bytes} bytes, over the ${il.requestPayloadBytes} bytes allowed (${LIMIT_SOURCES.webTrigger}).`;
        this.limitRefused(inst, 'invocations.requestPayloadBytes', `${kind} ${moduleKey}: ${message}`);
        return Promise.reject(new InvocationPayloadTooLargeError(message));
      }
    }
    const timeoutS = invocationTimeoutSeconds(kind, loaded.functions.get(functionKey)?.timeoutSeconds, this.longTimeoutFunctions.has(functionKey), il);
    const deadline = this.scheduler.now() + timeoutS * 1000;
    const invocationId = randomUUID();
    // the cyclic invocation limit counts pushes per chain: a consumer continues the chain of its event
    const chain = (kind === 'consumer' ? this.eventChain(inst, payload) : undefined) ?? invocationId;
    const gate = this.gates.get(inst);
    const runtime: ForgeRuntime = {
      proxy: { token: `sandbox-${invocationId}`, url: `${inst.siteUrl}/_sandbox/proxy` },
      tracing: { traceId: invocationId.replace(/-/g, ''), spanId: invocationId.slice(0, 16).replace(/-/g, '0') },
      metrics: NOOP_METRICS,
      appContext: {
        appId: loaded.appId,
        appVersion: '1.0.0',
        environmentId: ENVIRONMENT_ID,
        environmentType: 'DEVELOPMENT',
        invocationId,
        installationId: inst.id,
        moduleKey,
        license: undefined,
        installation: { ari: { installationId: inst.id }, contexts: [{ cloudId: inst.cloudId }] },
        permissions: { scopes: loaded.scopes, external: { fetch: { backend: loaded.egress } } },
      },
      lambdaContext: {
        functionName: functionKey,
        awsRequestId: invocationId,
        getRemainingTimeInMillis: () => Math.max(0, deadline - this.scheduler.now()),
      },
      contextAri: inst.contextAri,
      externalAuth: [],
    };
    const ctx: InvocationContext = {
      host: {
        forgeFetch: (c, t, p, i) => (gate ? gate.forgeFetch(c, t, p, i, () => inst.forgeFetch(c, t, p, i)) : inst.forgeFetch(c, t, p, i)),
        egressRefusal: (url) => this.egressRefusal(url),
      },
      runtime,
      moduleKey,
      accountId,
      chain,
      now: () => this.scheduler.now(),
    };
    const context = {
      installContext: inst.contextAri,
      installation: { ari: { installationId: inst.id }, contexts: [{ cloudId: inst.cloudId }] },
      ...(accountId !== undefined ? { principal: { accountId } } : {}),
      license: undefined,
    };
    inst.countInvocation(moduleKey);
    // consumers, product triggers and web triggers are counted where they wait (queue, delivery rows, HTTP calls)
    const counted = kind === 'resolver' || kind === 'scheduled';
    if (counted) this.active++;
    const about = { kind, siteName: inst.siteName, moduleKey, functionKey, chain };
    this.emitInvocation({ phase: 'start', ...about });
    let failure: Error | undefined;
    return new Promise<unknown>((resolve, reject) => {
      const fail = (e: Error): void => { failure = e; reject(e); };
      const timer = outsideInvocation(() => this.scheduler.at(deadline, () => fail(new InvocationTimeoutError(timeoutS))));
      runInInvocation(ctx, async () => handler(payload, context)).then(
        (v) => {
          timer.cancel();
          const bytes = kind === 'resolver' || kind === 'webtrigger' ? jsonBytes(v) : 0;
          if (bytes > il.responsePayloadBytes) {
            const message = `The invocation response is ${bytes} bytes, over the ${il.responsePayloadBytes} bytes allowed (${LIMIT_SOURCES.webTrigger}).`;
            this.limitRefused(inst, 'invocations.responsePayloadBytes', `${kind} ${moduleKey}: ${message}`);
            fail(new InvocationResponseTooLargeError(message));
          } else {
            resolve(v);
          }
        },
        (e: unknown) => { timer.cancel(); fail(e instanceof Error ? e : new Error(String(e))); },
      );
    }).finally(() => {
      if (counted) this.active--;
      this.emitInvocation(failure ? { phase: 'end', ...about, error: failure } : { phase: 'end', ...about });
      this.changed();
    });
  }

  /** the chain of the event a consumer is invoked with (undefined for an event pushed from outside any invocation) */
  private eventChain(inst: InstallationRuntime, payload: unknown): string | undefined {
    const eventId = payload !== null && typeof payload === 'object' && 'eventId' in payload ? payload.eventId : undefined;
    return typeof eventId === 'string' ? inst.queue.chainOf(eventId) : undefined;
  }

  /**
   * the trigger modules a product event goes to, with the payload each is invoked with: the event's
   * type among the module's `events`, `filter.ignoreSelf` (drops the app account's own events) and
   * `filter.expression`. The installation records one delivery per match (product-events.ts).
   */
  private matchTriggers(inst: InstallationRuntime, ev: JiraProductEvent): TriggerMatch[] {
    const loaded = this.requireLoaded();
    const out: TriggerMatch[] = [];
    for (const t of loaded.manifest.modules.trigger) {
      if (!t.events.includes(ev.eventType)) continue;
      const selfGenerated = ev.atlassianId === inst.appAccountId;
      if (t.filter?.ignoreSelf && selfGenerated) continue;
      const payload = { ...ev, selfGenerated, context: { cloudId: inst.cloudId, moduleKey: t.key } };
      const filter = this.filters.get(t.key);
      if (filter && !filter(payload)) continue;
      out.push({ moduleKey: t.key, payload });
    }
    return out;
  }

  private scheduledPayload(inst: InstallationRuntime, moduleKey: string): unknown {
    return { context: { cloudId: inst.cloudId, moduleKey, userAccess: { enabled: false } } };
  }

  /**
   * run a scheduled trigger on its interval grid, persisted per installation and module: the first
   * run one interval after a fresh install (the sandbox's reading of "starts about 5 minutes after
   * deployment", https://developer.atlassian.com/platform/forge/manifest-reference/modules/scheduled-trigger/),
   * then every interval; after a restart at the next point of the grid it ran on, without the runs
   * missed meanwhile. A late run (the clock jumped several intervals at once) runs once, and the next
   * one is the first grid point after now. "If the function throws an error, nothing will happen, and
   * the function invocation will not be retried" (same page): failures are logged only.
   */
  private scheduleRepeating(inst: InstallationRuntime, moduleKey: string, functionKey: string, everyMs: number): void {
    const slot = `${inst.id}\u0000${moduleKey}`;
    const arm = (due: number): void => {
      this.scheduled.set(slot, outsideInvocation(() => this.scheduler.at(due, () => {
        if (this.closed) return;
        const next = nextGridPoint(due, everyMs, this.scheduler.now(), 'after');
        // recorded before the run starts: a crash during the run does not run it again
        inst.setScheduledRun(moduleKey, everyMs, next);
        this.invokeFunction(inst, 'scheduled', moduleKey, functionKey, this.scheduledPayload(inst, moduleKey), undefined).catch((e: unknown) => {
          this.log(`[${inst.siteName}] scheduled trigger ${moduleKey} failed (not retried): ${e instanceof Error ? e.message : String(e)}`);
        });
        arm(next);
      })));
    };
    arm(inst.firstScheduledRun(moduleKey, everyMs, this.scheduler.now()));
  }

  private invokeResolver(inst: InstallationRuntime, moduleKey: string, functionKey: string, payload: unknown, context: ResolverCallContext): Promise<unknown> {
    const mod = this.requireLoaded().resolverModules.get(moduleKey);
    if (!mod) return Promise.reject(new ResolverRequestError(`module '${moduleKey}' has no resolver in manifest.yml`));
    const accountId = context.accountId ?? inst.site.admin.accountId;
    const request = {
      call: { functionKey, payload: payload ?? {} },
      context: {
        accountId,
        cloudId: inst.cloudId,
        siteUrl: inst.siteUrl,
        moduleKey,
        localId: context.localId ?? `${moduleKey}-sandbox`,
        environmentType: 'DEVELOPMENT',
        extension: { ...context.extension, type: mod.type },
      },
    };
    return this.invokeFunction(inst, 'resolver', moduleKey, mod.functionKey, request, accountId);
  }

  private routeHost(site: JiraSiteApi): RouteHost {
    return {
      installation: () => this.bySite.get(site),
      invokeWebTrigger: (inst, moduleKey, request: WebTriggerRequest) => {
        const mod = this.requireLoaded().manifest.modules.webtrigger.find((w) => w.key === moduleKey);
        if (!mod) return Promise.reject(new Error(`unknown web trigger '${moduleKey}'`));
        return this.invokeFunction(inst, 'webtrigger', moduleKey, mod.function, request, undefined);
      },
      invokeResolver: (inst, moduleKey, functionKey, payload, context) => this.invokeResolver(inst, moduleKey, functionKey, payload, context),
      webTriggerStarted: () => { this.webTriggerCalls++; },
      webTriggerFinished: () => { this.webTriggerCalls--; this.changed(); },
      pending: () => this.pending(),
      pendingDetail: () => this.pendingDetail(),
      advance: async (ms) => {
        await this.advance(ms);
        return this.scheduler.now();
      },
      limits: this.limits.invocations,
    };
  }

  private publicInstallation(rt: InstallationRuntime): Installation {
    return {
      id: rt.id,
      cloudId: rt.cloudId,
      siteName: rt.siteName,
      siteUrl: rt.siteUrl,
      appAccountId: rt.appAccountId,
      invoke: (moduleKey, functionKey, payload, opts) => this.invokeResolver(rt, moduleKey, functionKey, payload, opts?.accountId !== undefined ? { accountId: opts.accountId } : {}),
      webTriggerUrl: async (moduleKey) => {
        const url = rt.webTriggerUrlFor(moduleKey);
        if (!url) throw new Error(`no webtrigger module '${moduleKey}' in manifest.yml`);
        return url;
      },
      runScheduled: async (moduleKey) => {
        const mod = this.requireLoaded().manifest.modules.scheduledTrigger.find((s) => s.key === moduleKey);
        if (!mod) throw new Error(`no scheduledTrigger module '${moduleKey}' in manifest.yml`);
        await this.invokeFunction(rt, 'scheduled', moduleKey, mod.function, this.scheduledPayload(rt, moduleKey), undefined);
      },
      deadLetters: async () => rt.deadLetters(),
      kvsKeys: (prefix) => rt.kvsKeys(prefix),
      kvsValue: (key) => rt.kvsValue(key),
      kvsLargestValue: () => rt.kvsLargestValue(),
      stats: () => rt.stats(),
      resetStats: () => rt.resetStats(),
    };
  }
}
