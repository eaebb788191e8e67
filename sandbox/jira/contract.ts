import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PointsPool } from './rate-limits/points-pool';

/**
 * The contract of one emulated Jira Cloud site, as the rest of the sandbox uses it
 * (the Forge platform, the `npm start` command, the test suites). Implemented by `JiraSite` in
 * `sandbox/jira/site.ts`.
 */

/** a failure `injectFault` makes the site answer, before anything is read or written */
export interface JiraFault {
  /** "METHOD /rest/api/3/template" as `stats()` counts it, e.g. 'PUT /rest/api/3/issue/{issueIdOrKey}'; '*' for every request */
  route: string;
  /** 429 (rate limited), 500, 503, ... */
  status: number;
  /** sent as Retry-After (seconds), e.g. with 429 */
  retryAfterSeconds?: number;
  /** how many matching requests fail (default 1) */
  times?: number;
  /** fail only every Nth matching request (a storm of 429s among successes); default 1: each one */
  every?: number;
  /** match only requests made by app accounts (so a test's own requests get through) */
  onlyApps?: boolean;
}

export interface JiraSiteOptions {
  /** site name, e.g. 'internal' or 'external'; the default seed depends on it */
  name: string;
  /** SQLite file path, or ':memory:' */
  db: string;
  /** 'default' seeds the site as the seed data says (idempotent on an existing file); 'none' seeds only the two people (admin and user) */
  seed?: 'default' | 'none';
  /**
   * clock in epoch ms (tests may pass a fake); default Date.now. Everything timed runs on it: the
   * rate limits' windows and buckets, the search index lag, created/updated dates. Under a Forge
   * platform pass its clock (`() => platform.scheduler.now()`) so `platform.advance()` moves the site too.
   */
  now?: () => number;
  /** Jira Cloud's rate limits (sandbox/jira/README.md, "Rate limits"); false: none. Default: as documented */
  rateLimits?: JiraRateLimitOptions | false;
  /**
   * how long after a committed change JQL search (GET/POST /search/jql, /search/approximate-count)
   * sees it, in ms on the site clock; 0: at once. Default 60,000 (sandbox/jira/README.md, "Search index lag")
   */
  searchIndexLagMs?: number;
  /**
   * the attachment settings (`GET /rest/api/3/attachment/meta`); default enabled, upload limit 1 GB
   * (10^9 bytes), at most 2 GB (sandbox/jira/README.md, "Attachments"). Given, they replace what the
   * site's database held; else the database's (set by `setAttachmentSettings` or
   * `POST /_sandbox/jira/attachments`) are kept across restarts.
   */
  attachments?: { enabled?: boolean; uploadLimit?: number };
}

/**
 * Jira Cloud's rate limits (https://developer.atlassian.com/cloud/jira/platform/rate-limiting); every
 * part is on by default with the documented numbers, `false` switches a part off.
 */
export interface JiraRateLimitOptions {
  /** multiplies every number (rates, points, writes per window), e.g. 0.01 to trip limits in a test; default 1 */
  scale?: number;
  /** the hourly points quota of apps' requests (accountType 'app', and asUser() requests marked as an app's) */
  quota?: false | {
    /** 'global' (Tier 1, default: RateLimit-Reason jira-quota-global-based) or 'tenant' (Tier 2: jira-quota-tenant-based) */
    tier?: 'global' | 'tenant';
    /** default 65,000 (Tier 1; Tier 2 by edition: Free 65,000, Standard 100,000 + 10 × users, …, at most 500,000) */
    pointsPerHour?: number;
    /** the counters: pass one pool to several sites to share Tier 1's single quota across them, as Jira does; default one per site */
    pool?: PointsPool;
  };
  /** requests per second per endpoint and method, for every caller */
  burst?: false | {
    /** steady-state requests per second by method; default GET 100, POST 100, PUT 50, DELETE 50 */
    perMethod?: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', number>>;
    /** by "METHOD /rest/api/3/template", overriding perMethod (the documented custom limits are built in) */
    perEndpoint?: Record<string, number>;
    /** bucket size in seconds of the steady-state rate; default 1 */
    bucketSeconds?: number;
  };
  /** writes to one issue per window, for every caller; default 20 per 2 s and 100 per 30 s */
  perIssueWrites?: false | { windows?: { writes: number; seconds: number }[] };
}

