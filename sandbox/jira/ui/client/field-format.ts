import { adfToRenderModel, isAdfDoc, type RenderNode } from './adf-render';
import { isRecord, rec, str } from './guards';

/** How the issue view shows one field value. */
export type FieldDisplay =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'adf'; nodes: RenderNode[] };

export interface FieldRow {
  id: string;
  name: string;
  display: FieldDisplay;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** "2026-11-26T18:03:00.000+0000" → "2026-11-26 18:03 UTC"; other strings unchanged. */
export function formatDateTime(value: string): string {
  if (!ISO_DATE_TIME.test(value)) return value;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  if (!Number.isFinite(ms)) return value;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One value as text: the name of a Jira object, a formatted date, or compact JSON as a last resort. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return formatDateTime(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(valueText).filter((t) => t !== '').join(', ');
  if (isRecord(value)) {
    // an issue link of the `issuelinks` field: its description seen from this issue, then the other issue ("blocks INT-2")
    const type = rec(value, 'type');
    const other = rec(value, 'outwardIssue') ?? rec(value, 'inwardIssue');
    if (type !== undefined && other !== undefined) {
      const description = rec(value, 'outwardIssue') !== undefined ? str(type, 'outward') : str(type, 'inward');
      return [description ?? str(type, 'name'), str(other, 'key')].filter((t) => t !== undefined).join(' ');
    }
    const key = str(value, 'key');
    const name = str(value, 'displayName') ?? str(value, 'name') ?? str(value, 'value');
    if (name !== undefined && key !== undefined && str(value, 'projectTypeKey') !== undefined) return `${name} (${key})`;
    if (name !== undefined) return name;
    if (key !== undefined) return key;
    return JSON.stringify(value);
  }
  return String(value);
}

/** The display of a field value. */
export function formatFieldValue(value: unknown): FieldDisplay {
  if (value === null || value === undefined || value === '') return { kind: 'empty' };
  if (Array.isArray(value) && value.length === 0) return { kind: 'empty' };
  if (isAdfDoc(value)) return { kind: 'adf', nodes: adfToRenderModel(value) };
  const text = valueText(value);
  return text === '' ? { kind: 'empty' } : { kind: 'text', text };
}

/** Fields the issue view shows elsewhere (heading, description, comments). */
const SHOWN_ELSEWHERE = new Set(['summary', 'description', 'comment']);
/** System fields first, in Jira's order; then everything else by name. */
const LEADING = ['issuetype', 'status', 'priority', 'project', 'parent', 'labels', 'components', 'fixVersions', 'issuelinks', 'assignee', 'reporter', 'resolution', 'created', 'updated'];

/**
 * The rows of the issue view's details list: every field of the issue (custom fields by their
 * name from `expand=names`), except the ones shown elsewhere.
 */
export function issueFieldRows(fields: Record<string, unknown>, names: Record<string, unknown>): FieldRow[] {
  const rows = Object.entries(fields)
    .filter(([id]) => !SHOWN_ELSEWHERE.has(id))
    .map(([id, value]): FieldRow => {
      const name = names[id];
      return { id, name: typeof name === 'string' && name !== '' ? name : id, display: formatFieldValue(value) };
    });
  const rank = (id: string): number => {
    const i = LEADING.indexOf(id);
    return i === -1 ? LEADING.length : i;
  };
  return rows.sort((a, b) => rank(a.id) - rank(b.id) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
