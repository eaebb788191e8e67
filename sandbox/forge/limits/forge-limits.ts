/**
 * Every Forge limit the sandbox emulates, with the Atlassian page it comes from. The sandbox is never
 * kinder than the platform: each value is the documented one, and where the docs are silent (how a
 * window slides, what a "KB" is, which error answers) the harsher reading is taken and listed in
 * sandbox/forge/README.md ("Limits"). Tests tighten or scale any of them through
 * `ForgePlatformOptions.limits` / `quotaScale`; `Infinity` switches a limit off.
 */

const KVS_LIMITS_PAGE = 'https://developer.atlassian.com/platform/forge/limits-kvs-ce';
const KVS_ERRORS_PAGE = 'https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-kvs';
const KVS_BATCH_PAGE = 'https://developer.atlassian.com/platform/forge/storage-reference/batchops';
const ENTITY_BATCH_PAGE = 'https://developer.atlassian.com/platform/forge/storage-reference/batchops-entities';
const KVS_TRANSACTIONS_PAGE = 'https://developer.atlassian.com/platform/forge/storage-reference/transactions';
const EVENTS_LIMITS_PAGE = 'https://developer.atlassian.com/platform/forge/limits-async-events';
const EVENTS_API_PAGE = 'https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api';
const INVOCATION_LIMITS_PAGE = 'https://developer.atlassian.com/platform/forge/limits-invocation';
const WEB_TRIGGER_PAGE = 'https://developer.atlassian.com/platform/forge/events-reference/web-trigger/';

/** the pages cited, for the README table and error messages */
export const LIMIT_SOURCES = {
  kvs: KVS_LIMITS_PAGE, kvsErrors: KVS_ERRORS_PAGE, kvsBatch: KVS_BATCH_PAGE, entityBatch: ENTITY_BATCH_PAGE,
  kvsTransactions: KVS_TRANSACTIONS_PAGE, events: EVENTS_LIMITS_PAGE, eventsApi: EVENTS_API_PAGE,
  invocations: INVOCATION_LIMITS_PAGE, webTrigger: WEB_TRIGGER_PAGE,
} as const;

export interface KvsLimits {
  /** requests per second per installation (limits-kvs-ce "Request rate (RPS) 1000") */
  requestsPerSecond: number;
  /** read units per minute per installation (limits-kvs-ce "Read (10KB request per min) 4000") */
  readUnitsPerMinute: number;
  /** write units per minute per installation (limits-kvs-ce "Write (10KB request per min) 4000") */
  writeUnitsPerMinute: number;
  /** bytes of one unit: a request counts ceil(size / unitBytes), at least 1 (limits-kvs-ce footnote) */
  unitBytes: number;
  /** bytes read per second from one key (limits-kvs-ce "Reads 12 MB/s per key") */
  keyReadBytesPerSecond: number;
  /** bytes written per second to one key (limits-kvs-ce "Writes 1 MB/s per key") */
  keyWriteBytesPerSecond: number;
  /** bytes answered per second by queries of one prefix (limits-kvs-ce "Query 24 MB/s per index value") */
  queryBytesPerSecond: number;
  /** batch requests per minute per installation (batchops "a maximum of 45 batch operations per minute") */
  batchOpsPerMinute: number;
  /** items in one batch request (batchops-entities "a maximum of 25 keys") */
  batchMaxItems: number;
  /** bytes of one batch or transaction request (batchops / transactions: 4MB, limited to 1MB by FRGE-1916) */
  batchPayloadBytes: number;
  /** operations in one transaction (transactions "a maximum of 25 operations") */
  transactionMaxOps: number;
  /** key length (limits-kvs-ce "Key length 500") */
  maxKeyLength: number;
  /** JSON bytes of one value (limits-kvs-ce "Value size 240 KiB") */
  maxValueBytes: number;
  /** nesting of objects and arrays in a value (limits-kvs-ce "Object depth 31"; handling-errors-kvs says 32) */
  maxDepth: number;
  /** `query` page size (the sandbox's reading of @forge/kvs: 1..100, default 10) */
  maxQueryLimit: number;
  defaultQueryLimit: number;
}

