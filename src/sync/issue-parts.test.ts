import { EMPTY_MAPPINGS, type Mappings } from '../model/mappings';
import type { AdfDoc, UserRef } from '../model/replica';
import type { DefaultRulesConfig } from '../model/connection';
import { getTwins, listActivity, unlink } from './admin-api';
import { updateConnection } from './connections';
import { keys } from './state/keys';
import { Repo } from './state/repo';
import type { MemoryIssue } from './testing/memory-jira';
import { World, type WorldSite } from './testing/world';
import { BuiltinRulesProvider, defaultRulesEngine } from '../rules/builtin/provider';
import type { RulesProvider } from '../ports/rules-provider';

/**
 * Issue 14 end to end on the World (two in-memory sites, the real engine, the default rules):
 * hierarchy (a child waits for its parent's twin and brings it along), issue links (a three-way set
 * merge), components and fix versions by name (created or reported), custom fields by value (an
 * option the field lacks is a warning, not a write), people (table, same account, visible email,
 * fallback) and mentions; and what a plain issue costs (none of the new calls).
 */
const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

/** what b's incoming rules were given and answered: the replica's summary, and whether it waited (syncHelper.waitFor) */
interface Seen {
  summary: string;
  waited: boolean;
}

/** the default rules, watched */
function watched(seen: Seen[]): RulesProvider {
  const builtin = new BuiltinRulesProvider();
  return {
    forConnection: async (connection) => {
      const engine = await builtin.forConnection(connection);
      return {
        outgoing: (input) => engine.outgoing(input),
        incoming: async (input) => {
          const result = await engine.incoming(input);
          seen.push({ summary: input.replica.summary, waited: (result.waitFor ?? []).length > 0 });
          return result;
        },
      };
    },
  };
}

/**
 * Two sites connected, calm. The person acting on a (`user-internal`, every issue's reporter there)
 * is a person of b too, so that a twin's reporter maps and no warning but the case's shows.
 */
async function connected(seed = 14, seen?: Seen[], people?: { a: Mappings['users']; b: Mappings['users'] }): Promise<{ world: World; connectionId: string }> {
  // the people tables (the Mappings tab's), with the default scripts
  const mapped = (users: Mappings['users']): RulesProvider => ({ forConnection: async (c) => defaultRulesEngine(c.rulesConfig, { mappings: { ...EMPTY_MAPPINGS, users } }) });
  const rules = people ? { a: mapped(people.a), b: mapped(people.b) } : seen ? { b: watched(seen) } : undefined;
  const world = new World({ seed, ...calm, ...(rules ? { rules } : {}) });
  world.b.jira.addPerson({ accountId: 'user-internal', displayName: 'User', email: null, emailVisible: false });
  const connectionId = await world.connect();
  return { world, connectionId };
}

const issuesOf = (site: WorldSite): MemoryIssue[] => [...site.jira.issues.values()];

/** the issues of b made as twins of this issue of a */
function twinsOf(world: World, aIssueId: string): MemoryIssue[] {
  return issuesOf(world.b).filter((i) => {
    const origin = i.properties['twinSync.origin'];
    return typeof origin === 'object' && origin !== null && 'remoteIssueId' in origin && origin.remoteIssueId === aIssueId;
  });
}

function twinOf(world: World, aIssueId: string): MemoryIssue {
  const twins = twinsOf(world, aIssueId);
  expect(twins).toHaveLength(1);
  const twin = twins[0];
  if (!twin) throw new Error(`no twin of ${aIssueId}`);
  return twin;
}

const issue = (site: WorldSite, id: string): MemoryIssue => {
  const found = site.jira.issues.get(id);
  if (!found) throw new Error(`no issue ${id} on ${site.name}`);
  return found;
};

/** the error records left on either site */
function errorsLeft(world: World): string[] {
  return [world.a, world.b].flatMap((site) => [...site.store.data.keys()].filter((k) => k.startsWith(keys.errorPrefix)).map((k) => `${site.name}: ${String(site.store.data.get(k)?.value)}`));
}

