import { JiraError } from '../ports/jira';
import { RulesError, type RulesEngine } from '../ports/rules';
import type { RulesProvider } from '../ports/rules-provider';
import { defaultRulesEngine } from '../rules/builtin/provider';
import { getTwins, linkToExisting, listErrors, syncToRemote, unlink } from './admin-api';
import { updateConnection } from './connections';
import { commentText, textDoc } from './testing/memory-jira';
import { World, type WorldSite } from './testing/world';
import { retryError } from './worker';
import { processOutgoing } from './outgoing';
import { localLock } from '../model/queue-event';

/**
 * Issue 12: unlink means unlink (both sides forget the link, "Remote issue key" is cleared, nothing
 * starts a twin again until a person syncs), pairing with an existing issue, and the panel's state
 * on the other side's word (signed outcomes).
 */
const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function synced(options: Partial<ConstructorParameters<typeof World>[0]> = {}) {
  const world = new World({ seed: 5, ...calm, ...options });
  const connectionId = await world.connect();
  const issue = world.a.jira.userCreate('INT', 'pair me');
  await world.quiesce();
  const twin = issues(world.b)[0];
  if (!twin) throw new Error('no twin');
  return { world, connectionId, issue, twin };
}

const issues = (site: WorldSite) => [...site.jira.issues.values()];
const remoteKeyOf = (site: WorldSite, id: string) => site.jira.issues.get(id)?.customFields['Remote issue key']?.value ?? null;

