import type { JqlOperator } from './ast';
import { type FieldSpec, type ScalarOperand, literalText, unsupportedFunction, valueField } from './field-spec';
import { dateField, dateTimeField, epochDay } from './jql-dates';
import { JqlError, type JqlCatalogEntry, type JqlContext, type JqlIssue } from './types';

/** The system fields the evaluator supports, by lower-cased JQL name (aliases included). */

const EQUALITY: readonly JqlOperator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const ORDERED: readonly JqlOperator[] = [...EQUALITY, '<', '<=', '>', '>='];

/** Case-insensitive equality with a lower-cased operand, without allocating when `a` is already lower case or differs in length. */
function sameText(a: string, lower: string): boolean {
  return a === lower || (a.length === lower.length && a.toLowerCase() === lower);
}

function notExists(value: string, field: string): JqlError {
  return new JqlError(`The value '${value}' does not exist for the field '${field}'.`, 'invalid-value');
}

interface EntityDef {
  name: string;
  catalog: readonly JqlCatalogEntry[] | undefined;
  id: (issue: JqlIssue) => string | null;
  label: (issue: JqlIssue) => string | null;
  key?: (issue: JqlIssue) => string;
}

/**
 * A value → predicate on the issue for entity fields (project, issue type, status, priority):
 * by id, name or key, case-insensitive; with a catalog, resolved to ids (unknown → Jira's error).
 */
function entityMatcher(def: EntityDef): (operand: ScalarOperand) => (issue: JqlIssue) => boolean {
  return (operand) => {
    const text = literalText(operand, def.name);
    const lower = text.toLowerCase();
    if (def.catalog) {
      const ids = new Set(
        def.catalog
          .filter((e) => e.id === text || sameText(e.name, lower) || (e.key !== undefined && sameText(e.key, lower)))
          .map((e) => e.id),
      );
      if (ids.size === 0) throw notExists(text, def.name);
      return (issue) => {
        const id = def.id(issue);
        return id !== null && ids.has(id);
      };
    }
    const key = def.key;
    const test = (issue: JqlIssue): boolean => {
      if (def.id(issue) === text) return true;
      const label = def.label(issue);
      if (label !== null && sameText(label, lower)) return true;
      return key !== undefined && sameText(key(issue), lower);
    };
    // an entity's id determines its name and key, so the answer is memoised per id (a handful per search)
    const memo = new Map<string, boolean>();
    return (issue) => {
      const id = def.id(issue);
      if (id === null) return false;
      let answer = memo.get(id);
      if (answer === undefined) {
        answer = test(issue);
        memo.set(id, answer);
      }
      return answer;
    };
  };
}

function projectField(ctx: JqlContext): FieldSpec {
  const def: EntityDef = {
    name: 'project',
    catalog: ctx.catalog?.projects,
    id: (i) => i.projectId,
    label: (i) => i.projectName,
    key: (i) => i.projectKey,
  };
  return valueField<JqlIssue>({
    name: 'project',
    operators: EQUALITY,
    read: { one: (i) => i },
    matcher: entityMatcher(def),
    sort: { key: (i) => i.projectName.toLowerCase(), defaultDirection: 'asc' },
  });
}

function catalogOrder(entries: readonly JqlCatalogEntry[] | undefined): Map<string, number> | null {
  return entries ? new Map(entries.map((e, index) => [e.id, index])) : null;
}

function issueTypeField(ctx: JqlContext): FieldSpec {
  const def: EntityDef = { name: 'issuetype', catalog: ctx.catalog?.issueTypes, id: (i) => i.issueTypeId, label: (i) => i.issueTypeName };
  return valueField<JqlIssue>({
    name: 'issuetype',
    operators: EQUALITY,
    read: { one: (i) => i },
    matcher: entityMatcher(def),
    sort: { key: (i) => i.issueTypeName.toLowerCase(), defaultDirection: 'asc' },
  });
}

