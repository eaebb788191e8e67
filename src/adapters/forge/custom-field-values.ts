import { z } from 'zod';
import { CascadingValueSchema, type CustomFieldKind } from '../../model/custom-field';
import { AdfDocSchema, JsonValueSchema, UserRefSchema, type JsonValue, type UserRef } from '../../model/replica';

/**
 * Custom field values between Jira Cloud REST v3 and their portable form (src/model/custom-field.ts):
 * the kind of a field from its `GET /rest/api/3/field` entry, a value as an issue read answers it
 * (`fromJira`) and the value an edit or create sends (`toJira`). Pure: no I/O.
 *
 * What Jira reads and writes per type: "Field input formats"
 * (https://developer.atlassian.com/server/jira-servicedesk/info/field-input-formats): a select,
 * radio button or checkbox option "addressed by 'value' or by 'id'" (`{ "value": "option2" }`, a
 * list of them for the multi kinds), a cascading select `{ "value": …, "child": { "value": … } }`,
 * a date picker 'YYYY-MM-DD', a date time picker "ISO 8601 'YYYY-MM-DDThh:mm:ss.sTZD'"
 * (`2015-11-18T14:39:00.000+1100`), labels an array of strings, a number a number; people by
 * `accountId` (the user-privacy migration, https://developer.atlassian.com/cloud/jira/platform/deprecation-notice-user-privacy-api-migration-guide/);
 * a paragraph (textarea) an Atlassian Document Format document in REST v3
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/).
 */

/** the prefix of the custom field type keys Jira itself ships (`schema.custom` of a field) */
export const SYSTEM_TYPE_PREFIX = 'com.atlassian.jira.plugin.system.customfieldtypes:';

const KIND_BY_TYPE: Readonly<Record<string, CustomFieldKind>> = {
  textfield: 'text',
  textarea: 'paragraph',
  url: 'url',
  float: 'number',
  datepicker: 'date',
  datetime: 'datetime',
  labels: 'labels',
  select: 'select',
  radiobuttons: 'radio',
  multiselect: 'multiselect',
  multicheckboxes: 'checkboxes',
  cascadingselect: 'cascading',
  userpicker: 'user',
  multiuserpicker: 'users',
};

/**
 * The kind of a custom field from its type key (`schema.custom` in `GET /rest/api/3/field`, e.g.
 * `com.atlassian.jira.plugin.system.customfieldtypes:select`); any other type (an app's, Jira
 * Software's, one this table does not know, none) is 'other'.
 */
export function kindOfType(typeKey: string | null | undefined): CustomFieldKind {
  if (typeof typeKey !== 'string' || !typeKey.startsWith(SYSTEM_TYPE_PREFIX)) return 'other';
  const short = typeKey.slice(SYSTEM_TYPE_PREFIX.length);
  return Object.hasOwn(KIND_BY_TYPE, short) ? (KIND_BY_TYPE[short] ?? 'other') : 'other';
}

/** the kinds whose portable value is a list (empty when the field is) */
const LIST_KINDS: ReadonlySet<CustomFieldKind> = new Set(['labels', 'multiselect', 'checkboxes', 'users']);

const OptionSchema = z.looseObject({ value: z.string() });
const JiraCascadingSchema = z.looseObject({ value: z.string(), child: z.looseObject({ value: z.string() }).nullish() });
const JiraUserSchema = z.looseObject({ accountId: z.string().min(1), displayName: z.string().optional(), emailAddress: z.string().nullish() });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function userOf(u: z.infer<typeof JiraUserSchema>): UserRef {
  return { accountId: u.accountId, displayName: u.displayName ?? u.accountId, email: u.emailAddress ?? null };
}

/**
 * The portable value of a custom field of `kind` from what an issue read answered (`raw`; absent is
 * empty). An empty field is null, or [] for the list kinds (labels, multiselect, checkboxes, users);
 * a value that does not have its kind's shape is null.
 */
