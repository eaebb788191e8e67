import { World, type WorldSite } from './testing/world';
import type { MemoryIssue } from './testing/memory-jira';
import { keys } from './state/keys';

/**
 * Three sites (issue 16), in a hub (a–b, a–c) and in a full mesh (a–b, b–c, a–c): an issue created
 * on any site has exactly one twin on each other site (twin groups, src/sync/groups.ts); an edit on
 * any member reaches the other two (relaying, src/sync/relay.ts); a comment arrives once everywhere
 * (its origin travels with it, src/sync/parts/comments/group-identity.ts); and the sites go quiet.
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
const text = (doc: unknown): string => JSON.stringify(doc).match(/"text":"([^"]*)"/g)?.map((m) => m.slice(8, -1)).join(' ') ?? '';

describe.each(['hub', 'mesh'] as const)('three sites in a %s', (topology) => {
  it.each([0, 1, 2])('an issue created on site %i: one twin on each other site, an edit on any member reaches the other two, a comment arrives once everywhere, quiet afterwards', async (origin) => {
    const world = await threeSites(topology);
    const site = world.sites[origin]!;
    const title = `Made on ${site.name}`;
    site.jira.userCreate(site.jira.projects[0]!, title);
    await world.quiesce();
    expect(world.sites.map((s) => [s.name, named(s, title).length])).toEqual(world.sites.map((s) => [s.name, 1]));

    for (const editor of world.sites) {
      const member = named(editor, title)[0]!;
      editor.jira.userEdit(member.id, { summary: `${title}, edited on ${editor.name}` });
      await world.quiesce();
      expect(world.sites.map((s) => [s.name, named(s, title).map((i) => i.summary)])).toEqual(world.sites.map((s) => [s.name, [`${title}, edited on ${editor.name}`]]));
    }
    for (const commenter of world.sites) {
      commenter.jira.userComment(named(commenter, title)[0]!.key, `said on ${commenter.name}`);
      await world.quiesce();
    }
    // every comment once on every site, whichever way it came
    for (const s of world.sites) {
      const said = named(s, title)[0]!.comments.map((c) => text(c.body).replace(/^.* wrote: /, ''));
      expect([s.name, [...said].sort()]).toEqual([s.name, world.sites.map((w) => `said on ${w.name}`).sort()]);
    }
    expect(errorsLeft(world)).toEqual([]);
    expect(world.pending).toBe(0);
  });
});

describe('three sites in a full mesh', () => {
  it('the twins of one issue on two other sites are linked to each other, never twinned again', async () => {
    const world = await threeSites('mesh');
    const [, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    world.a.jira.userCreate('INT', 'One group');
    await world.quiesce();
    const onC = named(c, 'One group')[0]!;
    b.jira.userEdit(named(b, 'One group')[0]!.id, { labels: ['from-b'] });
    await world.quiesce();
    expect(named(c, 'One group').map((i) => [i.id, i.labels])).toEqual([[onC.id, ['from-b']]]);
  });

  it('a file added on one site reaches the other two once', async () => {
    const world = await threeSites('mesh');
    const [, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    const made = world.a.jira.userCreate('INT', 'With a file');
    await world.quiesce();
    b.jira.attach(named(b, 'With a file')[0]!.id, 'notes.txt', 'ten bytes!');
    await world.quiesce();
    expect(world.sites.map((s) => named(s, 'With a file')[0]!.attachments.map((f) => f.filename))).toEqual([['notes.txt'], ['notes.txt'], ['notes.txt']]);
    void made;
    void c;
    expect(errorsLeft(world)).toEqual([]);
  });
});