function statusField(ctx: JqlContext): FieldSpec {
  const def: EntityDef = { name: 'status', catalog: ctx.catalog?.statuses, id: (i) => i.statusId, label: (i) => i.statusName };
  const order = catalogOrder(ctx.catalog?.statuses);
  return valueField<JqlIssue>({
    name: 'status',
    operators: EQUALITY,
    read: { one: (i) => i },
    matcher: entityMatcher(def),
    sort: { key: order ? (i) => order.get(i.statusId) ?? null : (i) => i.statusName.toLowerCase(), defaultDirection: 'asc' },
  });
}

interface StatusCategory {
  key: string;
  id: string;
  name: string;
  rank: number;
}

/** Jira's fixed status categories. */
const STATUS_CATEGORIES: readonly StatusCategory[] = [
  { key: 'undefined', id: '1', name: 'No Category', rank: 0 },
  { key: 'new', id: '2', name: 'To Do', rank: 1 },
  { key: 'indeterminate', id: '4', name: 'In Progress', rank: 2 },
  { key: 'done', id: '3', name: 'Done', rank: 3 },
];

function statusCategoryField(): FieldSpec {
  const rank = new Map(STATUS_CATEGORIES.map((c) => [c.key, c.rank]));
  return valueField<string>({
    name: 'statusCategory',
    operators: EQUALITY,
    read: { one: (i) => i.statusCategoryKey },
    matcher: (operand) => {
      const text = literalText(operand, 'statusCategory');
      const lower = text.toLowerCase();
      const category = STATUS_CATEGORIES.find((c) => c.id === text || c.key === lower || c.name.toLowerCase() === lower);
      if (!category) throw notExists(text, 'statusCategory');
      return (key) => key === category.key;
    },
    sort: { key: (i) => rank.get(i.statusCategoryKey) ?? null, defaultDirection: 'asc' },
  });
}

/** Jira's default priority scheme, highest first (used when the site gives no catalog). */
const DEFAULT_PRIORITIES = ['highest', 'high', 'medium', 'low', 'lowest'];

function priorityField(ctx: JqlContext): FieldSpec {
  const catalog = ctx.catalog?.priorities;
  const def: EntityDef = { name: 'priority', catalog, id: (i) => i.priorityId, label: (i) => i.priorityName };
  const count = catalog ? catalog.length : DEFAULT_PRIORITIES.length;
  /** 0 = highest priority */
  const positionOf = (issue: JqlIssue): number | null => {
    if (catalog) {
      const index = catalog.findIndex((p) => p.id === issue.priorityId);
      return index < 0 ? null : index;
    }
    const index = issue.priorityName === null ? -1 : DEFAULT_PRIORITIES.indexOf(issue.priorityName.toLowerCase());
    return index < 0 ? null : index;
  };
  const operandPosition = (operand: ScalarOperand): number => {
    const text = literalText(operand, 'priority');
    const lower = text.toLowerCase();
    const index = catalog
      ? catalog.findIndex((p) => p.id === text || p.name.toLowerCase() === lower)
      : DEFAULT_PRIORITIES.indexOf(lower);
    if (index < 0) throw notExists(text, 'priority');
    return index;
  };
  return valueField<JqlIssue>({
    name: 'priority',
    operators: ORDERED,
    read: { one: (i) => (i.priorityId === null && i.priorityName === null ? null : i) },
    matcher: entityMatcher(def),
    relational: (operator, operand) => {
      // `priority > Medium` means a higher priority, i.e. a smaller position in the scheme
      const target = operandPosition(operand);
      return (issue) => {
        const p = positionOf(issue);
        if (p === null) return false;
        switch (operator) {
          case '>':
            return p < target;
          case '>=':
            return p <= target;
          case '<':
            return p > target;
          case '<=':
            return p >= target;
        }
      };
    },
    sort: {
      key: (i) => {
        const p = positionOf(i);
        return p === null ? null : count - p;
      },
      defaultDirection: 'desc',
    },
  });
}

const ISSUE_KEY = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/;