export function fromJira(kind: CustomFieldKind, raw: unknown): JsonValue {
  if (raw === undefined || raw === null) return LIST_KINDS.has(kind) ? [] : null;
  switch (kind) {
    case 'text':
    case 'url':
      return typeof raw === 'string' && raw !== '' ? raw : null;
    case 'paragraph': {
      const doc = AdfDocSchema.safeParse(raw);
      const json = doc.success ? JsonValueSchema.safeParse(raw) : null;
      return json?.success === true ? json.data : null;
    }
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    case 'date':
      return typeof raw === 'string' && DATE.test(raw) ? raw : null;
    case 'datetime': {
      const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(ms) ? null : new Date(ms).toISOString();
    }
    case 'labels': {
      const labels = z.array(z.string()).safeParse(raw);
      return labels.success ? [...labels.data].sort(byText) : null;
    }
    case 'select':
    case 'radio': {
      const option = OptionSchema.safeParse(raw);
      return option.success ? option.data.value : null;
    }
    case 'multiselect':
    case 'checkboxes': {
      const options = z.array(OptionSchema).safeParse(raw);
      return options.success ? options.data.map((o) => o.value).sort(byText) : null;
    }
    case 'cascading': {
      const value = JiraCascadingSchema.safeParse(raw);
      return value.success ? { value: value.data.value, child: value.data.child?.value ?? null } : null;
    }
    case 'user': {
      const u = JiraUserSchema.safeParse(raw);
      return u.success ? userOf(u.data) : null;
    }
    case 'users': {
      const users = z.array(JiraUserSchema).safeParse(raw);
      return users.success ? users.data.map(userOf).sort((a, b) => byText(a.accountId, b.accountId)) : null;
    }
    case 'other': {
      const json = JsonValueSchema.safeParse(raw);
      return json.success ? json.data : null;
    }
  }
}

/** A value that is not one of its kind's portable values (src/model/custom-field.ts) cannot be written. */
export class CustomFieldValueError extends Error {
  constructor(
    readonly kind: CustomFieldKind,
    readonly value: unknown,
  ) {
    super(`not a value of a ${kind} field: ${JSON.stringify(value)?.slice(0, 80) ?? String(value)}`);
    this.name = 'CustomFieldValueError';
  }
}

/** a person to write: an account id, or a UserRef (its account id) */
const PersonSchema = z.union([z.string().min(1), UserRefSchema]).transform((p) => (typeof p === 'string' ? p : p.accountId));

/**
 * What an edit or create sends for a custom field of `kind` holding `value` (a portable value; a
 * person also as an account id). null clears the field, whatever its kind. Throws
 * CustomFieldValueError for a value of another shape.
 */
export function toJira(kind: CustomFieldKind, value: JsonValue): unknown {
  if (value === null) return null;
  const fail = (): never => {
    throw new CustomFieldValueError(kind, value);
  };
  switch (kind) {
    case 'text':
    case 'url':
      return typeof value === 'string' ? (value === '' ? null : value) : fail();
    case 'paragraph':
      return AdfDocSchema.safeParse(value).success ? value : fail();
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail();
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? value : fail();
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      // 'YYYY-MM-DDThh:mm:ss.sTZD' with the zone as Jira writes it (+0000), in UTC
      return Number.isNaN(ms) ? fail() : new Date(ms).toISOString().replace(/Z$/, '+0000');
    }
    case 'labels': {
      const labels = z.array(z.string()).safeParse(value);
      return labels.success ? labels.data : fail();
    }
    case 'select':
    case 'radio':
      return typeof value === 'string' ? { value } : fail();
    case 'multiselect':
    case 'checkboxes': {
      const values = z.array(z.string()).safeParse(value);
      return values.success ? values.data.map((v) => ({ value: v })) : fail();
    }
    case 'cascading': {
      const v = CascadingValueSchema.safeParse(value);
      if (!v.success) return fail();
      return v.data.child === null ? { value: v.data.value } : { value: v.data.value, child: { value: v.data.child } };
    }
    case 'user': {
      const person = PersonSchema.safeParse(value);
      return person.success ? { accountId: person.data } : fail();
    }
    case 'users': {
      const people = z.array(PersonSchema).safeParse(value);
      return people.success ? people.data.map((accountId) => ({ accountId })) : fail();
    }
    case 'other':
      return value;
  }
}
