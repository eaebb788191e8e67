import type { OutgoingRulesInput } from '../ports/rules';
import type { Replica } from '../model/replica';
import { DEFAULT_SCRIPTS_CONFIG, defaultScripts, roleScripts } from './default-scripts';
import { MemoryRulesStore } from './memory-rules-store';
import { EMPTY_MAPPINGS } from '../model/mappings';
import { RulesAdminError, changesBetween, dryRun, getRules, restoreRules, saveRules, validateRulesFor, type RulesAdminDeps } from './rules-admin';
import { adfText, sampleAttachment, sampleComment, sampleConnection, sampleIssue, sampleMetadata, sampleReplica, sampleReplicaComment } from './sample-data';

const OK_OUT = 'replica.type = issue.type; replica.status = issue.status; replica.summary = issue.summary';

function setup(over: { issue?: OutgoingRulesInput['issue'] | null; lastReceived?: Replica | null } = {}) {
  const store = new MemoryRulesStore();
  const issue = over.issue === undefined ? { ...sampleIssue(), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' } : over.issue;
  const deps: RulesAdminDeps = {
    rulesStore: store,
    getConnection: async (id) => (id === 'conn-1' ? { connection: sampleConnection(), defaults: DEFAULT_SCRIPTS_CONFIG } : null),
    readIssue: async (_c, key) => (issue !== null && key === issue.key ? structuredClone(issue) : null),
    lastReceived: async () => over.lastReceived ?? null,
    getMetadata: async () => sampleMetadata(),
    metadataFor: async () => sampleMetadata(),
    listSynced: async () => ({ issues: [], cursor: null }),
    seenValues: async () => [],
    searchUsers: async () => [],
    clockMs: () => 0,
    now: () => '2026-11-26T12:00:00.000Z',
    actorAccountId: 'acc-admin',
  };
  return { store, deps };
}

describe('getRules', () => {
  it('answers the default scripts, version 0, for a connection without saved rules', async () => {
    const { deps } = setup();
    expect(await getRules(deps, { connectionId: 'conn-1' })).toEqual({
      connectionId: 'conn-1',
      version: 0,
      isDefault: true,
      ...defaultScripts(),
      limits: null,
      mappings: EMPTY_MAPPINGS,
      savedAt: null,
      savedBy: null,
      versions: [],
      currentVersion: 0,
    });
  });

  it('answers the current version and any kept older one', async () => {
    const { deps } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// one' });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// two', limits: { cpuMs: 100 } });
    const current = await getRules(deps, { connectionId: 'conn-1' });
    expect(current).toMatchObject({ version: 2, isDefault: false, incoming: '// two', limits: { cpuMs: 100 }, savedBy: 'acc-admin', savedAt: '2026-11-26T12:00:00.000Z' });
    expect(current.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(await getRules(deps, { connectionId: 'conn-1', version: 1 })).toMatchObject({ version: 1, incoming: '// one', limits: null });
  });

  it.each([
    [{ connectionId: 'nope' }, /connection nope does not exist/],
    [{ connectionId: 'conn-1', version: 7 }, /version 7 of these rules is not kept \(kept: none\)/],
  ])('%j is a not-found error', async (payload, message) => {
    const { deps } = setup();
    const error = await getRules(deps, payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesAdminError);
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringMatching(message) });
  });
});

describe('saveRules', () => {
  it('refuses invalid scripts with the errors validateRules gives, and keeps the previous rules', async () => {
    const { deps, store } = setup();
    await saveRules(deps, { connectionId: 'conn-1', ...roleScripts('internal') });
    const bad = { connectionId: 'conn-1', outgoing: OK_OUT, incoming: 'issue.status = "Nope"' };
    const result = await saveRules(deps, bad);
    const validation = await validateRulesFor(deps, { outgoing: bad.outgoing, incoming: bad.incoming, connectionId: 'conn-1' });
    expect(result).toEqual({ ok: false, version: 1, errors: validation.errors });
    expect(result.errors[0]).toMatchObject({ script: 'incoming', line: 1, message: expect.stringMatching(/Unknown status "Nope"/) });
    // the default scripts' own text is kept as the defaults (they follow the connection's configuration)
    expect(await store.getCurrent('conn-1')).toMatchObject({ outgoing: null, incoming: null, summary: 'the default scripts' });
    expect(await store.listVersions('conn-1')).toHaveLength(1);
  });

  it('saves valid scripts as the next version', async () => {
    const { deps, store } = setup();
    expect(await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '' })).toEqual({ ok: true, version: 1, errors: [] });
    expect(await store.getCurrent('conn-1')).toEqual({
      connectionId: 'conn-1',
      version: 1,
      outgoing: OK_OUT,
      incoming: '',
      limits: null,
      mappings: EMPTY_MAPPINGS,
      savedBy: 'acc-admin',
      savedAt: '2026-11-26T12:00:00.000Z',
      summary: 'outgoing script and incoming script',
    });
  });

  it('keeps the current limits unless the call sets them', async () => {
    const { deps, store } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '', limits: { cpuMs: 50 } });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// 2' });
    expect((await store.getCurrent('conn-1'))?.limits).toEqual({ cpuMs: 50 });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// 3', limits: null });
    expect((await store.getCurrent('conn-1'))?.limits).toBeNull();
  });

  it('validates under the limits it will run with', async () => {
    const { deps } = setup();
    const result = await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: 'for (;;) {}', limits: { cpuMs: 20 } });
    expect(result.ok).toBe(false);
    expect(result.errors[0]?.message).toMatch(/CPU time limit of 20 ms exceeded/);
  });

  it('refuses a save based on an older version', async () => {
    const { deps } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// 1' });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// 2', baseVersion: 1 });
    const error = await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// stale', baseVersion: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/someone saved version 2 of these rules after you opened version 1/) });
  });
});

