import { z } from 'zod';

/**
 * Custom fields by what they hold, so that a value travels by value, not by the site's ids: two
 * sites have different option ids (and field ids) for the same "High". Each kind's value, in a
 * replica, in LocalIssue.customFields and in IssueFieldWrite.customFields:
 *
 * | kind | value | Jira type key (`com.atlassian.jira.plugin.system.customfieldtypes:`) |
 * |---|---|---|
 * | text | string or null | textfield |
 * | paragraph | ADF document or null | textarea |
 * | url | string or null | url |
 * | number | number or null | float |
 * | date | 'YYYY-MM-DD' or null | datepicker |
 * | datetime | ISO 8601 in UTC ('2026-12-02T10:00:00.000Z') or null | datetime |
 * | labels | string[] (sorted) | labels |
 * | select, radio | the option's value (string) or null | select, radiobuttons |
 * | multiselect, checkboxes | option values (string[], sorted) | multiselect, multicheckboxes |
 * | cascading | { value, child: string or null } or null | cascadingselect |
 * | user | UserRef or null (written: an account id) | userpicker |
 * | users | UserRef[] sorted by account id (written: account ids) | multiuserpicker |
 * | other | Jira's JSON as it is | anything else |
 */
export const CustomFieldKindSchema = z.enum([
  'text', 'paragraph', 'url', 'number', 'date', 'datetime', 'labels', 'select', 'radio', 'multiselect', 'checkboxes', 'cascading', 'user', 'users', 'other',
]);
export type CustomFieldKind = z.infer<typeof CustomFieldKindSchema>;

/** the kinds whose values are options of the field's context */
export const OPTION_KINDS: ReadonlySet<CustomFieldKind> = new Set(['select', 'radio', 'multiselect', 'checkboxes', 'cascading']);
/** the kinds whose values are people */
export const USER_KINDS: ReadonlySet<CustomFieldKind> = new Set(['user', 'users']);

/** An option a field offers (enabled, in a context of the field), with a cascading option's children. */
export const FieldOptionSchema = z.strictObject({ value: z.string(), children: z.array(z.string()) });
export type FieldOption = z.infer<typeof FieldOptionSchema>;

/** A custom field of this site as the rules and the engine see it. */
export const CustomFieldMetaSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: CustomFieldKindSchema,
  /** for the option kinds: the options of the field's contexts (null: not an option field, or its options not loaded: the adapter loads those of the fields a replica or the rules name) */
  options: z.array(FieldOptionSchema).nullable(),
});
export type CustomFieldMeta = z.infer<typeof CustomFieldMetaSchema>;

/** Cascading select value. */
export const CascadingValueSchema = z.strictObject({ value: z.string(), child: z.string().nullable() });

/**
 * The option values a value of an option kind names (a cascading value: its parent, and
 * "parent > child"), for the check that the field offers them.
 */
export function optionValuesOf(kind: CustomFieldKind, value: unknown): { value: string; child: string | null }[] {
  if (value === null || value === undefined) return [];
  switch (kind) {
    case 'select':
    case 'radio':
      return typeof value === 'string' ? [{ value, child: null }] : [];
    case 'multiselect':
    case 'checkboxes':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map((v) => ({ value: v, child: null })) : [];
    case 'cascading': {
      const parsed = CascadingValueSchema.safeParse(value);
      return parsed.success ? [parsed.data] : [];
    }
    default:
      return [];
  }
}

/** the option values of `value` the field does not offer, as "value" or "parent > child" */
export function missingOptions(field: CustomFieldMeta, value: unknown): string[] {
  if (field.options === null) return [];
  const options = field.options;
  const missing: string[] = [];
  for (const v of optionValuesOf(field.kind, value)) {
    const option = options.find((o) => o.value === v.value);
    if (!option) missing.push(v.value);
    else if (v.child !== null && !option.children.includes(v.child)) missing.push(`${v.value} > ${v.child}`);
  }
  return missing;
}
