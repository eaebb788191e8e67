import type { IncomingRulesInput, IncomingRulesResult, OutgoingRulesInput, RulesAttachment, RulesComment, RulesIssue, RulesLog } from '../ports/rules';
import type { Replica } from '../model/replica';
import { DEFAULT_RULES_CONFIG, type Connection } from '../model/connection';
import { BuiltinRulesProvider, defaultRulesEngine } from './builtin/provider';
import { DEFAULT_SCRIPTS_CONFIG, ROLE_CONFIGS, defaultScripts, roleScripts, type DefaultScriptsConfig } from './default-scripts';
import {
  adfText,
  blankIssue,
  sampleAttachment,
  sampleComment,
  sampleConnection,
  sampleIncomingInput,
  sampleIssue,
  sampleMetadata,
  sampleReplica,
  sampleReplicaAttachment,
  sampleReplicaComment,
} from './sample-data';
import { createScriptRulesEngine } from './script-engine';

/**
 * The default scripts are the default rules (there is no other implementation): a table of inputs
 * per configuration, with the results they must give written out.
 */

const DEFAULT = DEFAULT_SCRIPTS_CONFIG;
const EXTERNAL = ROLE_CONFIGS.external;
const INTERNAL = ROLE_CONFIGS.internal;
const BARE: DefaultScriptsConfig = { targetProjectKey: null, syncBackOnFirstSync: false, remoteKeyField: null };
const SUP_LOWER_KEY: DefaultScriptsConfig = { targetProjectKey: 'SUP', syncBackOnFirstSync: true, remoteKeyField: 'remote ISSUE key' };