/** the default rules, with the incoming side wrapped (to fail or unlink on demand) */
function wrapped(change: (engine: RulesEngine) => RulesEngine, config = { targetProjectKey: 'CLOUD', syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' }): RulesProvider {
  return { forConnection: async () => change(defaultRulesEngine(config)) };
}

describe('unlink', () => {
  it.each([['the source side (a)'], ['the twin side (b)']])('from %s: both sides forget, the keys are cleared, a later edit on either side creates nothing', async (where) => {
    const { world, connectionId, issue, twin } = await synced();
    expect(remoteKeyOf(world.a, issue.id)).toBe(twin.key);
    const site = where.startsWith('the source') ? world.a : world.b;
    const answer = await unlink(site.deps, { issueId: site === world.a ? issue.id : twin.id, connectionId });
    expect(answer).toEqual({ unlinked: true, remoteNotified: true });
    await world.quiesce();
    expect(await getTwins(world.a.deps, issue.id)).toEqual([]);
    expect(await getTwins(world.b.deps, twin.id)).toEqual([]);
    expect(remoteKeyOf(world.a, issue.id)).toBeNull();
    expect(remoteKeyOf(world.b, twin.id)).toBeNull();
    world.a.jira.userEdit(issue.id, { summary: 'edited on a after the unlink' });
    world.b.jira.userEdit(twin.id, { summary: 'edited on b after the unlink' });
    world.a.jira.userComment(issue.id, 'a comment after the unlink');
    await world.quiesce();
    await world.sweepAll();
    await world.quiesce();
    expect(issues(world.a)).toHaveLength(1);
    expect(issues(world.b)).toHaveLength(1);
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('edited on b after the unlink');
    expect(world.b.jira.issues.get(twin.id)?.comments).toHaveLength(0);
    expect(await listErrors(world.a.deps)).toEqual([]);
    expect(await listErrors(world.b.deps)).toEqual([]);
  });

  it('a replica sent before the unlink and delivered after it creates no second twin', async () => {
    const { world, connectionId, issue, twin } = await synced();
    // b does not hear of the unlink (its inbox down): a's edits stop, b's edit arrives at a later
    const post = world.a.deps.transport.post;
    world.a.deps.transport = { post: async () => { throw new Error('network down'); } };
    await unlink(world.a.deps, { issueId: issue.id, connectionId });
    world.a.deps.transport = { post };
    world.b.jira.userEdit(twin.id, { summary: 'b did not hear of it' });
    await world.quiesce();
    // a dropped it and told b again: b's link is gone too
    expect(issues(world.a)).toHaveLength(1);
    expect(world.a.jira.issues.get(issue.id)?.summary).toBe('pair me');
    expect(await getTwins(world.b.deps, twin.id)).toEqual([]);
    expect(await listErrors(world.a.deps)).toEqual([]);
  });

  it('an unlink the other site could not be told of at once is told later, by the queue', async () => {
    const { world, connectionId, issue, twin } = await synced();
    const post = world.a.deps.transport.post;
    world.a.deps.transport = { post: async () => { throw new Error('network down'); } };
    expect(await unlink(world.a.deps, { issueId: issue.id, connectionId })).toEqual({ unlinked: true, remoteNotified: false });
    world.a.deps.transport = { post };
    await world.quiesce();
    expect(await getTwins(world.b.deps, twin.id)).toEqual([]);
    expect(remoteKeyOf(world.b, twin.id)).toBeNull();
  });

  it('an unlink that arrives after the twins were paired again is an old one: ignored', async () => {
    const { world, connectionId, issue, twin } = await synced();
    // the unlink's message is held back; the person syncs again at once
    const post = world.a.deps.transport.post;
    const held: Parameters<typeof post>[0][] = [];
    world.a.deps.transport = { post: async (request) => {
      if (request.body.includes('"type":"unlink"')) {
        held.push(request);
        throw new Error('delayed');
      }
      return post(request);
    } };
    await unlink(world.a.deps, { issueId: issue.id, connectionId });
    world.clock.t += 1;
    await syncToRemote(world.a.deps, { issueId: issue.id, connectionId });
    await world.quiesce();
    world.a.deps.transport = { post };
    for (const request of held) await post(request);
    await world.quiesce();
    expect((await getTwins(world.a.deps, issue.id)).map((t) => [t.remoteIssueKey, t.state])).toEqual([[twin.key, 'synced']]);
    expect((await getTwins(world.b.deps, twin.id)).map((t) => [t.remoteIssueKey, t.state])).toEqual([[issue.key, 'synced']]);
    expect(issues(world.b)).toHaveLength(1);
  });

  it('a person\'s sync after an unlink pairs the old twins again instead of creating a third issue', async () => {
    const { world, connectionId, issue, twin } = await synced();
    await unlink(world.a.deps, { issueId: issue.id, connectionId });
    await world.quiesce();
    world.b.jira.userEdit(twin.id, { summary: 'changed on b meanwhile' });
    await world.quiesce();
    await syncToRemote(world.a.deps, { issueId: issue.id, connectionId });
    await world.quiesce();
    expect(issues(world.b)).toHaveLength(1);
    const [state] = await getTwins(world.a.deps, issue.id);
    expect(state).toMatchObject({ remoteIssueKey: twin.key, state: 'synced' });
    expect(remoteKeyOf(world.a, issue.id)).toBe(twin.key);
    expect(remoteKeyOf(world.b, twin.id)).toBe(issue.key);
    // no base: the later change (b's) wins, on both sides alike
    expect(world.a.jira.issues.get(issue.id)?.summary).toBe('changed on b meanwhile');
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('changed on b meanwhile');
  });

  it('syncHelper.unlinkAfterProcessing() applies the message, then unlinks on both sides', async () => {
    let unlinkNext = false;
    const rules = wrapped((engine) => ({
      outgoing: (input) => engine.outgoing(input),
      incoming: async (input) => ({ ...(await engine.incoming(input)), unlink: unlinkNext }),
    }));
    const { world, issue, twin } = await synced({ rules: { b: rules } });
    unlinkNext = true;
    world.a.jira.userEdit(issue.id, { summary: 'last words' });
    await world.quiesce();
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('last words');
    expect(await getTwins(world.b.deps, twin.id)).toEqual([]);
    expect(await getTwins(world.a.deps, issue.id)).toEqual([]);
    unlinkNext = false;
    world.a.jira.userEdit(issue.id, { summary: 'not sent any more' });
    await world.quiesce();
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('last words');
    expect(issues(world.b)).toHaveLength(1);
  });
});

describe('a twin whose link is not written yet', () => {
  it('is not sent as a new issue when a person edits it (its origin says whose twin it is): no second twin', async () => {
    const world = new World({ seed: 21, ...calm });
    const connectionId = await world.connect();
    // b syncs its own project too
    await updateConnection(world.b.deps, { id: connectionId, scopeJql: 'project = CLOUD' });
    let died = false;
    world.b.jira.afterCall = (name) => {
      if (name === 'createIssue' && !died) {
        died = true;
        throw new JiraError('consumer died after creating the twin (simulated)', 0);
      }
    };
    const issue = world.a.jira.userCreate('INT', 'half made');
    while (issues(world.b).length === 0 && (await world.step())) { /* until the twin exists, unlinked */ }
    const twin = issues(world.b)[0];
    if (!twin) throw new Error('no twin created');
    // a person's edit of it is processed before the creation's retry links it
    world.b.jira.userEdit(twin.id, { summary: 'edited before its link was written' });
    const sent = await processOutgoing(world.b.deps, { kind: 'outgoing', connectionId, localIssueId: twin.id, syncBack: false, reason: 'event', lock: localLock(connectionId, twin.id), attempt: 0 });
    expect(sent.outcome).toBe('twin-unlinked');
    await world.quiesce();
    expect(issues(world.a)).toHaveLength(1);
    expect(issues(world.b)).toHaveLength(1);
    expect((await getTwins(world.a.deps, issue.id)).map((t) => t.remoteIssueKey)).toEqual([twin.key]);
  });
});

describe('link to an existing issue', () => {
  /** two sites where nothing syncs by itself: a's scope matches no issue, b has none */
  async function unscoped(seed: number) {
    const world = new World({ seed, ...calm });
    const connectionId = await world.connect();
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: 'project = NONE' });
    return { world, connectionId };
  }

  it('pairs two existing issues without a duplicate: fields merged by the later change, comments joined, keys written', async () => {
    const { world, connectionId } = await unscoped(8);
    const theirs = world.b.jira.userCreate('CLOUD', 'older title on b');
    world.b.jira.userComment(theirs.id, 'comment on b');
    const mine = world.a.jira.userCreate('INT', 'newer title on a');
    world.a.jira.userComment(mine.id, 'comment on a');
    await world.quiesce();
    expect(issues(world.b)).toHaveLength(1);
    await linkToExisting(world.a.deps, { issueId: mine.id, connectionId, remoteIssueKey: theirs.key });
    await world.quiesce();
    expect(issues(world.a)).toHaveLength(1);
    expect(issues(world.b)).toHaveLength(1);
    expect((await getTwins(world.a.deps, mine.id)).map((t) => [t.remoteIssueKey, t.state])).toEqual([[theirs.key, 'synced']]);
    expect((await getTwins(world.b.deps, theirs.id)).map((t) => [t.remoteIssueKey, t.state])).toEqual([[mine.key, 'synced']]);
    expect(remoteKeyOf(world.a, mine.id)).toBe(theirs.key);
    expect(remoteKeyOf(world.b, theirs.id)).toBe(mine.key);
    const a = world.a.jira.issues.get(mine.id);
    const b = world.b.jira.issues.get(theirs.id);
    // a's title is the later change: it wins on both sides
    expect([a?.summary, b?.summary]).toEqual(['newer title on a', 'newer title on a']);
    const texts = (i: typeof a) => (i?.comments ?? []).map((c) => commentText(c.body)).sort();
    expect(texts(a)).toEqual([commentText(textDoc('comment on a')), commentText(textDoc('comment on b'))].sort());
    expect(texts(b)).toEqual(texts(a));
    // and it stays paired: an edit on b arrives on a
    world.b.jira.userEdit(theirs.id, { summary: 'edited on b' });
    await world.quiesce();
    expect(world.a.jira.issues.get(mine.id)?.summary).toBe('edited on b');
  });

  it('a key that does not exist there: nothing created, the remote error shows on this side\'s panel', async () => {
    const { world, connectionId } = await unscoped(9);
    const mine = world.a.jira.userCreate('INT', 'pair with nothing');
    await world.quiesce();
    await linkToExisting(world.a.deps, { issueId: mine.id, connectionId, remoteIssueKey: 'CLOUD-999' });
    await world.quiesce();
    const [state] = await getTwins(world.a.deps, mine.id);
    expect(state?.state).toBe('remote-error');
    expect(state?.remoteError?.reason).toMatch(/CLOUD-999.*does not exist/);
    expect(issues(world.b)).toHaveLength(0);
  });

  it('refuses an issue that is synced already', async () => {
    const { world, connectionId, issue } = await synced();
    await expect(linkToExisting(world.a.deps, { issueId: issue.id, connectionId, remoteIssueKey: 'CLOUD-5' })).rejects.toThrow(/already synced/);
  });
});

