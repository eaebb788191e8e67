import { z } from 'zod';
import { OPTION_KINDS } from '../model/custom-field';
import {
  MAX_MAPPINGS_BYTES,
  MAX_ROWS_PER_TABLE,
  MappingsSchema,
  TABLE_LABELS,
  VALUE_TABLES,
  ValueTableSchema,
  ambiguities,
  toLocal,
  type Mappings,
  type MappingProblem,
  type MappingTable,
} from '../model/mappings';
import type { UserRef } from '../model/replica';
import type { RulesMetadata } from '../ports/rules';
import { StorageIdSchema } from '../sync/state/keys';
import type { SeenValue } from '../sync/mapping-values';
import { RulesAdminError, effectiveRules, saveVersion, type RulesAdminDeps } from './rules-admin';

/**
 * The Mappings tab's logic: read a connection's tables (any kept version), save them as a new rules
 * version once every value is known to this site, the values to pick from (this site's, and the
 * other site's as replicas carried them), and the values no row maps. Pure logic over injected deps,
 * as src/rules/rules-admin.ts.
 */

const MAX_VERSION = 99_999_999;
/** people looked up per metadata call (the adapter's bound, src/adapters/forge/forge-jira.ts) */
const PEOPLE_PER_LOOKUP = 50;

export const GetMappingsPayloadSchema = z.strictObject({ connectionId: StorageIdSchema, version: z.number().int().min(0).max(MAX_VERSION).exactOptional() });
export const SaveMappingsPayloadSchema = z.strictObject({
  connectionId: StorageIdSchema,
  mappings: MappingsSchema,
  /** the version the edit started from (0 = nothing saved); absent = the current one */
  baseVersion: z.number().int().min(0).max(MAX_VERSION).exactOptional(),
});
export const ListMappingValuesPayloadSchema = z.strictObject({
  connectionId: StorageIdSchema,
  /** also the options of these fields here (by name), to pick option rows from */
  optionsOf: z.array(z.string().min(1).max(255)).max(20).exactOptional(),
});
export const ListUnmappedValuesPayloadSchema = z.strictObject({ connectionId: StorageIdSchema });
export const SearchPeoplePayloadSchema = z.strictObject({ query: z.string().trim().min(1).max(100) });

export interface MappingsView extends Mappings {
  connectionId: string;
  /** the version these tables are of (0: nothing saved) */
  version: number;
}

export async function getMappings(deps: RulesAdminDeps, payload: z.infer<typeof GetMappingsPayloadSchema>): Promise<MappingsView> {
  const found = await requireConnection(deps, payload.connectionId);
  const stored = payload.version === undefined ? await deps.rulesStore.getCurrent(payload.connectionId) : payload.version === 0 ? null : await deps.rulesStore.getVersion(payload.connectionId, payload.version);
  if (stored === null && payload.version !== undefined && payload.version !== 0) throw new RulesAdminError('not-found', `version ${payload.version} of these rules is not kept`);
  const rules = effectiveRules(stored, found.defaults);
  return { connectionId: payload.connectionId, version: rules.version, ...rules.mappings };
}

export interface SaveMappingsResult {
  ok: boolean;
  /** the version in force after the call */
  version: number;
  /** each row at fault: refused, nothing saved */
  errors: MappingProblem[];
}

export async function saveMappings(deps: RulesAdminDeps, payload: z.infer<typeof SaveMappingsPayloadSchema>): Promise<SaveMappingsResult> {
  await requireConnection(deps, payload.connectionId);
  const current = await deps.rulesStore.getCurrent(payload.connectionId);
  const currentVersion = current?.version ?? 0;
  const errors = await checkMappings(deps, payload.mappings);
  if (errors.length > 0) return { ok: false, version: currentVersion, errors };
  const saved = await saveVersion(deps, payload.connectionId, {
    outgoing: current?.outgoing ?? null, incoming: current?.incoming ?? null, mappings: payload.mappings, limits: current?.limits ?? null,
    summary: mappingsSummary(current?.mappings ?? null, payload.mappings),
  }, payload.baseVersion ?? currentVersion);
  return { ok: true, version: saved.version, errors: [] };
}

function mappingsSummary(before: Mappings | null, after: Mappings): string {
  const changed = (['project', 'issueType', 'status', 'priority', 'resolution', 'fields', 'users'] as const)
    .filter((t) => JSON.stringify(before?.[t] ?? []) !== JSON.stringify(after[t]))
    .map((t) => TABLE_LABELS[t]);
  if (JSON.stringify(before?.options ?? {}) !== JSON.stringify(after.options)) changed.push('option');
  return changed.length === 0 ? 'mappings (no change)' : `mappings: ${changed.join(', ')}`;
}

