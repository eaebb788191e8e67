import { z } from 'zod';

/**
 * A connection's value mappings: the tables an admin fills on the Mappings tab instead of writing a
 * script. They are kept with the rules, in the same versions (src/rules/kv-rules-store.ts): saving
 * either makes a new version. The default rules (src/rules/default-scripts.ts) apply them through
 * the scripts' `mappings` global, and a script of an admin's own may read and override them.
 *
 * Each row maps a value here (`local`) to a value of the other site (`remote`):
 * - `incoming`: a replica's `remote` value becomes `local` here;
 * - `outgoing`: a local value `local` is sent as `remote`;
 * - `both`: both ways (the default).
 *
 * Values are names as Jira shows them (a status "In Review", a priority "High", an option "S1"),
 * project keys for `project`, and account ids for `users`. Matching is case-insensitive, as
 * elsewhere in the rules.
 */

export const MAPPING_DIRECTIONS = ['both', 'incoming', 'outgoing'] as const;
export const MappingDirectionSchema = z.enum(MAPPING_DIRECTIONS);
export type MappingDirection = z.infer<typeof MappingDirectionSchema>;

/** The tables of plain values, in the order the tab shows them. */
export const VALUE_TABLES = ['project', 'issueType', 'status', 'priority', 'resolution', 'users'] as const;
export const ValueTableSchema = z.enum(VALUE_TABLES);
export type ValueTable = z.infer<typeof ValueTableSchema>;

/** Every table: the plain ones, the custom fields' names and the option values per field. */
export const MAPPING_TABLES = [...VALUE_TABLES, 'fields', 'options'] as const;
export const MappingTableSchema = z.enum(MAPPING_TABLES);
export type MappingTable = z.infer<typeof MappingTableSchema>;

/** What a table's values are, for messages. */
export const TABLE_LABELS: Record<MappingTable, string> = {
  project: 'project',
  issueType: 'issue type',
  status: 'status',
  priority: 'priority',
  resolution: 'resolution',
  users: 'person',
  fields: 'custom field',
  options: 'option',
};

/** Jira names: field names and option values allow 255 characters. */
const CONTROL = /\p{Cc}/u;
export const MappingValueSchema = z.string().trim().min(1).max(255).refine((text) => !CONTROL.test(text), 'a value is one line of text without control characters');

/** at most this many rows per table (and per field's options) */
export const MAX_ROWS_PER_TABLE = 500;
/** at most this many fields with option rows */
export const MAX_OPTION_FIELDS = 100;
/** the tables together, as stored JSON: they share a KVS value (240 KiB) with the scripts */
export const MAX_MAPPINGS_BYTES = 64 * 1024;

export const MappingRowSchema = z.strictObject({
  local: MappingValueSchema,
  remote: MappingValueSchema,
  direction: MappingDirectionSchema.default('both'),
});
export type MappingRow = z.infer<typeof MappingRowSchema>;

/**
 * A custom field's row, by the fields' names. `local` null: the other site's field `remote` is not
 * synced here (incoming). `remote` null: this site's field `local` is not sent (outgoing).
 */
export const FieldRowSchema = z.strictObject({
  local: MappingValueSchema.nullable(),
  remote: MappingValueSchema.nullable(),
  direction: MappingDirectionSchema.default('both'),
}).refine((r) => r.local !== null || r.remote !== null, 'a field row names a field on at least one side');
export type FieldRow = z.infer<typeof FieldRowSchema>;

const rows = <S extends z.ZodType>(row: S) => z.array(row).max(MAX_ROWS_PER_TABLE).default([]);

export const MappingsSchema = z.strictObject({
  project: rows(MappingRowSchema),
  issueType: rows(MappingRowSchema),
  status: rows(MappingRowSchema),
  priority: rows(MappingRowSchema),
  resolution: rows(MappingRowSchema),
  fields: rows(FieldRowSchema),
  /** option values, by the local field's name */
  options: z.record(MappingValueSchema, rows(MappingRowSchema)).refine((o) => Object.keys(o).length <= MAX_OPTION_FIELDS, `option rows for at most ${MAX_OPTION_FIELDS} fields`).default({}),
  /** people: account ids (remote: the other site's account id) */
  users: rows(MappingRowSchema),
});
export type Mappings = z.infer<typeof MappingsSchema>;
/** Mappings as a payload may give them: absent tables are empty, absent directions `both`. */
export type MappingsInput = z.input<typeof MappingsSchema>;

