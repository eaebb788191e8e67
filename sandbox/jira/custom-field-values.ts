import { z } from 'zod';
import { adfProblem, adfText } from './adf';
import { customFieldType, type CustomFieldType } from './custom-field-types';
import { isIsoDay, jiraDate } from './jira-date';
import type { Json, Renderer } from './render';
import type { Accounts } from './storage/accounts';
import type { Catalog } from './storage/catalog';
import type { FieldContextRecord, FieldOptionRecord } from './storage/field-config-store';
import type { ChangeItem, CustomFieldRecord, IssueRecord } from './storage/records';
import { customFieldId } from './storage/records';

/**
 * Custom field values: what an issue create/edit may set for each type (validated, then stored in
 * `IssueRecord.custom`), how issues answer them, their changelog strings and what JQL compares.
 *
 * Input formats: https://developer.atlassian.com/server/jira-servicedesk/info/field-input-formats
 * (options "by 'value' or by 'id'", date "'YYYY-MM-DD'", date time "ISO 8601 'YYYY-MM-DDThh:mm:ss.sTZD'",
 * labels "an array of strings") and https://developer.atlassian.com/server/jira/platform/jira-rest-api-examples/
 * (select `{"value": "red"}`, cascading `{"value": "green", "child": {"value": "blue"}}`, number `42.07`,
 * url a string, user pickers by user); in REST v3 users are named by `accountId` and "the text in issue
 * comments and in textarea custom fields is stored as ADF"
 * (https://developer.atlassian.com/platform/framework/adf-builder/technical/about-adf/).
 * Options come from the context applying to the issue's project
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/).
 *
 * Stored forms: text, url, date: the string; textarea: the ADF document; number: the number; datetime:
 * epoch ms (whole minutes); labels: strings; user: account id; users: account ids; select/radio: the
 * option id; multi/checkboxes: option ids in option order; cascading: [parent id] or [parent id, child id].
 */

type Errors = Record<string, string>;

export const notSettable = (field: string): string => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
const ADF_REQUIRED = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
/** Jira's answer for an option object with neither `id` nor `value` (as users report it: e.g. https://github.com/AtlassianPS/JiraPS/issues/56) */
const noIdOrValue = (which: 'Parent' | 'Child'): string => `Could not find valid 'id' or 'value' in the ${which} Option object.`;
const NOT_AN_ARRAY = 'data was not an array';
const USER_MISSING = 'Specified user does not exist or you do not have required permissions';
const TEXT_LIMIT = 255;
const TEXTAREA_LIMIT = 32767;

const optionRef = z.object({ id: z.union([z.string(), z.number()]).optional(), value: z.string().optional() });
const cascadingRef = optionRef.extend({ child: z.unknown().optional() });
const userRef = z.object({ accountId: z.string().nullable().optional() });
const numberList = z.array(z.number());
const stringList = z.array(z.string());

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * epoch ms of an ISO 8601 date time with a zone (`Z`, `+1100` or `+11:00`), cut to whole minutes (the
 * harsher reading: Jira's date time picker has minute precision and the docs do not say what REST
 * keeps); null when it is not one
 */
export function parseJiraDateTime(text: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, hh, mm, , , zone] = m;
  if (!isIsoDay(`${y}-${mo}-${d}`) || Number(hh) > 23 || Number(mm) > 59 || Number(m[6] ?? '0') > 59 || zone === undefined) return null;
  let offset = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 14 || om > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mm)) - offset * 60_000;
}

/** Jira's URL field takes absolute http, https and ftp URLs (the harsher reading: the docs name no schemes) */
export function isValidUrl(text: string): boolean {
  if (text.length > TEXT_LIMIT || /\s/.test(text)) return false;
  try {
    const u = new URL(text);
    return ['http:', 'https:', 'ftp:'].includes(u.protocol) && u.hostname !== '';
  } catch {
    return false;
  }
}

/** the same rules (and messages) as the system `labels` field */
function labelProblem(label: string): string | null {
  if (label === '') return 'A label cannot be empty.';
  if (/\s/.test(label)) return `The label '${label}' contains spaces which is invalid.`;
  if (label.length > 255) return 'The label must not exceed 255 characters.';
  return null;
}

type Parsed = { value: unknown } | { error: string };

/** Validation, storage, changelog and JQL values of custom fields, over the site's catalog and people. */
export class CustomFieldValues {
  constructor(private readonly catalog: Catalog, private readonly accounts: Accounts) {}

