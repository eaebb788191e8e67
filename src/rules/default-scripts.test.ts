import type { IncomingRulesInput, OutgoingRulesInput, RulesIssue } from '../ports/rules';
import { DefaultRules } from './builtin/default-rules';
import { DEFAULT_SCRIPTS_CONFIG, ROLE_CONFIGS, defaultScripts, roleScripts, type DefaultScriptsConfig } from './default-scripts';
import {
  adfText,
  blankIssue,
  sampleComment,
  sampleConnection,
  sampleIncomingInput,
  sampleIssue,
  sampleMetadata,
  sampleReplica,
  sampleReplicaComment,
} from './sample-data';
import { createScriptRulesEngine } from './script-engine';

/**
 * The default scripts must do exactly what the built-in rules do: the same table of inputs runs
 * through both engines and the results must be identical (desired issue, flags, logs, replica).
 */

const configs: [string, DefaultScriptsConfig][] = [
  ['default', DEFAULT_SCRIPTS_CONFIG],
  ['external', ROLE_CONFIGS.external],
  ['internal', ROLE_CONFIGS.internal],
  ['no sync back, no key field', { targetProjectKey: null, syncBackOnFirstSync: false, remoteKeyField: null }],
  ['target SUP, lower-case key field', { targetProjectKey: 'SUP', syncBackOnFirstSync: true, remoteKeyField: 'remote ISSUE key' }],
];

const alice = { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' };
const remoteAlice = { accountId: 'acc-remote-alice', displayName: 'Alice (there)', email: 'ALICE@example.com' };
const hidden = { accountId: 'acc-hidden', displayName: 'Hidden', email: null };
const mine = sampleComment({ id: 'c-mine' });
const copyOfR1 = sampleComment({ id: 'c-copy', body: adfText('remote comment'), originId: 'r-c1' });
const echoOfMine = sampleReplicaComment({ id: 'r-echo', body: mine.body, originId: 'c-mine' });

const incoming = sampleIncomingInput;

const incomingCases: [string, IncomingRulesInput][] = [
  ['first sync into a blank issue', incoming({ firstSync: true, issue: blankIssue() })],
  ['first sync from a project that exists here', incoming({ firstSync: true, issue: blankIssue(), replica: sampleReplica({ projectKey: 'SUP', type: { name: 'incident' } }) })],
  ['first sync of a type nobody has', incoming({ firstSync: true, issue: blankIssue(), replica: sampleReplica({ type: { name: 'Epic' } }) })],
  [
    'first sync into a project without Task',
    incoming({ firstSync: true, issue: blankIssue(), replica: sampleReplica({ type: { name: 'Epic' } }), metadata: sampleMetadata({ issueTypes: { OPS: [{ id: '1', name: 'Job', subtask: false }] } }) }),
  ],
  ['first sync with no projects known', incoming({ firstSync: true, issue: blankIssue(), metadata: sampleMetadata({ issueTypes: {} }) })],
  ['first sync with a reporter known by email', incoming({ firstSync: true, issue: blankIssue(), replica: sampleReplica({ reporter: remoteAlice }) })],
  ['first sync of a sync-back message', incoming({ firstSync: true, issue: blankIssue(), syncBackMessage: true })],
  ['an update of every field', incoming({ replica: sampleReplica({ summary: 'new', description: null, labels: ['a', 'b'], dueDate: null, status: { name: 'done', category: 'done' }, priority: { name: 'low' } }) })],
  ['an unknown priority and status are kept with a warning', incoming({ replica: sampleReplica({ priority: { name: 'Blocker' }, status: { name: 'Closed', category: 'done' } }) })],
  ['no priority', incoming({ replica: sampleReplica({ priority: null }) })],
  ['an assignee known by email', incoming({ replica: sampleReplica({ assignee: remoteAlice }) })],
  ['an assignee whose email is hidden keeps the local one', incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: hidden }) })],
  ['no assignee clears the local one', incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: null }) })],
  [
    'custom fields: known ones by any case, unknown ones skipped, the key field overwritten',
    incoming({ replica: sampleReplica({ customFields: { severity: { value: { level: 3 } }, Unknown: { value: 1 }, 'REMOTE issue key': { value: 'bogus' } } }) }),
  ],
  ['no key field on this site', incoming({ metadata: sampleMetadata({ customFields: [] }), issue: sampleIssue({ customFields: {} }) })],
  ['timestamps of the local issue pass through', incoming({ issue: { ...sampleIssue(), created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' } })],
  ['a new remote comment', incoming({})],
  ['an edited remote comment', incoming({ issue: sampleIssue({ comments: [copyOfR1] }), replica: sampleReplica({ comments: [sampleReplicaComment({ body: adfText('edited') })] }) })],
  ['a deleted remote comment', incoming({ issue: sampleIssue({ comments: [mine, copyOfR1] }), replica: sampleReplica({ comments: [] }) })],
  ['the copy of a local comment', incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [echoOfMine] }) })],
  ['the copy of a local comment edited there', incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [{ ...echoOfMine, body: adfText('theirs') }] }) })],
  [
    'the copy of a local comment deleted there',
    incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [] }), previous: sampleReplica({ comments: [echoOfMine] }) }),
  ],
];