describe('the panel on the other side\'s word', () => {
  it('says remote-error when the other side fails to apply our update, and synced again once it applies', async () => {
    let fail = false;
    const rules = wrapped((engine) => ({
      outgoing: (input) => engine.outgoing(input),
      incoming: async (input) => {
        if (fail) throw new RulesError('status "Nope" does not exist', 'incoming', 3);
        return engine.incoming(input);
      },
    }));
    const { world, issue, twin } = await synced({ rules: { b: rules } });
    expect((await getTwins(world.a.deps, issue.id))[0]?.state).toBe('synced');
    expect((await getTwins(world.b.deps, twin.id))[0]?.state).toBe('synced');
    fail = true;
    world.a.jira.userEdit(issue.id, { summary: 'b cannot take this' });
    await world.quiesce();
    const [mine] = await getTwins(world.a.deps, issue.id);
    expect(mine?.state).toBe('remote-error');
    expect(mine?.remoteError?.reason).toMatch(/status "Nope" does not exist/);
    expect((await getTwins(world.b.deps, twin.id))[0]?.state).toBe('error');
    fail = false;
    const [error] = await listErrors(world.b.deps);
    if (!error) throw new Error('no error on b');
    await retryError(world.b.deps, error.id);
    await world.quiesce();
    expect((await getTwins(world.a.deps, issue.id))[0]?.state).toBe('synced');
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('b cannot take this');
  });

  it('says pending while the other side has not applied our latest change', async () => {
    const { world, issue } = await synced();
    const post = world.a.deps.transport.post;
    world.a.deps.transport = { post: async () => { throw new Error('network down'); } };
    world.a.jira.userEdit(issue.id, { summary: 'on its way' });
    await world.runSome(5);
    expect((await getTwins(world.a.deps, issue.id)).map((t) => t.state)).toEqual(['pending']);
    world.a.deps.transport = { post };
    await world.quiesce();
    expect((await getTwins(world.a.deps, issue.id)).map((t) => t.state)).toEqual(['synced']);
  });

  it('an outgoing rule error is shown on the issue it stopped, with its key, even before it has a twin', async () => {
    const rules = wrapped((engine) => ({
      outgoing: async (input) => {
        if (input.issue.summary.includes('boom')) throw new RulesError('boom label not allowed', 'outgoing', 19);
        return engine.outgoing(input);
      },
      incoming: (input) => engine.incoming(input),
    }));
    const world = new World({ seed: 12, ...calm, rules: { a: rules } });
    await world.connect();
    const issue = world.a.jira.userCreate('INT', 'boom');
    await world.quiesce();
    const [state] = await getTwins(world.a.deps, issue.id);
    expect(state).toMatchObject({ state: 'error', remoteIssueKey: null, error: { cause: expect.stringMatching(/line 19\): boom label not allowed/) } });
    const [error] = await listErrors(world.a.deps);
    expect(error?.issueKey).toBe(issue.key);
  });
});