  /**
   * The context whose options an issue of this project may take: `null` when the field has no context
   * at all (it then takes values that need no option, in every project, and no option values);
   * undefined when the field has contexts and none applies to the project (the field is not there).
   */
  contextFor(field: CustomFieldRecord, projectId: number): FieldContextRecord | null | undefined {
    if (this.catalog.fieldConfig.contextsOf(field.id).length === 0) return null;
    return this.catalog.fieldConfig.contextFor(field.id, projectId);
  }

  /** whether the field is on issues of this project and issue type, and with which context */
  availability(field: CustomFieldRecord, projectId: number, issueTypeId: number): { available: boolean; context: FieldContextRecord | null } {
    const context = this.contextFor(field, projectId);
    if (context === undefined) return { available: false, context: null };
    if (context !== null && context.issueTypeIds.length > 0 && !context.issueTypeIds.includes(issueTypeId)) return { available: false, context };
    return { available: true, context };
  }

  /** applies one field's value of a create or edit request to the draft issue */
  set(issue: IssueRecord, field: CustomFieldRecord, value: unknown, errors: Errors): void {
    const id = customFieldId(field.id);
    const type = customFieldType(field.type);
    const context = this.contextFor(field, issue.projectId);
    if (type === undefined || context === undefined) {
      errors[id] = notSettable(id);
      return;
    }
    if (isEmpty(type, value)) {
      delete issue.custom[id];
      return;
    }
    const options = context === null ? [] : this.catalog.fieldConfig.optionsOf(context.id);
    const parsed = this.parse(type, value, options);
    if ('error' in parsed) errors[id] = parsed.error;
    else issue.custom[id] = parsed.value;
  }

  /** checks once every field of the request is applied (the issue type is known then) */
  finish(issue: IssueRecord, errors: Errors): void {
    for (const field of this.catalog.customFields) {
      const id = customFieldId(field.id);
      if (issue.custom[id] === undefined || errors[id] !== undefined) continue;
      if (!this.availability(field, issue.projectId, issue.issueTypeId).available) errors[id] = notSettable(id);
    }
  }