function outgoing(over: Partial<RulesIssue>): OutgoingRulesInput {
  return { issue: { ...sampleIssue(over), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' }, connection: sampleConnection() };
}

const outgoingCases: [string, OutgoingRulesInput][] = [
  ['a full issue', outgoing({ assignee: alice, dueDate: '2026-12-24', comments: [mine, copyOfR1], customFields: { 'Remote issue key': { value: 'EXT-7' }, Severity: { value: [1, 2] } } })],
  ['an issue without type, status or priority', outgoing({ typeName: null, status: null, priority: null })],
  ['an issue with timestamps', { issue: { ...outgoing({}).issue, created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' }, connection: sampleConnection() }],
  ['an issue without custom fields', outgoing({ customFields: {} })],
];

describe.each(configs)('default scripts (%s) behave exactly like the built-in rules', (_name, config) => {
  const builtin = new DefaultRules(config);
  const scripts = createScriptRulesEngine(defaultScripts(config));

  it.each(incomingCases)('incoming: %s', async (_case, input) => {
    const expected = await builtin.incoming(structuredClone(input));
    const actual = await scripts.incoming(structuredClone(input));
    expect(actual).toEqual(expected);
  });

  it.each(outgoingCases)('outgoing: %s', async (_case, input) => {
    const expected = await builtin.outgoing(structuredClone(input));
    const actual = await scripts.outgoing(structuredClone(input));
    expect(actual).toEqual(expected);
  });
});

describe('seed roles', () => {
  it('external: a first sync creates the twin in CLOUD and syncs back', async () => {
    const result = await createScriptRulesEngine(roleScripts('external')).incoming(incoming({ firstSync: true, issue: blankIssue(), replica: sampleReplica({ projectKey: 'SUP' }) }));
    expect(result.desired.projectKey).toBe('CLOUD');
    expect(result.syncBack).toBe(true);
  });

  it('internal: the remote key is written into "Remote issue key"', async () => {
    const result = await createScriptRulesEngine(roleScripts('internal')).incoming(incoming({ replica: sampleReplica({ key: 'CLOUD-99' }) }));
    expect(result.desired.customFields['Remote issue key']).toEqual({ value: 'CLOUD-99' });
  });

  it('the scripts are readable JS with the configuration at the top', () => {
    const { incoming: script } = roleScripts('external');
    expect(script.split('\n').slice(1, 4)).toEqual([
      'const targetProjectKey = "CLOUD"; // null: the remote\'s project key if it exists here, else the first project',
      'const syncBackOnFirstSync = true;',
      'const remoteKeyField = "Remote issue key"; // receives the remote issue key; null: none',
    ]);
  });
});
