import { z } from 'zod';
import { adfProblem, adfText } from './adf';
import { isIsoDay } from './jira-date';
import type { Accounts } from './storage/accounts';
import type { Catalog } from './storage/catalog';
import type { IssueStore } from './storage/issue-store';
import type { ChangeItem, IssueRecord } from './storage/records';
import { TEXT_FIELD_TYPE } from './seed';

export type FieldErrors = Record<string, string>;

const idOrKeyRef = z.object({ id: z.union([z.string(), z.number()]).optional(), key: z.string().optional() });
const idOrNameRef = z.object({ id: z.union([z.string(), z.number()]).optional(), name: z.string().optional() });
const userRef = z.object({ accountId: z.string().nullable().optional(), id: z.string().optional() });

const operationList = z.array(z.record(z.string(), z.unknown()));
const commentAdd = z.object({ body: z.unknown() });
const labelList = z.array(z.string());

const notSettable = (field: string): string => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
const ADF_REQUIRED = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

/** A new or edited issue plus what the request asked for beyond plain fields. */
export interface IssueDraft {
  issue: IssueRecord;
  /** comment bodies from `update.comment[].add` */
  newComments: unknown[];
}

/**
 * Applies the `fields` and `update` parts of a create, edit or transition request to a draft issue,
 * collecting Jira's per-field error messages instead of stopping at the first.
 */
export class IssueFields {
  constructor(private readonly catalog: Catalog, private readonly accounts: Accounts, private readonly store: IssueStore) {}

  apply(draft: IssueDraft, fields: Record<string, unknown>, update: Record<string, unknown>, mode: 'create' | 'edit', errors: FieldErrors): void {
    for (const [id, value] of Object.entries(fields)) {
      if (id in update) {
        errors[id] = `Field '${id}' cannot be set in both 'fields' and 'update'.`;
        continue;
      }
      this.set(draft.issue, id, value, mode, errors);
    }
    for (const [id, opsValue] of Object.entries(update)) {
      const ops = operationList.safeParse(opsValue);
      if (!ops.success) {
        errors[id] = `The operations for field '${id}' must be a list of objects such as [{"set": ...}].`;
        continue;
      }
      for (const op of ops.data) {
        for (const [verb, value] of Object.entries(op)) this.operate(draft, id, verb, value, mode, errors);
      }
    }
  }

  private operate(draft: IssueDraft, id: string, verb: string, value: unknown, mode: 'create' | 'edit', errors: FieldErrors): void {
    if (id === 'comment') {
      if (verb !== 'add') {
        errors.comment = `Operation '${verb}' is not supported for field 'comment'; use 'add'.`;
        return;
      }
      const body = commentAdd.safeParse(value);
      const problem = body.success ? adfProblem(body.data.body) : 'a comment needs a body';
      if (problem !== null || !body.success) errors.comment = `Comment body must be an Atlassian Document: ${problem}`;
      else draft.newComments.push(body.data.body);
      return;
    }
    if (id === 'labels' && (verb === 'add' || verb === 'remove')) {
      if (typeof value !== 'string') {
        errors.labels = `The label to ${verb} must be a string.`;
        return;
      }
      const problem = labelProblem(value);
      if (problem) {
        errors.labels = problem;
        return;
      }
      if (verb === 'remove') draft.issue.labels = draft.issue.labels.filter((l) => l !== value);
      else if (!draft.issue.labels.includes(value)) draft.issue.labels = [...draft.issue.labels, value];
      return;
    }
    if (verb !== 'set') {
      errors[id] = `Operation '${verb}' is not supported for field '${id}'.`;
      return;
    }
    this.set(draft.issue, id, value, mode, errors);
  }

