import * as z from 'zod/mini';
import { ActivityEntrySchema, adminResults, ConnectionSchema, SyncErrorSchema, type ActivityEntry, type AdminResults, type Connection, type SyncError } from '../../../../src/contracts/admin-results';
import { panelResults, SyncCandidateSchema, type PanelResults, type SyncCandidate } from '../../../../src/contracts/panel-results';
import { ReplicaSchema, type Replica } from '../../../../src/contracts/replica-result';
import { TwinStateSchema, type TwinState } from '../../../../src/contracts/result-fields';
import { rulesResults, type RulesResults } from '../../../../src/contracts/rules-results';

/*
 * Resolver answers for the component tests, with defaults, as the `twin-sync-admin` and
 * `twin-sync-panel` resolvers send them: each builder's type is its function's result contract
 * (src/contracts/*-results.ts), and what it builds is parsed with that contract, so a test cannot
 * give a page a value the server never sends.
 */

const AT = '2026-11-26T10:00:00.000Z';

export function makeConnection(over: Partial<Connection> = {}): Connection {
  return z.parse(ConnectionSchema, {
    id: 'c1',
    name: 'External',
    remoteSiteName: 'external',
    remoteSiteUrl: 'http://127.0.0.1:7102',
    status: 'active',
    role: 'inviter',
    direction: 'both',
    scopeJql: 'project = INT',
    conflictPolicy: 'later-wins',
    rulesConfig: { targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' },
    lastMessageAt: AT,
    createdAt: '2026-11-20T09:00:00.000Z',
    closedAt: null,
    ...over,
  });
}

/** an invitation created here, not accepted yet */
export function makePendingConnection(over: Partial<Connection> = {}): Connection {
  return makeConnection({ status: 'pending', remoteSiteName: null, remoteSiteUrl: null, lastMessageAt: null, ...over });
}

export function makeInvitation(over: Partial<AdminResults['createInvitation']> = {}): AdminResults['createInvitation'] {
  return z.parse(adminResults.createInvitation, { code: 'eyJ2IjoxfQ', expiresAt: '2026-11-27T10:00:00.000Z', connectionId: 'c2', ...over });
}

export function makeSyncError(over: Partial<SyncError> = {}): SyncError {
  return z.parse(SyncErrorSchema, {
    id: 'e1',
    connectionId: 'c1',
    direction: 'incoming',
    issueKey: 'INT-1',
    remoteIssueKey: 'CLOUD-7',
    cause: 'incoming script, line 2: boom',
    kind: 'permanent',
    attempts: 5,
    firstAt: '2026-11-26T09:00:00.000Z',
    lastAt: AT,
    pending: 0,
    autoRetryAt: null,
    ...over,
  });
}

export function makeActivity(over: Partial<ActivityEntry> = {}): ActivityEntry {
  return z.parse(ActivityEntrySchema, {
    id: 'a1',
    at: AT,
    connectionId: 'c1',
    direction: 'out',
    type: 'replica',
    issueKey: 'INT-1',
    remoteIssueKey: 'CLOUD-7',
    outcome: 'sent',
    message: '',
    ...over,
  });
}

/** no bulk sync ever ran */
export function makeBulkProgress(over: Partial<AdminResults['getBulkSyncProgress']> = {}): AdminResults['getBulkSyncProgress'] {
  return z.parse(adminResults.getBulkSyncProgress, {
    jobId: null, state: 'none', total: 0, queued: 0, done: 0, created: 0, updated: 0, failed: 0, running: false, startedAt: null, finishedAt: null, jql: null,
    ...over,
  });
}

/** a bulk job of `total` issues, `done` of them confirmed, `failed` failed; running until all are settled */
export function makeBulkJob(total: number, done: number, failed = 0): AdminResults['getBulkSyncProgress'] {
  const running = done + failed < total;
  return makeBulkProgress({
    jobId: 'job-1', state: running ? 'confirming' : 'done', total, queued: total, done, created: done, updated: 0, failed, running,
    startedAt: AT, finishedAt: running ? null : '2026-11-26T10:05:00.000Z', jql: 'project = INT',
  });
}

/** Jira's count of what a bulk sync would take, and the JQL it would run (the scope unless given) */
export function makeBulkCount(over: Partial<AdminResults['countBulkSync']> = {}): AdminResults['countBulkSync'] {
  return z.parse(adminResults.countBulkSync, { estimate: 40, jql: 'project = INT', ...over });
}

/** the site's projects, by key (names unknown unless given) */
export function makeProjects(...projects: (string | Partial<AdminResults['listProjects'][number]>)[]): AdminResults['listProjects'] {
  return z.parse(adminResults.listProjects, projects.map((p) => (typeof p === 'string' ? { key: p, name: null } : { key: 'INT', name: null, ...p })));
}

export function makeStartedBulkSync(over: Partial<AdminResults['startBulkSync']> = {}): AdminResults['startBulkSync'] {
  return z.parse(adminResults.startBulkSync, { jobId: 'job-1', estimate: 40, resumed: false, ...over });
}

export function makeRules(over: Partial<RulesResults['getRules']> = {}): RulesResults['getRules'] {
  return z.parse(rulesResults.getRules, {
    connectionId: 'c1', version: 0, isDefault: true, outgoing: '', incoming: '', limits: null, mappings: makeMappingTables(), savedAt: null, savedBy: null, versions: [],
    currentVersion: over.version ?? 0,
    ...over,
  });
}

export function makeValidation(errors: RulesResults['validateRules']['errors'] = []): RulesResults['validateRules'] {
  return z.parse(rulesResults.validateRules, { ok: errors.length === 0, errors });
}

/** saved as `version`, or refused for `errors` (then `version` is the one still in force) */
export function makeSaveRules(version: number, errors: RulesResults['saveRules']['errors'] = []): RulesResults['saveRules'] {
  return z.parse(rulesResults.saveRules, { ok: errors.length === 0, version, errors });
}

export function makeReplica(over: Partial<Replica> = {}): Replica {
  return z.parse(ReplicaSchema, {
    key: 'INT-1', id: '10001', projectKey: 'INT', summary: 'Printer on fire', description: null, type: { name: 'Task' }, priority: { name: 'Medium' }, labels: [],
    status: { name: 'Open', category: 'new' }, resolution: null, dueDate: null, assignee: null, reporter: null, comments: [], attachments: [], parent: null, links: [], components: [], fixVersions: [], customFields: {},
    created: '2026-11-26T09:00:00.000+0000', updated: '2026-11-26T10:00:00.000+0000',
    ...over,
  });
}

type DryRun = RulesResults['dryRun'];

/** a dry run of draft scripts: the replica built, nothing to change on the incoming side */
export function makeDryRun(over: { outgoing?: Partial<DryRun['outgoing']>; incoming?: Partial<DryRun['incoming']>; rulesVersion?: number | null } = {}): DryRun {
  return z.parse(rulesResults.dryRun, {
    issueKey: 'INT-1',
    rulesVersion: over.rulesVersion ?? null,
    outgoing: { replica: makeReplica(), changes: [], logs: [], error: null, ...over.outgoing },
    incoming: { source: 'own-replica', changes: [], syncBack: false, unlink: false, warnings: [], logs: [], error: null, ...over.incoming },
  });
}

/** a minute before the tests began: one value for every builder call, so two builds compare equal */
const A_MINUTE_AGO = new Date(Date.now() - 60_000).toISOString();

/** the twin on connection c1, in sync */
export function makeTwinState(over: Partial<TwinState> = {}): TwinState {
  return z.parse(TwinStateSchema, {
    connectionId: 'c1',
    connectionName: 'External',
    remoteSiteName: 'external',
    remoteIssueKey: 'CLOUD-7',
    remoteIssueUrl: 'http://127.0.0.1:7102/browse/CLOUD-7',
    lastSyncAt: A_MINUTE_AGO,
    state: 'synced',
    error: null,
    remoteError: null,
    attachmentErrors: [],
    warnings: [],
    groupMembers: [],
    ...over,
  });
}

/** the panel's answer: the issue's twins (one in sync on c1 unless given) and its candidates (none unless given) */
export function makeIssueTwins(over: Partial<PanelResults['getTwin']> = {}): PanelResults['getTwin'] {
  return z.parse(panelResults.getTwin, { issueId: '10001', twins: [makeTwinState()], candidates: [], ...over });
}

/** a connection the issue could be synced on */
export function makeCandidate(over: Partial<SyncCandidate> = {}): SyncCandidate {
  return z.parse(SyncCandidateSchema, { connectionId: 'c1', connectionName: 'External', remoteSiteName: 'external', ...over });
}

export function makeDeleted(over: Partial<AdminResults['deleteConnection']> = {}): AdminResults['deleteConnection'] {
  return z.parse(adminResults.deleteConnection, { deleted: true, links: 0, remoteNotified: true, ...over });
}

export function makeRetried(over: Partial<AdminResults['retryError']> = {}): AdminResults['retryError'] {
  return z.parse(adminResults.retryError, { retried: true, events: 1, ...over });
}

/** the panel's syncNow: `queued` syncs */
export function makeSyncNow(queued = 1): PanelResults['syncNow'] {
  return z.parse(panelResults.syncNow, { queued });
}

export function makeLinkToExisting(remoteIssueKey = 'CLOUD-7'): PanelResults['linkToExisting'] {
  return z.parse(panelResults.linkToExisting, { queued: true, remoteIssueKey });
}

export function makeSyncToRemote(): PanelResults['syncToRemote'] {
  return z.parse(panelResults.syncToRemote, { queued: true });
}

export function makeUnlinked(over: Partial<PanelResults['unlink']> = {}): PanelResults['unlink'] {
  return z.parse(panelResults.unlink, { unlinked: true, remoteNotified: true, ...over });
}

/** getIssueSyncState: INT-2 and its twins (by default the one on c1, in sync) */
export function makeIssueSyncState(over: Partial<AdminResults['getIssueSyncState']> = {}): AdminResults['getIssueSyncState'] {
  return z.parse(adminResults.getIssueSyncState, { issueKey: 'INT-2', issueId: '10002', twins: [makeTwinState()], ...over });
}

type Mappings = RulesResults['getRules']['mappings'];
type RulesVersion = RulesResults['getRules']['versions'][number];

/** a kept version, saved by acc-admin */
export function makeRulesVersion(version: number, over: Partial<RulesVersion> = {}): RulesVersion {
  return { version, savedAt: AT, savedBy: 'acc-admin', summary: null, ...over };
}

/** every table empty unless given */
export function makeMappingTables(over: Partial<Mappings> = {}): Mappings {
  return z.parse(rulesResults.getRules.shape.mappings, { project: [], issueType: [], status: [], priority: [], resolution: [], fields: [], options: {}, users: [], ...over });
}

export function makeMappings(over: Partial<RulesResults['getMappings']> = {}): RulesResults['getMappings'] {
  return z.parse(rulesResults.getMappings, { connectionId: 'c1', version: 0, ...makeMappingTables(), ...over });
}

export function makeSaveMappings(version: number, errors: RulesResults['saveMappings']['errors'] = []): RulesResults['saveMappings'] {
  return z.parse(rulesResults.saveMappings, { ok: errors.length === 0, version, errors });
}

type MappingValues = RulesResults['listMappingValues'];
/** the sandbox site's values here; the other site's as given */
export function makeMappingValues(over: { local?: Partial<MappingValues['local']>; remote?: MappingValues['remote'] } = {}): MappingValues {
  return z.parse(rulesResults.listMappingValues, {
    local: {
      project: ['INT'], issueType: ['Task', 'Bug'], status: ['Open', 'In Progress', 'Done'], priority: ['Highest', 'High', 'Medium', 'Low', 'Lowest'],
      resolution: ['Done', "Won't Do"], fields: ['Severity', 'Remote issue key'], options: {}, optionFields: ['Severity'], users: [],
      ...over.local,
    },
    remote: over.remote ?? [],
  });
}

/** a value of the other site seen in a replica */
export function makeSeenValue(table: MappingValues['remote'][number]['table'], value: string, over: Partial<MappingValues['remote'][number]> = {}): MappingValues['remote'][number] {
  return { table, field: null, value, label: null, lastAt: AT, ...over };
}

type Unmapped = RulesResults['listUnmappedValues']['values'][number];
export function makeUnmapped(values: (Partial<Unmapped> & Pick<Unmapped, 'table' | 'value'>)[] = []): RulesResults['listUnmappedValues'] {
  return z.parse(rulesResults.listUnmappedValues, { values: values.map((v) => ({ field: null, label: null, count: 1, lastAt: AT, lastIssueKey: null, ...v })) });
}

type Preview = RulesResults['previewRulesChange'];
export function makePreview(over: Partial<Omit<Preview, 'issues'>> & { issues?: Partial<Preview['issues'][number]>[] } = {}): Preview {
  const issues = (over.issues ?? []).map((i) => ({ issueKey: 'INT-1', remoteIssueKey: 'CLOUD-7', remote: [], local: [], error: null, ...i }));
  return z.parse(rulesResults.previewRulesChange, { checked: issues.length, cursor: null, stoppedEarly: false, ...over, issues });
}

export function makeRulesDiff(over: Partial<RulesResults['diffRules']> = {}): RulesResults['diffRules'] {
  return z.parse(rulesResults.diffRules, { version: 2, against: 1, outgoing: [], incoming: [], mappings: [], ...over });
}

export function makeRestoreRules(version: number): RulesResults['restoreRules'] {
  return z.parse(rulesResults.restoreRules, { ok: true, version, errors: [] });
}
