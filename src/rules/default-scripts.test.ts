import { EMPTY_MAPPINGS, type Mappings } from '../model/mappings';
import type { UnmappedValue } from '../model/mappings';
import type { IncomingRulesInput, IncomingRulesResult, OutgoingRulesInput, RulesAttachment, RulesComment, RulesIssue, RulesLog, RulesMetadata } from '../ports/rules';
import type { IssueRef, Replica, ReplicaLink } from '../model/replica';
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
const bob = { accountId: 'acc-bob', displayName: 'Bob', email: null };
const remoteBob = { accountId: 'acc-remote-bob', displayName: 'Bob (there)', email: null };
/** the sample metadata with the people the engine mapped (src/sync/people.ts), by remote account id */
const mapped = (mappedPeople: NonNullable<RulesMetadata['mappedPeople']>, over: Partial<RulesMetadata> = {}) => sampleMetadata({ mappedPeople, ...over });

/** remote issues (there) and their twins here; EXT-9 is not synced */
const remoteEpic: IssueRef = { id: '20001', key: 'EXT-1' };
const localEpic: IssueRef = { id: '10001', key: 'CLOUD-1' };
const remote2: IssueRef = { id: '20002', key: 'EXT-2' };
const local2: IssueRef = { id: '10002', key: 'CLOUD-2' };
const remote3: IssueRef = { id: '20003', key: 'EXT-3' };
const local3: IssueRef = { id: '10003', key: 'CLOUD-3' };
const unsynced: IssueRef = { id: '20009', key: 'EXT-9' };
const withTwins = (over: Partial<RulesMetadata> = {}) => sampleMetadata({ twins: { [remoteEpic.id]: localEpic, [remote2.id]: local2, [remote3.id]: local3 }, ...over });
const link = (type: string, direction: ReplicaLink['direction'], issue: IssueRef): ReplicaLink => ({ type, direction, issue });
/** links there: to synced issues (one type in another case), to an unsynced one, of a type this site lacks */
const LINKS_THERE = [link('Blocks', 'outward', remote2), link('relates', 'inward', remote3), link('Blocks', 'inward', unsynced), link('Duplicate', 'outward', remote2)];
/** what they become here: those whose other end has a twin, a known type spelled as here; a type this site lacks is kept as named (the sync reports it and leaves it out) */
const LINKS_HERE = [link('Blocks', 'outward', local2), link('Relates', 'inward', local3), link('Duplicate', 'outward', local2)];

/** custom fields holding people: a user picker and a multi-user picker */
const PEOPLE_FIELDS: RulesMetadata['customFields'] = [
  ...sampleMetadata().customFields,
  { id: 'customfield_10060', name: 'Approver', kind: 'user', options: null },
  { id: 'customfield_10061', name: 'Reviewers', kind: 'users', options: null },
];
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

const result = (
  desired: RulesIssue,
  over: { syncBack?: boolean; logs?: RulesLog[]; waitFor?: IncomingRulesResult['waitFor']; warnings?: string[]; unmapped?: UnmappedValue[] } = {},
): IncomingRulesResult => ({
  desired,
  syncBack: over.syncBack ?? false,
  unlink: false,
  waitFor: over.waitFor ?? [],
  warnings: over.warnings ?? [],
  // every person mapUser could not map (or gave the fallback) holds its field: the label before the warning's colon
  held: [...new Set((over.warnings ?? []).filter((w) => / could not be mapped | is nobody here; /.test(w)).map((w) => w.slice(0, w.indexOf(': '))))],
  unmapped: over.unmapped ?? unmappedIn(over.warnings ?? []),
  logs: over.logs ?? [],
});