async function configure(site: WorldSite, connectionId: string, change: Partial<DefaultRulesConfig>): Promise<void> {
  const connection = await new Repo(site.store).getConnection(connectionId);
  if (!connection) throw new Error('no connection');
  await updateConnection(site.deps, { id: connectionId, rulesConfig: { ...connection.rulesConfig, ...change } });
}

async function warningsOnB(world: World, twinId: string): Promise<string[]> {
  const [state] = await getTwins(world.b.deps, twinId);
  return state?.warnings ?? [];
}

async function activityText(site: WorldSite): Promise<string> {
  return (await listActivity(site.deps, 500)).map((a) => `${a.outcome}: ${a.message}`).join('\n');
}

/** what b's app created, as it was the moment it was created (type, parent) */
function recordCreations(world: World): { typeName: string; summary: string; parentId: string | null }[] {
  const created: { typeName: string; summary: string; parentId: string | null }[] = [];
  const before = world.b.jira.afterCall;
  world.b.jira.afterCall = (name) => {
    if (name === 'createIssue') {
      const newest = issuesOf(world.b).reduce<MemoryIssue | undefined>((n, i) => (n === undefined || Number(i.id) > Number(n.id) ? i : n), undefined);
      if (newest) created.push({ typeName: newest.typeName, summary: newest.summary, parentId: newest.parent?.id ?? null });
    }
    before(name);
  };
  return created;
}