export interface JiraAccountCredentials {
  accountId: string;
  email: string;
  apiToken: string;
}

/** A Forge-shaped product event (the shape Forge delivers to `trigger` modules). */
export type JiraProductEvent = JiraIssueProductEvent | JiraAttachmentProductEvent | JiraIssueLinkProductEvent;

/** issue and comment events: `avi:jira:created|updated|deleted:issue`, `avi:jira:commented:issue`, `avi:jira:deleted:comment` */
export interface JiraIssueProductEvent {
  eventType: 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:deleted:issue' | 'avi:jira:commented:issue' | 'avi:jira:deleted:comment';
  /** account id of the acting account (the app's own account for `asApp` writes) */
  atlassianId: string;
  issue: {
    id: string;
    key: string;
    fields: Record<string, unknown>;
  };
  /** for avi:jira:updated:issue */
  changelog?: {
    id: string;
    items: { field: string; fieldId: string; fieldtype: string; from: string | null; fromString: string | null; to: string | null; toString: string | null }[];
  };
  /** for comment events */
  comment?: Record<string, unknown>;
  /** as Forge sends it: the account that caused the event */
  associatedUsers?: { accountId: string }[];
  attachment?: undefined;
  /** ISO timestamp */
  timestamp: string;
}

/**
 * `avi:jira:created:attachment` / `avi:jira:deleted:attachment`: the page lists `eventType` and
 * `attachment` only, so there is no `atlassianId` (nothing for `filter.ignoreSelf` to match) and no
 * `issue` (sandbox/jira/attachments.ts, `attachmentEventPayload`).
 */
export interface JiraAttachmentProductEvent {
  eventType: 'avi:jira:created:attachment' | 'avi:jira:deleted:attachment';
  /** `{id, issueId, fileName, mimeType, size, createDate, author: {accountId}}` */
  attachment: Record<string, unknown>;
  atlassianId?: undefined;
  issue?: undefined;
  changelog?: undefined;
  comment?: undefined;
  associatedUsers?: undefined;
  /** ISO timestamp */
  timestamp: string;
}

/**
 * `avi:jira:created:issuelink` / `avi:jira:deleted:issuelink`: the link and its two ends, no
 * `atlassianId` and no `issue` (sandbox/jira/issue-links.ts, `issueLinkEvent`). The source is the
 * link's inward issue (the one the type's `outward` description speaks for: "source blocks destination").
 */
export interface JiraIssueLinkProductEvent {
  eventType: 'avi:jira:created:issuelink' | 'avi:jira:deleted:issuelink';
  /** the issue link's id */
  id: string;
  sourceIssueId: string;
  destinationIssueId: string;
  sourceProjectId: string;
  destinationProjectId: string;
  issueLinkType: { id: string; name: string; inward: string; outward: string };
  atlassianId?: undefined;
  issue?: undefined;
  changelog?: undefined;
  comment?: undefined;
  associatedUsers?: undefined;
  attachment?: undefined;
  /** ISO timestamp */
  timestamp: string;
}

/**
 * A product event as the site's journal holds it: the event and its journal sequence number (the
 * order of commits; never reused on this journal). `journalSeq` is the sandbox's own: Forge does not
 * send it, so the platform drops it from the payload the app sees.
 */
export type JournaledProductEvent = JiraProductEvent & { readonly journalSeq: number };