/** the sample people of the other site, by the name a warning gives */
const REMOTE_PEOPLE: Record<string, string> = { 'Remote Rita': 'acc-remote', Hidden: 'acc-hidden' };
const TABLE_OF_LABEL: Record<string, UnmappedValue['table']> = { 'issue type': 'issueType', priority: 'priority', status: 'status', 'custom field': 'fields' };
/** what the warnings name unplaced, once each, as the Mappings tab lists them */
function unmappedIn(warnings: readonly string[]): UnmappedValue[] {
  const out: UnmappedValue[] = [];
  for (const w of warnings) {
    const person = / could not be mapped | is nobody here; /.test(w) ? w.slice(w.indexOf(': ') + 2).replace(/ (could not be mapped|is nobody here;).*$/, '') : null;
    const value = /^([^:]+): "([^"]+)" of the other site is not mapped/.exec(w);
    const entry: UnmappedValue | null = person !== null ? { table: 'users', field: null, value: REMOTE_PEOPLE[person] ?? person, label: person }
      : value ? { table: TABLE_OF_LABEL[value[1]!] ?? 'options', field: null, value: value[2]!, label: null } : null;
    if (entry && !out.some((u) => u.table === entry.table && u.value === entry.value)) out.push(entry);
  }
  return out;
}
const warn = (message: string): RulesLog => ({ level: 'warn', message });
/** the sample replica's reporter (Rita, her email hidden) is nobody here: a first sync says so */
/** a first sync of a type this site lacks: a Task, with a warning */
const typeAsTask = (name: string) => `issue type: "${name}" of the other site is not mapped and does not exist here; created as Task`;
const RITA_UNMAPPED = 'reporter: Remote Rita could not be mapped to anyone here; left empty';
/** a first sync of the sample replica: its reporter could not be mapped */
const firstResult = (desired: RulesIssue, over: Parameters<typeof result>[1] = {}): IncomingRulesResult => result(desired, { warnings: [RITA_UNMAPPED], ...over });

