import { EMPTY_MAPPINGS, type Mappings } from '../model/mappings';
import type { OutgoingRulesInput } from '../ports/rules';
import type { SeenValue } from '../sync/mapping-values';
import { DEFAULT_SCRIPTS_CONFIG } from './default-scripts';
import { checkMappings, getMappings, listMappingValues, listUnmappedValues, saveMappings } from './mappings-admin';
import { MemoryRulesStore } from './memory-rules-store';
import { getRules, saveRules, type RulesAdminDeps } from './rules-admin';
import { PREVIEW_BUDGET_MS, previewRulesChange } from './rules-preview';
import { sampleConnection, sampleIssue, sampleMetadata, sampleReplica } from './sample-data';

const tables = (over: Partial<Mappings>): Mappings => ({ ...EMPTY_MAPPINGS, ...over });
const row = (local: string, remote: string) => ({ local, remote, direction: 'both' as const });

function setup(over: { issues?: OutgoingRulesInput['issue'][]; seen?: SeenValue[]; clock?: () => number } = {}) {
  const store = new MemoryRulesStore();
  const issues = over.issues ?? [];
  const calls: string[] = [];
  const deps: RulesAdminDeps = {
    rulesStore: store,
    getConnection: async (id) => (id === 'conn-1' ? { connection: sampleConnection(), defaults: DEFAULT_SCRIPTS_CONFIG } : null),
    readIssue: async (_c, key) => {
      calls.push(`read ${key}`);
      return structuredClone(issues.find((i) => i.key === key) ?? null);
    },
    lastReceived: async () => sampleReplica({ priority: { name: 'Highest' }, status: { name: 'Parked', category: 'new' } }),
    getMetadata: async (options) => {
      const base = sampleMetadata();
      const asked = new Set(options?.accountIds ?? []);
      // like the adapter: the accounts asked for are looked up; this site has only Alice and Bob
      return { ...base, users: base.users.filter((u) => asked.size === 0 || asked.has(u.accountId)) };
    },
    metadataFor: async () => sampleMetadata(),
    listSynced: async (_c, cursor, limit) => {
      const start = cursor === null ? 0 : Number(cursor);
      const page = issues.slice(start, start + limit).map((i) => ({ localIssueId: i.id, localKey: i.key, remoteKey: `EXT-${i.id}` }));
      return { issues: page, cursor: start + limit < issues.length ? String(start + limit) : null };
    },
    seenValues: async () => over.seen ?? [],
    searchUsers: async () => [],
    clockMs: over.clock ?? (() => 0),
    now: () => '2026-12-02T10:00:00.000Z',
    actorAccountId: 'acc-admin',
  };
  return { store, deps, calls };
}

const issue = (n: number) => ({ ...sampleIssue(), key: `SUP-${n}`, id: String(n), projectKey: 'SUP' });

describe('checkMappings: every local value known here, every table unambiguous', () => {
  it.each<[string, Partial<Mappings>, { table: string; field: string | null; row: number; message: RegExp }[]]>([
    ['known values pass', { status: [row('Done', 'Closed')], priority: [row('low', 'P4')], issueType: [row('Incident', 'Problem')], project: [row('SUP', 'HELP')], resolution: [row("Won't Do", 'Rejected')] }, []],
    ['a status this site lacks', { status: [row('Done', 'Closed'), row('Parked', 'Waiting')] }, [{ table: 'status', field: null, row: 1, message: /status "Parked" does not exist here \(there are: "To Do", "In Progress", "Done"\)/ }]],
    ['a project this site lacks', { project: [row('NOPE', 'HELP')] }, [{ table: 'project', field: null, row: 0, message: /project "NOPE" does not exist here/ }]],
    ['a custom field this site lacks', { fields: [{ local: 'Impact', remote: 'Impact', direction: 'both' }, { local: null, remote: 'Notes', direction: 'incoming' }] }, [{ table: 'fields', field: null, row: 0, message: /custom field "Impact" does not exist here/ }]],
    ['an option the field lacks', { options: { severity: [row('S1', 'Critical'), row('S9', 'Minor')] } }, [{ table: 'options', field: 'Severity', row: 1, message: /option "S9" does not exist here/ }]],
    ['options of a field that has none', { options: { 'Remote issue key': [row('x', 'y')] } }, [{ table: 'options', field: 'Remote issue key', row: -1, message: /has no options \(it is a text field\)/ }]],
    ['a person nobody here is', { users: [row('acc-alice', 'ext-1'), row('acc-gone', 'ext-2')] }, [{ table: 'users', field: null, row: 1, message: /nobody here has the account id "acc-gone"/ }]],
    ['two rows mapping one remote value', { priority: [row('High', 'P1'), row('Highest', 'p1')] }, [{ table: 'priority', field: null, row: 1, message: /already mapped by row 1/ }]],
  ])('%s', async (_name, over, expected) => {
    const { deps } = setup();
    const problems = await checkMappings(deps, tables(over));
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(problems[i]).toMatchObject({ table: e.table, field: e.field, row: e.row, message: expect.stringMatching(e.message) }));
  });
});