/**
 * Every row's local value checked against this site (projects, issue types, statuses, priorities,
 * resolutions, custom fields, the options of each field, people by account id), and the rows that
 * make a table ambiguous. The other site's values cannot be checked here: they are picked from what
 * replicas carried.
 */
export async function checkMappings(deps: Pick<RulesAdminDeps, 'getMetadata'>, mappings: Mappings): Promise<MappingProblem[]> {
  const problems: MappingProblem[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(mappings), 'utf8');
  if (bytes > MAX_MAPPINGS_BYTES) problems.push({ table: 'fields', field: null, row: -1, side: null, message: `the tables are ${Math.ceil(bytes / 1024)} KiB together; at most ${MAX_MAPPINGS_BYTES / 1024} KiB are kept` });
  const optionFields = Object.fromEntries(Object.entries(mappings.options).map(([field, rows]) => [field, rows.map((r) => r.local)]));
  const accountIds = [...new Set(mappings.users.map((r) => r.local))];
  const metadata = await deps.getMetadata({ customFields: optionFields });
  const people = new Set((await peopleHere(deps, accountIds)).map((u) => u.accountId));
  const known = localValues(metadata);
  const check = (table: MappingTable, field: string | null, row: number, value: string | null, choices: readonly string[] | null) => {
    if (value === null || choices === null) return;
    if (!choices.some((c) => c.toLowerCase() === value.toLowerCase())) {
      problems.push({ table, field, row, side: 'local', message: `${TABLE_LABELS[table]} "${value}" does not exist here${choices.length > 0 && choices.length <= 12 ? ` (there are: ${choices.map((c) => `"${c}"`).join(', ')})` : ''}` });
    }
  };
  for (const table of VALUE_TABLES) {
    if (table === 'users') continue;
    mappings[table].forEach((r, i) => check(table, null, i, r.local, known[table]));
  }
  mappings.users.forEach((r, i) => {
    if (!people.has(r.local)) problems.push({ table: 'users', field: null, row: i, side: 'local', message: `nobody here has the account id "${r.local}" (or the account is deactivated)` });
  });
  mappings.fields.forEach((r, i) => check('fields', null, i, r.local, known.fields));
  for (const [field, rows] of Object.entries(mappings.options)) {
    const meta = metadata.customFields.find((f) => f.name.toLowerCase() === field.toLowerCase());
    if (meta === undefined || !OPTION_KINDS.has(meta.kind)) {
      problems.push({ table: 'options', field, row: -1, side: 'local', message: meta === undefined ? `custom field "${field}" does not exist here` : `custom field "${field}" has no options (it is a ${meta.kind} field)` });
      continue;
    }
    if (rows.length > MAX_ROWS_PER_TABLE) continue;
    // options not loaded (a field with very many, or options the app may not read): Jira's answer to the write decides
    const choices = meta.options === null ? null : meta.options.map((o) => o.value);
    rows.forEach((r, i) => check('options', meta.name, i, r.local, choices));
  }
  return [...problems, ...ambiguities(mappings)];
}

/** the people of these account ids who are active here: the adapter looks up at most 50 per call (each answer cached a day) */
async function peopleHere(deps: Pick<RulesAdminDeps, 'getMetadata'>, accountIds: readonly string[]): Promise<UserRef[]> {
  const found = new Map<string, UserRef>();
  for (let at = 0; at < accountIds.length; at += PEOPLE_PER_LOOKUP) {
    const asked = new Set(accountIds.slice(at, at + PEOPLE_PER_LOOKUP));
    for (const u of (await deps.getMetadata({ accountIds: [...asked] })).users) if (asked.has(u.accountId)) found.set(u.accountId, u);
  }
  return [...found.values()];
}

/** this site's values per table (for `fields`, the custom fields' names) */
export function localValues(metadata: RulesMetadata): Record<Exclude<MappingTable, 'users' | 'options'>, string[]> {
  const types = new Set<string>();
  for (const list of Object.values(metadata.issueTypes)) for (const t of list) types.add(t.name);
  return {
    project: Object.keys(metadata.issueTypes),
    issueType: [...types],
    status: metadata.statuses.map((s) => s.name),
    priority: metadata.priorities.map((p) => p.name),
    resolution: (metadata.resolutions ?? []).map((r) => r.name),
    fields: metadata.customFields.map((f) => f.name),
  };
}

