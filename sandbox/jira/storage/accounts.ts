import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db';
import type { AccountRecord, AccountType } from './records';

const accountRow = z.object({
  account_id: z.string(), email: z.string(), display_name: z.string(),
  account_type: z.enum(['atlassian', 'app']), api_token: z.string(), active: z.number(),
});

/** Deterministic Atlassian-style account id (24 hex digits after a numeric prefix) for a site and email. */
export function makeAccountId(siteName: string, email: string): string {
  const hex = createHash('sha256').update(`${siteName}\n${email}`).digest('hex');
  return `712020:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
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

  /** inserts the account unless one with this email exists; returns the stored account */
  ensure(account: { accountId: string; email: string; displayName: string; accountType: AccountType; apiToken: string; appName?: string }): AccountRecord {
    const existing = this.byEmail(account.email);
    if (existing) return existing;
    this.db.prepare('INSERT INTO accounts (account_id, email, display_name, account_type, api_token, active, app_name) VALUES (?, ?, ?, ?, ?, 1, ?)')
      .run(account.accountId, account.email, account.displayName, account.accountType, account.apiToken, account.appName ?? null);
    const stored: AccountRecord = { accountId: account.accountId, email: account.email, displayName: account.displayName, accountType: account.accountType, apiToken: account.apiToken, active: true };
    this.byId.set(stored.accountId, stored);
    return stored;
  }

  /** people and apps whose display name or email starts with (or contains a word starting with) the query */
  search(query: string): AccountRecord[] {
    const q = query.trim().toLowerCase();
    return this.all()
      .filter((a) => a.active && (q === '' || a.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || a.displayName.toLowerCase().startsWith(q) || a.email.toLowerCase().startsWith(q)))
      .sort((x, y) => x.displayName.localeCompare(y.displayName));
  }
}
