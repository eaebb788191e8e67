import { World, type WorldSite } from './testing/world';
import type { MemoryIssue } from './testing/memory-jira';
import { keys } from './state/keys';
import { unlink } from './admin-api';
import { Repo } from './state/repo';

/**
 * Three sites (issue 16), in a hub (a–b, a–c) and in a full mesh (a–b, b–c, a–c): an issue created
 * on any site has exactly one twin on each other site (twin groups, src/sync/groups.ts); an edit on
 * any member reaches the other two (relaying, src/sync/relay.ts); a comment arrives once everywhere
 * (its origin travels with it, src/sync/group-identity.ts); and the sites go quiet.
 */

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function threeSites(topology: 'mesh' | 'hub', seed = 16): Promise<World> {
  return (await threeSitesWith(topology, seed)).world;
}

async function threeSitesWith(topology: 'mesh' | 'hub', seed = 16): Promise<{ world: World; connections: string[] }> {
  const world = new World({ seed, ...calm, moreSites: [{ name: 'partner', project: 'PART' }] });
  // one person acts on every site, so that nobody is unmapped
  for (const site of world.sites) for (const other of world.sites) other.jira.addPerson({ accountId: `user-${site.name}`, displayName: site.name, email: null, emailVisible: false });
  const connections = await world.connectAll(topology);
  return { world, connections };
}

const issues = (site: WorldSite): MemoryIssue[] => [...site.jira.issues.values()];
const named = (site: WorldSite, summary: string) => issues(site).filter((i) => i.summary.startsWith(summary));
/** a person on each site in turn changes the labels of its member of `title`, each change let run to quiet */
async function labelOnEverySite(world: World, title: string, round = ''): Promise<void> {
  for (const editor of world.sites) {
    editor.jira.userEdit(named(editor, title)[0]!.id, { labels: [`${editor.name}${round}`] });
    await world.quiesce();
  }
}
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
});

describe.each(['hub', 'mesh'] as const)('files across three sites in a %s', (topology) => {
  it.each([0, 1, 2])('a file added on site %i reaches the other two once (a hub offers its copies on, with their origin); its deletion reaches them too', async (adder) => {
    const world = await threeSites(topology);
    world.a.jira.userCreate('INT', 'With a file');
    await world.quiesce();
    const site = world.sites[adder]!;
    site.jira.attach(named(site, 'With a file')[0]!.id, 'notes.txt', 'ten bytes!');
    await world.quiesce();
    const files = () => world.sites.map((s) => [s.name, named(s, 'With a file')[0]!.attachments.map((f) => f.filename)]);
    expect(files()).toEqual(world.sites.map((s) => [s.name, ['notes.txt']]));
    for (const s of world.sites) {
      const file = named(s, 'With a file')[0]!.attachments[0]!;
      expect([s.name, Buffer.from(s.jira.attachmentBytes(file.id)!).toString()]).toEqual([s.name, 'ten bytes!']);
    }
    // once quiet, nothing more is copied: a second round of edits makes no second copy anywhere
    await labelOnEverySite(world, 'With a file');
    expect(files()).toEqual(world.sites.map((s) => [s.name, ['notes.txt']]));
    site.jira.userDeleteAttachment(named(site, 'With a file')[0]!.attachments[0]!.id);
    await world.quiesce();
    expect(files()).toEqual(world.sites.map((s) => [s.name, []]));
    expect(errorsLeft(world)).toEqual([]);
    expect(world.pending).toBe(0);
  });

  it('the same file added on two sites at once stays one file each', async () => {
    const world = await threeSites(topology);
    world.a.jira.userCreate('INT', 'Both at once');
    await world.quiesce();
    const [, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    b.jira.attach(named(b, 'Both at once')[0]!.id, 'b.txt', 'from b');
    c.jira.attach(named(c, 'Both at once')[0]!.id, 'c.txt', 'from c');
    await world.quiesce();
    expect(world.sites.map((s) => [s.name, named(s, 'Both at once')[0]!.attachments.map((f) => f.filename).sort()])).toEqual(world.sites.map((s) => [s.name, ['b.txt', 'c.txt']]));
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe.each(['hub', 'mesh'] as const)('comments across three sites in a %s', (topology) => {
  it.each([0, 1, 2])('a comment written on site %i stays once everywhere through later edits on every site', async (writer) => {
    const world = await threeSites(topology);
    world.a.jira.userCreate('INT', 'Talked about');
    await world.quiesce();
    const site = world.sites[writer]!;
    site.jira.userComment(named(site, 'Talked about')[0]!.key, 'said once');
    await world.quiesce();
    const said = () => world.sites.map((s) => [s.name, named(s, 'Talked about')[0]!.comments.map((c) => text(c.body).replace(/^.* wrote: /, ''))]);
    expect(said()).toEqual(world.sites.map((s) => [s.name, ['said once']]));
    for (const round of [1, 2]) {
      await labelOnEverySite(world, 'Talked about', `-${round}`);
    }
    expect(said()).toEqual(world.sites.map((s) => [s.name, ['said once']]));
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe('"Remote issue key" with several twins', () => {
  it.each(['hub', 'mesh'] as const)('in a %s, the field lists each twin\'s key once and stays put; an unlink takes out only its twin\'s key', async (topology) => {
    const { world, connections } = await threeSitesWith(topology);
    const [a, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    a.jira.userCreate('INT', 'Keys');
    await world.quiesce();
    const onA = named(a, 'Keys')[0]!;
    const [onB, onC] = [named(b, 'Keys')[0]!, named(c, 'Keys')[0]!];
    const keyOf = (issue: MemoryIssue) => String(issue.customFields['Remote issue key']?.value ?? '').split(', ').sort();
    expect(keyOf(onA)).toEqual([onB.key, onC.key].sort());
    // edits on every member afterwards leave the list as it is (no flip between the connections)
    const before = onA.customFields['Remote issue key']?.value;
    await labelOnEverySite(world, 'Keys');
    expect(onA.customFields['Remote issue key']?.value).toBe(before);
    if (topology === 'mesh') expect([keyOf(onB), keyOf(onC)]).toEqual([[onA.key, onC.key].sort(), [onA.key, onB.key].sort()]);
    // a's connection with c (the second one a made) unlinked from a's panel
    const aToC = connections[1]!;
    await unlink(a.deps, { issueId: onA.id, connectionId: aToC });
    await world.quiesce();
    expect(onA.customFields['Remote issue key']?.value).toBe(onB.key);
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe('the group\'s further members, for the panel', () => {
  it('in a hub, a spoke\'s twin on the hub tells of the member on the other spoke, with the state of the hub\'s sync with it', async () => {
    const world = await threeSites('hub');
    const [a, b, c] = world.sites as [WorldSite, WorldSite, WorldSite];
    b.jira.userCreate('CLOUD', 'Told of');
    await world.quiesce();
    const onB = named(b, 'Told of')[0]!;
    const onC = named(c, 'Told of')[0]!;
    const repo = new Repo(b.store);
    const [toHub] = await repo.listConnections();
    const link = await repo.getLink(toHub!.id, onB.id);
    expect(link?.groupMembers?.map((m) => ({ key: m.key, state: m.state }))).toEqual([{ key: onC.key, state: 'synced' }]);
    expect(typeof link?.groupMembers?.[0]?.at).toBe('string');
    void a;
  });
});