export interface EventLimits {
  /** events in one push (limits-async-events "Event per request 50") */
  maxEventsPerPush: number;
  /** JSON bytes of the events of one push (limits-async-events "Payload size 200 KB"; @forge/events: KB = 1024) */
  maxPushBytes: number;
  /** events pushed per minute per installation (limits-async-events "Event per minute 500") */
  eventsPerMinute: number;
  /** JSON bytes of one event for a consumer with timeoutSeconds over 55 (limits-async-events "100 KB") */
  longRunningEventBytes: number;
  /** the timeout above which a consumer counts as long running (limits-async-events: "greater than 55 seconds") */
  longRunningAboveSeconds: number;
  /** JSON bytes of retryData (limits-async-events "Retry data size 4 KB") */
  maxRetryDataBytes: number;
  /** async-events-api: "delayed up to 15 minutes using the delayInSeconds setting" */
  maxDelaySeconds: number;
  /** retries after the first attempt (async-events-api, retrying events: up to 4 times) */
  maxRetries: number;
  /** push requests from one initial invocation and everything it queued (limits-async-events "Cyclic invocation limit 1000") */
  pushesPerChain: number;
  /** consumer invocations at once per installation (the sandbox's own; Forge documents no number) */
  maxParallel: number;
  /** jobs whose statistics `Queue.getStats` can still read (the sandbox's own) */
  jobsRemembered: number;
}

export interface InvocationLimits {
  /** user-led invocations per user per installation per fixed minute (limits-invocation "Per user 1,200") */
  perUserPerMinute: number;
  /** invocations per installation per fixed minute (limits-invocation "Per install 5,000") */
  perInstallationPerMinute: number;
  /** invocations per app over all installations per fixed minute (limits-invocation "Per app 30,000") */
  perAppPerMinute: number;
  /** seconds before an invocation is stopped, per kind (limits-invocation "Runtime seconds") */
  timeoutSeconds: { trigger: number; webtrigger: number; resolver: number; consumer: number; scheduled: number };
  /** the longest `timeoutSeconds` a consumer or scheduled trigger function may set (limits-invocation: 900) */
  maxTimeoutSeconds: number;
  /** bytes of an invocation's request: web trigger request, resolver payload (web-trigger page → invocation limits) */
  requestPayloadBytes: number;
  /** bytes of an invocation's response: web trigger response, resolver result */
  responsePayloadBytes: number;
}

export interface ForgeLimits {
  kvs: KvsLimits;
  events: EventLimits;
  invocations: InvocationLimits;
}

