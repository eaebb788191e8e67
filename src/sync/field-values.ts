import type { RulesAttachment, RulesComment, RulesIssue } from '../ports/rules';
import type { LocalIssue } from '../ports/jira';
import type { AttachmentLink, CommentLink, FieldValues } from './state/records';
import type { JsonValue } from '../model/replica';

/**
 * The fields the three-way merge compares, in local terms. Issue type, project and reporter are
 * set when a twin is created and not merged afterwards (Jira needs a move to change them).
 */
export const CUSTOM_FIELD_PREFIX = 'cf:';

export function fieldValuesOf(issue: RulesIssue): FieldValues {
  const values: FieldValues = {
    summary: issue.summary,
    description: toJson(issue.description),
    priority: issue.priority,
    labels: [...issue.labels].sort(),
    status: issue.status,
    // by name, like the priority; written with a transition (src/sync/parts/status)
    resolution: issue.resolution,
    dueDate: issue.dueDate,
    assignee: issue.assignee?.accountId ?? null,
    // the parent by its id here; components and versions by name
    parent: issue.parent?.id ?? null,
    components: [...new Set(issue.components)].sort(),
    fixVersions: [...new Set(issue.fixVersions)].sort(),
  };
  for (const [name, field] of Object.entries(issue.customFields)) values[CUSTOM_FIELD_PREFIX + name] = byAccountId(field.value);
  return values;
}

/**
 * A person in a custom field's value compares by account id (their name and visible email are not
 * the value): a UserRef becomes its account id, a list of them the sorted ids.
 */
function byAccountId(value: JsonValue): JsonValue {
  const id = (v: JsonValue): string | null => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.accountId === 'string' ? v.accountId : null);
  if (id(value) !== null) return id(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => id(v) !== null)) return value.map((v) => id(v) ?? '').sort();
  return value;
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** The local issue as the rules see it: comments and attachments the app copied carry the remote one's id as originId. */
export function toRulesIssue(issue: LocalIssue, links: readonly CommentLink[], attachmentLinks: readonly AttachmentLink[] = []): RulesIssue & { key: string; id: string; projectKey: string } {
  const copyOf = new Map(links.filter((l) => l.owner === 'remote').map((l) => [l.localId, l.remoteId]));
  const comments: RulesComment[] = issue.comments.map((c) => ({ ...c, originId: copyOf.get(c.id) ?? null }));
  const fileCopyOf = new Map(attachmentLinks.filter((l) => l.owner === 'remote' && l.remoteId !== null).map((l) => [l.localId, l.remoteId]));
  const attachments: RulesAttachment[] = issue.attachments.map((a) => ({ ...a, originId: fileCopyOf.get(a.id) ?? null }));
  return {
    key: issue.key,
    id: issue.id,
    projectKey: issue.projectKey,
    summary: issue.summary,
    description: issue.description,
    typeName: issue.typeName,
    priority: issue.priority,
    labels: [...issue.labels],
    status: issue.status.name,
    resolution: issue.resolution,
    dueDate: issue.dueDate,
    assignee: issue.assignee,
    reporter: issue.reporter,
    comments,
    attachments,
    parent: issue.parent ? { id: issue.parent.id, key: issue.parent.key } : null,
    links: issue.links.map((l) => ({ type: l.type, direction: l.direction, issue: { id: l.issue.id, key: l.issue.key } })),
    components: [...issue.components],
    fixVersions: [...issue.fixVersions],
    customFields: Object.fromEntries(Object.entries(issue.customFields).map(([k, v]) => [k, { value: v.value }])),
    created: issue.created,
    updated: issue.updated,
  };
}

/** The `issue` the incoming rules get on first sync: nothing set yet. */
export function blankIssue(): RulesIssue {
  return {
    key: null, id: null, projectKey: null, summary: '', description: null, typeName: null, priority: null,
    labels: [], status: null, resolution: null, dueDate: null, assignee: null, reporter: null, comments: [], attachments: [],
    parent: null, links: [], components: [], fixVersions: [], customFields: {},
  };
}
