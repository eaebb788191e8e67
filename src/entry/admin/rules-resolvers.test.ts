import { DEFAULT_SCRIPTS_CONFIG, defaultScripts } from '../../rules/default-scripts';
import { MemoryRulesStore } from '../../rules/memory-rules-store';
import type { RulesAdminDeps } from '../../rules/rules-admin';
import { sampleConnection, sampleMetadata } from '../../rules/sample-data';
import { World } from '../../sync/testing/world';
import { EMPTY_MAPPINGS } from '../../model/mappings';
import type { RulesProvider } from '../../ports/rules-provider';
import type { StorePort } from '../../ports/store';
import { rulesProviderFor } from '../rules-provider';
import { rulesAdminDeps, rulesResolverDefinitions, rulesResolverHandlers } from './rules-resolvers';

function deps(): RulesAdminDeps {
  return {
    rulesStore: new MemoryRulesStore(),
    getConnection: async (id) => (id === 'conn-1' ? { connection: sampleConnection(), defaults: DEFAULT_SCRIPTS_CONFIG } : null),
    readIssue: async () => null,
    lastReceived: async () => null,
    getMetadata: async () => sampleMetadata(),
    metadataFor: async () => sampleMetadata(),
    listSynced: async () => ({ issues: [], cursor: null }),
    seenValues: async () => [],
    searchUsers: async () => [],
    clockMs: () => 0,
    now: () => '2026-11-26T12:00:00.000Z',
    actorAccountId: 'acc-admin',
  };
}

describe('rules resolvers', () => {
  it('define the rules, mappings, preview and history functions', () => {
    expect(Object.keys(rulesResolverDefinitions).sort()).toEqual([
      'diffRules', 'dryRun', 'getMappings', 'getRules', 'listMappingValues', 'listUnmappedValues', 'previewRulesChange', 'restoreRules', 'saveMappings', 'saveRules', 'searchPeople', 'validateRules',
    ]);
  });

  it.each([
    ['getRules', {}, /connectionId/],
    ['getRules', { connectionId: 'conn-1', version: 0 }, /version/],
    ['validateRules', { outgoing: 1, incoming: '' }, /outgoing/],
    ['saveRules', { connectionId: 'conn-1', outgoing: '', incoming: '', extra: true }, /extra|Unrecognized/i],
    ['saveRules', { connectionId: 'conn-1', outgoing: '', incoming: '', limits: { cpuMs: 0 } }, /limits\.cpuMs/],
    ['dryRun', { connectionId: 'conn-1' }, /issueKey/],
    ['dryRun', null, /payload/],
  ] as const)('%s refuses the payload %j and changes nothing', async (key, payload, message) => {
    const d = deps();
    const answer = await rulesResolverHandlers[key](payload, d);
    expect(answer).toEqual({ error: { code: 'invalid-payload', message: expect.stringMatching(message), field: expect.stringMatching(message) } });
    expect(await d.rulesStore.listVersions('conn-1')).toEqual([]);
  });

  it('answers expected failures as {error: {code, message}}', async () => {
    expect(await rulesResolverHandlers.getRules({ connectionId: 'nope' }, deps())).toEqual({ error: { code: 'not-found', message: 'connection nope does not exist' } });
  });

  it('round-trips a save and a read', async () => {
    const d = deps();
    const scripts = defaultScripts({ ...DEFAULT_SCRIPTS_CONFIG, targetProjectKey: 'SUP' });
    expect(await rulesResolverHandlers.saveRules({ connectionId: 'conn-1', ...scripts }, d)).toEqual({ ok: true, version: 1, errors: [] });
    expect(await rulesResolverHandlers.getRules({ connectionId: 'conn-1' }, d)).toMatchObject({ version: 1, ...scripts });
    expect(await rulesResolverHandlers.validateRules({ outgoing: 'replica.summary = ', incoming: '' }, d)).toMatchObject({ ok: false, errors: [{ script: 'outgoing', line: 1 }] });
  });
});

