/**
 * The custom field types the site serves, with what `POST /rest/api/3/field` accepts for each and the
 * `schema` that `GET /rest/api/3/field`, createmeta and `expand=schema` answer.
 *
 * Source: the OpenAPI description's `CustomFieldDefinitionJsonBean` (`createCustomField`,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-post):
 * its `type` list of built-in types and its `searcherKey` list "You must specify a searcher that is
 * valid for the field type, as listed below … If no searcher is provided, the field isn't searchable."
 * The schema types are Jira Cloud's for these types (`option`, `array` of `option`, `option-with-child`,
 * `number`, `date`, `datetime`, `string`, `user`, `array` of `user` / `string`), as its field lists show.
 */

export const CUSTOM_FIELD_TYPE_PREFIX = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const key = (short: string): string => `${CUSTOM_FIELD_TYPE_PREFIX}${short}`;

/** how a type's values are held: free values, options of the field's context, or options with a child */
export type OptionKind = 'none' | 'single' | 'multi' | 'cascading';

export type ValueKind =
  | 'text' | 'textarea' | 'url' | 'number' | 'date' | 'datetime' | 'labels' | 'user' | 'users' | 'option' | 'options' | 'cascading';

export interface CustomFieldType {
  /** e.g. `select` */
  short: string;
  /** the full type key, e.g. com.atlassian.jira.plugin.system.customfieldtypes:select */
  key: string;
  value: ValueKind;
  schema: { type: string; items?: string };
  /** the full searcher keys `createCustomField` accepts for this type */
  searchers: readonly string[];
}

const DEFINED: readonly Omit<CustomFieldType, 'key'>[] = [
  { short: 'textfield', value: 'text', schema: { type: 'string' }, searchers: ['textsearcher'] },
  { short: 'textarea', value: 'textarea', schema: { type: 'string' }, searchers: ['textsearcher'] },
  { short: 'url', value: 'url', schema: { type: 'string' }, searchers: ['exacttextsearcher'] },
  { short: 'float', value: 'number', schema: { type: 'number' }, searchers: ['exactnumber', 'numberrange'] },
  { short: 'datepicker', value: 'date', schema: { type: 'date' }, searchers: ['daterange'] },
  { short: 'datetime', value: 'datetime', schema: { type: 'datetime' }, searchers: ['datetimerange'] },
  { short: 'labels', value: 'labels', schema: { type: 'array', items: 'string' }, searchers: ['labelsearcher'] },
  { short: 'userpicker', value: 'user', schema: { type: 'user' }, searchers: ['userpickergroupsearcher'] },
  { short: 'multiuserpicker', value: 'users', schema: { type: 'array', items: 'user' }, searchers: ['userpickergroupsearcher'] },
  { short: 'select', value: 'option', schema: { type: 'option' }, searchers: ['multiselectsearcher'] },
  { short: 'radiobuttons', value: 'option', schema: { type: 'option' }, searchers: ['multiselectsearcher'] },
  { short: 'multiselect', value: 'options', schema: { type: 'array', items: 'option' }, searchers: ['multiselectsearcher'] },
  { short: 'multicheckboxes', value: 'options', schema: { type: 'array', items: 'option' }, searchers: ['multiselectsearcher'] },
  { short: 'cascadingselect', value: 'cascading', schema: { type: 'option-with-child' }, searchers: ['cascadingselectsearcher'] },
];
const TYPES: readonly CustomFieldType[] = DEFINED.map((t) => ({ ...t, key: key(t.short), searchers: t.searchers.map(key) }));

const BY_KEY = new Map(TYPES.map((t) => [t.key, t]));

/** every type the site serves, in the order above */
export const CUSTOM_FIELD_TYPES: readonly CustomFieldType[] = TYPES;

export function customFieldType(typeKey: string): CustomFieldType | undefined {
  return BY_KEY.get(typeKey);
}

export function optionKind(t: CustomFieldType | undefined): OptionKind {
  if (t === undefined) return 'none';
  if (t.value === 'option') return 'single';
  if (t.value === 'options') return 'multi';
  if (t.value === 'cascading') return 'cascading';
  return 'none';
}

/** true for the types whose values are options of the field's context (select, radio, multi, checkboxes, cascading) */
export function takesOptions(typeKey: string): boolean {
  return optionKind(customFieldType(typeKey)) !== 'none';
}