const alice = { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' };
const remoteAlice = { accountId: 'acc-remote-alice', displayName: 'Alice (there)', email: 'ALICE@example.com' };
const hidden = { accountId: 'acc-hidden', displayName: 'Hidden', email: null };
const rita = { accountId: 'acc-remote', displayName: 'Remote Rita', email: null };
const mine = sampleComment({ id: 'c-mine' });
const copyOfR1 = sampleComment({ id: 'c-copy', body: adfText('remote comment'), originId: 'r-c1' });
const echoOfMine = sampleReplicaComment({ id: 'r-echo', body: mine.body, originId: 'c-mine' });
/** what the merge adds for the sample replica's comment r-c1 */
const newCopyOfR1: RulesComment = { id: '', author: rita, body: adfText('remote comment'), created: '2026-11-20T10:00:00.000Z', updated: '2026-11-20T10:00:00.000Z', originId: 'r-c1' };
const KEY = { 'Remote issue key': { value: 'EXT-7' } };
/** the sample issue's own attachment (10200) and what the merge adds for the sample replica's r-a1 */
const ownFile = sampleAttachment();
const newCopyOfRa1: RulesAttachment = { id: '', filename: 'printer-log.txt', mimeType: 'text/plain', size: 18_432, created: '2026-11-20T09:30:00.000Z', author: rita, originId: 'r-a1' };
const copyOfRa1 = sampleAttachment({ id: '10201', filename: 'printer-log.txt', mimeType: 'text/plain', size: 18_432, created: '2026-11-20T09:31:00.000Z', originId: 'r-a1' });
const echoOfOwn = sampleReplicaAttachment({ id: 'r-a9', filename: 'smoke.jpg', mimeType: 'image/jpeg', size: 245_760, originId: '10200' });

const incoming = sampleIncomingInput;
const first = (over: Partial<IncomingRulesInput> = {}) => incoming({ firstSync: true, issue: blankIssue(), ...over });

/** The sample issue after an update from the sample replica: its fields, the remote key, the new comment copy. */
function updated(over: Partial<RulesIssue> = {}): RulesIssue {
  return { ...sampleIssue(), status: 'In Progress', dueDate: '2026-12-01', customFields: KEY, comments: [newCopyOfR1], attachments: [ownFile, newCopyOfRa1], ...over };
}

/** A twin created from the sample replica (project and type vary with the configuration). */
function created(over: Partial<RulesIssue> = {}): RulesIssue {
  return {
    ...blankIssue(),
    projectKey: 'CLOUD',
    typeName: 'Bug',
    summary: 'Printer on fire',
    description: adfText('It is on fire.'),
    priority: 'High',
    labels: ['hardware'],
    status: 'In Progress',
    dueDate: '2026-12-01',
    customFields: KEY,
    comments: [newCopyOfR1],
    attachments: [newCopyOfRa1],
    ...over,
  };
}

const result = (desired: RulesIssue, over: { syncBack?: boolean; logs?: RulesLog[] } = {}): IncomingRulesResult => ({
  desired,
  syncBack: over.syncBack ?? false,
  unlink: false,
  logs: over.logs ?? [],
});
const warn = (message: string): RulesLog => ({ level: 'warn', message });

const incomingCases: [string, DefaultScriptsConfig, IncomingRulesInput, IncomingRulesResult][] = [
  // first sync: project, type, reporter, sync back, remote key
  ['first sync: the first project (the remote one does not exist here), same type, sync back, remote key', DEFAULT, first(), result(created(), { syncBack: true })],
  ['first sync, internal role', INTERNAL, first(), result(created(), { syncBack: true })],
  ['first sync, external role: project CLOUD', EXTERNAL, first({ replica: sampleReplica({ projectKey: 'SUP' }) }), result(created(), { syncBack: true })],
  ['first sync, no sync back and no key field configured', BARE, first(), result(created({ customFields: {} }))],
  ['first sync into the target SUP: a type SUP lacks becomes Task; the key field named in another case', SUP_LOWER_KEY, first(), result(created({ projectKey: 'SUP', typeName: 'Task' }), { syncBack: true })],
  ['first sync from a project that exists here: that project, the type matched case-insensitively', DEFAULT, first({ replica: sampleReplica({ projectKey: 'SUP', type: { name: 'incident' } }) }), result(created({ projectKey: 'SUP', typeName: 'Incident' }), { syncBack: true })],
  ['first sync from a project that exists here, external role: still CLOUD, type missing there → Task', EXTERNAL, first({ replica: sampleReplica({ projectKey: 'SUP', type: { name: 'incident' } }) }), result(created({ typeName: 'Task' }), { syncBack: true })],
  ['first sync of a type nobody has → Task', DEFAULT, first({ replica: sampleReplica({ type: { name: 'Epic' } }) }), result(created({ typeName: 'Task' }), { syncBack: true })],
  [
    'first sync into a project without Task: the name "Task" all the same',
    DEFAULT,
    first({ replica: sampleReplica({ type: { name: 'Epic' } }), metadata: sampleMetadata({ issueTypes: { OPS: [{ id: '1', name: 'Job', subtask: false }] } }) }),
    result(created({ projectKey: 'OPS', typeName: 'Task' }), { syncBack: true }),
  ],
  ['first sync with no projects known: the remote project key', DEFAULT, first({ metadata: sampleMetadata({ issueTypes: {} }) }), result(created({ projectKey: 'EXT', typeName: 'Task' }), { syncBack: true })],
  ['first sync with no projects known, external role', EXTERNAL, first({ metadata: sampleMetadata({ issueTypes: {} }) }), result(created({ typeName: 'Task' }), { syncBack: true })],
  ['first sync with a reporter known by email', DEFAULT, first({ replica: sampleReplica({ reporter: remoteAlice }) }), result(created({ reporter: alice }), { syncBack: true })],
  ['first sync of a sync-back message: the rules ask all the same (the engine ignores it)', DEFAULT, first({ syncBackMessage: true }), result(created(), { syncBack: true })],

  // updates: fields
  ['an update: no sync back, project and type kept', DEFAULT, incoming(), result(updated())],
  ['an update without a key field configured', BARE, incoming(), result(updated({ customFields: { 'Remote issue key': { value: null } } }))],
  [
    'an update of every field, names matched case-insensitively',
    DEFAULT,
    incoming({ replica: sampleReplica({ summary: 'new', description: null, labels: ['a', 'b'], dueDate: null, status: { name: 'done', category: 'done' }, priority: { name: 'low' } }) }),
    result(updated({ summary: 'new', description: null, labels: ['a', 'b'], dueDate: null, status: 'Done', priority: 'Low' })),
  ],
  [
    'an unknown priority and status are kept, with a warning each',
    DEFAULT,
    incoming({ replica: sampleReplica({ priority: { name: 'Blocker' }, status: { name: 'Closed', category: 'done' } }) }),
    result(updated({ status: 'To Do' }), {
      logs: [warn('priority "Blocker" does not exist here; kept the local one'), warn('status "Closed" does not exist here; kept the local one')],
    }),
  ],
  ['no priority clears the local one', DEFAULT, incoming({ replica: sampleReplica({ priority: null }) }), result(updated({ priority: null }))],
  ['an assignee known by email', DEFAULT, incoming({ replica: sampleReplica({ assignee: remoteAlice }) }), result(updated({ assignee: alice }))],
  ['an assignee whose email is hidden keeps the local one', DEFAULT, incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: hidden }) }), result(updated({ assignee: alice }))],
  ['no assignee clears the local one', DEFAULT, incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: null }) }), result(updated({ assignee: null }))],

  // custom fields and the remote key
  [
    'custom fields: known ones by any case under the local name, unknown ones skipped, the key field overwritten',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { severity: { value: { level: 3 } }, Unknown: { value: 1 }, 'REMOTE issue key': { value: 'bogus' } } }) }),
    result(updated({ customFields: { ...KEY, Severity: { value: { level: 3 } } } })),
  ],
  [
    'custom fields with the key field named in another case',
    SUP_LOWER_KEY,
    incoming({ replica: sampleReplica({ customFields: { severity: { value: 2 }, 'REMOTE issue key': { value: 'bogus' } } }) }),
    result(updated({ customFields: { ...KEY, Severity: { value: 2 } } })),
  ],
  [
    'custom fields without a key field: a remote "Remote issue key" is just another field',
    BARE,
    incoming({ replica: sampleReplica({ customFields: { severity: { value: 2 }, 'REMOTE issue key': { value: 'theirs' } } }) }),
    result(updated({ customFields: { 'Remote issue key': { value: 'theirs' }, Severity: { value: 2 } } })),
  ],
  ['the key field does not exist on this site: nothing written', DEFAULT, incoming({ metadata: sampleMetadata({ customFields: [] }), issue: sampleIssue({ customFields: {} }) }), result(updated({ customFields: {} }))],
  [
    'timestamps of the local issue pass through',
    DEFAULT,
    incoming({ issue: { ...sampleIssue(), created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' } }),
    result({ ...updated(), created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' }),
  ],

  // comments, by identity
  ['a new remote comment is added as a copy (id "")', DEFAULT, incoming(), result(updated({ comments: [newCopyOfR1] }))],
  [
    'an edited remote comment edits its copy',
    DEFAULT,
    incoming({ issue: sampleIssue({ comments: [copyOfR1] }), replica: sampleReplica({ comments: [sampleReplicaComment({ body: adfText('edited'), updated: '2026-11-21T00:00:00.000Z' })] }) }),
    result(updated({ comments: [{ ...copyOfR1, body: adfText('edited'), updated: '2026-11-21T00:00:00.000Z' }] })),
  ],
  ['a deleted remote comment deletes its copy; ours stay', DEFAULT, incoming({ issue: sampleIssue({ comments: [mine, copyOfR1] }), replica: sampleReplica({ comments: [] }) }), result(updated({ comments: [mine] }))],
  [
    'the remote copy of a local comment is recognised, not added again',
    DEFAULT,
    incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [echoOfMine] }) }),
    result(updated({ comments: [{ ...mine, updated: echoOfMine.updated }] })),
  ],
  [
    'the copy of a local comment edited there brings the edit back',
    DEFAULT,
    incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [{ ...echoOfMine, body: adfText('theirs') }] }) }),
    result(updated({ comments: [{ ...mine, body: adfText('theirs'), updated: echoOfMine.updated }] })),
  ],
  [
    'the copy of a local comment deleted there deletes it here',
    DEFAULT,
    incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [] }), previous: sampleReplica({ comments: [echoOfMine] }) }),
    result(updated({ comments: [] })),
  ],
  [
    'a local comment never copied there stays',
    DEFAULT,
    incoming({ issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [] }), previous: sampleReplica({ comments: [] }) }),
    result(updated({ comments: [mine] })),
  ],

  // attachments, by identity
  ['a new remote attachment is added as a copy to make (id ""); ours stays', DEFAULT, incoming(), result(updated({ attachments: [ownFile, newCopyOfRa1] }))],
  ['a remote attachment copied here already is not copied again', DEFAULT, incoming({ issue: sampleIssue({ attachments: [ownFile, copyOfRa1] }) }), result(updated({ attachments: [ownFile, copyOfRa1] }))],
  [
    'a remote attachment deleted there deletes its copy here; ours stays',
    DEFAULT,
    incoming({ issue: sampleIssue({ attachments: [ownFile, copyOfRa1] }), replica: sampleReplica({ attachments: [] }), previous: sampleReplica() }),
    result(updated({ attachments: [ownFile] })),
  ],
  [
    'the remote copy of our attachment is recognised, never copied back',
    DEFAULT,
    incoming({ replica: sampleReplica({ attachments: [echoOfOwn] }) }),
    result(updated({ attachments: [ownFile] })),
  ],
  [
    'the copy of our attachment deleted there deletes ours',
    DEFAULT,
    incoming({ replica: sampleReplica({ attachments: [] }), previous: sampleReplica({ attachments: [echoOfOwn] }) }),
    result(updated({ attachments: [] })),
  ],
  [
    'our attachment never copied there stays',
    DEFAULT,
    incoming({ replica: sampleReplica({ attachments: [] }), previous: sampleReplica({ attachments: [] }) }),
    result(updated({ attachments: [ownFile] })),
  ],
];