function keyField(name: string): FieldSpec {
  const parse = (operand: ScalarOperand): { id: string } | { project: string; number: number } => {
    const text = literalText(operand, name).trim();
    if (/^\d+$/.test(text)) return { id: text };
    const m = ISSUE_KEY.exec(text);
    if (!m) throw new JqlError(`The issue key '${text}' for field '${name}' is invalid.`, 'invalid-value');
    return { project: (m[1] ?? '').toUpperCase(), number: Number(m[2]) };
  };
  return valueField<JqlIssue>({
    name,
    operators: ORDERED,
    read: { one: (i) => i },
    matcher: (operand) => {
      const target = parse(operand);
      if ('id' in target) return (i) => i.id === target.id;
      return (i) => i.keyNumber === target.number && i.projectKey.toUpperCase() === target.project;
    },
    relational: (operator, operand) => {
      const target = parse(operand);
      const test = (n: number, bound: number): boolean =>
        operator === '<' ? n < bound : operator === '<=' ? n <= bound : operator === '>' ? n > bound : n >= bound;
      // Jira compares keys within the referenced issue's project; an id compares issue ids
      if ('id' in target) return (i) => test(Number(i.id), Number(target.id));
      return (i) => i.projectKey.toUpperCase() === target.project && test(i.keyNumber, target.number);
    },
    sort:
      name === 'id'
        ? { key: (i) => Number(i.id), defaultDirection: 'asc' }
        : { key: (i) => `${i.projectKey.toUpperCase()}\u0000${String(i.keyNumber).padStart(15, '0')}`, defaultDirection: 'asc' },
  });
}

function labelsField(): FieldSpec {
  return valueField<string>({
    name: 'labels',
    operators: EQUALITY,
    read: { many: (i) => i.labels },
    matcher: (operand) => {
      const lower = literalText(operand, 'labels').toLowerCase();
      return (label) => sameText(label, lower);
    },
    sort: { key: (i) => (i.labels.length === 0 ? null : [...i.labels].map((l) => l.toLowerCase()).sort().join(' ')), defaultDirection: 'asc' },
  });
}

function userField(name: 'assignee' | 'reporter', ctx: JqlContext): FieldSpec {
  const get = name === 'assignee' ? (i: JqlIssue) => i.assigneeAccountId : (i: JqlIssue) => i.reporterAccountId;
  const users = ctx.catalog?.users;
  const displayName = users ? new Map(users.map((u) => [u.accountId, u.displayName.toLowerCase()])) : null;
  return valueField<string>({
    name,
    operators: EQUALITY,
    read: { one: get },
    matcher: (operand) => {
      if (operand.kind === 'function') {
        if (operand.name.toLowerCase() !== 'currentuser') throw unsupportedFunction(operand, name);
        const me = ctx.currentAccountId;
        return me === null ? () => false : (accountId) => accountId === me;
      }
      const text = operand.text;
      if (!users) return (accountId) => accountId === text;
      const lower = text.toLowerCase();
      const ids = new Set(
        users
          .filter((u) => u.accountId === text || sameText(u.displayName, lower) || (u.emailAddress != null && sameText(u.emailAddress, lower)))
          .map((u) => u.accountId),
      );
      if (ids.size === 0) throw notExists(text, name);
      return (accountId) => ids.has(accountId);
    },
    sort: { key: displayName ? (i) => { const id = get(i); return id === null ? null : displayName.get(id) ?? id; } : get, defaultDirection: 'asc' },
  });
}

function stringCustomTexts(ctx: JqlContext): (issue: JqlIssue) => string[] {
  const ids = ctx.customFields.filter((f) => f.type === 'string').map((f) => f.id);
  return (issue) => ids.flatMap((id) => {
    const v = issue.customFields[id];
    return typeof v === 'string' ? [v] : [];
  });
}

function textField(name: 'summary' | 'description' | 'comment' | 'text', ctx: JqlContext): FieldSpec {
  switch (name) {
    case 'summary':
      return valueField<string>({
        name,
        operators: ['~', '!~', 'is', 'is not'],
        read: { one: (i) => (i.summary === '' ? null : i.summary) },
        texts: (i) => [i.summary],
        sort: { key: (i) => i.summary.toLowerCase(), defaultDirection: 'asc' },
      });
    case 'description':
      return valueField<string>({
        name,
        operators: ['~', '!~', 'is', 'is not'],
        read: { one: (i) => (i.descriptionText.trim() === '' ? null : i.descriptionText) },
        texts: (i) => [i.descriptionText],
      });
    case 'comment':
      return valueField<string>({ name, operators: ['~', '!~'], read: { many: (i) => i.commentTexts }, texts: (i) => i.commentTexts });
    case 'text': {
      const custom = stringCustomTexts(ctx);
      const texts = (i: JqlIssue): string[] => [i.summary, i.descriptionText, ...i.commentTexts, ...custom(i)];
      return valueField<string>({ name, operators: ['~'], read: { many: texts }, texts });
    }
  }
}