const incomingCases: [string, DefaultScriptsConfig, IncomingRulesInput, IncomingRulesResult][] = [
  // first sync: project, type, reporter, sync back, remote key
  ['first sync: the first project (the remote one does not exist here), same type, sync back, remote key', DEFAULT, first(), firstResult(created(), { syncBack: true })],
  ['first sync, internal role', INTERNAL, first(), firstResult(created(), { syncBack: true })],
  ['first sync, external role: project CLOUD', EXTERNAL, first({ replica: sampleReplica({ projectKey: 'SUP' }) }), firstResult(created(), { syncBack: true })],
  ['first sync, no sync back and no key field configured', BARE, first(), firstResult(created({ customFields: {} }))],
  ['first sync into the target SUP: a type SUP lacks becomes Task; the key field named in another case', SUP_LOWER_KEY, first(), firstResult(created({ projectKey: 'SUP', typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('Bug'), RITA_UNMAPPED] })],
  ['first sync from a project that exists here: that project, the type matched case-insensitively', DEFAULT, first({ replica: sampleReplica({ projectKey: 'SUP', type: { name: 'incident' } }) }), firstResult(created({ projectKey: 'SUP', typeName: 'Incident' }), { syncBack: true })],
  ['first sync from a project that exists here, external role: still CLOUD, type missing there → Task', EXTERNAL, first({ replica: sampleReplica({ projectKey: 'SUP', type: { name: 'incident' } }) }), firstResult(created({ typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('incident'), RITA_UNMAPPED] })],
  ['first sync of a type nobody has → Task', DEFAULT, first({ replica: sampleReplica({ type: { name: 'Epic' } }) }), firstResult(created({ typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('Epic'), RITA_UNMAPPED] })],
  [
    'first sync into a project without Task: the name "Task" all the same',
    DEFAULT,
    first({ replica: sampleReplica({ type: { name: 'Epic' } }), metadata: sampleMetadata({ issueTypes: { OPS: [{ id: '1', name: 'Job', subtask: false }] } }) }),
    firstResult(created({ projectKey: 'OPS', typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('Epic'), RITA_UNMAPPED] }),
  ],
  ['first sync with no projects known: the remote project key', DEFAULT, first({ metadata: sampleMetadata({ issueTypes: {} }) }), firstResult(created({ projectKey: 'EXT', typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('Bug'), RITA_UNMAPPED] })],
  ['first sync with no projects known, external role', EXTERNAL, first({ metadata: sampleMetadata({ issueTypes: {} }) }), firstResult(created({ typeName: 'Task' }), { syncBack: true, warnings: [typeAsTask('Bug'), RITA_UNMAPPED] })],
  ['first sync with a reporter known by email', DEFAULT, first({ replica: sampleReplica({ reporter: remoteAlice }) }), result(created({ reporter: alice }), { syncBack: true })],
  ['first sync of a sync-back message: the rules ask all the same (the engine ignores it)', DEFAULT, first({ syncBackMessage: true }), firstResult(created(), { syncBack: true })],

  // updates: fields
  ['an update: no sync back, project and type kept', DEFAULT, incoming(), result(updated())],
  ['an update without a key field configured', BARE, incoming(), result(updated({ customFields: { 'Remote issue key': { value: null } } }))],
  // three or more sites: connections sharing the key field list each twin's key
  ['the key field shared with another connection: its twin\'s key stays, this one is added', DEFAULT, incoming({ issue: sampleIssue({ customFields: { 'Remote issue key': { value: 'PART-4' } } }) }), result(updated({ customFields: { 'Remote issue key': { value: 'PART-4, EXT-7' } } }))],
  ['the key field listing this twin among others: unchanged, in its order', DEFAULT, incoming({ issue: sampleIssue({ customFields: { 'Remote issue key': { value: 'EXT-7, PART-4' } } }) }), result(updated({ customFields: { 'Remote issue key': { value: 'EXT-7, PART-4' } } }))],
  ['the twin moved (a new key): its former key replaced in its place', DEFAULT, incoming({ issue: sampleIssue({ customFields: { 'Remote issue key': { value: 'EXT-3, PART-4' } } }), previous: sampleReplica({ key: 'EXT-3' }) }), result(updated({ customFields: { 'Remote issue key': { value: 'EXT-7, PART-4' } } }))],
  ['what a person typed into the key field that is no issue key is replaced', DEFAULT, incoming({ issue: sampleIssue({ customFields: { 'Remote issue key': { value: 'n/a' } } }) }), result(updated({ customFields: { 'Remote issue key': { value: 'EXT-7' } } }))],
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
      warnings: ['priority: "Blocker" of the other site is not mapped and does not exist here; kept the local value', 'status: "Closed" of the other site is not mapped and does not exist here; kept the local value'],
    }),
  ],
  ['no priority clears the local one', DEFAULT, incoming({ replica: sampleReplica({ priority: null }) }), result(updated({ priority: null }))],
  ['an assignee known by email', DEFAULT, incoming({ replica: sampleReplica({ assignee: remoteAlice }) }), result(updated({ assignee: alice }))],
  [
    'an assignee who cannot be mapped (email hidden, no mapping) clears the local one, with a warning',
    DEFAULT,
    incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: hidden }) }),
    result(updated({ assignee: null }), { warnings: ['assignee: Hidden could not be mapped to anyone here; left empty'] }),
  ],
  ['no assignee clears the local one', DEFAULT, incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: null }) }), result(updated({ assignee: null }))],

  // people, as the engine mapped them (metadata.mappedPeople): table, same account, email, fallback, none
  ['an assignee mapped by the table', DEFAULT, incoming({ replica: sampleReplica({ assignee: remoteBob }), metadata: mapped({ [remoteBob.accountId]: { local: bob, how: 'table' } }) }), result(updated({ assignee: bob }))],
  [
    'an assignee with the same account here: the person as this site knows them',
    DEFAULT,
    incoming({ replica: sampleReplica({ assignee: { accountId: 'acc-alice', displayName: 'Alice (there)', email: null } }), metadata: mapped({ 'acc-alice': { local: alice, how: 'same account' } }) }),
    result(updated({ assignee: alice })),
  ],
  ['an assignee mapped by their visible email', DEFAULT, incoming({ replica: sampleReplica({ assignee: remoteAlice }), metadata: mapped({ [remoteAlice.accountId]: { local: alice, how: 'email' } }) }), result(updated({ assignee: alice }))],
  [
    'an assignee nobody here takes the connection\'s fallback, with a warning',
    DEFAULT,
    incoming({ replica: sampleReplica({ assignee: hidden }), metadata: mapped({ [hidden.accountId]: { local: bob, how: 'fallback' } }) }),
    result(updated({ assignee: bob }), { warnings: ['assignee: Hidden is nobody here; set to Bob (the connection\'s fallback)'] }),
  ],
  [
    'an assignee nobody here, without a fallback: cleared, with a warning',
    DEFAULT,
    incoming({ issue: sampleIssue({ assignee: alice }), replica: sampleReplica({ assignee: hidden }), metadata: mapped({ [hidden.accountId]: { local: null, how: 'none' } }) }),
    result(updated({ assignee: null }), { warnings: ['assignee: Hidden could not be mapped to anyone here; left empty'] }),
  ],
  [
    'the engine\'s mapping is what counts: the table names Bob for an account that also exists here',
    DEFAULT,
    incoming({ replica: sampleReplica({ assignee: alice }), metadata: mapped({ 'acc-alice': { local: bob, how: 'table' } }) }),
    result(updated({ assignee: bob })),
  ],
  ['first sync: a reporter mapped by the table', DEFAULT, first({ metadata: mapped({ [rita.accountId]: { local: alice, how: 'table' } }) }), result(created({ reporter: alice }), { syncBack: true })],
  [
    'first sync: a reporter nobody here takes the fallback, with a warning',
    DEFAULT,
    first({ metadata: mapped({ [rita.accountId]: { local: bob, how: 'fallback' } }) }),
    result(created({ reporter: bob }), { syncBack: true, warnings: ['reporter: Remote Rita is nobody here; set to Bob (the connection\'s fallback)'] }),
  ],
  ['an update leaves the reporter alone (no warning about it either)', DEFAULT, incoming({ metadata: mapped({ [rita.accountId]: { local: bob, how: 'table' } }) }), result(updated())],

  // the parent: its twin here, or wait for it
  ['a parent whose twin is known: the twin here', DEFAULT, incoming({ replica: sampleReplica({ parent: remoteEpic }), metadata: withTwins() }), result(updated({ parent: localEpic }))],
  ['first sync of a child whose parent is synced: created under the twin', DEFAULT, first({ replica: sampleReplica({ parent: remoteEpic }), metadata: withTwins() }), firstResult(created({ parent: localEpic }), { syncBack: true })],
  [
    'a twin whose new parent has no twin here keeps its parent, with a warning (that parent may never sync: out of scope)',
    DEFAULT,
    incoming({ issue: sampleIssue({ parent: local2 }), replica: sampleReplica({ parent: unsynced }), metadata: withTwins() }),
    result(updated({ parent: local2 }), { logs: [warn('the parent EXT-9 is not synced here; kept the local parent')] }),
  ],
  [
    'first sync of a child whose parent has no twin: waits for the parent, nothing else odd',
    DEFAULT,
    first({ replica: sampleReplica({ parent: remoteEpic }) }),
    firstResult(created(), { syncBack: true, waitFor: [{ key: 'EXT-1', reason: 'its parent EXT-1 is not synced here yet' }] }),
  ],
  ['no parent there clears the local one', DEFAULT, incoming({ issue: sampleIssue({ parent: localEpic }), metadata: withTwins() }), result(updated({ parent: null }))],

  // links: to issues synced on both sides, of a type this site has
  [
    'links: only those whose other end has a twin; a known type as spelled here, an unknown one as named; the direction kept',
    DEFAULT,
    incoming({ replica: sampleReplica({ links: LINKS_THERE }), metadata: withTwins() }),
    result(updated({ links: LINKS_HERE })),
  ],
  ['first sync with links: the twin is created with them', DEFAULT, first({ replica: sampleReplica({ links: LINKS_THERE }), metadata: withTwins() }), firstResult(created({ links: LINKS_HERE }), { syncBack: true })],
  [
    'links on a site without link types: as named (the sync reports the types and leaves them out)',
    DEFAULT,
    incoming({ replica: sampleReplica({ links: LINKS_THERE }), metadata: withTwins({ linkTypes: [] }) }),
    result(updated({ links: [link('Blocks', 'outward', local2), link('relates', 'inward', local3), link('Duplicate', 'outward', local2)] })),
  ],
  ['links while none of their issues is synced: none', DEFAULT, incoming({ replica: sampleReplica({ links: LINKS_THERE }) }), result(updated({ links: [] }))],
  ['no links there: none to the synced issues here', DEFAULT, incoming({ issue: sampleIssue({ links: LINKS_HERE }), metadata: withTwins() }), result(updated({ links: [] }))],

  // components and fix versions, by name
  [
    'components and fix versions are copied',
    DEFAULT,
    incoming({ issue: sampleIssue({ components: ['Old'], fixVersions: ['0.9'] }), replica: sampleReplica({ components: ['API', 'Backend'], fixVersions: ['1.0', '2.0'] }) }),
    result(updated({ components: ['API', 'Backend'], fixVersions: ['1.0', '2.0'] })),
  ],
  ['first sync with components and fix versions', DEFAULT, first({ replica: sampleReplica({ components: ['API'], fixVersions: ['1.0'] }) }), firstResult(created({ components: ['API'], fixVersions: ['1.0'] }), { syncBack: true })],
  ['no components or fix versions there clears them here', DEFAULT, incoming({ issue: sampleIssue({ components: ['API'], fixVersions: ['1.0'] }) }), result(updated({ components: [], fixVersions: [] }))],

  // custom fields and the remote key
  [
    'custom fields: known ones by any case under the local name, unknown ones skipped (with a warning), the key field overwritten',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { severity: { value: { level: 3 } }, Unknown: { value: 1 }, 'REMOTE issue key': { value: 'bogus' } } }) }),
    result(updated({ customFields: { ...KEY, Severity: { value: { level: 3 } } } }), { warnings: ['custom field: "Unknown" of the other site is not mapped and does not exist here; not synced (map it to a field here, or to none)'] }),
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
  [
    'custom fields of people: a user and a users field mapped by name in any case, a person nobody here dropped with a warning',
    DEFAULT,
    incoming({
      replica: sampleReplica({ customFields: { approver: { value: remoteAlice }, REVIEWERS: { value: [remoteAlice, remoteBob, hidden] } } }),
      metadata: mapped(
        { [remoteAlice.accountId]: { local: alice, how: 'email' }, [remoteBob.accountId]: { local: bob, how: 'table' }, [hidden.accountId]: { local: null, how: 'none' } },
        { customFields: PEOPLE_FIELDS },
      ),
    }),
    result(updated({ customFields: { ...KEY, Approver: { value: alice }, Reviewers: { value: [alice, bob] } } }), {
      warnings: ['Reviewers: Hidden could not be mapped to anyone here; left empty'],
    }),
  ],
  [
    'a user field whose person is nobody here is emptied, with a warning',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { Approver: { value: hidden } } }), metadata: mapped({ [hidden.accountId]: { local: null, how: 'none' } }, { customFields: PEOPLE_FIELDS }) }),
    result(updated({ customFields: { ...KEY, Approver: { value: null } } }), { warnings: ['Approver: Hidden could not be mapped to anyone here; left empty'] }),
  ],
  [
    'a user field whose person is nobody here takes the fallback, with a warning',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { Approver: { value: hidden } } }), metadata: mapped({ [hidden.accountId]: { local: bob, how: 'fallback' } }, { customFields: PEOPLE_FIELDS }) }),
    result(updated({ customFields: { ...KEY, Approver: { value: bob } } }), { warnings: ['Approver: Hidden is nobody here; set to Bob (the connection\'s fallback)'] }),
  ],
  [
    'empty people fields stay empty (an empty users field is []), without warnings',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { Approver: { value: null }, Reviewers: { value: null } } }), metadata: sampleMetadata({ customFields: PEOPLE_FIELDS }) }),
    result(updated({ customFields: { ...KEY, Approver: { value: null }, Reviewers: { value: [] } } })),
  ],
  [
    'people fields without the engine\'s mapping: the same account or the email among the site\'s users',
    DEFAULT,
    incoming({ replica: sampleReplica({ customFields: { Approver: { value: { ...bob, displayName: 'Bob (there)' } }, Reviewers: { value: [remoteAlice] } } }), metadata: sampleMetadata({ customFields: PEOPLE_FIELDS }) }),
    result(updated({ customFields: { ...KEY, Approver: { value: bob }, Reviewers: { value: [alice] } } })),
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
    resolution: null,
    dueDate: null,
    assignee: null,
    reporter: alice,
    comments: [],
    attachments: [{ ...ownFile, mediaId: null }],
    parent: null,
    links: [],
    components: [],
    fixVersions: [],
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
  [
    'an issue with a parent, links, components and fix versions: all sent, the names sorted',
    DEFAULT,
    outgoing({ parent: localEpic, links: LINKS_HERE, components: ['Backend', 'API'], fixVersions: ['2.0', '1.0'] }),
    sent({ parent: localEpic, links: LINKS_HERE, components: ['API', 'Backend'], fixVersions: ['1.0', '2.0'] }),
  ],
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
    expect(await engine.incoming(first())).toEqual(firstResult(created({ projectKey: 'SUP', typeName: 'Task' }), { warnings: [typeAsTask('Bug'), RITA_UNMAPPED] }));
  });
});