  private parse(type: CustomFieldType, value: unknown, options: FieldOptionRecord[]): Parsed {
    switch (type.value) {
      case 'text':
        if (typeof value !== 'string') return { error: 'Operation value must be a string' };
        if (value.length > TEXT_LIMIT) return { error: `The entered text is too long. It exceeds the allowed limit of ${TEXT_LIMIT} characters.` };
        return { value };
      case 'textarea': {
        const problem = adfProblem(value);
        if (problem !== null) return { error: `${ADF_REQUIRED}: ${problem}` };
        if (adfText(value).length > TEXTAREA_LIMIT) return { error: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' };
        return { value };
      }
      case 'url':
        if (typeof value !== 'string') return { error: 'Operation value must be a string' };
        return isValidUrl(value) ? { value } : { error: 'Not a valid URL' };
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? { value } : { error: 'Operation value must be a number' };
      case 'date':
        return typeof value === 'string' && isIsoDay(value) ? { value } : { error: `Error parsing date string: ${String(value)}` };
      case 'datetime': {
        const at = typeof value === 'string' ? parseJiraDateTime(value) : null;
        return at === null ? { error: `Error parsing date string: ${typeof value === 'string' ? value : JSON.stringify(value)}` } : { value: at };
      }
      case 'labels': {
        const labels = stringList.safeParse(value);
        if (!labels.success) return { error: Array.isArray(value) ? 'Labels must be a list of strings.' : NOT_AN_ARRAY };
        const problem = labels.data.map(labelProblem).find((p) => p !== null);
        return problem ? { error: problem } : { value: [...new Set(labels.data)] };
      }
      case 'user':
        return this.user(value);
      case 'users': {
        if (!Array.isArray(value)) return { error: NOT_AN_ARRAY };
        const ids: string[] = [];
        for (const item of value) {
          const one = this.user(item);
          if ('error' in one) return one;
          if (typeof one.value === 'string' && !ids.includes(one.value)) ids.push(one.value);
        }
        return { value: ids };
      }
      case 'option': {
        const picked = pick(topLevel(options), value, 'Parent');
        return 'error' in picked ? picked : { value: picked.option.id };
      }
      case 'options': {
        if (!Array.isArray(value)) return { error: NOT_AN_ARRAY };
        const chosen = new Map<number, FieldOptionRecord>();
        for (const item of value) {
          const picked = pick(topLevel(options), item, 'Parent');
          if ('error' in picked) return picked;
          chosen.set(picked.option.id, picked.option);
        }
        // kept in the options' display order, whatever order the request gave (harsher reading: undocumented)
        return { value: [...chosen.values()].sort((a, b) => a.position - b.position || a.id - b.id).map((o) => o.id) };
      }
      case 'cascading': {
        const ref = cascadingRef.safeParse(value);
        if (!ref.success) return { error: noIdOrValue('Parent') };
        const parent = pick(topLevel(options), ref.data, 'Parent');
        if ('error' in parent) return parent;
        if (ref.data.child === undefined || ref.data.child === null) return { value: [parent.option.id] };
        // a child must be a cascading option of the chosen parent
        const child = pick(options.filter((o) => o.parentId === parent.option.id), ref.data.child, 'Child');
        return 'error' in child ? child : { value: [parent.option.id, child.option.id] };
      }
    }
  }

  private user(value: unknown): Parsed {
    const ref = userRef.safeParse(value);
    const accountId = ref.success ? ref.data.accountId : undefined;
    const account = typeof accountId === 'string' ? this.accounts.get(accountId) : undefined;
    return account && account.active ? { value: account.accountId } : { error: USER_MISSING };
  }

  /** the changelog item of a custom field whose stored value changed */
  changeItem(field: CustomFieldRecord | undefined, fieldId: string, before: unknown, after: unknown): ChangeItem {
    const type = field === undefined ? undefined : customFieldType(field.type);
    const from = this.changeStrings(type, before);
    const to = this.changeStrings(type, after);
    return { field: field?.name ?? fieldId, fieldId, fieldtype: 'custom', from: from.id, fromString: from.text, to: to.id, toString: to.text };
  }

  /**
   * `from`/`fromString` of a value, as Jira writes them for its own fields: option and user ids with
   * their values and display names (several joined by ", "), a cascading choice as "Parent - Child",
   * labels space separated, dates as stored, date times in Jira's format, ADF as its text.
   */
  private changeStrings(type: CustomFieldType | undefined, stored: unknown): { id: string | null; text: string | null } {
    if (stored === undefined || stored === null) return { id: null, text: null };
    const option = (id: number): string => this.catalog.fieldConfig.option(id)?.value ?? String(id);
    const person = (id: string): string => this.accounts.get(id)?.displayName ?? id;
    switch (type?.value) {
      case 'textarea':
        return { id: null, text: adfText(stored) };
      case 'number':
        return { id: null, text: String(stored) };
      case 'date':
        return { id: String(stored), text: String(stored) };
      case 'datetime':
        return { id: null, text: typeof stored === 'number' ? jiraDate(stored) : String(stored) };
      case 'labels':
        return { id: null, text: stringList.safeParse(stored).data?.join(' ') ?? null };
      case 'user':
        return typeof stored === 'string' ? { id: stored, text: person(stored) } : { id: null, text: null };
      case 'users': {
        const ids = stringList.safeParse(stored).data ?? [];
        return { id: ids.join(', '), text: ids.map(person).join(', ') };
      }
      case 'option':
        return typeof stored === 'number' ? { id: String(stored), text: option(stored) } : { id: null, text: null };
      case 'options': {
        const ids = numberList.safeParse(stored).data ?? [];
        return { id: ids.join(', '), text: ids.map(option).join(', ') };
      }
      case 'cascading': {
        const ids = numberList.safeParse(stored).data ?? [];
        return { id: ids.join(', '), text: ids.map(option).join(' - ') };
      }
      default:
        return { id: null, text: typeof stored === 'string' ? stored : JSON.stringify(stored) };
    }
  }
}

/** null, and the empty values of a type, clear the field */
function isEmpty(type: CustomFieldType, value: unknown): boolean {
  if (value === null) return true;
  if (value === '' && (type.value === 'text' || type.value === 'url' || type.value === 'date')) return true;
  return Array.isArray(value) && value.length === 0 && (type.value === 'labels' || type.value === 'users' || type.value === 'options');
}

const topLevel = (options: FieldOptionRecord[]): FieldOptionRecord[] => options.filter((o) => o.parentId === null);

/**
 * An option by `id` (string or number) or `value` (exact) among enabled options; Jira's messages:
 * "Option value 'X' is not valid" (as users report it: https://github.com/getsentry/sentry/issues/13001)
 * and, by analogy, "Option id 'N' is not valid". `id` wins over `value`. A disabled option is refused
 * like an unknown one (the harsher reading).
 */
function pick(options: FieldOptionRecord[], ref: unknown, which: 'Parent' | 'Child'): { option: FieldOptionRecord } | { error: string } {
  const r = optionRef.safeParse(ref);
  if (!r.success || (r.data.id === undefined && r.data.value === undefined)) return { error: noIdOrValue(which) };
  const { id, value } = r.data;
  if (id !== undefined) {
    const byId = options.find((o) => String(o.id) === String(id) && !o.disabled);
    return byId ? { option: byId } : { error: `Option id '${String(id)}' is not valid` };
  }
  const byValue = options.find((o) => o.value === value && !o.disabled);
  return byValue ? { option: byValue } : { error: `Option value '${String(value)}' is not valid` };
}

/** `{self, value, id}`: an option as issues and createmeta answer it */
export function optionJson(r: Renderer, o: FieldOptionRecord): Json {
  return { self: `${r.api}/customFieldOption/${o.id}`, value: o.value, id: String(o.id) };
}

/** a stored value as `GET /issue` and search answer it; null when empty */
export function renderCustomFieldValue(r: Renderer, catalog: Catalog, field: CustomFieldRecord, stored: unknown): unknown {
  if (stored === undefined || stored === null) return null;
  const type = customFieldType(field.type);
  const option = (id: number): Json | null => {
    const o = catalog.fieldConfig.option(id);
    return o ? optionJson(r, o) : null;
  };
  switch (type?.value) {
    case 'datetime':
      return typeof stored === 'number' ? jiraDate(stored) : null;
    case 'labels':
      return stringList.safeParse(stored).data ?? null;
    case 'user':
      return typeof stored === 'string' ? r.userRef(stored) : null;
    case 'users':
      return (stringList.safeParse(stored).data ?? []).map((id) => r.userRef(id));
    case 'option':
      return typeof stored === 'number' ? option(stored) : null;
    case 'options':
      return (numberList.safeParse(stored).data ?? []).map(option).filter((o) => o !== null);
    case 'cascading': {
      const [parentId, childId] = numberList.safeParse(stored).data ?? [];
      const parent = parentId === undefined ? null : option(parentId);
      if (parent === null) return null;
      const child = childId === undefined ? null : option(childId);
      return child === null ? parent : { ...parent, child };
    }
    default:
      return stored;
  }
}

/** what JQL compares for each custom field of an issue: option values, account ids, ADF text, date times as epoch ms */
export function jqlCustomFieldValues(catalog: Catalog, custom: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, stored] of Object.entries(custom)) {
    const field = catalog.customField(id);
    const type = field === undefined ? undefined : customFieldType(field.type);
    const option = (n: number): string => catalog.fieldConfig.option(n)?.value ?? String(n);
    switch (type?.value) {
      case 'textarea':
        out[id] = adfText(stored);
        break;
      case 'option':
        out[id] = typeof stored === 'number' ? option(stored) : null;
        break;
      case 'options':
      case 'cascading':
        out[id] = (numberList.safeParse(stored).data ?? []).map(option);
        break;
      default:
        out[id] = stored;
    }
  }
  return out;
}

/**
 * createmeta / editmeta for a custom field on issues of this project and type: undefined when the
 * field is not there; for option types `allowedValues` (enabled options of the context; cascading
 * ones with their enabled `children`).
 */
export function customFieldMeta(r: Renderer, catalog: Catalog, values: CustomFieldValues, field: CustomFieldRecord, projectId: number, issueTypeId: number): { allowedValues?: Json[] } | undefined {
  const where = values.availability(field, projectId, issueTypeId);
  if (!where.available) return undefined;
  const kind = customFieldType(field.type)?.value;
  if (kind !== 'option' && kind !== 'options' && kind !== 'cascading') return {};
  const options = where.context === null ? [] : catalog.fieldConfig.optionsOf(where.context.id).filter((o) => !o.disabled);
  return {
    allowedValues: options.filter((o) => o.parentId === null).map((o) => {
      const children = options.filter((c) => c.parentId === o.id).map((c) => optionJson(r, c));
      return kind === 'cascading' ? { ...optionJson(r, o), children } : optionJson(r, o);
    }),
  };
}
