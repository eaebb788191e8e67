import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db';
import type { AccountRecord, AccountType, EmailVisibility } from './records';

const accountRow = z.object({
  account_id: z.string(), email: z.string(), display_name: z.string(),
  account_type: z.enum(['atlassian', 'app']), api_token: z.string(), active: z.number(),
  app_name: z.string().nullable(), email_visibility: z.enum(['public', 'private']),
});

function accountIdFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `712020:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Deterministic Atlassian-style account id (24 hex digits after a numeric prefix) for a site and email. */
export function makeAccountId(siteName: string, email: string): string {
  return accountIdFrom(`${siteName}\n${email}`);
}

/**
 * The account id of one Atlassian account that belongs to several sites: the same on every site.
 * Atlassian's OpenAPI description of Jira Cloud (`User.accountId`, ../shared/jira-openapi/): "The
 * account ID of the user, which uniquely identifies the user across all Atlassian products".
 */
export function makePersonAccountId(email: string): string {
  return accountIdFrom(`atlassian-account\n${email.toLowerCase()}`);
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The site's accounts (people and apps). Few, so they are cached in memory. */
export class Accounts {
  private byId = new Map<string, AccountRecord>();

  constructor(private readonly db: Db) {
    this.reload();
  }

  reload(): void {
    this.byId.clear();
    for (const r of this.db.prepare('SELECT * FROM accounts').all()) {
      const a = accountRow.parse(r);
      this.byId.set(a.account_id, {
        accountId: a.account_id, email: a.email, displayName: a.display_name,
        accountType: a.account_type, apiToken: a.api_token, active: a.active === 1,
        emailVisibility: a.email_visibility, appName: a.app_name,
      });
    }
  }

  get(accountId: string): AccountRecord | undefined {
    return this.byId.get(accountId);
  }

  all(): AccountRecord[] {
    return [...this.byId.values()];
  }

  byEmail(email: string): AccountRecord | undefined {
    const lower = email.toLowerCase();
    return this.all().find((a) => a.email.toLowerCase() === lower);
  }

  /** the active account with this email and API token, or undefined */
  authenticate(email: string, apiToken: string): AccountRecord | undefined {
    const a = this.byEmail(email);
    if (!a || !a.active) return undefined;
    return sameSecret(a.apiToken, apiToken) ? a : undefined;
  }

  /**
   * inserts the account unless one with this email exists; returns the stored account. A person's
   * email is hidden unless `emailVisibility` says 'public' (most people keep it hidden).
   */
  ensure(account: { accountId: string; email: string; displayName: string; accountType: AccountType; apiToken: string; appName?: string; emailVisibility?: EmailVisibility }): AccountRecord {
    const existing = this.byEmail(account.email);
    if (existing) return existing;
    const emailVisibility = account.emailVisibility ?? 'private';
    this.db.prepare('INSERT INTO accounts (account_id, email, display_name, account_type, api_token, active, app_name, email_visibility) VALUES (?, ?, ?, ?, ?, 1, ?, ?)')
      .run(account.accountId, account.email, account.displayName, account.accountType, account.apiToken, account.appName ?? null, emailVisibility);
    const stored: AccountRecord = {
      accountId: account.accountId, email: account.email, displayName: account.displayName, accountType: account.accountType,
      apiToken: account.apiToken, active: true, emailVisibility, appName: account.appName ?? null,
    };
    this.byId.set(stored.accountId, stored);
    return stored;
  }

  /**
   * people and apps whose display name starts with (or contains a word starting with) the query, or
   * whose email starts with it when the email is visible. GET /user/search matches `displayName` and
   * `emailAddress` by prefix (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/);
   * the docs do not say whether a hidden email still matches: the sandbox takes the harsher reading, it
   * never does (a person whose email is hidden cannot be found by it).
   */
  search(query: string): AccountRecord[] {
    const q = query.trim().toLowerCase();
    const matches = (a: AccountRecord): boolean => {
      const name = a.displayName.toLowerCase();
      if (name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))) return true;
      return visibleEmail(a)?.toLowerCase().startsWith(q) ?? false;
    };
    return this.all()
      .filter((a) => a.active && (q === '' || matches(a)))
      .sort((x, y) => x.displayName.localeCompare(y.displayName));
  }
}

/**
 * The email the REST API may answer for this account: a person's when their profile visibility makes
 * it public, never an app's. "If the user has chosen to hide fields in their profile, your apps will
 * not be able to retrieve those fields via the API"
 * (https://developer.atlassian.com/cloud/jira/platform/profile-visibility/); not even site or org
 * admins get a hidden email from the REST API (https://jira.atlassian.com/browse/AX-239,
 * https://jira.atlassian.com/browse/CONFCLOUD-72205). The sandbox cannot tell a person's own API
 * token from an app's asUser() request (both are Basic auth here), so it hides the email from
 * everyone, the person included (harsher than Jira, which shows people their own email).
 */
export function visibleEmail(a: AccountRecord): string | null {
  return a.accountType === 'atlassian' && a.emailVisibility === 'public' ? a.email : null;
}