function outgoing(over: Partial<RulesIssue>): OutgoingRulesInput {
  return { issue: { ...sampleIssue(over), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' }, connection: sampleConnection() };
}

/** The replica of the sample issue (CLOUD-12) as the default outgoing script builds it. */
function sent(over: Partial<Replica> = {}): Replica {
  return {
    key: 'CLOUD-12',
    id: '10012',
    projectKey: 'CLOUD',
    summary: 'Printer on fire',
    description: adfText('It is on fire.'),
    type: { name: 'Bug' },
    priority: { name: 'High' },
    labels: ['hardware'],
    status: { name: 'To Do', category: null },
    dueDate: null,
    assignee: null,
    reporter: alice,
    comments: [],
    attachments: [{ ...ownFile, mediaId: null }],
    customFields: {},
    created: '1970-01-01T00:00:00.000Z',
    updated: '1970-01-01T00:00:00.000Z',
    ...over,
  };
}

const full = outgoing({
  assignee: alice, dueDate: '2026-12-24', comments: [mine, copyOfR1], attachments: [ownFile, copyOfRa1], customFields: { 'Remote issue key': { value: 'EXT-7' }, Severity: { value: [1, 2] } },
});
const fullSent = (customFields: Replica['customFields']) =>
  sent({ assignee: alice, dueDate: '2026-12-24', comments: [mine, copyOfR1], attachments: [{ ...ownFile, mediaId: null }, { ...copyOfRa1, mediaId: null }], customFields });

const outgoingCases: [string, DefaultScriptsConfig, OutgoingRulesInput, Replica][] = [
  ['a full issue: every field, comments and attachments with their origin (media ids left to the engine), custom fields but the key field', DEFAULT, full, fullSent({ Severity: { value: [1, 2] } })],
  ['a full issue, the key field named in another case', SUP_LOWER_KEY, full, fullSent({ Severity: { value: [1, 2] } })],
  ['a full issue without a key field configured: every custom field', BARE, full, fullSent({ 'Remote issue key': { value: 'EXT-7' }, Severity: { value: [1, 2] } })],
  ['an issue without type, status or priority: Task, Open, none', DEFAULT, outgoing({ typeName: null, status: null, priority: null }), sent({ type: { name: 'Task' }, status: { name: 'Open', category: null }, priority: null })],
  [
    'an issue with timestamps',
    DEFAULT,
    { issue: { ...outgoing({}).issue, created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' }, connection: sampleConnection() },
    sent({ created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z' }),
  ],
  ['an issue without custom fields', DEFAULT, outgoing({ customFields: {} }), sent()],
  ['an issue without attachments', DEFAULT, outgoing({ attachments: [] }), sent({ attachments: [] })],
];

describe('the default rules (the default scripts, in QuickJS)', () => {
  it.each(incomingCases)('incoming: %s', async (_case, config, input, expected) => {
    expect(await defaultRulesEngine(config).incoming(structuredClone(input))).toEqual(expected);
  });

  it.each(outgoingCases)('outgoing: %s', async (_case, config, input, expected) => {
    expect(await defaultRulesEngine(config).outgoing(structuredClone(input))).toEqual({ replica: expected, logs: [] });
  });

  it('a large issue (200 comments of 2,000 characters, a 100 KB description) fits their CPU budget both ways', async () => {
    const text = (n: number, seed: string) => `${seed} "quoted" \\ é 😀 `.repeat(Math.ceil(n / 24)).slice(0, n);
    const comments = Array.from({ length: 200 }, (_, i) => sampleComment({ id: `c-${i}`, body: adfText(text(2000, `comment ${i}`)) }));
    const big = outgoing({ description: adfText(text(100_000, 'description')), comments });
    const engine = defaultRulesEngine(DEFAULT);
    const { replica } = await engine.outgoing(big);
    expect(replica.comments).toHaveLength(200);
    const applied = await engine.incoming(first({ replica }));
    expect(applied.desired.comments).toHaveLength(200);
  });

  it('the built-in provider runs them with the connection\'s configuration', async () => {
    const connection: Connection = {
      id: 'conn-1', name: 'c', status: 'active', role: 'inviter', remoteSiteName: 'external', remoteCloudId: null, remoteInboxUrl: null, remoteSiteUrl: null,
      direction: 'both', scopeJql: null, conflictPolicy: 'later-wins', createdAt: '2026-11-26T00:00:00.000Z', lastMessageAt: null,
      rulesConfig: { ...DEFAULT_RULES_CONFIG, targetProjectKey: 'SUP', syncBackOnFirstSync: false, commentAttribution: false },
    };
    const engine = await new BuiltinRulesProvider().forConnection(connection);
    expect(await engine.incoming(first())).toEqual(result(created({ projectKey: 'SUP', typeName: 'Task' })));
  });
});

describe('seed roles', () => {
  it('external: a first sync creates the twin in CLOUD and syncs back', async () => {
    const out = await createScriptRulesEngine(roleScripts('external')).incoming(first({ replica: sampleReplica({ projectKey: 'SUP' }) }));
    expect(out.desired.projectKey).toBe('CLOUD');
    expect(out.syncBack).toBe(true);
  });

  it('internal: the remote key is written into "Remote issue key"', async () => {
    const out = await createScriptRulesEngine(roleScripts('internal')).incoming(incoming({ replica: sampleReplica({ key: 'CLOUD-99' }) }));
    expect(out.desired.customFields['Remote issue key']).toEqual({ value: 'CLOUD-99' });
  });

  it('the scripts are readable JS with the configuration at the top', () => {
    const { incoming: script } = roleScripts('external');
    expect(script.split('\n').slice(1, 4)).toEqual([
      'const targetProjectKey = "CLOUD"; // null: the remote\'s project key if it exists here, else the first project',
      'const syncBackOnFirstSync = true;',
      'const remoteKeyField = "Remote issue key"; // receives the remote issue key; null: none',
    ]);
    expect(defaultScripts().outgoing.split('\n')[1]).toBe('const remoteKeyField = "Remote issue key"; // not sent: it holds the other site\'s key');
  });
});