describe('rulesAdminDeps over the engine deps', () => {
  it('reads connection, issue (with comment origins) and the last replica received, and a dry run writes nothing', async () => {
    const world = new World({ seed: 3, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 });
    const connectionId = await world.connect();
    const source = world.a.jira.userCreate('INT', 'From internal');
    await world.quiesce();
    world.a.jira.userComment(source.key, 'hello there');
    await world.quiesce();
    const twin = [...world.b.jira.issues.values()][0];
    if (!twin) throw new Error('no twin');

    const deps = rulesAdminDeps(world.b.deps, 'acc-admin');
    expect(await deps.getConnection('nope')).toBeNull();
    expect((await deps.getConnection(connectionId))?.defaults).toEqual(DEFAULT_SCRIPTS_CONFIG);
    const issue = await deps.readIssue(connectionId, twin.key);
    expect(issue?.comments).toEqual([expect.objectContaining({ originId: expect.any(String) })]);
    expect((await deps.lastReceived(connectionId, twin.id))?.key).toBe(source.key);
    expect(deps.now()).toBe(new Date(world.clock.now()).toISOString());

    const before = world.b.store.snapshot();
    const writes = () => ['createIssue', 'updateIssue', 'transitionIssue', 'addComment', 'updateComment', 'deleteComment'].map((n) => world.b.jira.calls[n] ?? 0);
    const writesBefore = writes();
    const dry = await rulesResolverHandlers.dryRun({ connectionId, issueKey: twin.key, incoming: 'issue.summary = "changed"' }, deps);
    expect(dry).toMatchObject({ issueKey: twin.key, outgoing: { error: null }, incoming: { source: 'last-received', changes: [{ field: 'summary', from: 'From internal', to: 'changed' }] } });
    expect(world.b.store.snapshot()).toBe(before);
    expect(world.b.jira.issues.get(twin.id)?.summary).toBe('From internal');
    expect(writes()).toEqual(writesBefore);
  });
});

