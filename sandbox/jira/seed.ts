import type { Accounts } from './storage/accounts';
import { makeAccountId, makePersonAccountId } from './storage/accounts';
import type { Catalog } from './storage/catalog';
import type { Counters, Db } from './storage/db';
import type { AccountRecord, EmailVisibility } from './storage/records';

export const ADMIN_API_TOKEN = 'sandbox-token';
export const REMOTE_ISSUE_KEY_FIELD = 'Remote issue key';
export const TEXT_FIELD_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:textfield';
export const TEXT_SEARCHER = 'com.atlassian.jira.plugin.system.customfieldtypes:textsearcher';

export const adminEmail = (siteName: string): string => `admin@${siteName}.test`;

/**
 * The project a site is seeded with: `internal` → INT "Internal", `external` → CLOUD "Cloud";
 * any other name → the first (up to) four letters of the name, uppercased, and the name capitalised
 * (e.g. `staging` → STAG "Staging").
 */
export function seedProject(siteName: string): { key: string; name: string } {
  if (siteName === 'internal') return { key: 'INT', name: 'Internal' };
  if (siteName === 'external') return { key: 'CLOUD', name: 'Cloud' };
  const letters = siteName.replace(/[^a-zA-Z]/g, '').toUpperCase();
  const key = (letters.length >= 2 ? letters : `${letters}SITE`).slice(0, 4);
  return { key, name: siteName.charAt(0).toUpperCase() + siteName.slice(1) };
}

/**
 * The admin and the user are the people tests and the sandbox UI act as; both chose "Anyone" for
 * their email (a setting every person can choose), so their emails are answered. Everyone else the
 * seed adds hides it, as most people on real sites do (see SEEDED_PEOPLE).
 */
export function ensureAdmin(siteName: string, accounts: Accounts): AccountRecord {
  const email = adminEmail(siteName);
  return accounts.ensure({ accountId: makeAccountId(siteName, email), email, displayName: 'Admin', accountType: 'atlassian', apiToken: ADMIN_API_TOKEN, emailVisibility: 'public' });
}

export const userEmail = (siteName: string): string => `user@${siteName}.test`;
export const userDisplayName = (siteName: string): string => `Sandbox User (${siteName})`;

/** The seeded non-admin person: `user@<site>.test`, API token `sandbox-token` (see README). */
export function ensureUser(siteName: string, accounts: Accounts): AccountRecord {
  const email = userEmail(siteName);
  return accounts.ensure({ accountId: makeAccountId(siteName, email), email, displayName: userDisplayName(siteName), accountType: 'atlassian', apiToken: ADMIN_API_TOKEN, emailVisibility: 'public' });
}

/** The one person who belongs to every site, with one account id everywhere and a hidden email. */
export const SHARED_PERSON_EMAIL = 'shared@people.test';

export interface SeededPerson {
  email: string;
  displayName: string;
  emailVisibility: EmailVisibility;
  /** true: one Atlassian account on every site (same account id); false: a person of this site only */
  shared: boolean;
}

/**
 * The people every site has besides the admin and the user: all of them hide their email (profile
 * visibility, https://developer.atlassian.com/cloud/jira/platform/profile-visibility/), as most people
 * do; they sign in with `sandbox-token` like everyone seeded.
 */
export function seededPeople(siteName: string): SeededPerson[] {
  const local = (name: string, displayName: string): SeededPerson => ({
    email: `${name}@${siteName}.test`, displayName: `${displayName} (${siteName})`, emailVisibility: 'private', shared: false,
  });
  return [
    local('dana', 'Dana Quill'),
    local('eli', 'Eli Marsh'),
    local('farah', 'Farah Lind'),
    { email: SHARED_PERSON_EMAIL, displayName: 'Sam Shared', emailVisibility: 'private', shared: true },
  ];
}

/** Adds the seeded people who are missing (on every open, so older files gain them). */
export function ensurePeople(siteName: string, accounts: Accounts): AccountRecord[] {
  return seededPeople(siteName).map((p) => accounts.ensure({
    accountId: p.shared ? makePersonAccountId(p.email) : makeAccountId(siteName, p.email), email: p.email,
    displayName: p.displayName, accountType: 'atlassian', apiToken: ADMIN_API_TOKEN, emailVisibility: p.emailVisibility,
  }));
}

/** Seeds the default configuration once; a second call on the same database changes nothing. Inside a transaction. */
export function seedDefault(siteName: string, db: Db, counters: Counters, catalog: Catalog, admin: AccountRecord): void {
  const done = db.prepare("SELECT 1 FROM counters WHERE name = 'seed:default'").get();
  if (done !== undefined) return;
  counters.take('seed:default', 1);
  const project = seedProject(siteName);
  catalog.insertProject(project.key, project.name, admin.accountId);
  const types: [string, string, boolean, number][] = [
    ['Task', 'A small, distinct piece of work.', false, 0],
    ['Bug', 'A problem or error.', false, 0],
    ['Story', 'Functionality or a feature expressed as a user goal.', false, 0],
    ['Epic', 'A big user story that needs to be broken down.', false, 1],
    ['Sub-task', "A small piece of work that's part of a larger task.", true, -1],
  ];
  types.forEach(([name, description, subtask, hierarchyLevel], i) => catalog.insertIssueType({ id: 10001 + i, name, description, subtask, hierarchyLevel }));
  const priorities: [string, string, string][] = [
    ['Highest', 'This problem will block progress.', '#d04437'],
    ['High', 'Serious problem that could block progress.', '#f15C75'],
    ['Medium', 'Has the potential to affect progress.', '#f79232'],
    ['Low', 'Minor problem or easily worked around.', '#707070'],
    ['Lowest', 'Trivial problem with little or no impact on progress.', '#999999'],
  ];
  priorities.forEach(([name, description, statusColor], i) => catalog.insertPriority({ id: i + 1, name, description, statusColor, isDefault: name === 'Medium' }));
  catalog.insertStatus({ id: 10000, name: 'Open', description: 'The work item is open and ready for the assignee to start work on it.', categoryKey: 'new', transitionId: 11 });
  catalog.insertStatus({ id: 10001, name: 'In Progress', description: 'This work item is being actively worked on at the moment by the assignee.', categoryKey: 'indeterminate', transitionId: 21 });
  catalog.insertStatus({ id: 10002, name: 'Done', description: 'Work on this item is complete.', categoryKey: 'done', transitionId: 31 });
  catalog.insertCustomField(REMOTE_ISSUE_KEY_FIELD, 'Key of the twin issue on the other site', TEXT_FIELD_TYPE, TEXT_SEARCHER);
}
