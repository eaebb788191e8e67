import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The two globals the unmodified @forge/* packages use to reach the platform —
 * `global.__forge_fetch__(target, path, init)` and `global.__forge_runtime__` — answered per
 * invocation from an AsyncLocalStorage, so concurrent invocations of different installations
 * never see each other's context. Also wraps `global.fetch` (Forge egress): inside an invocation
 * only addresses the host allows are reachable.
 *
 * IMPORTANT: @forge/api captures `global.fetch` when it is first loaded, so this module must be
 * loaded before @forge/api (the platform imports it first and loads the app's handlers later, as
 * Forge's runtime does).
 */

/** target object passed by the packages as the first argument of __forge_fetch__ */
export interface ForgeFetchTarget {
  type: string;
  provider?: string;
  remote?: string;
  accountId?: string;
  contextAri?: string;
  service?: string;
}

export interface ForgeFetchInit {
  method?: string;
  headers?: unknown;
  body?: unknown;
}

/** what `global.__forge_runtime__` answers during an invocation (the fields the packages read) */
export interface ForgeRuntime {
  proxy: { token: string; url: string };
  tracing: { traceId: string; spanId: string };
  metrics: {
    counter(name: string, tags?: unknown): { incr(): void; decr(): void };
    timing(name: string, tags?: unknown): { measure(): { stop(tags?: unknown): void } };
  };
  appContext: {
    appId: string;
    appVersion: string;
    environmentId: string;
    environmentType: string;
    invocationId: string;
    installationId: string;
    moduleKey: string;
    license: undefined;
    installation: { ari: { installationId: string }; contexts: { cloudId: string; workspaceId?: string }[] };
    permissions: { scopes: string[]; external: Record<string, unknown> };
  };
  lambdaContext: { functionName: string; awsRequestId: string; getRemainingTimeInMillis(): number };
  contextAri: string;
  externalAuth: unknown[];
}

/** the installation side of an invocation: where the globals send their requests */
export interface InvocationHost {
  forgeFetch(ctx: InvocationContext, target: ForgeFetchTarget, path: string, init: ForgeFetchInit | undefined): Promise<Response>;
  /** undefined when allowed; otherwise the error to throw (Forge's own ExternalEndpointNotAllowedError) */
  egressRefusal(url: string): Error | undefined;
}

export interface InvocationContext {
  host: InvocationHost;
  runtime: ForgeRuntime;
  moduleKey: string;
  /** the user the invocation acts for (resolver calls), if any */
  accountId: string | undefined;
  /**
   * the invocation chain: an id given to each invocation that no event started (trigger, web trigger,
   * resolver, scheduled trigger) and passed on to the consumers of the events it pushed, and theirs.
   * Forge counts push requests per chain (the cyclic invocation limit).
   */
  chain: string;
  /** the platform clock (epoch ms): what `Date.now()` answers inside the invocation */
  now: () => number;
}

const storage = new AsyncLocalStorage<InvocationContext>();

/**
 * On Forge a function's clock and the platform's are one: the time a trigger, a queue delay or a
 * KVS TTL is measured by is the time the code reads. The sandbox's platform clock can be moved on
 * (`advance`, `/_sandbox/advance`), so inside an invocation `Date.now()` answers the platform's
 * time; outside any invocation it is the machine's. (`new Date()` without arguments is not
 * affected; the app reads time through `Date.now()` only.)
 */
/** the machine's clock, whatever invocation asks: the base of every platform clock (never the patched Date.now) */
export const machineNow: () => number = Date.now.bind(Date);
/** the platform clock reads the machine's underneath (its base): while it answers, Date.now is the machine's */
let readingPlatformClock = false;
Date.now = (): number => {
  const ctx = storage.getStore();
  if (!ctx || readingPlatformClock) return machineNow();
  readingPlatformClock = true;
  try {
    return ctx.now();
  } finally {
    readingPlatformClock = false;
  }
};

export function currentInvocation(): InvocationContext | undefined {
  return storage.getStore();
}

export function runInInvocation<T>(ctx: InvocationContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** run platform work (timers, queue dispatch) outside whatever invocation triggered it */
export function outsideInvocation<T>(fn: () => T): T {
  return storage.exit(fn);
}

const noopCounter = { incr(): void {}, decr(): void {} };
const noopTimer = { stop(): void {} };
export const NOOP_METRICS: ForgeRuntime['metrics'] = {
  counter: () => noopCounter,
  timing: () => ({ measure: () => noopTimer }),
};

/** the platform's own, unfiltered fetch (product requests, loopback calls) */
export const platformFetch: typeof fetch = globalThis.fetch.bind(globalThis);

interface ForgeGlobals {
  __forge_fetch__?: unknown;
  __forge_runtime__?: unknown;
  __twin_sync_forge_sandbox__?: boolean;
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function installGlobals(): void {
  const g = globalThis as typeof globalThis & ForgeGlobals;
  if (g.__twin_sync_forge_sandbox__) return;
  g.__twin_sync_forge_sandbox__ = true;
  g.__forge_fetch__ = async (target: ForgeFetchTarget, path: string, init?: ForgeFetchInit): Promise<Response> => {
    const ctx = storage.getStore();
    if (!ctx) throw new Error('Forge runtime not found: __forge_fetch__ was called outside a Forge invocation.');
    return ctx.host.forgeFetch(ctx, target, path, init);
  };
  Object.defineProperty(g, '__forge_runtime__', {
    configurable: true,
    enumerable: false,
    get: () => storage.getStore()?.runtime,
  });
  const original = globalThis.fetch;
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const ctx = storage.getStore();
    if (ctx) {
      const refusal = ctx.host.egressRefusal(urlOf(input));
      if (refusal) throw refusal;
    }
    return original(input, init);
  };
}

installGlobals();