describe('the default rules with the Mappings tab\'s tables', () => {
  const rows = (...pairs: [string, string, ('both' | 'incoming' | 'outgoing')?][]) => pairs.map(([local, remote, direction]) => ({ local, remote, direction: direction ?? ('both' as const) }));
  const tables = (over: Partial<Mappings>): Mappings => ({ ...EMPTY_MAPPINGS, ...over });

  it('maps the project, type, status and priority of a replica received, before the values of the same name', async () => {
    const mappings = tables({ project: rows(['OPS', 'EXT']), issueType: rows(['Job', 'Bug']), status: rows(['Done', 'In Progress', 'incoming']), priority: rows(['Low', 'highest']) });
    const metadata = sampleMetadata({ issueTypes: { SUP: [{ id: '1', name: 'Task', subtask: false }], OPS: [{ id: '2', name: 'Job', subtask: false }] } });
    const input = first({ metadata, replica: sampleReplica({ status: { name: 'in progress', category: 'indeterminate' }, priority: { name: 'Highest' } }) });
    const out = await defaultRulesEngine(DEFAULT, { mappings }).incoming(input);
    expect(out.desired).toMatchObject({ projectKey: 'OPS', typeName: 'Job', status: 'Done', priority: 'Low' });
    expect(out.unmapped).toEqual([{ table: 'users', field: null, value: 'acc-remote', label: 'Remote Rita' }]);
  });

  it('sends the outgoing rows\' values, and leaves the incoming-only rows out of a replica sent', async () => {
    const mappings = tables({ status: rows(['To Do', 'Backlog', 'outgoing'], ['Done', 'Closed', 'incoming']), priority: rows(['High', 'P1']), issueType: rows(['Bug', 'Defect']), project: rows(['SUP', 'SERVICE']) });
    const issue = { ...sampleIssue({ priority: 'High', typeName: 'Bug', status: 'To Do' }), key: 'SUP-1', id: '1', projectKey: 'SUP' };
    const { replica } = await defaultRulesEngine(DEFAULT, { mappings }).outgoing({ issue, connection: sampleConnection() });
    expect({ project: replica.projectKey, type: replica.type.name, status: replica.status.name, priority: replica.priority?.name }).toEqual({ project: 'SERVICE', type: 'Defect', status: 'Backlog', priority: 'P1' });
  });

  it('an unmapped status and priority keep the local ones, named in a warning and in the unmapped values', async () => {
    const input = incoming({ replica: sampleReplica({ status: { name: 'Parked', category: 'new' }, priority: { name: 'P0' } }) });
    const out = await defaultRulesEngine(DEFAULT, { mappings: tables({ status: rows(['Done', 'Closed']) }) }).incoming(input);
    expect(out.desired).toMatchObject({ status: 'To Do', priority: 'High' });
    expect(out.unmapped).toEqual([{ table: 'priority', field: null, value: 'P0', label: null }, { table: 'status', field: null, value: 'Parked', label: null }]);
    expect(out.warnings).toEqual(['priority: "P0" of the other site is not mapped and does not exist here; kept the local value', 'status: "Parked" of the other site is not mapped and does not exist here; kept the local value']);
  });

  it('a field row takes the other site\'s field into another one here, and a row to none leaves a field out', async () => {
    const mappings = tables({ fields: [{ local: 'Severity', remote: 'Impact', direction: 'both' }, { local: null, remote: 'Internal notes', direction: 'incoming' }] });
    const input = incoming({ replica: sampleReplica({ customFields: { Impact: { value: 4 }, 'Internal notes': { value: 'secret' } } }) });
    const out = await defaultRulesEngine(DEFAULT, { mappings }).incoming(input);
    expect(out.desired.customFields['Severity']).toEqual({ value: 4 });
    expect(out.warnings).toEqual([]);
    const issue = { ...sampleIssue({ customFields: { Severity: { value: 2 } } }), key: 'SUP-1', id: '1', projectKey: 'SUP' };
    const sent = await defaultRulesEngine(DEFAULT, { mappings: tables({ fields: [{ local: 'Severity', remote: 'Impact', direction: 'both' }] }) }).outgoing({ issue, connection: sampleConnection() });
    expect(sent.replica.customFields).toEqual({ Impact: { value: 2 } });
    const notSent = await defaultRulesEngine(DEFAULT, { mappings: tables({ fields: [{ local: 'Severity', remote: null, direction: 'outgoing' }] }) }).outgoing({ issue, connection: sampleConnection() });
    expect(notSent.replica.customFields).toEqual({});
  });

  it('option rows map a select, a multi select and a cascading value, by the local field', async () => {
    const options = { Tier: rows(['Gold', 'T1']), Areas: rows(['Back end', 'Server']), Region: rows(['Europe', 'EMEA']) };
    const fields = [
      { id: 'customfield_1', name: 'Tier', kind: 'select' as const, options: null },
      { id: 'customfield_2', name: 'Areas', kind: 'multiselect' as const, options: null },
      { id: 'customfield_3', name: 'Region', kind: 'cascading' as const, options: null },
    ];
    const input = incoming({
      metadata: sampleMetadata({ customFields: fields }),
      issue: sampleIssue({ customFields: {} }),
      replica: sampleReplica({ customFields: { tier: { value: 't1' }, Areas: { value: ['Server', 'UI'] }, Region: { value: { value: 'EMEA', child: 'Paris' } } } }),
    });
    const out = await defaultRulesEngine(DEFAULT, { mappings: tables({ options }) }).incoming(input);
    expect(out.desired.customFields).toMatchObject({ Tier: { value: 'Gold' }, Areas: { value: ['Back end', 'UI'] }, Region: { value: { value: 'Europe', child: 'Paris' } } });
  });

  it('a person row maps a person of the other site, and the outgoing row sends the other site\'s account', async () => {
    const mappings = tables({ users: rows(['acc-alice', 'acc-hidden']) });
    const metadata = { ...sampleMetadata(), mappedPeople: { 'acc-hidden': { local: alice, how: 'table' as const } } };
    const out = await defaultRulesEngine(DEFAULT, { mappings }).incoming(incoming({ metadata, replica: sampleReplica({ assignee: { accountId: 'acc-hidden', displayName: 'Hidden', email: null } }) }));
    expect(out.desired.assignee?.accountId).toBe('acc-alice');
    const issue = { ...sampleIssue({ assignee: alice }), key: 'SUP-1', id: '1', projectKey: 'SUP' };
    const sent = await defaultRulesEngine(DEFAULT, { mappings }).outgoing({ issue, connection: sampleConnection() });
    expect(sent.replica.assignee?.accountId).toBe('acc-hidden');
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