describe('checkMappings looks up a long people table in calls of at most 50', () => {
  it('checks 120 rows, each account found here', async () => {
    const asked: number[] = [];
    const ids = Array.from({ length: 120 }, (_, i) => `acc-${i}`);
    const deps = {
      getMetadata: async (options?: { accountIds?: string[] }) => {
        if (options?.accountIds) asked.push(options.accountIds.length);
        return { ...sampleMetadata(), users: (options?.accountIds ?? []).filter((id) => id !== 'acc-77').map((accountId) => ({ accountId, displayName: accountId, email: null })) };
      },
    };
    const problems = await checkMappings(deps, tables({ users: ids.map((id, i) => row(id, `ext-${i}`)) }));
    expect(asked).toEqual([50, 50, 20]);
    expect(problems.map((p) => [p.table, p.row])).toEqual([['users', 77]]);
  });
});

describe('saveMappings and getMappings', () => {
  it('saves the tables as a version that keeps the scripts, and a scripts save keeps the tables', async () => {
    const { deps, store } = setup();
    await saveRules(deps, { connectionId: 'conn-1', outgoing: 'replica.summary = issue.summary; replica.type = issue.type; replica.status = issue.status', incoming: '' });
    const saved = await saveMappings(deps, { connectionId: 'conn-1', mappings: tables({ status: [row('Done', 'Closed')] }) });
    expect(saved).toEqual({ ok: true, version: 2, errors: [] });
    expect(await store.getCurrent('conn-1')).toMatchObject({ incoming: '', summary: 'mappings: status', mappings: { status: [row('Done', 'Closed')] } });
    await saveRules(deps, { connectionId: 'conn-1', outgoing: 'replica.summary = issue.summary; replica.type = issue.type; replica.status = issue.status', incoming: '// v3' });
    expect(await getMappings(deps, { connectionId: 'conn-1' })).toMatchObject({ version: 3, status: [row('Done', 'Closed')] });
    expect(await getMappings(deps, { connectionId: 'conn-1', version: 1 })).toEqual({ connectionId: 'conn-1', version: 1, ...EMPTY_MAPPINGS });
  });

  it('refuses a save based on an older version', async () => {
    const { deps } = setup();
    await saveMappings(deps, { connectionId: 'conn-1', mappings: tables({ status: [row('Done', 'Closed')] }) });
    await expect(saveMappings(deps, { connectionId: 'conn-1', mappings: EMPTY_MAPPINGS, baseVersion: 0 })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('tables alone run with the default scripts: the version stays "default"', async () => {
    const { deps } = setup();
    await saveMappings(deps, { connectionId: 'conn-1', mappings: tables({ priority: [row('Low', 'P4')] }) });
    expect(await getRules(deps, { connectionId: 'conn-1' })).toMatchObject({ version: 1, isDefault: true, currentVersion: 1 });
  });
});

describe('the values to pick from, and those nothing places', () => {
  const seen = (over: Partial<SeenValue>): SeenValue => ({ table: 'status', field: null, value: 'Closed', label: null, seen: 1, unmapped: 0, lastAt: '2026-12-01T10:00:00.000Z', lastIssueKey: null, ...over });

  it('lists this site\'s values per table and the other site\'s as seen, newest first', async () => {
    const { deps } = setup({ seen: [seen({ value: 'Closed' }), seen({ value: 'Waiting', lastAt: '2026-12-01T11:00:00.000Z' })] });
    const values = await listMappingValues(deps, { connectionId: 'conn-1', optionsOf: ['severity'] });
    expect(values.local).toMatchObject({ project: ['CLOUD', 'SUP'], status: ['To Do', 'In Progress', 'Done'], priority: ['Highest', 'High', 'Medium', 'Low'], options: { Severity: ['S1', 'S2', 'S3'] }, optionFields: ['Severity'] });
    expect(values.remote.map((v) => v.value)).toEqual(['Waiting', 'Closed']);
  });

  it('lists an unplaced value until a row maps it or this site has it', async () => {
    const values = [seen({ value: 'Parked', unmapped: 3, lastIssueKey: 'SUP-9' }), seen({ value: 'Done', unmapped: 1 }), seen({ table: 'options', field: 'Severity', value: 'S9', unmapped: 2 }), seen({ value: 'Seen only' })];
    const { deps } = setup({ seen: values });
    expect((await listUnmappedValues(deps, { connectionId: 'conn-1' })).values).toEqual([
      { table: 'status', field: null, value: 'Parked', label: null, count: 3, lastAt: '2026-12-01T10:00:00.000Z', lastIssueKey: 'SUP-9' },
      { table: 'options', field: 'Severity', value: 'S9', label: null, count: 2, lastAt: '2026-12-01T10:00:00.000Z', lastIssueKey: null },
    ]);
    await saveMappings(deps, { connectionId: 'conn-1', mappings: tables({ status: [row('To Do', 'Parked')] }) });
    expect((await listUnmappedValues(deps, { connectionId: 'conn-1' })).values.map((v) => v.value)).toEqual(['S9']);
  });
});

describe('previewRulesChange', () => {
  it('lists per synced issue what the draft changes here and there, a page at a time, writing nothing', async () => {
    const { deps, store } = setup({ issues: [issue(1), issue(2), issue(3)] });
    const draft = tables({ priority: [row('Low', 'Highest')], status: [{ local: 'To Do', remote: 'Backlog', direction: 'outgoing' }] });
    const first = await previewRulesChange(deps, { connectionId: 'conn-1', mappings: draft, limit: 2 });
    expect(first).toMatchObject({ checked: 2, stoppedEarly: false, cursor: expect.any(String) });
    expect(first.issues[0]).toEqual({
      issueKey: 'SUP-1', remoteIssueKey: 'EXT-1', error: null,
      remote: [{ field: 'status', from: 'To Do', to: 'Backlog' }],
      local: [{ field: 'priority', from: 'High', to: 'Low' }],
    });
    const next = await previewRulesChange(deps, { connectionId: 'conn-1', mappings: draft, limit: 2, cursor: first.cursor ?? '' });
    expect(next).toMatchObject({ checked: 1, cursor: null, issues: [{ issueKey: 'SUP-3' }] });
    expect(await store.listVersions('conn-1')).toEqual([]);
  });

  it('names the issues a draft script fails on', async () => {
    const { deps } = setup({ issues: [issue(1)] });
    const result = await previewRulesChange(deps, { connectionId: 'conn-1', incoming: 'if (issue.key === "SUP-1") throw new Error("not this one")', limit: 20 });
    expect(result.issues).toEqual([expect.objectContaining({ issueKey: 'SUP-1', error: expect.objectContaining({ script: 'incoming', message: expect.stringMatching(/not this one/) }) })]);
  });

  it('stops a page when its time is up, and goes on from that issue', async () => {
    let now = 0;
    const { deps, calls } = setup({ issues: [issue(1), issue(2), issue(3)], clock: () => now });
    const slow = { ...deps, readIssue: async (c: string, key: string) => { now += PREVIEW_BUDGET_MS + 1; return deps.readIssue(c, key); } };
    const first = await previewRulesChange(slow, { connectionId: 'conn-1', limit: 20 });
    expect(first).toMatchObject({ checked: 1, stoppedEarly: true, cursor: expect.any(String) });
    now = 0;
    const next = await previewRulesChange(deps, { connectionId: 'conn-1', limit: 20, cursor: first.cursor ?? '' });
    expect(next).toMatchObject({ checked: 2, stoppedEarly: false, cursor: null });
    expect(calls).toEqual(['read SUP-1', 'read SUP-2', 'read SUP-3']);
  });
});
