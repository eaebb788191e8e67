import type { Mappings, MappingProblem } from '../../../shared/src/api/admin-api';

/**
 * The Mappings tab's draft: the tables as the admin edits them, where an empty side is '' (a new
 * row, or a custom field row's "none"), turned into the resolver's tables on save. Pure functions.
 */

export type Direction = 'both' | 'incoming' | 'outgoing';
export interface DraftRow {
  local: string;
  remote: string;
  direction: Direction;
}
/** the tables of rows, apart from the option rows (kept per field) */
export const ROW_TABLES = ['project', 'issueType', 'status', 'priority', 'resolution', 'fields', 'users'] as const;
export type RowTable = (typeof ROW_TABLES)[number];
export type Draft = Record<RowTable, DraftRow[]> & { options: Record<string, DraftRow[]> };
/** where a row is: its table, and the local field for option rows */
export interface TableRef {
  table: RowTable | 'options';
  field: string | null;
}

export const DIRECTION_LABELS: Record<Direction, string> = { both: 'Both', incoming: 'Incoming only', outgoing: 'Outgoing only' };

/** each table's section title and the name its rows' controls are labelled with ("Status row 1 local value") */
export const TABLE_TITLES: Record<RowTable, { title: string; rowLabel: string; help: string }> = {
  project: { title: 'Project (for new twins)', rowLabel: 'Project', help: 'By project key: where an issue of the other site’s project is created here.' },
  issueType: { title: 'Issue type', rowLabel: 'Issue type', help: 'Issue types by name.' },
  status: { title: 'Status', rowLabel: 'Status', help: 'Statuses by name.' },
  priority: { title: 'Priority', rowLabel: 'Priority', help: 'Priorities by name.' },
  resolution: { title: 'Resolution', rowLabel: 'Resolution', help: 'Resolutions by name.' },
  fields: { title: 'Custom fields', rowLabel: 'Custom field', help: 'Which field here receives which field of the other site. “Not synced here”: the other site’s field is ignored; “not sent”: this field is not sent.' },
  users: { title: 'People', rowLabel: 'People', help: 'A person here and their account on the other site (tried before matching by account or email).' },
};

/** the label of an option field's rows */
export const optionRowLabel = (field: string): string => `${field} option`;

export function rowLabelOf(ref: TableRef): string {
  return ref.table === 'options' ? optionRowLabel(ref.field ?? '') : TABLE_TITLES[ref.table].rowLabel;
}

const rowOf = (r: { local: string | null; remote: string | null; direction: Direction }): DraftRow => ({ local: r.local ?? '', remote: r.remote ?? '', direction: r.direction });

export function toDraft(mappings: Mappings): Draft {
  return {
    project: mappings.project.map(rowOf), issueType: mappings.issueType.map(rowOf), status: mappings.status.map(rowOf), priority: mappings.priority.map(rowOf),
    resolution: mappings.resolution.map(rowOf), fields: mappings.fields.map(rowOf), users: mappings.users.map(rowOf),
    options: Object.fromEntries(Object.entries(mappings.options).map(([field, rows]) => [field, rows.map(rowOf)])),
  };
}

/** a problem found before anything is sent: a side left empty */
function missing(ref: TableRef, row: number, side: 'local' | 'remote'): MappingProblem {
  const label = rowLabelOf(ref);
  return { table: ref.table, field: ref.field, row, side, message: side === 'local' ? `choose the ${label.toLowerCase()} here` : `choose or type the other site’s ${label.toLowerCase()}` };
}

/** The tables to save, or the rows with a side left empty (nothing is sent then). Option fields without rows are left out. */
export function toMappings(draft: Draft): { mappings: Mappings; problems: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const plain = (ref: TableRef, rows: readonly DraftRow[]) => rows.map((r, i) => {
    const local = r.local.trim();
    const remote = r.remote.trim();
    if (local === '') problems.push(missing(ref, i, 'local'));
    if (remote === '') problems.push(missing(ref, i, 'remote'));
    return { local, remote, direction: r.direction };
  });
  const fields = draft.fields.map((r, i) => {
    const local = r.local.trim();
    const remote = r.remote.trim();
    if (local === '' && remote === '') problems.push({ table: 'fields', field: null, row: i, side: null, message: 'choose a field on at least one side' });
    return { local: local === '' ? null : local, remote: remote === '' ? null : remote, direction: r.direction };
  });
  const mappings: Mappings = {
    project: plain({ table: 'project', field: null }, draft.project),
    issueType: plain({ table: 'issueType', field: null }, draft.issueType),
    status: plain({ table: 'status', field: null }, draft.status),
    priority: plain({ table: 'priority', field: null }, draft.priority),
    resolution: plain({ table: 'resolution', field: null }, draft.resolution),
    fields,
    options: Object.fromEntries(Object.entries(draft.options).filter(([, rows]) => rows.length > 0).map(([field, rows]) => [field, plain({ table: 'options', field }, rows)])),
    users: plain({ table: 'users', field: null }, draft.users),
  };
  return { mappings, problems };
}

export function rowsOf(draft: Draft, ref: TableRef): DraftRow[] {
  return ref.table === 'options' ? draft.options[ref.field ?? ''] ?? [] : draft[ref.table];
}

export function withRows(draft: Draft, ref: TableRef, rows: DraftRow[]): Draft {
  return ref.table === 'options' ? { ...draft, options: { ...draft.options, [ref.field ?? '']: rows } } : { ...draft, [ref.table]: rows };
}

export const emptyRow = (over: Partial<DraftRow> = {}): DraftRow => ({ local: '', remote: '', direction: 'both', ...over });

/** every row of the table made `both` (a pair given twice kept once), as the resolver's `symmetric` */
export function symmetricRows(rows: readonly DraftRow[]): DraftRow[] {
  const seen = new Set<string>();
  const out: DraftRow[] = [];
  for (const r of rows) {
    const key = `${r.local.toLowerCase()}\u0000${r.remote.toLowerCase()}`;
    if (r.local !== '' && r.remote !== '' && seen.has(key)) continue;
    seen.add(key);
    out.push({ ...r, direction: 'both' });
  }
  return out;
}

/** the key a problem is shown under: the table (and field), the row (-1: the whole table) */
export const problemKey = (ref: TableRef, row: number): string => `${ref.table}\u0000${ref.field ?? ''}\u0000${row}`;

/** the problems by where they are shown */
export function problemsByRow(problems: readonly MappingProblem[]): Map<string, MappingProblem[]> {
  const map = new Map<string, MappingProblem[]>();
  for (const p of problems) {
    const key = problemKey({ table: p.table as TableRef['table'], field: p.table === 'options' ? p.field : null }, p.row);
    map.set(key, [...(map.get(key) ?? []), p]);
  }
  return map;
}

/** "Status row 2" / "Status table": where a problem is, for the summary */
export function problemPlace(p: MappingProblem): string {
  const label = p.table === 'options' ? optionRowLabel(p.field ?? '') : TABLE_TITLES[p.table as RowTable]?.rowLabel ?? p.table;
  return p.row < 0 ? `${label} table` : `${label} row ${p.row + 1}`;
}
