import { keys } from './state/keys';
import { sweep } from './sweeper';
import { World, type WorldSite } from './testing/world';

/**
 * Issue 11: nothing lost on a crash, and the app never depends on a product event arriving. Each
 * case kills an invocation at a fixed point (World.killBefore) or loses a product event
 * (World.loseNextEvent), shows what is missing once the queues are quiet, and that one sweeper run
 * (five minutes later) repairs it.
 */

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function connected() {
  const world = new World({ seed: 7, ...calm });
  const connectionId = await world.connect();
  return { world, connectionId };
}

function only(site: WorldSite) {
  const issues = [...site.jira.issues.values()];
  expect(issues).toHaveLength(1);
  return issues[0] as (typeof issues)[number];
}

async function sweepLater(world: World, site: WorldSite) {
  world.clock.t += 5 * 60_000;
  const result = await sweep(site.deps);
  await world.quiesce();
  return result;
}

describe('the outbox: a send whose POST never happened is posted by the sweeper', () => {
  it('the consumer dies between the seq reservation of a sync back (which consumed the inbox entry) and its POST: the key is written back after one sweeper run', async () => {
    const { world } = await connected();
    world.b.deps.settings = { ...world.b.deps.settings, inlineApply: false };
    // b's consumer applies the new issue, reserves the sync back's seq with the inbox entry's
    // deletion, and dies before posting it
    world.killBefore(world.b, 'transport', 'post');
    const source = world.a.jira.userCreate('INT', 'stranded sync back');
    await world.quiesce();
    expect(world.crashes).toBe(1);
    const twin = only(world.b);
    expect(source.customFields['Remote issue key']?.value ?? null).toBeNull();
    expect([...world.b.store.data.keys()].filter((k) => k.startsWith(keys.outboxPrefix))).toHaveLength(1);
    expect([...world.b.store.data.keys()].filter((k) => k.startsWith(keys.inboxPrefix))).toHaveLength(0);

    const result = await sweepLater(world, world.b);
    expect(result.redrivenOutbox).toBe(1);
    expect(world.a.jira.issues.get(source.id)?.customFields['Remote issue key']?.value).toBe(twin.key);
    expect([...world.b.store.data.keys()].filter((k) => k.startsWith(keys.outboxPrefix))).toEqual([]);
    // and the next run finds nothing
    const again = await sweepLater(world, world.b);
    expect({ outbox: again.redrivenOutbox, unsent: again.unsentFound }).toEqual({ outbox: 0, unsent: 0 });
  });

  it('an entry younger than a minute is left alone (its send may still be on its way), an older one is sent', async () => {
    const { world, connectionId } = await connected();
    world.a.jira.userCreate('INT', 'in flight');
    await world.quiesce();
    const source = only(world.a);
    await world.a.store.set(keys.outbox(connectionId, source.id), { seq: 2, syncBack: false, at: world.clock.now() });
    world.clock.t += 30_000;
    expect((await sweep(world.a.deps)).redrivenOutbox).toBe(0);
    world.clock.t += 31_000;
    expect((await sweep(world.a.deps)).redrivenOutbox).toBe(1);
    await world.quiesce();
    // nothing changed since the last send: the re-driven send posts nothing and ends the entry
    expect([...world.a.store.data.keys()].filter((k) => k.startsWith(keys.outboxPrefix))).toEqual([]);
  });

  it('a poisoned outbox entry is noted and dropped, and the next entry is still re-driven', async () => {
    const { world, connectionId } = await connected();
    world.a.jira.userCreate('INT', 'one');
    world.a.jira.userCreate('INT', 'two');
    await world.quiesce();
    const [first, second] = [...world.a.jira.issues.values()];
    await world.a.store.set(keys.outbox(connectionId, first?.id ?? ''), { seq: 'not a number' });
    await world.a.store.set(keys.outbox(connectionId, second?.id ?? ''), { seq: 2, syncBack: false, at: world.clock.now() });
    world.clock.t += 2 * 60_000;
    expect((await sweep(world.a.deps)).redrivenOutbox).toBe(1);
    expect(world.a.store.data.has(keys.outbox(connectionId, first?.id ?? ''))).toBe(false);
  });
});

describe('the search for changes not sent: a product event that never came', () => {
  it('a new issue in scope whose created event was lost gets its twin at the next sweeper run', async () => {
    const { world } = await connected();
    world.loseNextEvent(world.a);
    const source = world.a.jira.userCreate('INT', 'no event');
    await world.quiesce();
    expect([...world.b.jira.issues.values()]).toHaveLength(0);
    const result = await sweepLater(world, world.a);
    expect(result.unsentFound).toBe(1);
    const twin = only(world.b);
    expect(twin.summary).toBe('no event');
    expect(world.a.jira.issues.get(source.id)?.customFields['Remote issue key']?.value).toBe(twin.key);
  });

  it('an edit of a twin on the side without a scope (found by its origin property) reaches the source', async () => {
    const { world } = await connected();
    world.a.jira.userCreate('INT', 'first');
    await world.quiesce();
    const twin = only(world.b);
    world.loseNextEvent(world.b);
    world.b.jira.userEdit(twin.id, { summary: 'edited on the twin' });
    await world.quiesce();
    expect(only(world.a).summary).toBe('first');
    expect((await sweepLater(world, world.b)).unsentFound).toBe(1);
    expect(only(world.a).summary).toBe('edited on the twin');
  });

  it('a change whose event was lost, then hidden behind an apply from the link snapshot, is still sent', async () => {
    const { world } = await connected();
    world.a.jira.userCreate('INT', 'base');
    await world.quiesce();
    const twin = only(world.b);
    // a person changes the twin's labels; the event never comes, so b's snapshot does not know
    world.loseNextEvent(world.b);
    world.b.jira.userEdit(twin.id, { labels: ['lost-event'] });
    // then the source's summary changes: b applies it from the snapshot and writes, bumping `updated`
    world.a.jira.userEdit(only(world.a).id, { summary: 'changed at the source' });
    await world.quiesce();
    expect(only(world.b).summary).toBe('changed at the source');
    expect(only(world.a).labels).toEqual([]);
    expect((await sweepLater(world, world.b)).unsentFound).toBe(1);
    expect(only(world.a).labels).toEqual(['lost-event']);
    expect(only(world.b).labels).toEqual(['lost-event']);
  });

  it('once everything is sent, a sweeper run finds nothing and sends nothing', async () => {
    const { world } = await connected();
    for (let i = 0; i < 5; i += 1) world.a.jira.userCreate('INT', `n${i}`);
    await world.quiesce();
    const posts = world.posts;
    const a = await sweepLater(world, world.a);
    const b = await sweepLater(world, world.b);
    expect({ a: a.unsentFound, b: b.unsentFound, posts: world.posts - posts }).toEqual({ a: 0, b: 0, posts: 0 });
  });
});