type Factory = (ctx: JqlContext) => FieldSpec;

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['project', projectField],
  ['key', () => keyField('key')],
  ['issuekey', () => keyField('issuekey')],
  ['issue', () => keyField('issue')],
  ['id', () => keyField('id')],
  ['issuetype', issueTypeField],
  ['type', issueTypeField],
  ['status', statusField],
  ['statuscategory', statusCategoryField],
  ['priority', priorityField],
  ['labels', labelsField],
  ['assignee', (ctx) => userField('assignee', ctx)],
  ['reporter', (ctx) => userField('reporter', ctx)],
  ['summary', (ctx) => textField('summary', ctx)],
  ['description', (ctx) => textField('description', ctx)],
  ['comment', (ctx) => textField('comment', ctx)],
  ['text', (ctx) => textField('text', ctx)],
  ['created', (ctx) => dateTimeField('created', { one: (i) => i.created }, ctx, { key: (i) => i.created, defaultDirection: 'desc' })],
  ['createddate', (ctx) => dateTimeField('createdDate', { one: (i) => i.created }, ctx, { key: (i) => i.created, defaultDirection: 'desc' })],
  ['updated', (ctx) => dateTimeField('updated', { one: (i) => i.updated }, ctx, { key: (i) => i.updated, defaultDirection: 'desc' })],
  ['updateddate', (ctx) => dateTimeField('updatedDate', { one: (i) => i.updated }, ctx, { key: (i) => i.updated, defaultDirection: 'desc' })],
  ['duedate', (ctx) => dateField('duedate', { one: (i) => epochDay(i.dueDate) }, ctx, { key: (i) => epochDay(i.dueDate), defaultDirection: 'asc' })],
  ['due', (ctx) => dateField('due', { one: (i) => epochDay(i.dueDate) }, ctx, { key: (i) => epochDay(i.dueDate), defaultDirection: 'asc' })],
]);

/** Jira system fields the emulated site knows of but cannot search (answer 'unsupported', not 'unknown'). */
const KNOWN_UNSUPPORTED = new Set([
  'affectedversion', 'approvals', 'approver', 'attachments', 'category', 'change-gating-type', 'component', 'creator',
  'environment', 'epic link', 'filter', 'fixversion', 'issuelink', 'issuelinktype', 'lastviewed', 'level', 'organization',
  'originalestimate', 'parent', 'parentepic', 'parentproject', 'rank', 'remainingestimate', 'request-channel-type',
  'request-last-activity-time', 'resolution', 'resolutiondate', 'resolved', 'sla', 'sprint', 'statuscategorychangeddate',
  'subtasks', 'team', 'timeoriginalestimate', 'timeestimate', 'timespent', 'updatedby', 'voter', 'votes', 'watcher', 'watchers',
  'workratio', 'worklogauthor', 'worklogcomment', 'worklogdate', 'issuefunction', 'hierarchylevel',
]);

/** The spec for a system field by JQL name, null when the name is not a supported system field. */
export function systemField(name: string, ctx: JqlContext): FieldSpec | null {
  const factory = FACTORIES.get(name.toLowerCase());
  return factory ? factory(ctx) : null;
}

/** A Jira field the emulated site does not store (checked after custom fields: Sprint or Team may be custom fields). */
export function unsupportedJiraField(name: string): JqlError | null {
  return KNOWN_UNSUPPORTED.has(name.toLowerCase())
    ? new JqlError(`The field '${name}' is not supported by the emulated Jira site's JQL.`, 'unsupported')
    : null;
}