export const EMPTY_MAPPINGS: Mappings = { project: [], issueType: [], status: [], priority: [], resolution: [], fields: [], options: {}, users: [] };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const applies = (direction: MappingDirection, way: 'incoming' | 'outgoing') => direction === 'both' || direction === way;

type AnyRow = { local: string | null; remote: string | null; direction: MappingDirection };

/**
 * The local value a row maps the other site's `remote` to, for a replica received: undefined when
 * no row maps it (null: a field row saying the field is not synced here).
 */
export function toLocal<R extends AnyRow>(table: readonly R[], remote: string): R['local'] | undefined {
  return table.find((r) => applies(r.direction, 'incoming') && r.remote !== null && same(r.remote, remote))?.local;
}

/**
 * The other site's value a row maps `local` to, for a replica sent: undefined when no row maps it
 * (null: a field row saying the field is not sent).
 */
export function toRemote<R extends AnyRow>(table: readonly R[], local: string): R['remote'] | undefined {
  return table.find((r) => applies(r.direction, 'outgoing') && r.local !== null && same(r.local, local))?.remote;
}

/** The people table as the people mapper takes it (src/sync/people.ts): remote account id → local account id, incoming rows. */
export function incomingUserRows(mappings: Mappings): { remote: string; local: string }[] {
  return mappings.users.filter((r) => applies(r.direction, 'incoming')).map((r) => ({ remote: r.remote, local: r.local }));
}

/**
 * A value of the other site a replica carried that no row maps and that does not exist here (the
 * default rules' `mappings.unmapped(...)`, a person nobody matches, an option the field lacks).
 */
export const UnmappedValueSchema = z.strictObject({
  table: MappingTableSchema,
  /** the local field, for `options` */
  field: z.string().max(255).nullable(),
  value: z.string().max(255),
  /** what to show for it when the value is an id (a person's name) */
  label: z.string().max(255).nullable(),
});
export type UnmappedValue = z.infer<typeof UnmappedValueSchema>;

/** A problem with one row: which table (and field, for options), which row (0-based), which side. */
export interface MappingProblem {
  table: MappingTable;
  /** the local field, for `options` */
  field: string | null;
  row: number;
  side: 'local' | 'remote' | null;
  message: string;
}

/**
 * What makes a set of tables ambiguous, whatever the site: two rows mapping one remote value
 * (incoming) or one local value (outgoing) differently. Values unknown to the site are checked by
 * the caller, which knows the site's metadata (src/rules/mappings-admin.ts).
 */
export function ambiguities(mappings: Mappings): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const check = (table: MappingTable, field: string | null, list: readonly AnyRow[]) => {
    const incoming = new Map<string, number>();
    const outgoing = new Map<string, number>();
    list.forEach((r, i) => {
      if (applies(r.direction, 'incoming') && r.remote !== null) {
        const at = incoming.get(r.remote.toLowerCase());
        if (at === undefined) incoming.set(r.remote.toLowerCase(), i);
        else if (!sameValue(list[at]?.local ?? null, r.local)) problems.push({ table, field, row: i, side: 'remote', message: `${TABLE_LABELS[table]} "${r.remote}" of the other site is already mapped by row ${at + 1}` });
      }
      if (applies(r.direction, 'outgoing') && r.local !== null) {
        const at = outgoing.get(r.local.toLowerCase());
        if (at === undefined) outgoing.set(r.local.toLowerCase(), i);
        else if (!sameValue(list[at]?.remote ?? null, r.remote)) problems.push({ table, field, row: i, side: 'local', message: `${TABLE_LABELS[table]} "${r.local}" here is already sent by row ${at + 1}` });
      }
    });
  };
  for (const table of VALUE_TABLES) check(table, null, mappings[table]);
  check('fields', null, mappings.fields);
  for (const [field, list] of Object.entries(mappings.options)) check('options', field, list);
  return problems;
}

function sameValue(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : same(a, b);
}