describe('hierarchy', () => {
  // the World runs the work in a seeded random order: several orders of the same burst
  it.each([14, 1, 2, 3, 4])('an epic, a story under it and a sub-task under the story, made in one burst, arrive with the same types and parents, one twin each (seed %i)', async (seed) => {
    const { world } = await connected(seed);
    const epic = world.a.jira.userCreate('INT', 'Checkout revamp', { typeName: 'Epic' });
    const story = world.a.jira.userCreate('INT', 'Pay by card', { typeName: 'Story', parent: epic.id });
    const task = world.a.jira.userCreate('INT', 'Card form', { typeName: 'Sub-task', parent: story.id });
    const created = recordCreations(world);
    await world.quiesce();
    const [epicTwin, storyTwin, taskTwin] = [twinOf(world, epic.id), twinOf(world, story.id), twinOf(world, task.id)];
    expect(issuesOf(world.b)).toHaveLength(3);
    expect([epicTwin.typeName, epicTwin.parent]).toEqual(['Epic', null]);
    expect([storyTwin.typeName, storyTwin.parent?.id]).toEqual(['Story', epicTwin.id]);
    expect([taskTwin.typeName, taskTwin.parent?.id]).toEqual(['Sub-task', storyTwin.id]);
    // never created without the parent: each creation had its parent's twin as parent, none refused
    expect(created.map((c) => [c.typeName, c.parentId])).toEqual([['Epic', null], ['Story', epicTwin.id], ['Sub-task', storyTwin.id]]);
    expect(world.b.jira.calls.createIssue).toBe(3);
    expect(errorsLeft(world)).toEqual([]);
  });

  it.each<[string, ('epic' | 'story')[]]>([
    ['the epic\'s event lost: the story brings its epic along', ['epic']],
    ['the epic\'s and the story\'s events lost: the sub-task brings the story, the story the epic', ['epic', 'story']],
  ])('a child processed before its parent: %s', async (_name, lost) => {
    const seen: Seen[] = [];
    const { world } = await connected(14, seen);
    if (lost.includes('epic')) world.loseNextEvent(world.a);
    const epic = world.a.jira.userCreate('INT', 'Checkout revamp', { typeName: 'Epic' });
    if (lost.includes('story')) world.loseNextEvent(world.a);
    const story = world.a.jira.userCreate('INT', 'Pay by card', { typeName: 'Story', parent: epic.id });
    const task = world.a.jira.userCreate('INT', 'Card form', { typeName: 'Sub-task', parent: story.id });
    const created = recordCreations(world);
    await world.quiesce();
    const [epicTwin, storyTwin, taskTwin] = [twinOf(world, epic.id), twinOf(world, story.id), twinOf(world, task.id)];
    expect(storyTwin.parent?.id).toBe(epicTwin.id);
    expect(taskTwin.parent?.id).toBe(storyTwin.id);
    // the parent's twin came first, and no child was ever made without its parent (none refused either)
    expect(created.map((c) => c.typeName)).toEqual(['Epic', 'Story', 'Sub-task']);
    expect(created.map((c) => c.parentId)).toEqual([null, epicTwin.id, storyTwin.id]);
    expect(world.b.jira.calls.createIssue).toBe(3);
    // the children did come first and wait for their parents: the story always (its epic is sent only
    // because the story's send brought it along), the sub-task when its story was brought along too
    const waited = [...new Set(seen.filter((s) => s.waited).map((s) => s.summary))];
    expect(waited).toEqual(expect.arrayContaining(lost.includes('story') ? ['Pay by card', 'Card form'] : ['Pay by card']));
    // and a waiting child wrote nothing: every twin was created exactly once, with its parent
    expect(seen.filter((s) => s.summary === 'Checkout revamp' && s.waited)).toEqual([]);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('a story moved to another epic on b moves on a', async () => {
    const { world } = await connected();
    const epic = world.a.jira.userCreate('INT', 'Checkout revamp', { typeName: 'Epic' });
    const other = world.a.jira.userCreate('INT', 'Loyalty', { typeName: 'Epic' });
    const story = world.a.jira.userCreate('INT', 'Pay by card', { typeName: 'Story', parent: epic.id });
    await world.quiesce();
    world.b.jira.userSetParent(twinOf(world, story.id).id, twinOf(world, other.id).id);
    await world.quiesce();
    expect(issue(world.a, story.id).parent?.id).toBe(other.id);
    expect(twinOf(world, story.id).parent?.id).toBe(twinOf(world, other.id).id);
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe('issue links', () => {
  /** a1 "blocks" a2 on a, both synced, the link arrived on b */
  async function blocking() {
    const { world, connectionId } = await connected();
    const a1 = world.a.jira.userCreate('INT', 'Database upgrade');
    const a2 = world.a.jira.userCreate('INT', 'Release 7');
    await world.quiesce();
    const [t1, t2] = [twinOf(world, a1.id), twinOf(world, a2.id)];
    world.a.jira.userLink(a1.id, a2.id, 'Blocks');
    await world.quiesce();
    return { world, connectionId, a1, a2, t1, t2 };
  }
  const linksOf = (site: WorldSite, id: string) => issue(site, id).links.map((l) => [l.type, l.direction, l.issue.id]);

  it('a "Blocks" link made on a arrives on b between the twins, with the same direction', async () => {
    const { world, a1, a2, t1, t2 } = await blocking();
    expect(linksOf(world.b, t1.id)).toEqual([['Blocks', 'outward', t2.id]]);
    expect(linksOf(world.b, t2.id)).toEqual([['Blocks', 'inward', t1.id]]);
    expect(linksOf(world.a, a1.id)).toEqual([['Blocks', 'outward', a2.id]]);
    // one link (both issues' replicas carry it; today the second apply, from the other issue's stale
    // snapshot, posts the same link again, which Jira keeps as one: reported, tolerated here)
    expect(world.b.jira.calls.createIssueLink).toBeGreaterThanOrEqual(1);
    expect(world.b.jira.calls.createIssueLink).toBeLessThanOrEqual(2);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('the link deleted on a goes on b', async () => {
    const { world, a1, t1, t2 } = await blocking();
    const [link] = issue(world.a, a1.id).links;
    if (!link) throw new Error('no link on a');
    world.a.jira.userUnlink(link.id);
    await world.quiesce();
    expect(world.b.jira.calls.deleteIssueLink).toBe(1);
    expect(linksOf(world.b, t1.id)).toEqual([]);
    expect(linksOf(world.b, t2.id)).toEqual([]);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('the link deleted on b after b sent it back goes on a', async () => {
    const { world, a1, a2, t1 } = await blocking();
    // b sends the issue (with its link) once: a's merge base has the link from then on
    world.b.jira.userEdit(t1.id, { summary: 'Database upgrade (b)' });
    await world.quiesce();
    const [onB] = issue(world.b, t1.id).links;
    if (!onB) throw new Error('no link on b');
    world.b.jira.userUnlink(onB.id);
    await world.quiesce();
    expect(linksOf(world.a, a1.id)).toEqual([]);
    expect(linksOf(world.a, a2.id)).toEqual([]);
    expect(errorsLeft(world)).toEqual([]);
  });

  // b tells a at once that it made the link: the link is in a's merge base before anyone removes it
  it('the link deleted on b right after it arrived goes on a', async () => {
    const { world, connectionId, a1, t1 } = await blocking();
    const [onB] = issue(world.b, t1.id).links;
    if (!onB) throw new Error('no link on b');
    expect((await new Repo(world.a.store).getLink(connectionId, a1.id))?.issueLinks).toEqual([expect.stringMatching(/^blocks\|outward\|/)]);
    world.b.jira.userUnlink(onB.id);
    await world.quiesce();
    expect(linksOf(world.a, a1.id)).toEqual([]);
  });

  it.each<[string, (world: World, connectionId: string) => Promise<MemoryIssue>]>([
    ['in a project outside the scope', async (world) => world.a.jira.userCreate('OUT', 'not synced')],
    ['unlinked (its twin stays on b)', async (world, connectionId) => {
      const lone = world.a.jira.userCreate('INT', 'unlinked later');
      await world.quiesce();
      await unlink(world.a.deps, { issueId: lone.id, connectionId });
      await world.quiesce();
      return lone;
    }],
  ])('a link on a to an issue %s is never made on b', async (_name, other) => {
    const { world, connectionId } = await connected();
    const a1 = world.a.jira.userCreate('INT', 'synced');
    await world.quiesce();
    const lone = await other(world, connectionId);
    world.a.jira.userLink(a1.id, lone.id, 'Blocks');
    world.a.jira.userEdit(a1.id, { summary: 'synced, linked' });
    await world.quiesce();
    const t1 = twinOf(world, a1.id);
    expect(t1.summary).toBe('synced, linked');
    // the other issue got no (new) twin either
    expect(issuesOf(world.b)).toHaveLength(lone.projectKey === 'OUT' ? 1 : 2);
    expect(t1.links).toEqual([]);
    expect(world.b.jira.calls.createIssueLink).toBeUndefined();
    // and the link on a stays
    expect(issue(world.a, a1.id).links.map((l) => l.issue.id)).toEqual([lone.id]);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('a link type b lacks is not made there, and b\'s activity says why', async () => {
    const { world } = await connected();
    world.a.jira.addLinkType('Depends', 'depends on', 'is needed by');
    const a1 = world.a.jira.userCreate('INT', 'Service');
    const a2 = world.a.jira.userCreate('INT', 'Library');
    await world.quiesce();
    world.a.jira.userLink(a1.id, a2.id, 'Depends');
    await world.quiesce();
    expect(twinOf(world, a1.id).links).toEqual([]);
    expect(twinOf(world, a2.id).links).toEqual([]);
    expect(world.b.jira.calls.createIssueLink).toBeUndefined();
    expect(issue(world.a, a1.id).links).toHaveLength(1);
    expect(errorsLeft(world)).toEqual([]);
    expect(await activityText(world.b)).toMatch(/link type "Depends" does not exist here/);
  });
});

describe('components and fix versions by name', () => {
  it.each<[string, 'components' | 'fixVersions']>([['components', 'components'], ['fix versions', 'fixVersions']])('%s: a name b lacks is created there (default) and set; a name b has is just set', async (_name, kind) => {
    const { world } = await connected();
    const add = (site: WorldSite, project: string, name: string) => (kind === 'components' ? site.jira.addComponent(project, name) : site.jira.addVersion(project, name));
    add(world.a, 'INT', 'Payments');
    add(world.a, 'INT', 'Backend');
    add(world.b, 'CLOUD', 'Backend');
    const made = world.a.jira.userCreate('INT', 'Card fees', { [kind]: ['Payments', 'Backend'] });
    await world.quiesce();
    expect(twinOf(world, made.id)[kind]).toEqual(['Backend', 'Payments']);
    const create = kind === 'components' ? 'createComponent' : 'createVersion';
    expect(world.b.jira.calls[create]).toBe(1);
    expect((await world.b.jira.getProjectParts('CLOUD'))[kind === 'components' ? 'components' : 'versions'].sort()).toEqual(['Backend', 'Payments']);
    expect(await warningsOnB(world, twinOf(world, made.id).id)).toEqual([]);

    // a name both have: just set, nothing created
    world.a.jira.userEdit(made.id, { [kind]: ['Backend'] });
    await world.quiesce();
    expect(twinOf(world, made.id)[kind]).toEqual(['Backend']);
    expect(world.b.jira.calls[create]).toBe(1);
    expect(errorsLeft(world)).toEqual([]);
  });

  it.each<[string, 'components' | 'fixVersions', RegExp]>([
    ['a component', 'components', /component "Payments" does not exist in CLOUD/],
    ['a fix version', 'fixVersions', /fix version "7\.0" does not exist in CLOUD/],
  ])('missingComponents "report": %s b lacks is left out, and the panel on b shows a warning naming it', async (_name, kind, warning) => {
    const { world, connectionId } = await connected();
    await configure(world.b, connectionId, { missingComponents: 'report' });
    const name = kind === 'components' ? 'Payments' : '7.0';
    for (const [site, project] of [[world.a, 'INT'], [world.b, 'CLOUD']] as const) {
      if (kind === 'components') site.jira.addComponent(project, 'Backend');
      else site.jira.addVersion(project, 'Backend');
    }
    if (kind === 'components') world.a.jira.addComponent('INT', name);
    else world.a.jira.addVersion('INT', name);
    const made = world.a.jira.userCreate('INT', 'Card fees', { [kind]: [name, 'Backend'] });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect(twin[kind]).toEqual(['Backend']);
    expect(world.b.jira.calls.createComponent).toBeUndefined();
    expect(world.b.jira.calls.createVersion).toBeUndefined();
    expect((await warningsOnB(world, twin.id)).join('\n')).toMatch(warning);
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe('custom fields by value', () => {
  /** both sites have the fields; b a field more first, so that every field's id differs between them */
  function furnish(world: World): void {
    world.b.jira.defineField('Unrelated', 'select', ['x', 'y']);
    for (const site of [world.a, world.b]) {
      site.jira.defineField('Severity', 'select', ['S1', 'S2', 'S3']);
      site.jira.defineField('Areas', 'multiselect', ['ui', 'api', 'db']);
      site.jira.defineField('Effort', 'number');
      site.jira.defineField('Target date', 'date');
      site.jira.defineField('Reviewer', 'user');
    }
  }
  const fieldId = (site: WorldSite, name: string) => site.jira.getMetadata().then((m) => m.customFields.find((f) => f.name === name)?.id);
  const value = (i: MemoryIssue, name: string) => i.customFields[name]?.value ?? null;

  it('a select, a multi select, a number and a date travel by value both ways (the two sites\' field ids differ)', async () => {
    const { world } = await connected();
    furnish(world);
    expect(await fieldId(world.a, 'Severity')).not.toBe(await fieldId(world.b, 'Severity'));
    const made = world.a.jira.userCreate('INT', 'Typed fields', { customFields: { Severity: 'S2', Areas: ['api', 'ui'], Effort: 3.5, 'Target date': '2026-12-24' } });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect([value(twin, 'Severity'), value(twin, 'Areas'), value(twin, 'Effort'), value(twin, 'Target date')]).toEqual(['S2', ['api', 'ui'], 3.5, '2026-12-24']);

    world.b.jira.userEdit(twin.id, { customFields: { Severity: 'S3', Areas: ['db'], Effort: 8, 'Target date': '2027-01-15' } });
    await world.quiesce();
    const back = issue(world.a, made.id);
    expect([value(back, 'Severity'), value(back, 'Areas'), value(back, 'Effort'), value(back, 'Target date')]).toEqual(['S3', ['db'], 8, '2027-01-15']);
    expect(await warningsOnB(world, twin.id)).toEqual([]);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('an option b\'s field lacks is not written there (b keeps its value), and the panel on b names the field and the value', async () => {
    const { world } = await connected();
    furnish(world);
    const made = world.a.jira.userCreate('INT', 'Typed fields', { customFields: { Severity: 'S2' } });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect(value(twin, 'Severity')).toBe('S2');
    world.a.jira.addOption('Severity', 'S0');
    world.a.jira.userEdit(made.id, { summary: 'Typed fields, S0', customFields: { Severity: 'S0' } });
    await world.quiesce();
    expect(issue(world.b, twin.id).summary).toBe('Typed fields, S0');
    expect(value(issue(world.b, twin.id), 'Severity')).toBe('S2');
    expect((await warningsOnB(world, twin.id)).join('\n')).toMatch(/Severity: "S0" is not an option/);
    // and a keeps what its person chose
    expect(value(issue(world.a, made.id), 'Severity')).toBe('S0');
    expect(errorsLeft(world)).toEqual([]);
  });

  it('a user picker with the person both sites share (email hidden) names the same account there', async () => {
    const { world } = await connected();
    furnish(world);
    for (const site of [world.a, world.b]) site.jira.addPerson({ accountId: 'shared-1', displayName: 'Sam Shared', email: 'sam@example.com', emailVisible: false });
    const made = world.a.jira.userCreate('INT', 'Review me', { customFields: { Reviewer: 'shared-1' } });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect((value(twin, 'Reviewer') as UserRef | null)?.accountId).toBe('shared-1');
    expect(await warningsOnB(world, twin.id)).toEqual([]);
    expect(errorsLeft(world)).toEqual([]);
  });
});

describe('people', () => {
  interface PeopleCase {
    /** people of a, of b (accountId, displayName, email, visible) */
    a: Parameters<WorldSite['jira']['addPerson']>[0][];
    b: Parameters<WorldSite['jira']['addPerson']>[0][];
    config?: Partial<DefaultRulesConfig>;
    /** the people tables of a and b (b's maps a's people; a's the way back) */
    people?: { a: Mappings['users']; b: Mappings['users'] };
    assignee: string;
    expected: string | null;
    warning: RegExp | null;
  }
  const cases: [string, PeopleCase][] = [
    ['the same account id, email hidden', {
      a: [{ accountId: 'shared-1', displayName: 'Sam Shared', email: 'sam@example.com', emailVisible: false }],
      b: [{ accountId: 'shared-1', displayName: 'Sam Shared', email: 'sam@example.com', emailVisible: false }],
      assignee: 'shared-1', expected: 'shared-1', warning: null,
    }],
    ['the visible email (other account ids)', {
      a: [{ accountId: 'a-dana', displayName: 'Dana Quill', email: 'dana@example.com' }],
      b: [{ accountId: 'b-dana', displayName: 'Dana Quill', email: 'Dana@example.com' }],
      assignee: 'a-dana', expected: 'b-dana', warning: null,
    }],
    ['the table, before the same account', {
      a: [{ accountId: 'lee-1', displayName: 'Lee', email: null, emailVisible: false }],
      b: [{ accountId: 'lee-1', displayName: 'Lee', email: null, emailVisible: false }, { accountId: 'b-lee', displayName: 'Lee (external)', email: null, emailVisible: false }],
      people: { b: [{ remote: 'lee-1', local: 'b-lee', direction: 'both' }], a: [{ remote: 'b-lee', local: 'lee-1', direction: 'both' }] },
      assignee: 'lee-1', expected: 'b-lee', warning: null,
    }],
    ['nobody: unassigned, with a warning', {
      a: [{ accountId: 'a-only', displayName: 'Ola Inside', email: 'ola@example.com', emailVisible: false }],
      b: [],
      assignee: 'a-only', expected: null, warning: /assignee: Ola Inside could not be mapped/,
    }],
    ['nobody, with a fallback: the fallback, with a warning', {
      a: [{ accountId: 'a-only', displayName: 'Ola Inside', email: 'ola@example.com', emailVisible: false }],
      b: [{ accountId: 'b-triage', displayName: 'Triage', email: null, emailVisible: false }],
      config: { unmappedUser: 'b-triage' },
      assignee: 'a-only', expected: 'b-triage', warning: /assignee: Ola Inside is nobody here; set to Triage/,
    }],
  ];

  it.each(cases)('the assignee by %s', async (_name, c) => {
    const { world, connectionId } = await connected(14, undefined, c.people);
    for (const p of c.a) world.a.jira.addPerson(p);
    for (const p of c.b) world.b.jira.addPerson(p);
    if (c.config) await configure(world.b, connectionId, c.config);
    const made = world.a.jira.userCreate('INT', 'Who does it', { assignee: c.assignee });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect(twin.assignee?.accountId ?? null).toBe(c.expected);
    const warnings = (await warningsOnB(world, twin.id)).join('\n');
    if (c.warning) expect(warnings).toMatch(c.warning);
    else expect(warnings).toBe('');
    // a mapped person maps back: a keeps its assignee (for one b could not map, see the known bug below)
    if (!c.warning) expect(issue(world.a, made.id).assignee?.accountId).toBe(c.assignee);
    expect(errorsLeft(world)).toEqual([]);
  });

  it('a mention of a person b does not know becomes plain text there; one of the shared person stays a mention of the same account', async () => {
    const { world } = await connected();
    for (const site of [world.a, world.b]) site.jira.addPerson({ accountId: 'shared-1', displayName: 'Sam Shared', email: 'sam@example.com', emailVisible: false });
    world.a.jira.addPerson({ accountId: 'a-dana', displayName: 'Dana Quill', email: 'dana@example.com', emailVisible: false });
    const mention = (id: string, text: string) => ({ type: 'mention', attrs: { id, text, accessLevel: '' } });
    const description: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [mention('shared-1', '@Sam Shared'), { type: 'text', text: ' and ' }, mention('a-dana', '@Dana Quill')] }] };
    const made = world.a.jira.userCreate('INT', 'Who does what', { description });
    await world.quiesce();
    const twin = twinOf(world, made.id);
    expect(twin.description?.content).toEqual([{ type: 'paragraph', content: [mention('shared-1', '@Sam Shared'), { type: 'text', text: ' and ' }, { type: 'text', text: '@Dana Quill' }] }]);
    expect(JSON.stringify(twin.description)).not.toContain('a-dana');
    expect(errorsLeft(world)).toEqual([]);
  });
});

/**
 * ENGINE BUG (reported): what b could not carry comes back to a as b's change. b's apply leaves a value
 * out (a component the connection reports, a person nobody is here, an option b's field lacks, a
 * mention of a person b does not know); b's next send (the sync back of the first sync, or any later
 * send) carries b's value, and a's three-way merge takes it as b's edit (base: what a sent, acked), so
 * a's own value is lost. Each case: a's value after the round trip, and what a person set there.
 */
describe('the source keeps what its twin could not hold', () => {
  const cases: [string, () => Promise<{ now: unknown; set: unknown }>][] = [
    ['a component the connection reports missing on b', async () => {
      const { world, connectionId } = await connected();
      await configure(world.b, connectionId, { missingComponents: 'report' });
      world.a.jira.addComponent('INT', 'Payments');
      const made = world.a.jira.userCreate('INT', 'Card fees', { components: ['Payments'] });
      await world.quiesce();
      return { now: issue(world.a, made.id).components, set: ['Payments'] };
    }],
    ['an assignee nobody is on b', async () => {
      const { world } = await connected();
      world.a.jira.addPerson({ accountId: 'a-only', displayName: 'Ola Inside', email: null, emailVisible: false });
      const made = world.a.jira.userCreate('INT', 'Who does it', { assignee: 'a-only' });
      await world.quiesce();
      return { now: issue(world.a, made.id).assignee?.accountId ?? null, set: 'a-only' };
    }],
    ['an assignee nobody is on b, b set to its fallback', async () => {
      const { world, connectionId } = await connected();
      world.a.jira.addPerson({ accountId: 'a-only', displayName: 'Ola Inside', email: null, emailVisible: false });
      world.b.jira.addPerson({ accountId: 'b-triage', displayName: 'Triage', email: null, emailVisible: false });
      await configure(world.b, connectionId, { unmappedUser: 'b-triage' });
      const made = world.a.jira.userCreate('INT', 'Who does it', { assignee: 'a-only' });
      await world.quiesce();
      return { now: issue(world.a, made.id).assignee?.accountId ?? null, set: 'a-only' };
    }],
    ['a mention of a person b does not know', async () => {
      const { world } = await connected();
      world.a.jira.addPerson({ accountId: 'a-dana', displayName: 'Dana Quill', email: null, emailVisible: false });
      const description: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'mention', attrs: { id: 'a-dana', text: '@Dana Quill', accessLevel: '' } }] }] };
      const made = world.a.jira.userCreate('INT', 'Ask Dana', { description });
      await world.quiesce();
      return { now: issue(world.a, made.id).description, set: description };
    }],
    ['an option b\'s field lacks, then an edit of the summary on b', async () => {
      const { world } = await connected();
      for (const site of [world.a, world.b]) site.jira.defineField('Severity', 'select', ['S1', 'S2']);
      world.a.jira.addOption('Severity', 'S0');
      const made = world.a.jira.userCreate('INT', 'Typed', { customFields: { Severity: 'S2' } });
      await world.quiesce();
      world.a.jira.userEdit(made.id, { customFields: { Severity: 'S0' } });
      await world.quiesce();
      world.b.jira.userEdit(twinOf(world, made.id).id, { summary: 'Typed (edited on b)' });
      await world.quiesce();
      return { now: issue(world.a, made.id).customFields.Severity?.value ?? null, set: 'S0' };
    }],
  ];
  it.each(cases)('%s', async (_name, run) => {
    const { now, set } = await run();
    expect(now).toEqual(set);
  });
});

describe('cost', () => {
  it('a plain issue (no parent, links, components or versions) costs no getProjectParts, createIssueLink or deleteIssueLink, created or edited', async () => {
    const { world } = await connected();
    const made = world.a.jira.userCreate('INT', 'plain');
    await world.quiesce();
    world.a.jira.userEdit(made.id, { summary: 'plain, edited' });
    await world.quiesce();
    world.b.jira.userEdit(twinOf(world, made.id).id, { summary: 'plain, edited there' });
    await world.quiesce();
    expect(issue(world.a, made.id).summary).toBe('plain, edited there');
    for (const site of [world.a, world.b]) {
      expect([site.jira.calls.getProjectParts, site.jira.calls.createIssueLink, site.jira.calls.deleteIssueLink, site.jira.calls.createComponent, site.jira.calls.createVersion]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    }
    expect(errorsLeft(world)).toEqual([]);
  });
});
