import { z } from 'zod';
import { OPTION_KINDS, optionValuesOf, type CustomFieldMeta } from '../model/custom-field';
import { MappingTableSchema, toLocal, type Mappings, type MappingTable, type UnmappedValue } from '../model/mappings';
import type { Replica, UserRef } from '../model/replica';

/**
 * The other site's values as replicas carried them, per mapping table, for the Mappings tab: the
 * values to pick a row's remote side from, and the values no row maps and that do not exist here
 * ("unmapped", with how many issues met them). Each link keeps those of its last apply (so an
 * apply costs no storage operation of its own, and nothing is counted twice); the tab gathers them
 * over the connection's links (`gatherMappingValues`), a bounded number of pages.
 */

/** a value longer than this is kept cut */
const MAX_VALUE_CHARS = 120;
/** at most this many values are kept per link */
export const MAX_VALUES_PER_LINK = 40;

const ShortSchema = z.string().max(MAX_VALUE_CHARS);
const KeptValueSchema = z.strictObject({ table: MappingTableSchema, field: ShortSchema.nullable(), value: ShortSchema, label: ShortSchema.nullable() });
export const MappingValuesOfLinkSchema = z.strictObject({
  seen: z.array(KeptValueSchema).max(MAX_VALUES_PER_LINK),
  unmapped: z.array(KeptValueSchema).max(MAX_VALUES_PER_LINK),
});
export type MappingValuesOfLink = z.infer<typeof MappingValuesOfLinkSchema>;

/** A value over a connection's links: in how many issues' last applies, how many could not place it. */
export interface SeenValue {
  table: MappingTable;
  field: string | null;
  value: string;
  label: string | null;
  /** issues whose last apply carried it */
  seen: number;
  /** issues whose last apply could not place it */
  unmapped: number;
  /** the latest of those applies */
  lastAt: string;
  /** the issue here of the latest apply that could not place it */
  lastIssueKey: string | null;
}

export interface ValueSeen {
  table: MappingTable;
  field: string | null;
  value: string;
  label: string | null;
}

const cut = (s: string) => s.slice(0, MAX_VALUE_CHARS);
const idOf = (v: { table: string; field: string | null; value: string }) => `${v.table}\u0000${(v.field ?? '').toLowerCase()}\u0000${v.value.toLowerCase()}`;

/**
 * The mappable values a replica carries: its project, type, status, priority, resolution, the names
 * of its custom fields that hold a value, the option values of the fields that are option fields
 * here (by the local field's name, after the field rows), and its people.
 */
export function valuesIn(replica: Replica, mappings: Mappings, fields: readonly CustomFieldMeta[]): ValueSeen[] {
  const out: ValueSeen[] = [];
  const add = (table: MappingTable, value: string | null | undefined, field: string | null = null, label: string | null = null) => {
    if (value !== null && value !== undefined && value !== '') out.push({ table, field: field === null ? null : cut(field), value: cut(value), label: label === null ? null : cut(label) });
  };
  add('project', replica.projectKey);
  add('issueType', replica.type?.name);
  add('status', replica.status?.name);
  add('priority', replica.priority?.name);
  add('resolution', replica.resolution?.name);
  const person = (u: UserRef | null) => add('users', u?.accountId, null, u?.displayName || null);
  person(replica.assignee);
  person(replica.reporter);
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  for (const [name, { value }] of Object.entries(replica.customFields)) {
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    add('fields', name);
    const target = toLocal(mappings.fields, name);
    if (target === null) continue;
    const local = byName.get((target ?? name).toLowerCase());
    if (local === undefined) continue;
    if (OPTION_KINDS.has(local.kind)) for (const o of optionValuesOf(local.kind, value)) add('options', o.value, local.name);
    if (local.kind === 'user' || local.kind === 'users') for (const u of (Array.isArray(value) ? value : [value])) person(isUser(u) ? u : null);
  }
  const unique = new Map(out.map((v) => [idOf(v), v]));
  return [...unique.values()].slice(0, 100);
}

function isUser(v: unknown): v is UserRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { accountId?: unknown }).accountId === 'string';
}

/** what an apply met, as the link keeps it */
export function mappingValuesOfApply(seen: readonly ValueSeen[], unmapped: readonly UnmappedValue[]): MappingValuesOfLink {
  const keep = (v: { table: MappingTable; field: string | null; value: string; label: string | null }) => ({ table: v.table, field: v.field === null ? null : cut(v.field), value: cut(v.value), label: v.label === null ? null : cut(v.label) });
  return { seen: seen.slice(0, MAX_VALUES_PER_LINK).map(keep), unmapped: unmapped.slice(0, MAX_VALUES_PER_LINK).map(keep) };
}

/** The values of the links given, gathered: one entry per value, with the number of issues. */
export function gatherMappingValues(links: readonly { localKey: string; lastSyncAt: string | null; mappingValues?: MappingValuesOfLink | undefined }[]): SeenValue[] {
  const values = new Map<string, SeenValue>();
  for (const link of links) {
    const at = link.lastSyncAt ?? '1970-01-01T00:00:00.000Z';
    const touch = (v: MappingValuesOfLink['seen'][number], unmapped: boolean) => {
      const id = idOf(v);
      const entry = values.get(id) ?? { ...v, seen: 0, unmapped: 0, lastAt: at, lastIssueKey: null };
      if (unmapped) {
        entry.unmapped += 1;
        if (entry.lastIssueKey === null || at >= entry.lastAt) entry.lastIssueKey = link.localKey;
      } else {
        entry.seen += 1;
      }
      if (at > entry.lastAt) entry.lastAt = at;
      entry.label = entry.label ?? v.label;
      values.set(id, entry);
    };
    for (const v of link.mappingValues?.seen ?? []) touch(v, false);
    for (const v of link.mappingValues?.unmapped ?? []) touch(v, true);
  }
  return [...values.values()];
}