export const FORGE_LIMITS: ForgeLimits = {
  kvs: {
    // KVS_LIMITS_PAGE, "Operation limits per installation"
    requestsPerSecond: 1000,
    readUnitsPerMinute: 4000,
    writeUnitsPerMinute: 4000,
    // "Request sizes are rounded up to the nearest 10KB": the page does not say KB = 1024, so 10,000 (harsher)
    unitBytes: 10_000,
    // KVS_LIMITS_PAGE, "Key and object size limits" (MB read as 10^6 bytes: harsher)
    keyReadBytesPerSecond: 12_000_000,
    keyWriteBytesPerSecond: 1_000_000,
    queryBytesPerSecond: 24_000_000,
    // KVS_BATCH_PAGE, "Limitations"
    batchOpsPerMinute: 45,
    // ENTITY_BATCH_PAGE, "Limitations" (the KVS page is silent; the same service serves both)
    batchMaxItems: 25,
    // KVS_BATCH_PAGE and KVS_TRANSACTIONS_PAGE document 4MB; the batch page notes a bug (FRGE-1916) that
    // "is incorrectly limiting request payloads for Transactions and Batch operations to 1MB": the platform
    // answers at 1MB, so the sandbox does too
    batchPayloadBytes: 1_000_000,
    // KVS_TRANSACTIONS_PAGE, "Transaction operations"
    transactionMaxOps: 25,
    // KVS_LIMITS_PAGE "Key length 500"; KVS_ERRORS_PAGE KEY_TOO_LONG "maximum 500 characters"
    maxKeyLength: 500,
    // KVS_LIMITS_PAGE "Value size 240 KiB: maximum size of a single persisted value"
    maxValueBytes: 240 * 1024,
    // KVS_LIMITS_PAGE "Object depth 31" (the error page says 32: the harsher number wins)
    maxDepth: 31,
    maxQueryLimit: 100,
    defaultQueryLimit: 10,
  },
  events: {
    // EVENTS_LIMITS_PAGE
    maxEventsPerPush: 50,
    maxPushBytes: 200 * 1024,
    eventsPerMinute: 500,
    longRunningEventBytes: 100 * 1024,
    longRunningAboveSeconds: 55,
    maxRetryDataBytes: 4 * 1024,
    pushesPerChain: 1000,
    // EVENTS_API_PAGE, "Push API"
    maxDelaySeconds: 900,
    maxRetries: 4,
    maxParallel: 8,
    jobsRemembered: 10_000,
  },
  invocations: {
    // INVOCATION_LIMITS_PAGE (Jan 2026): "User-led invocations have the following rate limits, which are
    // applied on a fixed one-minute window"
    perUserPerMinute: 1200,
    perInstallationPerMinute: 5000,
    perAppPerMinute: 30_000,
    // INVOCATION_LIMITS_PAGE "Runtime seconds": 25 (users: resolvers; product triggers likewise), web
    // triggers 55, consumers and scheduled triggers 55 by default and up to 900 with timeoutSeconds
    timeoutSeconds: { trigger: 25, webtrigger: 55, resolver: 25, consumer: 55, scheduled: 55 },
    maxTimeoutSeconds: 900,
    // WEB_TRIGGER_PAGE: "Webtrigger request and response sizes (including body, headers, query parameters,
    // and all other metadata) are subject to the function request and response payload sizes" of the
    // invocation limits; the stored copy of that page does not show the number. 5 MiB is what Forge's
    // invocation gateway answers (5,242,880 bytes, reported on community.developer.atlassian.com
    // /t/improving-support-for-long-running-tasks-in-forge/69646)
    requestPayloadBytes: 5 * 1024 * 1024,
    responsePayloadBytes: 5 * 1024 * 1024,
  },
};

type Overrides<T> = { [K in keyof T]?: T[K] extends number ? number : Overrides<T[K]> };
/** any limit, tightened, raised or switched off (Infinity) */
export type ForgeLimitOverrides = Overrides<ForgeLimits>;

/** the documented limits with the platform's quota scale, then its overrides, applied */
export function resolveForgeLimits(overrides: ForgeLimitOverrides = {}, quotaScale = 1): ForgeLimits {
  if (!(quotaScale > 0)) throw new Error(`quotaScale must be positive (got ${quotaScale})`);
  const x = quotaScale;
  const { kvs, events, invocations } = FORGE_LIMITS;
  // only the per-window quotas scale; sizes, counts per request and timeouts never do
  const { timeoutSeconds, ...invocationOverrides } = overrides.invocations ?? {};
  return {
    kvs: {
      ...kvs,
      requestsPerSecond: kvs.requestsPerSecond * x,
      readUnitsPerMinute: kvs.readUnitsPerMinute * x,
      writeUnitsPerMinute: kvs.writeUnitsPerMinute * x,
      keyReadBytesPerSecond: kvs.keyReadBytesPerSecond * x,
      keyWriteBytesPerSecond: kvs.keyWriteBytesPerSecond * x,
      queryBytesPerSecond: kvs.queryBytesPerSecond * x,
      batchOpsPerMinute: kvs.batchOpsPerMinute * x,
      ...overrides.kvs,
    },
    events: {
      ...events,
      eventsPerMinute: events.eventsPerMinute * x,
      pushesPerChain: events.pushesPerChain * x,
      ...overrides.events,
    },
    invocations: {
      ...invocations,
      perUserPerMinute: invocations.perUserPerMinute * x,
      perInstallationPerMinute: invocations.perInstallationPerMinute * x,
      perAppPerMinute: invocations.perAppPerMinute * x,
      ...invocationOverrides,
      timeoutSeconds: { ...invocations.timeoutSeconds, ...timeoutSeconds },
    },
  };
}
