import type { JqlContext, JqlIssue } from './types';

/** Test fixture for the JQL evaluator's unit tests: ten issues in two projects and a fixed clock. */

/** 2026-02-15T12:00:00Z, a Sunday */
export const NOW = Date.UTC(2026, 1, 15, 12, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const CUSTOM_FIELDS: JqlContext['customFields'] = [
  { id: 'customfield_10010', name: 'Remote issue key', type: 'string' },
  { id: 'customfield_10011', name: 'Story Points', type: 'number' },
  { id: 'customfield_10012', name: 'Go-live', type: 'date' },
  { id: 'customfield_10013', name: 'Environment tier', type: 'option' },
];

export const CTX: JqlContext = { now: NOW, currentAccountId: 'u-alice', customFields: CUSTOM_FIELDS };

const STATUSES = {
  Open: { statusId: '1', statusName: 'Open', statusCategoryKey: 'new' },
  'In Progress': { statusId: '3', statusName: 'In Progress', statusCategoryKey: 'indeterminate' },
  Done: { statusId: '10001', statusName: 'Done', statusCategoryKey: 'done' },
} as const;
const TYPES = { Task: '10001', Bug: '10002', Story: '10003', Epic: '10004', 'Sub-task': '10005' } as const;
const PRIORITIES = { Highest: '1', High: '2', Medium: '3', Low: '4', Lowest: '5' } as const;
const PROJECTS = { INT: { projectId: '10000', projectName: 'Internal' }, CLOUD: { projectId: '10100', projectName: 'Cloud' } } as const;

interface IssueSpec {
  id: string;
  key: `${keyof typeof PROJECTS}-${number}`;
  type?: keyof typeof TYPES;
  status?: keyof typeof STATUSES;
  priority?: keyof typeof PRIORITIES | null;
  labels?: string[];
  summary: string;
  description?: string;
  comments?: string[];
  created: number;
  updated?: number;
  due?: string | null;
  reporter?: string | null;
  assignee?: string | null;
  customFields?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/** Builder with defaults: an Open Medium Task reported by u-admin, unassigned. */
export function makeIssue(spec: IssueSpec): JqlIssue {
  const projectKey: keyof typeof PROJECTS = spec.key.startsWith('INT-') ? 'INT' : 'CLOUD';
  const num = spec.key.slice(projectKey.length + 1);
  const priority = spec.priority === undefined ? 'Medium' : spec.priority;
  return {
    id: spec.id,
    key: spec.key,
    keyNumber: Number(num),
    projectKey,
    ...PROJECTS[projectKey],
    issueTypeId: TYPES[spec.type ?? 'Task'],
    issueTypeName: spec.type ?? 'Task',
    ...STATUSES[spec.status ?? 'Open'],
    priorityId: priority === null ? null : PRIORITIES[priority],
    priorityName: priority,
    labels: spec.labels ?? [],
    summary: spec.summary,
    descriptionText: spec.description ?? '',
    commentTexts: spec.comments ?? [],
    created: spec.created,
    updated: spec.updated ?? spec.created,
    dueDate: spec.due ?? null,
    reporterAccountId: spec.reporter === undefined ? 'u-admin' : spec.reporter,
    assigneeAccountId: spec.assignee ?? null,
    customFields: spec.customFields ?? {},
    properties: spec.properties ?? {},
  };
}

export const ISSUES: readonly JqlIssue[] = [
  makeIssue({
    id: '10001', key: 'INT-1', summary: 'Login fails on Safari', labels: ['backend'],
    description: 'Users cannot log in when using the Safari browser.', comments: ['Reproduced on macOS'],
    created: Date.UTC(2026, 0, 1, 9), updated: NOW - 22 * HOUR, due: '2026-02-10', assignee: 'u-alice',
    customFields: { customfield_10010: 'CLOUD-1', customfield_10011: 3, customfield_10013: { value: 'Production' } },
    properties: { 'twinSync.origin': { connectionId: 'c1', remoteIssueId: '20001' } },
  }),
  makeIssue({
    id: '10002', key: 'INT-2', type: 'Bug', status: 'In Progress', priority: 'High', labels: ['frontend', 'urgent'],
    summary: 'Crash in dashboard widgets', created: Date.UTC(2026, 0, 15, 10), updated: NOW - HOUR,
    customFields: { customfield_10011: 8, customfield_10012: '2026-03-01' },
    properties: { 'twinSync.origin': { connectionId: 'c1', remoteIssueId: 20002 } },
  }),
  makeIssue({
    id: '10003', key: 'INT-3', type: 'Story', status: 'Done', priority: 'Low', summary: 'Search queries are slow',
    description: 'The search queries take far too long.', comments: ['Fixed in build 42', 'Verified by QA'],
    created: Date.UTC(2026, 0, 31, 10), updated: Date.UTC(2026, 0, 31, 12), due: '2026-01-31', assignee: 'u-bob',
    customFields: { customfield_10010: 'CLOUD-3' },
  }),
  makeIssue({
    id: '10010', key: 'INT-10', type: 'Epic', priority: 'Highest', labels: ['Backend'], summary: 'Full screen mode',
    description: 'Support full screen mode for the editor.', created: Date.UTC(2026, 1, 1, 0, 0), updated: Date.UTC(2026, 1, 10),
    due: '2026-03-01', reporter: 'u-bob', assignee: 'u-alice',
    properties: { 'twinSync.origin': { connectionId: 'c2', remoteIssueId: '20001' }, meta: { tags: ['red', 'blue'], depth: { level: 7 }, done: true } },
  }),
  makeIssue({
    id: '10011', key: 'INT-11', type: 'Sub-task', priority: null, summary: 'The screen is full of errors',
    comments: ['full', 'screen'], created: NOW - 3 * DAY, reporter: null,
    properties: { meta: { tags: [], depth: { level: 12 }, done: false } },
  }),
  makeIssue({
    id: '10100', key: 'CLOUD-1', type: 'Bug', status: 'Done', priority: 'Lowest', labels: ['urgent'],
    summary: "Customer's invoices are wrong", description: 'Every invoice shows the wrong total.',
    created: NOW - DAY + 1, updated: NOW - 30 * 60_000, assignee: 'u-bob',
    customFields: { customfield_10010: 'INT-1', customfield_10013: { value: 'Staging' } },
  }),
  makeIssue({
    id: '10101', key: 'CLOUD-2', summary: 'Windows installer hangs', description: 'Win95 and WindowsNT both hang at 99%.',
    created: NOW - 2 * HOUR, due: '2026-02-15', assignee: 'u-alice', labels: ['installer'],
  }),
  makeIssue({
    id: '10102', key: 'CLOUD-3', type: 'Story', status: 'In Progress', priority: 'High', summary: 'Refactor query builder',
    description: 'Replace the legacy builder (see https://example.test/docs).', created: NOW - 5 * DAY,
    customFields: { customfield_10011: 5, customfield_10010: '' },
    properties: { 'twinSync.origin': { connectionId: 'c1', remoteIssueId: '30003' } },
  }),
  makeIssue({
    id: '10103', key: 'CLOUD-4', status: 'Done', summary: 'Update dependencies', created: Date.UTC(2025, 11, 31, 23, 59),
    updated: Date.UTC(2026, 0, 2), due: '2026-01-01', reporter: 'u-alice',
  }),
  makeIssue({
    id: '10104', key: 'CLOUD-5', type: 'Epic', summary: 'Onboarding flow', created: NOW - 10 * DAY, assignee: 'u-carol',
  }),
];
