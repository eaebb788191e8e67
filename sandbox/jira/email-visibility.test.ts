import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { JiraAccountCredentials } from './contract';
import { SHARED_PERSON_EMAIL } from './seed';
import { JiraSite, type JiraPerson } from './site';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

/** Profile visibility: hidden emails never leave the REST API; the seeded people who hide theirs. */

const user = z.looseObject({ accountId: z.string(), displayName: z.string(), emailAddress: z.string().optional() });
const users = z.array(user);

describe('email visibility', () => {
  let h: SiteHarness;
  let dana: JiraPerson;
  let shared: JiraPerson;
  const person = (email: string): JiraPerson => {
    const p = h.site.people.find((x) => x.email === email);
    if (!p) throw new Error(`no seeded ${email}`);
    return p;
  };

  beforeAll(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0 });
    dana = person('dana@internal.test');
    shared = person(SHARED_PERSON_EMAIL);
  });
  afterAll(() => h.stop());

  it('seeds the admin and the user with visible emails, and four people who hide theirs', () => {
    expect(h.site.people.map((p) => [p.email, p.displayName, p.emailVisibility])).toEqual([
      ['admin@internal.test', 'Admin', 'public'],
      ['user@internal.test', 'Sandbox User (internal)', 'public'],
      ['dana@internal.test', 'Dana Quill (internal)', 'private'],
      ['eli@internal.test', 'Eli Marsh (internal)', 'private'],
      ['farah@internal.test', 'Farah Lind (internal)', 'private'],
      [SHARED_PERSON_EMAIL, 'Sam Shared', 'private'],
    ]);
  });

  it.each<[string, () => JiraAccountCredentials, () => JiraAccountCredentials, string | undefined]>([
    ['the admin, by the admin', () => h.site.admin, () => h.site.admin, 'admin@internal.test'],
    ['the user, by the admin', () => h.site.user, () => h.site.admin, 'user@internal.test'],
    ['a hidden email, by the admin (site admins do not get it either)', () => dana, () => h.site.admin, undefined],
    ['a hidden email, by its owner (harsher: the sandbox cannot tell the owner from an asUser() app)', () => dana, () => dana, undefined],
    ['a hidden email, by an app', () => shared, () => h.site.createAppAccount('Twin Sync'), undefined],
  ])('GET /user answers %s', async (_name, whom, viewer, email) => {
    const r = await h.call('GET', `/rest/api/3/user?accountId=${encodeURIComponent(whom().accountId)}`, undefined, { as: viewer() });
    expect(r.status).toBe(200);
    expect(user.parse(r.body).emailAddress).toBe(email);
    expect(r.body).not.toHaveProperty('emailAddress', null);
  });

  it.each<[string, string | undefined]>([
    ['admin@internal.test', 'admin@internal.test'],
    ['dana@internal.test', undefined],
  ])('GET /myself as %s', async (email, shown) => {
    const me = person(email);
    expect(user.parse((await h.call('GET', '/rest/api/3/myself', undefined, { as: me })).body).emailAddress).toBe(shown);
  });

  it.each<[string, string[]]>([
    ['dana', ['dana@internal.test']], // by display name: found, without the email
    ['Quill', ['dana@internal.test']],
    ['dana@internal.test', []], // a hidden email finds no one (harsher reading)
    ['dana@', []],
    ['shared@people.test', []],
    ['admin@internal.test', ['admin@internal.test']],
    ['user@int', ['user@internal.test']],
  ])('GET /user/search?query=%s', async (query, emails) => {
    const found = users.parse((await h.call('GET', `/rest/api/3/user/search?query=${encodeURIComponent(query)}`)).body);
    expect(found.map((u) => h.site.people.find((p) => p.accountId === u.accountId)?.email)).toEqual(emails);
    for (const u of found) {
      const p = h.site.people.find((x) => x.accountId === u.accountId);
      expect(u.emailAddress).toBe(p?.emailVisibility === 'public' ? p.email : undefined);
    }
  });

  it('leaves the email out of reporter, assignee, creator and comment authors', async () => {
    const created = await h.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'by Dana', assignee: { accountId: shared.accountId } },
    }, { as: dana });
    expect(created.status).toBe(201);
    const key = z.object({ key: z.string() }).parse(created.body).key;
    expect((await h.call('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('hello') }, { as: dana })).status).toBe(201);
    const issue = z.object({ fields: z.object({ reporter: user, assignee: user, creator: user, comment: z.object({ comments: z.array(z.object({ author: user, updateAuthor: user })) }) }) })
      .parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=reporter,assignee,creator,comment`)).body);
    const shown = [issue.fields.reporter, issue.fields.assignee, issue.fields.creator, ...issue.fields.comment.comments.flatMap((c) => [c.author, c.updateAuthor])];
    expect(shown.map((u) => [u.accountId, u.emailAddress])).toEqual([
      [dana.accountId, undefined], [shared.accountId, undefined], [dana.accountId, undefined], [dana.accountId, undefined], [dana.accountId, undefined],
    ]);
    expect(JSON.stringify(issue)).not.toMatch(/dana@internal\.test|shared@people\.test/);
  });

  it('finds people in JQL by visible emails only', async () => {
    expect((await h.call('POST', '/rest/api/3/search/jql', { jql: 'reporter = "admin@internal.test"' })).status).toBe(200);
    expect((await h.call('POST', '/rest/api/3/search/jql', { jql: 'reporter = "dana@internal.test"' })).status).toBe(400);
    expect((await h.call('POST', '/rest/api/3/search/jql', { jql: `reporter = "${dana.accountId}"` })).status).toBe(200);
  });

  it('lets every seeded person sign in with their email and sandbox-token', async () => {
    for (const p of h.site.people) {
      const me = user.parse((await h.call('GET', '/rest/api/3/myself', undefined, { as: p })).body);
      expect(me.accountId).toBe(p.accountId);
    }
    expect(h.site.credentialsFor(dana.accountId)).toEqual({ accountId: dana.accountId, email: dana.email, apiToken: 'sandbox-token' });
  });
});

describe('the person on every site', () => {
  it('has one account id on every site; the others have one per site', () => {
    const sites = ['internal', 'external', 'staging'].map((name) => JiraSite.create({ name, db: ':memory:', seed: 'none' }));
    try {
      const ids = (email: (site: string) => string): Set<string> => new Set(sites.map((s) => s.people.find((p) => p.email === email(s.name))?.accountId ?? '?'));
      expect(ids(() => SHARED_PERSON_EMAIL).size).toBe(1);
      expect(ids((name) => `dana@${name}.test`).size).toBe(3);
      expect(ids((name) => `admin@${name}.test`).size).toBe(3);
    } finally {
      for (const s of sites) void s.close();
    }
  });
});

describe('a site file written before email visibility existed', () => {
  it('keeps its people visible and gains the seeded people who hide their email', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jira-old-'));
    const file = path.join(dir, 'jira-internal.sqlite');
    try {
      const old = new Database(file);
      old.exec(`CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        account_type TEXT NOT NULL, api_token TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, app_name TEXT UNIQUE)`);
      old.prepare("INSERT INTO accounts VALUES ('712020:old', 'old@internal.test', 'Old Timer', 'atlassian', 'sandbox-token', 1, NULL)").run();
      old.close();
      const site = JiraSite.create({ name: 'internal', db: file, rateLimits: false });
      try {
        const baseUrl = await site.listen(0, '127.0.0.1');
        const res = await fetch(`${baseUrl}/rest/api/3/user?accountId=712020:old`, { headers: { authorization: `Basic ${Buffer.from('admin@internal.test:sandbox-token').toString('base64')}` } });
        expect(user.parse(await res.json()).emailAddress).toBe('old@internal.test');
        expect(site.people.find((p) => p.email === 'dana@internal.test')?.emailVisibility).toBe('private');
      } finally {
        await site.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
