import type { IncomingRulesInput, RulesAttachment, RulesComment, RulesConnection, RulesIssue, RulesMetadata } from '../ports/rules';
import type { AdfDoc, Replica, ReplicaAttachment, ReplicaComment } from '../model/replica';

/**
 * Sample values with sensible defaults: the dry run of validateRules() runs scripts against them,
 * and tests build their cases from them (`sampleReplica({ summary: 'x' })`).
 */

export function adfText(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export function sampleConnection(over: Partial<RulesConnection> = {}): RulesConnection {
  return {
    id: 'conn-1',
    name: 'Internal ↔ External',
    remoteSiteName: 'external',
    remoteBaseUrl: 'https://external.example.net',
    direction: 'both',
    ...over,
  };
}

export function sampleMetadata(over: Partial<RulesMetadata> = {}): RulesMetadata {
  return {
    issueTypes: {
      CLOUD: [
        { id: '10001', name: 'Task', subtask: false },
        { id: '10002', name: 'Bug', subtask: false },
        { id: '10003', name: 'Story', subtask: false },
      ],
      SUP: [
        { id: '10101', name: 'Task', subtask: false },
        { id: '10102', name: 'Incident', subtask: false },
      ],
    },
    priorities: [
      { id: '1', name: 'Highest' },
      { id: '2', name: 'High' },
      { id: '3', name: 'Medium' },
      { id: '4', name: 'Low' },
    ],
    resolutions: [
      { id: '10000', name: 'Done' },
      { id: '10001', name: "Won't Do" },
      { id: '10002', name: 'Duplicate' },
      { id: '10003', name: 'Cannot Reproduce' },
    ],
    statuses: [
      { id: '1', name: 'To Do', category: 'new' },
      { id: '3', name: 'In Progress', category: 'indeterminate' },
      { id: '5', name: 'Done', category: 'done' },
    ],
    users: [
      { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' },
      { accountId: 'acc-bob', displayName: 'Bob', email: null },
    ],
    customFields: [
      { id: 'customfield_10050', name: 'Remote issue key', kind: 'text', options: null },
      { id: 'customfield_10051', name: 'Severity', kind: 'select', options: [{ value: 'S1', children: [] }, { value: 'S2', children: [] }, { value: 'S3', children: [] }] },
    ],
    linkTypes: [
      { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      { name: 'Relates', inward: 'relates to', outward: 'relates to' },
    ],
    ...over,
  };
}

export function sampleReplicaComment(over: Partial<ReplicaComment> = {}): ReplicaComment {
  return {
    id: 'r-c1',
    author: { accountId: 'acc-remote', displayName: 'Remote Rita', email: null },
    body: adfText('remote comment'),
    created: '2026-11-20T10:00:00.000Z',
    updated: '2026-11-20T10:00:00.000Z',
    originId: null,
    ...over,
  };
}

/** An attachment of the remote issue, as its replica carries it. */
export function sampleReplicaAttachment(over: Partial<ReplicaAttachment> = {}): ReplicaAttachment {
  return {
    id: 'r-a1',
    filename: 'printer-log.txt',
    mimeType: 'text/plain',
    size: 18_432,
    created: '2026-11-20T09:30:00.000Z',
    author: { accountId: 'acc-remote', displayName: 'Remote Rita', email: null },
    mediaId: '6f1c2a9e-4b7d-4c1e-9a53-2d8e0b7f1a01',
    originId: null,
    ...over,
  };
}

export function sampleReplica(over: Partial<Replica> = {}): Replica {
  return {
    key: 'EXT-7',
    id: '20007',
    projectKey: 'EXT',
    summary: 'Printer on fire',
    description: adfText('It is on fire.'),
    type: { name: 'Bug' },
    priority: { name: 'High' },
    labels: ['hardware'],
    status: { name: 'In Progress', category: 'indeterminate' },
    resolution: null,
    dueDate: '2026-12-01',
    assignee: null,
    reporter: { accountId: 'acc-remote', displayName: 'Remote Rita', email: null },
    comments: [sampleReplicaComment()],
    attachments: [sampleReplicaAttachment()],
    parent: null,
    links: [],
    components: [],
    fixVersions: [],
    customFields: {},
    created: '2026-11-20T09:00:00.000Z',
    updated: '2026-11-20T10:00:00.000Z',
    ...over,
  };
}

export function sampleComment(over: Partial<RulesComment> = {}): RulesComment {
  return {
    id: 'c-1',
    author: { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' },
    body: adfText('local comment'),
    created: '2026-11-20T08:00:00.000Z',
    updated: '2026-11-20T08:00:00.000Z',
    originId: null,
    ...over,
  };
}

/** A local attachment as the rules see it (a file attached here, not a copy). */
export function sampleAttachment(over: Partial<RulesAttachment> = {}): RulesAttachment {
  return {
    id: '10200',
    filename: 'smoke.jpg',
    mimeType: 'image/jpeg',
    size: 245_760,
    created: '2026-11-20T08:05:00.000Z',
    author: { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' },
    originId: null,
    ...over,
  };
}

/** A local issue as the rules see it. */
export function sampleIssue(over: Partial<RulesIssue> = {}): RulesIssue {
  return {
    key: 'CLOUD-12',
    id: '10012',
    projectKey: 'CLOUD',
    summary: 'Printer on fire',
    description: adfText('It is on fire.'),
    typeName: 'Bug',
    priority: 'High',
    labels: ['hardware'],
    status: 'To Do',
    resolution: null,
    dueDate: null,
    assignee: null,
    reporter: { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' },
    comments: [],
    attachments: [sampleAttachment()],
    parent: null,
    links: [],
    components: [],
    fixVersions: [],
    customFields: { 'Remote issue key': { value: null } },
    ...over,
  };
}

/** The input of an incoming run on an existing twin, with every part a sample: override what a case varies. */
export function sampleIncomingInput(over: Partial<IncomingRulesInput> = {}): IncomingRulesInput {
  return {
    replica: sampleReplica(),
    issue: sampleIssue(),
    previous: null,
    firstSync: false,
    syncBackMessage: false,
    connection: sampleConnection(),
    metadata: sampleMetadata(),
    ...over,
  };
}

/** The blank issue the engine passes on first sync: all nulls, empty lists. */
export function blankIssue(): RulesIssue {
  return {
    key: null,
    id: null,
    projectKey: null,
    summary: '',
    description: null,
    typeName: null,
    priority: null,
    labels: [],
    status: null,
    resolution: null,
    dueDate: null,
    assignee: null,
    reporter: null,
    comments: [],
    attachments: [],
    parent: null,
    links: [],
    components: [],
    fixVersions: [],
    customFields: {},
  };
}

/** A local issue that fits a site's metadata (its first project, type, status, priority, custom fields). */
export function sampleIssueFor(metadata: RulesMetadata): RulesIssue & { key: string; id: string; projectKey: string } {
  const projectKey = Object.keys(metadata.issueTypes)[0] ?? 'SAMPLE';
  return {
    ...sampleIssue(),
    key: `${projectKey}-1`,
    id: '10000',
    projectKey,
    typeName: metadata.issueTypes[projectKey]?.[0]?.name ?? 'Task',
    priority: metadata.priorities[0]?.name ?? null,
    status: metadata.statuses[0]?.name ?? null,
    reporter: metadata.users[0] ?? null,
    customFields: Object.fromEntries(metadata.customFields.map((f) => [f.name, { value: null }])),
  };
}

/** A replica from the other site whose names exist on this site too (so dry runs test the script, not the sample). */
export function sampleReplicaFor(metadata: RulesMetadata): Replica {
  const issue = sampleIssueFor(metadata);
  const status = metadata.statuses[0];
  return sampleReplica({
    type: { name: issue.typeName ?? 'Task' },
    priority: issue.priority === null ? null : { name: issue.priority },
    status: { name: status?.name ?? 'To Do', category: status?.category ?? null },
    customFields: Object.fromEntries(metadata.customFields.map((f) => [f.name, { value: null }])),
  });
}
