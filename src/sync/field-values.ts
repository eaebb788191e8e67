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
    dueDate: issue.dueDate,
    assignee: issue.assignee?.accountId ?? null,
  };
  for (const [name, field] of Object.entries(issue.customFields)) values[CUSTOM_FIELD_PREFIX + name] = field.value;
  return values;
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
    dueDate: issue.dueDate,
    assignee: issue.assignee,
    reporter: issue.reporter,
    comments,
    attachments,
    customFields: Object.fromEntries(Object.entries(issue.customFields).map(([k, v]) => [k, { value: v.value }])),
    created: issue.created,
    updated: issue.updated,
  };
}

/** The `issue` the incoming rules get on first sync: nothing set yet. */
export function blankIssue(): RulesIssue {
  return {
    key: null, id: null, projectKey: null, summary: '', description: null, typeName: null, priority: null,
    labels: [], status: null, dueDate: null, assignee: null, reporter: null, comments: [], attachments: [], customFields: {},
  };
}