  private set(issue: IssueRecord, id: string, value: unknown, mode: 'create' | 'edit', errors: FieldErrors): void {
    switch (id) {
      case 'project':
        if (mode === 'edit') errors.project = notSettable('project');
        return; // resolved by the caller before the draft exists
      case 'summary': {
        if (typeof value !== 'string' || value.trim() === '') errors.summary = 'You must specify a summary of the issue.';
        else if (value.length > 255) errors.summary = 'Summary must be less than 255 characters.';
        else if (/[\r\n]/.test(value)) errors.summary = 'The summary is invalid because it contains newline characters.';
        else issue.summary = value;
        return;
      }
      case 'description': {
        if (value === null) {
          issue.description = null;
          return;
        }
        const problem = adfProblem(value);
        if (problem !== null) errors.description = `${ADF_REQUIRED}: ${problem}`;
        else issue.description = value;
        return;
      }
      case 'issuetype': {
        const ref = idOrNameRef.safeParse(value);
        const type = ref.success ? this.catalog.issueType(String(ref.data.id ?? ref.data.name ?? '')) : undefined;
        if (!type) errors.issuetype = ref.success && (ref.data.id !== undefined || ref.data.name !== undefined) ? 'The issue type selected is invalid.' : 'Specify an issue type';
        else issue.issueTypeId = type.id;
        return;
      }
      case 'priority': {
        if (value === null) {
          issue.priorityId = null;
          return;
        }
        const ref = idOrNameRef.safeParse(value);
        const priority = ref.success ? this.catalog.priority(String(ref.data.id ?? ref.data.name ?? '')) : undefined;
        if (!priority) errors.priority = 'The priority selected is invalid.';
        else issue.priorityId = priority.id;
        return;
      }
      case 'labels': {
        const labels = labelList.safeParse(value ?? []);
        if (!labels.success) {
          errors.labels = 'Labels must be a list of strings.';
          return;
        }
        const problem = labels.data.map(labelProblem).find((p) => p !== null);
        if (problem) errors.labels = problem;
        else issue.labels = [...new Set(labels.data)];
        return;
      }
      case 'duedate': {
        if (value === null || value === '') issue.dueDate = null;
        else if (typeof value === 'string' && isIsoDay(value)) issue.dueDate = value;
        else errors.duedate = `Error parsing date string: ${String(value)}`;
        return;
      }
      case 'assignee':
      case 'reporter': {
        if (value === null) {
          issue[id] = null;
          return;
        }
        const ref = userRef.safeParse(value);
        const accountId = ref.success ? (ref.data.accountId ?? ref.data.id ?? null) : undefined;
        if (accountId === null) issue[id] = null;
        else if (accountId !== undefined && this.accounts.get(accountId)) issue[id] = accountId;
        else errors[id] = 'Specified user does not exist or you do not have required permissions';
        return;
      }
      case 'parent': {
        if (value === null) {
          issue.parentId = null;
          return;
        }
        const ref = idOrKeyRef.safeParse(value);
        const parent = ref.success ? this.store.issue(String(ref.data.key ?? ref.data.id ?? '')) : undefined;
        if (!parent || parent.id === issue.id) errors.parent = 'Could not find issue by id or key.';
        else if (parent.projectId !== issue.projectId) errors.parent = 'The parent issue must belong to the same project.';
        else if (this.catalog.issueTypeById(parent.issueTypeId).subtask) errors.parent = 'A sub-task cannot be the parent of another issue.';
        else issue.parentId = parent.id;
        return;
      }
      default: {
        const custom = this.catalog.customField(id);
        if (!custom) {
          errors[id] = notSettable(id);
          return;
        }
        if (custom.type === TEXT_FIELD_TYPE) {
          if (value === null || value === '') delete issue.custom[id];
          else if (typeof value !== 'string') errors[id] = 'Operation value must be a string';
          else if (value.length > 255) errors[id] = 'The entered text is too long. It exceeds the allowed limit of 255 characters.';
          else issue.custom[id] = value;
          return;
        }
        errors[id] = notSettable(id);
      }
    }
  }

