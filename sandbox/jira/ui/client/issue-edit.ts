import { adfToPlainText, textToAdf } from './adf-text';
import { isRecord, rec, str } from './guards';
import { parseLabels } from './form-values';

/** The edit form's model: the values it shows, and the `PUT /issue` fields for what changed. */

export interface EditValues {
  summary: string;
  /** plain text of the description */
  description: string;
  /** priority id, '' for none */
  priorityId: string;
  /** labels as typed, space separated */
  labels: string;
  /** custom text fields by field id */
  custom: Record<string, string>;
}

export interface TextFieldInfo {
  id: string;
  name: string;
}

/**
 * The custom fields the plain editor can edit: custom fields whose schema type is `string` (single
 * line text). Multi-line text areas hold ADF in REST v3 and are left out.
 */
export function customTextFields(fieldList: unknown[]): TextFieldInfo[] {
  const out: TextFieldInfo[] = [];
  for (const field of fieldList) {
    const id = str(field, 'id');
    const name = str(field, 'name');
    const schema = rec(field, 'schema');
    const isCustom = (isRecord(field) && field['custom'] === true) || (id?.startsWith('customfield_') ?? false);
    const customType = str(schema, 'custom') ?? '';
    if (id !== undefined && name !== undefined && isCustom && str(schema, 'type') === 'string' && !customType.endsWith(':textarea')) {
      out.push({ id, name });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The form values for an issue's fields. */
export function editValuesOf(fields: Record<string, unknown>, customFields: TextFieldInfo[]): EditValues {
  const labels = fields['labels'];
  const custom: Record<string, string> = {};
  for (const f of customFields) {
    const value = fields[f.id];
    custom[f.id] = typeof value === 'string' ? value : '';
  }
  return {
    summary: typeof fields['summary'] === 'string' ? fields['summary'] : '',
    description: adfToPlainText(fields['description']),
    priorityId: str(fields['priority'], 'id') ?? '',
    labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string').join(' ') : '',
    custom,
  };
}

function sameLabels(a: string, b: string): boolean {
  const x = parseLabels(a);
  const y = parseLabels(b);
  return x.length === y.length && x.every((l) => y.includes(l));
}

/** The `fields` of `PUT /rest/api/3/issue/{key}` for what changed between `before` and `after`; null when nothing did. */
export function editPayload(before: EditValues, after: EditValues): Record<string, unknown> | null {
  const fields: Record<string, unknown> = {};
  if (after.summary !== before.summary) fields['summary'] = after.summary;
  if (after.description.replace(/\r\n?/g, '\n') !== before.description) fields['description'] = textToAdf(after.description);
  if (after.priorityId !== before.priorityId && after.priorityId !== '') fields['priority'] = { id: after.priorityId };
  if (!sameLabels(before.labels, after.labels)) fields['labels'] = parseLabels(after.labels);
  for (const [id, value] of Object.entries(after.custom)) {
    if (value !== (before.custom[id] ?? '')) fields[id] = value === '' ? null : value;
  }
  return Object.keys(fields).length === 0 ? null : fields;
}