describe('the Mappings tab\'s functions over a World (saved tables are what the next sync runs)', () => {
  /** two sites; b runs its saved rules (the app's own seam: src/entry/rules-provider.ts) */
  async function mappedWorld() {
    let storeB: StorePort | null = null;
    const saved: RulesProvider = { forConnection: (c) => rulesProviderFor(storeB ?? fail()).forConnection(c) };
    const world = new World({ seed: 5, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0, rules: { b: saved } });
    storeB = world.b.store;
    // the person acting on a is a person of b too: only the values the case makes are unplaced
    world.b.jira.addPerson({ accountId: 'user-internal', displayName: 'User', email: null, emailVisible: false });
    const connectionId = await world.connect();
    return { world, connectionId, deps: rulesAdminDeps(world.b.deps, 'acc-admin-b') };
  }
  const fail = (): never => { throw new Error('the world is not built yet'); };
  const call = async <K extends keyof typeof rulesResolverHandlers>(key: K, payload: unknown, d: RulesAdminDeps) => {
    const answer = await rulesResolverHandlers[key](payload, d);
    if (answer !== null && typeof answer === 'object' && 'error' in answer) throw new Error(`${key}: ${JSON.stringify(answer.error)}`);
    return answer as Exclude<Awaited<ReturnType<(typeof rulesResolverHandlers)[K]>>, { error: unknown }>;
  };

  it('refuses a value this site lacks with its row, and saves nothing', async () => {
    const { connectionId, deps: d } = await mappedWorld();
    const answer = await call('saveMappings', { connectionId, mappings: { priority: [{ local: 'High', remote: 'P1' }, { local: 'Critical', remote: 'P0' }], status: [{ local: 'Done', remote: 'Closed' }] } }, d);
    expect(answer).toEqual({ ok: false, version: 0, errors: [{ table: 'priority', field: null, row: 1, side: 'local', message: 'priority "Critical" does not exist here (there are: "Highest", "High", "Medium", "Low", "Lowest")' }] });
    expect(await d.rulesStore.listVersions(connectionId)).toEqual([]);
  });

  it('round-trips the tables through getMappings, each save a version with its summary', async () => {
    const { connectionId, deps: d } = await mappedWorld();
    const mappings = { ...EMPTY_MAPPINGS, status: [{ local: 'Done', remote: 'Closed', direction: 'both' as const }], fields: [{ local: null, remote: 'Internal notes', direction: 'incoming' as const }] };
    expect(await call('saveMappings', { connectionId, mappings }, d)).toEqual({ ok: true, version: 1, errors: [] });
    expect(await call('getMappings', { connectionId }, d)).toEqual({ connectionId, version: 1, ...mappings });
    const rules = await call('getRules', { connectionId }, d);
    expect(rules).toMatchObject({ isDefault: true, currentVersion: 1, mappings, versions: [{ version: 1, savedBy: 'acc-admin-b', summary: 'mappings: status, custom field' }] });
  });

  it('maps a priority and a status of issues the other site sends, previews a draft first, lists an unmapped field, and restores the defaults', async () => {
    const { world, connectionId, deps: d } = await mappedWorld();
    world.a.jira.defineField('Impact', 'text');
    const first = world.a.jira.userCreate('INT', 'Before the tables', { priority: 'High' });
    world.a.jira.userEdit(first.id, { customFields: { Impact: 'wide' } });
    await world.quiesce();
    const twin = [...world.b.jira.issues.values()].find((i) => i.summary === 'Before the tables');
    expect(twin?.priority).toBe('High');

    // a field b lacks: listed with the issue that met it
    const unmapped = await call('listUnmappedValues', { connectionId }, d);
    expect(unmapped.values).toEqual([expect.objectContaining({ table: 'fields', value: 'Impact', count: 1, lastIssueKey: twin?.key })]);

    // the preview of a draft shows what would change here, writing nothing
    const draft = { ...EMPTY_MAPPINGS, priority: [{ local: 'Low', remote: 'High', direction: 'both' as const }], status: [{ local: 'In Progress', remote: 'Open', direction: 'incoming' as const }] };
    const before = world.b.store.snapshot();
    const preview = await call('previewRulesChange', { connectionId, mappings: draft }, d);
    expect(preview).toMatchObject({ checked: 1, cursor: null, stoppedEarly: false });
    expect(preview.issues).toEqual([{
      issueKey: twin?.key, remoteIssueKey: first.key, error: null,
      local: [{ field: 'priority', from: 'High', to: 'Low' }, { field: 'status', from: 'Open', to: 'In Progress' }],
      // b's outgoing row sends Low back as High: the other site's picture of the issue does not change
      remote: [],
    }]);
    expect(world.b.store.snapshot()).toBe(before);

    expect(await call('saveMappings', { connectionId, mappings: draft }, d)).toMatchObject({ ok: true, version: 1 });
    const second = world.a.jira.userCreate('INT', 'After the tables', { priority: 'High' });
    await world.quiesce();
    const mapped = [...world.b.jira.issues.values()].find((i) => i.summary === 'After the tables');
    expect({ priority: mapped?.priority, status: mapped?.status.name }).toEqual({ priority: 'Low', status: 'In Progress' });
    // the way back sends the other site's own value: nothing changes there
    expect(world.a.jira.issues.get(second.id)?.priority).toBe('High');

    // the history: what version 1 changed, and back to the defaults as version 2
    const diff = await call('diffRules', { connectionId, version: 1 }, d);
    expect(diff).toMatchObject({ version: 1, against: 0, outgoing: [], incoming: [] });
    expect(diff.mappings).toEqual([
      { table: 'status', field: null, op: '+', local: 'In Progress', remote: 'Open', direction: 'incoming' },
      { table: 'priority', field: null, op: '+', local: 'Low', remote: 'High', direction: 'both' },
    ]);
    expect(await call('restoreRules', { connectionId, version: 0 }, d)).toEqual({ ok: true, version: 2, errors: [] });
    expect(await call('getRules', { connectionId }, d)).toMatchObject({ currentVersion: 2, isDefault: true, mappings: EMPTY_MAPPINGS, versions: [{ version: 2, summary: 'restored the defaults' }, { version: 1 }] });
    expect(errorsLeft(world)).toEqual([]);
  });
});

function errorsLeft(world: World): string[] {
  return [world.a, world.b].flatMap((site) => [...site.store.data.keys()].filter((k) => k.startsWith('error:')));
}