  /** checks that hold for the issue as a whole once the fields are applied */
  finish(issue: IssueRecord, errors: FieldErrors): void {
    const type = this.catalog.issueTypeById(issue.issueTypeId);
    if (type.subtask && issue.parentId === null && !errors.parent) errors.parent = 'Sub-task issues must have a parent issue (parent).';
    if (!type.subtask && issue.parentId !== null) {
      const parent = this.store.issueById(issue.parentId);
      if (parent && this.catalog.issueTypeById(parent.issueTypeId).hierarchyLevel <= type.hierarchyLevel && !errors.parent) {
        errors.parent = `An issue of type ${type.name} cannot have a ${this.catalog.issueTypeById(parent.issueTypeId).name} parent.`;
      }
    }
  }

  /** the changelog items between two versions of an issue */
  diff(before: IssueRecord, after: IssueRecord): ChangeItem[] {
    const items: ChangeItem[] = [];
    const jira = (field: string, from: string | null, fromString: string | null, to: string | null, toString: string | null): void => {
      items.push({ field, fieldId: field, fieldtype: 'jira', from, fromString, to, toString });
    };
    if (before.summary !== after.summary) jira('summary', null, before.summary, null, after.summary);
    if (JSON.stringify(before.description) !== JSON.stringify(after.description)) {
      jira('description', null, before.description === null ? null : adfText(before.description), null, after.description === null ? null : adfText(after.description));
    }
    if (before.issueTypeId !== after.issueTypeId) {
      jira('issuetype', String(before.issueTypeId), this.catalog.issueTypeById(before.issueTypeId).name, String(after.issueTypeId), this.catalog.issueTypeById(after.issueTypeId).name);
    }
    if (before.statusId !== after.statusId) {
      jira('status', String(before.statusId), this.catalog.statusById(before.statusId).name, String(after.statusId), this.catalog.statusById(after.statusId).name);
    }
    if (before.priorityId !== after.priorityId) {
      const name = (id: number | null): string | null => (id === null ? null : this.catalog.priorityById(id).name);
      jira('priority', before.priorityId === null ? null : String(before.priorityId), name(before.priorityId), after.priorityId === null ? null : String(after.priorityId), name(after.priorityId));
    }
    if (before.labels.join(' ') !== after.labels.join(' ')) jira('labels', null, before.labels.join(' '), null, after.labels.join(' '));
    if (before.dueDate !== after.dueDate) jira('duedate', before.dueDate, before.dueDate, after.dueDate, after.dueDate);
    for (const who of ['assignee', 'reporter'] as const) {
      if (before[who] !== after[who]) {
        const name = (id: string | null): string | null => (id === null ? null : this.accounts.get(id)?.displayName ?? id);
        jira(who, before[who], name(before[who]), after[who], name(after[who]));
      }
    }
    if (before.parentId !== after.parentId) {
      const key = (id: number | null): string | null => (id === null ? null : this.store.issueById(id)?.key ?? null);
      jira('parent', before.parentId === null ? null : String(before.parentId), key(before.parentId), after.parentId === null ? null : String(after.parentId), key(after.parentId));
    }
    const ids = new Set([...Object.keys(before.custom), ...Object.keys(after.custom)]);
    for (const id of [...ids].sort()) {
      const from = before.custom[id];
      const to = after.custom[id];
      if (JSON.stringify(from) === JSON.stringify(to)) continue;
      const str = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
      items.push({ field: this.catalog.customField(id)?.name ?? id, fieldId: id, fieldtype: 'custom', from: null, fromString: str(from), to: null, toString: str(to) });
    }
    return items;
  }
}

function labelProblem(label: string): string | null {
  if (label === '') return 'A label cannot be empty.';
  if (/\s/.test(label)) return `The label '${label}' contains spaces which is invalid.`;
  if (label.length > 255) return 'The label must not exceed 255 characters.';
  return null;
}
