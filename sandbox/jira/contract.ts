import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The contract of one emulated Jira Cloud site, as the rest of the sandbox uses it
 * (the Forge platform, the `npm start` command, the test suites). Implemented by `JiraSite` in
 * `sandbox/jira/site.ts`.
 */

export interface JiraSiteOptions {
  /** site name, e.g. 'internal' or 'external'; the default seed depends on it */
  name: string;
  /** SQLite file path, or ':memory:' */
  db: string;
  /** 'default' seeds the site as the seed data says (idempotent on an existing file); 'none' seeds only the two people (admin and user) */
  seed?: 'default' | 'none';
  /** clock in epoch ms (tests may pass a fake); default Date.now */
  now?: () => number;
}

export interface JiraAccountCredentials {
  accountId: string;
  email: string;
  apiToken: string;
}

/** A Forge-shaped product event (the shape Forge delivers to `trigger` modules). */
export interface JiraProductEvent {
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
  /** ISO timestamp */
  timestamp: string;
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
  /** subscribe to product events; returns the unsubscribe function */
  onEvent(listener: (event: JiraProductEvent) => void): () => void;
  /** the admin user's credentials (admin@<name>.test / sandbox-token); the only account with global ADMINISTER */
  readonly admin: JiraAccountCredentials;
  /** the seeded non-admin user's credentials (user@<name>.test / sandbox-token): browses and edits every project, no ADMINISTER */
  readonly user: JiraAccountCredentials;
  /**
   * the credentials of the active person (accountType 'atlassian') with this account id, so the
   * Forge platform can act as that user (`asUser()`); null for an unknown or inactive account and for app accounts
   */
  credentialsFor(accountId: string): JiraAccountCredentials | null;
  /** create (or return the existing) app account, accountType 'app', for an installed app */
  createAppAccount(appName: string): JiraAccountCredentials;
  /** REST requests served, by "METHOD /rest/api/3/route/{template}", for benchmarks */
  stats(): { requests: number; byRoute: Record<string, number> };
  resetStats(): void;
  setUiExtensions(ext: SiteUiExtensions): void;
}
