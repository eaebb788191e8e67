import { World, type WorldSite } from './testing/world';
import type { MemoryIssue } from './testing/memory-jira';
import { keys } from './state/keys';

/**
 * Three sites (issue 16), twin groups: whichever connection a replica comes by, a site that holds a
 * member of its group links to it instead of creating another twin. In a full mesh (a–b, b–c, a–c)
 * an issue created on any site has exactly one twin on each other site, and an edit on any member
 * reaches the other two; in a hub (a–b, a–c) the hub's issues reach both spokes once.
 */

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function threeSites(topology: 'mesh' | 'hub', seed = 16): Promise<World> {
  const world = new World({ seed, ...calm, moreSites: [{ name: 'partner', project: 'PART' }] });
  // one person acts on every site, so that nobody is unmapped
  for (const site of world.sites) for (const other of world.sites) other.jira.addPerson({ accountId: `user-${site.name}`, displayName: site.name, email: null, emailVisible: false });
  await world.connectAll(topology);
  return world;
}

const issues = (site: WorldSite): MemoryIssue[] => [...site.jira.issues.values()];
const named = (site: WorldSite, summary: string) => issues(site).filter((i) => i.summary.startsWith(summary));
const errorsLeft = (world: World) => world.sites.flatMap((s) => [...s.store.data.keys()].filter((k) => k.startsWith(keys.errorPrefix)).map((k) => `${s.name}: ${k}`));

describe('three sites in a full mesh', () => {
  it.each([0, 1, 2])('an issue created on site %i has exactly one twin on each other site, and an edit on any member reaches the other two', async (origin) => {
    const world = await threeSites('mesh');
    const site = world.sites[origin]!;
    const title = `Made on ${site.name}`;
    site.jira.userCreate(site.jira.projects[0]!, title);
    await world.quiesce();
    expect(world.sites.map((s) => [s.name, named(s, title).length])).toEqual(world.sites.map((s) => [s.name, 1]));

    for (const editor of world.sites) {
      const member = named(editor, title)[0]!;
      editor.jira.userEdit(member.id, { summary: `${title}, edited on ${editor.name}` });
      await world.quiesce();
      // still one member per site: the other sites' twins were linked to each other, not created again
      expect(world.sites.map((s) => [s.name, named(s, title).map((i) => i.summary)])).toEqual(world.sites.map((s) => [s.name, [`${title}, edited on ${editor.name}`]]));
    }
    expect(errorsLeft(world)).toEqual([]);
    expect(world.pending).toBe(0);
  });

  it('the twins of one issue on two other sites are linked to each other when one of them is sent there, never twinned again', async () => {
    const world = await threeSites('mesh');
    const [, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    world.a.jira.userCreate('INT', 'One group');
    await world.quiesce();
    const onB = named(b, 'One group')[0]!;
    const onC = named(c, 'One group')[0]!;
    // b's twin is in b's scope: a person's edit sends it to c too, which holds the group's member
    b.jira.userEdit(onB.id, { labels: ['from-b'] });
    await world.quiesce();
    expect(named(c, 'One group').map((i) => [i.id, i.labels])).toEqual([[onC.id, ['from-b']]]);
    expect(named(world.a, 'One group').map((i) => i.labels)).toEqual([['from-b']]);
    // and back: c's edit reaches b by the link the group made
    c.jira.userEdit(onC.id, { labels: ['from-c'] });
    await world.quiesce();
    expect(world.sites.map((s) => named(s, 'One group').map((i) => i.labels))).toEqual([[['from-c']], [['from-c']], [['from-c']]]);
  });
});

describe('three sites in a hub', () => {
  it('an issue of the hub reaches each spoke once, and an edit on the hub reaches both', async () => {
    const world = await threeSites('hub');
    const made = world.a.jira.userCreate('INT', 'From the hub');
    await world.quiesce();
    expect(world.sites.map((s) => named(s, 'From the hub').length)).toEqual([1, 1, 1]);
    world.a.jira.userEdit(made.id, { summary: 'From the hub, edited' });
    await world.quiesce();
    expect(world.sites.map((s) => named(s, 'From the hub').map((i) => i.summary))).toEqual([['From the hub, edited'], ['From the hub, edited'], ['From the hub, edited']]);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('a spoke\'s issue has one twin on the hub', async () => {
    const world = await threeSites('hub');
    const [, b] = world.sites as [WorldSite, WorldSite, WorldSite];
    b.jira.userCreate('CLOUD', 'From a spoke');
    await world.quiesce();
    expect(named(world.a, 'From a spoke')).toHaveLength(1);
    expect(errorsLeft(world)).toEqual([]);
  });
});
