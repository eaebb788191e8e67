import { DEFAULT_SCRIPTS_CONFIG, defaultScripts } from '../../rules/default-scripts';
import { MemoryRulesStore } from '../../rules/memory-rules-store';
import type { RulesAdminDeps } from '../../rules/rules-admin';
import { sampleConnection, sampleMetadata } from '../../rules/sample-data';
import { World } from '../../sync/testing/world';
import { rulesAdminDeps, rulesResolverDefinitions, rulesResolverHandlers } from './rules-resolvers';

function deps(): RulesAdminDeps {
  return {
    rulesStore: new MemoryRulesStore(),
    getConnection: async (id) => (id === 'conn-1' ? { connection: sampleConnection(), defaults: DEFAULT_SCRIPTS_CONFIG } : null),
    readIssue: async () => null,
    lastReceived: async () => null,
    getMetadata: async () => sampleMetadata(),
    now: () => '2026-11-26T12:00:00.000Z',
    actorAccountId: 'acc-admin',
  };
}

describe('rules resolvers', () => {
  it('define getRules, validateRules, saveRules and dryRun', () => {
    expect(Object.keys(rulesResolverDefinitions).sort()).toEqual(['dryRun', 'getRules', 'saveRules', 'validateRules']);
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
