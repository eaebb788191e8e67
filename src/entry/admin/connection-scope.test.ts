import { z } from 'zod';
import type { ResolverCall, ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { adminResults } from '../../contracts/admin-results';
import { World, type WorldSite } from '../../sync/testing/world';
import { allAdminDefinitionsOver } from '.';

/*
 * The admin page's resolvers over two simulated sites: a new connection carries a scope given on
 * each side (createInvitation, acceptInvitation), checked like updateConnection checks it, and is
 * useful at once; the site's projects for the suggestions; the activity filtered by an issue.
 */

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };
const call = (payload: unknown): ResolverCall => ({ payload, context: { accountId: 'acc-admin', cloudId: null, extension: {} } });
const Failure = z.strictObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

function admin(site: WorldSite): (fn: string, payload: unknown) => Promise<unknown> {
  const definitions: ResolverDefinitions = allAdminDefinitionsOver(() => site.deps);
  return async (fn, payload) => {
    const definition = definitions[fn];
    if (definition === undefined) throw new Error(`no admin function ${fn}`);
    return definition(call(payload));
  };
}

const failureCode = (answer: unknown) => Failure.parse(answer).error.code;
const summaries = (site: WorldSite) => [...site.jira.issues.values()].map((i) => i.summary).sort();

describe('a new connection with a scope on each side', () => {
  let world: World;
  let a: ReturnType<typeof admin>;
  let b: ReturnType<typeof admin>;

  beforeEach(() => {
    world = new World({ seed: 5, ...calm });
    a = admin(world.a);
    b = admin(world.b);
  });

  it('saves each side’s scope, and an issue created in scope on either side reaches the other', async () => {
    const invitation = z.parse(adminResults.createInvitation, await a('createInvitation', { name: 'partner', scopeJql: ' project = "INT" ' }));
    expect(z.parse(adminResults.listConnections, await a('listConnections', {}))).toEqual([expect.objectContaining({ id: invitation.connectionId, status: 'pending', scopeJql: 'project = "INT"' })]);
    const accepted = z.parse(adminResults.acceptInvitation, await b('acceptInvitation', { code: invitation.code, scopeJql: 'project = "CLOUD"' }));
    expect(accepted).toMatchObject({ status: 'active', role: 'accepter', scopeJql: 'project = "CLOUD"', remoteSiteUrl: 'https://internal.test' });
    expect(z.parse(adminResults.listConnections, await a('listConnections', {}))).toEqual([expect.objectContaining({ status: 'active', scopeJql: 'project = "INT"', remoteSiteUrl: 'https://external.test' })]);

    world.a.jira.userCreate('INT', 'from internal');
    world.b.jira.userCreate('CLOUD', 'from external');
    await world.quiesce();
    expect(summaries(world.a)).toEqual(['from external', 'from internal']);
    expect(summaries(world.b)).toEqual(['from external', 'from internal']);
  });

  it('without a scope on the accepting side, nothing of that side is sent', async () => {
    const invitation = z.parse(adminResults.createInvitation, await a('createInvitation', { name: 'partner', scopeJql: 'project = "INT"' }));
    expect(z.parse(adminResults.acceptInvitation, await b('acceptInvitation', { code: invitation.code }))).toMatchObject({ scopeJql: null });
    world.b.jira.userCreate('CLOUD', 'stays on external');
    await world.quiesce();
    expect(summaries(world.a)).toEqual([]);
  });

  it.each([
    ['a query the site refuses', 'projct = INT'],
    ['an ORDER BY', 'project = "INT" ORDER BY created'],
  ])('refuses an invitation whose scope is %s, and writes nothing', async (_name, scopeJql) => {
    const before = world.a.store.snapshot();
    expect(failureCode(await a('createInvitation', { name: 'partner', scopeJql }))).toBe('invalid-jql');
    expect(world.a.store.snapshot()).toEqual(before);
  });

  it('refuses an accepting scope the site refuses before using the invitation: it still works with a valid one', async () => {
    const invitation = z.parse(adminResults.createInvitation, await a('createInvitation', { name: 'partner', scopeJql: 'project = "INT"' }));
    const before = { a: world.a.store.snapshot(), b: world.b.store.snapshot(), posts: world.posts };
    expect(failureCode(await b('acceptInvitation', { code: invitation.code, scopeJql: 'nonsense ~~ 1' }))).toBe('invalid-jql');
    expect({ a: world.a.store.snapshot(), b: world.b.store.snapshot(), posts: world.posts }).toEqual(before);
    expect(z.parse(adminResults.acceptInvitation, await b('acceptInvitation', { code: invitation.code, scopeJql: 'project = "CLOUD"' }))).toMatchObject({ status: 'active', scopeJql: 'project = "CLOUD"' });
  });

  it('gives the site’s projects for the scope suggestions', async () => {
    expect(z.parse(adminResults.listProjects, await a('listProjects', {}))).toEqual([{ key: 'INT', name: null }]);
    expect(z.parse(adminResults.listProjects, await b('listProjects', {}))).toEqual([{ key: 'CLOUD', name: null }]);
  });
});

describe('the activity of one issue', () => {
  it('lists only the entries naming the issue, by its key here or the other site’s, newest first, up to the limit', async () => {
    const world = new World({ seed: 6, ...calm });
    await world.connect();
    const first = world.a.jira.userCreate('INT', 'first');
    const second = world.a.jira.userCreate('INT', 'second');
    await world.quiesce();
    const a = admin(world.a);
    const b = admin(world.b);
    const all = z.parse(adminResults.listActivity, await a('listActivity', { limit: 500 }));
    expect(all.some((e) => e.issueKey === first.key)).toBe(true);
    expect(all.some((e) => e.issueKey === second.key)).toBe(true);

    const mine = z.parse(adminResults.listActivity, await a('listActivity', { issueKey: second.key }));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.issueKey === second.key || e.remoteIssueKey === second.key)).toBe(true);
    expect(mine).toEqual(all.filter((e) => e.issueKey === second.key || e.remoteIssueKey === second.key));

    // on the other site, the same issue is found by its key there (the twin's entries name it as the remote key)
    const there = z.parse(adminResults.listActivity, await b('listActivity', { issueKey: second.key }));
    expect(there.length).toBeGreaterThan(0);
    expect(there.every((e) => e.remoteIssueKey === second.key)).toBe(true);

    expect(z.parse(adminResults.listActivity, await a('listActivity', { issueKey: second.key, limit: 1 }))).toEqual(mine.slice(0, 1));
    expect(z.parse(adminResults.listActivity, await a('listActivity', { issueKey: 'INT-999' }))).toEqual([]);
  });
});