/** The product event journal of a site (see JiraSiteApi.eventsAfter). */
export interface ProductEventJournalInfo {
  /** the journal's identity: a new database starts a new journal, whose sequence numbers start again */
  journalId: string;
  /** the last sequence number committed (0: none yet) */
  lastSeq: number;
  /** the oldest sequence number still kept (lastSeq + 1 when the journal is empty); older ones were pruned */
  firstSeq: number;
}

/** Extra routes mounted on the site's HTTP server by the Forge platform (e.g. '/_sandbox/'). */
export type MountedHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Custom UI pages the Forge platform contributes to the site's web UI (issue 6). */
export interface SiteUiExtensions {
  /** the admin page, shown at /jira/settings/apps/twin-sync */
  adminPage?: { title: string; iframeUrl: string };
  /** the issue panel, shown on /browse/KEY */
  issuePanel?: { title: string; iframeUrl: (issueKey: string, issueId: string) => string };
}

export interface JiraSiteApi {
  readonly name: string;
  /** e.g. http://127.0.0.1:7101 once listening */
  readonly baseUrl: string | null;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** the whole site as a request handler */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** route every request whose path starts with `prefix` to `handler` (checked before the REST API) */
  mount(prefix: string, handler: MountedHandler): void;
  /**
   * subscribe to product events, delivered after their change committed, in journal order; returns
   * the unsubscribe function. Every event was journaled in its change's transaction first: a
   * subscriber that missed some (it was not running) reads them with `eventsAfter`.
   */
  onEvent(listener: (event: JournaledProductEvent) => void): () => void;
  /** the product event journal: identity, last and oldest sequence numbers kept */
  eventJournal(): ProductEventJournalInfo;
  /** journaled events with a sequence number above `afterSeq`, oldest first, at most `limit` (default and most: 500) */
  eventsAfter(afterSeq: number, limit?: number): JournaledProductEvent[];
  /** the admin user's credentials (admin@<name>.test / sandbox-token); the only account with global ADMINISTER */
  readonly admin: JiraAccountCredentials;
  /** the seeded non-admin user's credentials (user@<name>.test / sandbox-token): browses and edits every project, no ADMINISTER */
  readonly user: JiraAccountCredentials;
  /** every seeded person, admin and user first, with display name and email visibility (sandbox/jira/README.md, "Seed") */
  readonly people: readonly (JiraAccountCredentials & { displayName: string; emailVisibility: 'public' | 'private' })[];
  /**
   * the credentials of the active person (accountType 'atlassian') with this account id, so the
   * Forge platform can act as that user (`asUser()`); null for an unknown or inactive account and for app accounts
   */
  credentialsFor(accountId: string): JiraAccountCredentials | null;
  /** create (or return the existing) app account, accountType 'app', for an installed app */
  createAppAccount(appName: string): JiraAccountCredentials;
  /** REST requests served, by "METHOD /rest/api/3/route/{template}", for benchmarks; 429s of the rate limits by RateLimit-Reason */
  stats(): { requests: number; byRoute: Record<string, number>; rateLimited: Record<string, number> };
  resetStats(): void;
  /** answer the next matching REST requests with `status` (429 + Retry-After, a 5xx) */
  injectFault(fault: JiraFault): void;
  /** rate-limit points the named app account has used in the current hour (null: no quota) */
  pointsUsed(appName: string): number | null;
  /** replaces the rate limits (as the `rateLimits` option; `{}` = the defaults); false: none. Counters start afresh */
  setRateLimits(options: JiraRateLimitOptions | false): void;
  /** makes every committed change visible to JQL search at once (for a test's own searches) */
  settleSearchIndex(): void;
  setUiExtensions(ext: SiteUiExtensions): void;
  /** the site's attachment settings, as `GET /rest/api/3/attachment/meta` answers them */
  attachmentSettings(): { enabled: boolean; uploadLimit: number };
  /** changes (and keeps in the site's database) the attachment settings; throws on values Jira Cloud does not allow */
  setAttachmentSettings(settings: { enabled?: boolean; uploadLimit?: number }): { enabled: boolean; uploadLimit: number };
}