describe('dryRun', () => {
  it('shows the replica that would be sent and the changes the last received replica would make, writing nothing', async () => {
    const lastReceived = sampleReplica({ summary: 'Printer still on fire', comments: [sampleReplicaComment()] });
    const { deps, store } = setup({ lastReceived });
    const result = await dryRun(deps, { connectionId: 'conn-1', issueKey: 'CLOUD-12' });
    expect(result.rulesVersion).toBe(0);
    expect(result.outgoing.error).toBeNull();
    expect(result.outgoing.replica).toMatchObject({ key: 'CLOUD-12', summary: 'Printer on fire', status: { name: 'To Do', category: null } });
    expect(result.incoming).toMatchObject({ source: 'last-received', syncBack: false, unlink: false, error: null });
    expect(result.incoming.changes).toEqual([
      { field: 'summary', from: 'Printer on fire', to: 'Printer still on fire' },
      { field: 'status', from: 'To Do', to: 'In Progress' },
      { field: 'dueDate', from: null, to: '2026-12-01' },
      { field: 'customFields.Remote issue key', from: null, to: 'EXT-7' },
      { field: 'comments.new', from: null, to: { originId: 'r-c1', body: adfText('remote comment') } },
      { field: 'attachments.new', from: null, to: { originId: 'r-a1', filename: 'printer-log.txt', size: 18_432 } },
    ]);
    expect(await store.listVersions('conn-1')).toEqual([]);
  });

  it('applies the issue\'s own replica when nothing was received, and tries a draft', async () => {
    const { deps } = setup();
    const result = await dryRun(deps, { connectionId: 'conn-1', issueKey: 'CLOUD-12', incoming: 'console.log(replica.key); issue.labels.push("tried")' });
    expect(result.rulesVersion).toBeNull();
    expect(result.incoming).toMatchObject({
      source: 'own-replica',
      changes: [{ field: 'labels', from: ['hardware'], to: ['hardware', 'tried'] }],
      logs: [{ level: 'log', message: 'CLOUD-12' }],
    });
  });

  it('reports script errors with their position and logs', async () => {
    const { deps } = setup();
    const result = await dryRun(deps, { connectionId: 'conn-1', issueKey: 'CLOUD-12', outgoing: 'console.log("out")\nnull.x', incoming: 'console.log("in"); throw new Error("no")' });
    expect(result.outgoing).toEqual({ replica: null, changes: [], logs: [{ level: 'log', message: 'out' }], error: expect.objectContaining({ script: 'outgoing', line: 2 }) });
    expect(result.incoming.error).toEqual({ script: 'incoming', line: null, column: null, message: expect.stringMatching(/nothing to apply/) });
  });

  it('an unknown issue is a not-found error', async () => {
    const { deps } = setup();
    await expect(dryRun(deps, { connectionId: 'conn-1', issueKey: 'CLOUD-404' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('changesBetween', () => {
  it('lists attachments to copy and to delete', () => {
    const kept = sampleAttachment({ id: 'a-1' });
    const gone = sampleAttachment({ id: 'a-2', filename: 'old.txt', size: 3, originId: 'r-9' });
    const before = sampleIssue({ attachments: [kept, gone] });
    const after = sampleIssue({ attachments: [kept, { ...sampleAttachment({ filename: 'new.png', size: 7 }), id: '', originId: 'r-5' }] });
    expect(changesBetween(before, after)).toEqual([
      { field: 'attachments.new', from: null, to: { originId: 'r-5', filename: 'new.png', size: 7 } },
      { field: 'attachments.a-2', from: { originId: 'r-9', filename: 'old.txt', size: 3 }, to: null },
    ]);
  });

  it('lists edited and removed comments by id', () => {
    const mine = sampleComment({ id: 'c-1' });
    const other = sampleComment({ id: 'c-2' });
    const before = sampleIssue({ comments: [mine, other] });
    const after = sampleIssue({ comments: [{ ...mine, body: adfText('edited') }] });
    expect(changesBetween(before, after)).toEqual([
      { field: 'comments.c-1', from: mine.body, to: adfText('edited') },
      { field: 'comments.c-2', from: { originId: null, body: other.body }, to: null },
    ]);
  });
});

describe('restoreRules', () => {
  it('brings a kept version back as a new one, and the defaults as another', async () => {
    const { deps, store } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// one' });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// two' });
    expect(await restoreRules(deps, { connectionId: 'conn-1', version: 1 })).toEqual({ ok: true, version: 3, errors: [] });
    expect(await store.getCurrent('conn-1')).toMatchObject({ version: 3, incoming: '// one', summary: 'restored version 1' });
    expect(await restoreRules(deps, { connectionId: 'conn-1', version: 0 })).toEqual({ ok: true, version: 4, errors: [] });
    expect(await getRules(deps, { connectionId: 'conn-1' })).toMatchObject({ version: 4, isDefault: true, mappings: EMPTY_MAPPINGS });
  });

  it('refuses scripts that are no longer valid here, and keeps the rules in force', async () => {
    const { deps } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: 'issue.status = "In Progress"' });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: OK_OUT, incoming: '// two' });
    const renamed = { ...deps, getMetadata: async () => sampleMetadata({ statuses: [{ id: '1', name: 'To Do', category: 'new' }, { id: '5', name: 'Done', category: 'done' }] }) };
    const result = await restoreRules(renamed, { connectionId: 'conn-1', version: 1 });
    expect(result).toMatchObject({ ok: false, version: 2, errors: [{ script: 'incoming', message: expect.stringMatching(/Unknown status "In Progress"/) }] });
  });
});