export interface MappingValues {
  /** this site's values per table; `options`: per field asked for (its options, or null when they cannot be read) */
  local: Record<Exclude<MappingTable, 'users' | 'options'>, string[]> & { options: Record<string, string[] | null>; optionFields: string[]; users: UserRef[] };
  /** the other site's values as replicas carried them, newest first */
  remote: { table: MappingTable; field: string | null; value: string; label: string | null; lastAt: string }[];
}

export async function listMappingValues(deps: RulesAdminDeps, payload: z.infer<typeof ListMappingValuesPayloadSchema>): Promise<MappingValues> {
  const found = await requireConnection(deps, payload.connectionId);
  const rules = effectiveRules(await deps.rulesStore.getCurrent(payload.connectionId), found.defaults);
  const asked = payload.optionsOf ?? [];
  const metadata = await deps.getMetadata({ customFields: Object.fromEntries(asked.map((f) => [f, []])) });
  const people = await peopleHere(deps, [...new Set(rules.mappings.users.map((r) => r.local))]);
  const options: Record<string, string[] | null> = {};
  for (const name of asked) {
    const meta = metadata.customFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (meta !== undefined && OPTION_KINDS.has(meta.kind)) options[meta.name] = meta.options === null ? null : meta.options.map((o) => o.value);
  }
  const seen = await deps.seenValues(payload.connectionId);
  return {
    local: { ...localValues(metadata), options, optionFields: metadata.customFields.filter((f) => OPTION_KINDS.has(f.kind)).map((f) => f.name), users: people },
    remote: [...seen].sort((a, b) => b.lastAt.localeCompare(a.lastAt)).map((v) => ({ table: v.table, field: v.field, value: v.value, label: v.label, lastAt: v.lastAt })),
  };
}

export interface UnmappedEntry {
  table: MappingTable;
  field: string | null;
  value: string;
  label: string | null;
  /** applies that met it unplaced */
  count: number;
  lastAt: string;
  lastIssueKey: string | null;
}

/**
 * The other site's values that replicas carried and that nothing places here: no row of the
 * current tables maps them and this site has nothing of that name (people: nobody matched them).
 * A value a row maps since, or that exists here since, leaves the list.
 */
export async function listUnmappedValues(deps: RulesAdminDeps, payload: z.infer<typeof ListUnmappedValuesPayloadSchema>): Promise<{ values: UnmappedEntry[] }> {
  const found = await requireConnection(deps, payload.connectionId);
  const rules = effectiveRules(await deps.rulesStore.getCurrent(payload.connectionId), found.defaults);
  const seen = (await deps.seenValues(payload.connectionId)).filter((v) => v.unmapped > 0);
  const metadata = await deps.getMetadata();
  const here = localValues(metadata);
  const placed = (v: SeenValue): boolean => {
    const m = rules.mappings;
    switch (v.table) {
      case 'users': return toLocal(m.users, v.value) !== undefined;
      case 'options': {
        const rows = Object.entries(m.options).find(([f]) => f.toLowerCase() === (v.field ?? '').toLowerCase())?.[1] ?? [];
        return toLocal(rows, v.value) !== undefined;
      }
      case 'fields': return toLocal(m.fields, v.value) !== undefined || here.fields.some((f) => f.toLowerCase() === v.value.toLowerCase());
      default: {
        const table = ValueTableSchema.parse(v.table);
        if (table === 'users') return false;
        return toLocal(m[table], v.value) !== undefined || here[table].some((x) => x.toLowerCase() === v.value.toLowerCase());
      }
    }
  };
  const values = seen.filter((v) => !placed(v)).sort((a, b) => b.unmapped - a.unmapped || b.lastAt.localeCompare(a.lastAt));
  return { values: values.map((v) => ({ table: v.table, field: v.field, value: v.value, label: v.label, count: v.unmapped, lastAt: v.lastAt, lastIssueKey: v.lastIssueKey })) };
}

/** People of this site for the people table's local side, by name. */
export async function searchPeople(deps: RulesAdminDeps, payload: z.infer<typeof SearchPeoplePayloadSchema>): Promise<{ users: UserRef[] }> {
  return { users: (await deps.searchUsers(payload.query)).slice(0, 20) };
}

async function requireConnection(deps: RulesAdminDeps, connectionId: string) {
  const found = await deps.getConnection(connectionId);
  if (found === null) throw new RulesAdminError('not-found', `connection ${connectionId} does not exist`);
  return found;
}
