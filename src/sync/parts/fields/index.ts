import { sameValue } from '../../canonical-json';
import { CUSTOM_FIELD_PREFIX, fieldValuesOf, toRulesIssue } from '../../field-values';
import { baseFor, fieldHashes, observed } from '../../link-state';
import { threeWayMerge, type MergeResult } from '../../merge';
import type { FieldValues, LinkState } from '../../state/records';
import { missingOptions, USER_KINDS, type CustomFieldMeta } from '../../../model/custom-field';
import type { RulesIssue } from '../../../ports/rules';
import type { PartContext, SyncedPart } from '../part';
import { editResolution, planResolution, resolutionNote, type ResolutionWrite } from './resolution';
import { desiredValues, toFieldWrite } from './values';

/**
 * The issue's fields (summary, description, priority, labels, due date, assignee, custom fields,
 * and the status's value) as a synced part (part.ts): a three-way merge per field against the
 * values the remote is known to have (src/sync/merge.ts), written in one update. The status's
 * value is merged here with the others; moving the issue there is the status part's.
 * Link state: the remote's values at this apply (`applied`) and ours after it (`known`), with the
 * stamps that decide "later change wins".
 */
export interface FieldsPlan {
  mine: FieldValues;
  theirs: FieldValues;
  known: NonNullable<LinkState['known']>;
  merge: MergeResult;
  /** the fields whose value here is not the remote's (it could not be held here): they keep the time of the value they replace */
  held: ReadonlySet<string>;
  /** the custom fields (field-value names) whose values are people: written by account id, read back as users */
  peopleFields: Set<string>;
  /** the resolution the merge changes, and how it is written (resolution.ts), or null */
  resolution: ResolutionWrite | null;
}

/** the time of a value held back here that replaced none: before any other (the remote's value stands over it) */
export const HELD_STAMP = '1970-01-01T00:00:00.000Z';

interface Done {
  writes: number;
  /** Jira refused the resolution in the edit (the edit was made without it) */
  resolutionRefused: boolean;
}

export function planFields({ deps, connection, message, local, link, desired, pairing, metadata, held }: PartContext): FieldsPlan {
  const mine = fieldValuesOf(toRulesIssue(local, link.comments));
  const known = observed(link, mine, local.updated);
  const theirs = desiredValues(desired);
  const { firstSync, paired } = pairing;
  const base = firstSync || paired ? null : baseFor(link, message.ack);
  const merge = threeWayMerge({
    base: base?.hashes ?? null, baseStamps: base?.stamps ?? {}, withoutBase: firstSync && !paired ? 'apply' : 'later-wins', mine, theirs, policy: connection.conflictPolicy,
    mineEditedAt: known.editedAt, theirsEditedAt: message.editedAt, mineFieldEditedAt: known.stamps, theirsFieldEditedAt: message.fieldEditedAt,
    mySiteId: deps.site.cloudId, theirSiteId: message.from.cloudId,
  });
  // The field holding the other side's key is ours to write, whatever the merge decided: its value is
  // made here from the replica's key, not a value of the remote's (its times say nothing of it).
  const keyField = connection.rulesConfig.remoteKeyField;
  const keyFieldName = keyField !== null ? Object.keys(theirs).find((f) => f.toLowerCase() === `${CUSTOM_FIELD_PREFIX}${keyField}`.toLowerCase()) : undefined;
  if (keyFieldName !== undefined && !sameValue(mine[keyFieldName], theirs[keyFieldName])) merge.apply[keyFieldName] = theirs[keyFieldName] ?? null;
  return { mine, theirs, known, merge, peopleFields: peopleFieldsOf(merge.apply, metadata.customFields), held, resolution: planResolution(merge, metadata) };
}

/**
 * Never a wrong value: a custom field value naming an option this site's field does not offer is
 * not written (the local value stays; a new twin is created without it), with a warning naming the
 * field and the value. Takes them out of the desired issue (in place), before anything is written.
 * Returns the warnings and the fields held back (field-value names).
 */
export function holdUnofferedOptions(desired: RulesIssue, fields: readonly CustomFieldMeta[]): { notes: string[]; held: string[]; unmapped: { field: string; value: string }[] } {
  const notes: string[] = [];
  const held: string[] = [];
  const unmapped: { field: string; value: string }[] = [];
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  for (const [name, { value }] of Object.entries(desired.customFields)) {
    const field = byName.get(name.toLowerCase());
    if (!field) continue;
    const missing = missingOptions(field, value);
    if (missing.length === 0) continue;
    delete desired.customFields[name];
    held.push(CUSTOM_FIELD_PREFIX + name);
    notes.push(`${field.name}: ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'is not an option' : 'are not options'} of this field here; kept the local value`);
    for (const value of missing) unmapped.push({ field: field.name, value });
  }
  return { notes, held, unmapped };
}

function withoutField(values: FieldValues, field: string): FieldValues {
  const rest = { ...values };
  delete rest[field];
  return rest;
}

function localResolution(values: FieldValues): string | null {
  return typeof values.resolution === 'string' ? values.resolution : null;
}

/** the custom fields (field-value names) whose values are people: written by account id, read back as users */
function peopleFieldsOf(apply: FieldValues, fields: readonly CustomFieldMeta[]): Set<string> {
  const kinds = new Map(fields.map((f) => [CUSTOM_FIELD_PREFIX + f.name.toLowerCase(), f.kind]));
  return new Set(Object.keys(apply).filter((name) => {
    const kind = kinds.get(name.toLowerCase());
    return kind !== undefined && USER_KINDS.has(kind);
  }));
}

export const fieldsPart: SyncedPart<null, FieldsPlan, Done> = {
  name: 'fields',
  phase: 'fields',
  prepare: async () => null,
  plan: (ctx) => ctx.values(),
  rewrite: () => (doc) => doc,
  protect: () => (doc) => doc,
  resettle: () => undefined,
  writes: (plan) => (Object.keys(toFieldWrite(plan.merge.apply)).length > 0 || plan.resolution?.how === 'edit' ? 1 : 0),
  longRunning: () => false,
  needsCurrentIssue: () => false,

  async execute({ deps, local }, plan) {
    const fields = toFieldWrite(plan.merge.apply);
    // the status stays: the resolution is tried in the edit, alone when nothing else changes
    // (one call); refused, the rest is written without it (resolution.ts)
    if (plan.resolution?.how === 'edit') {
      const accepted = await editResolution(deps.jira, local.id, plan.resolution.value, fields);
      if (accepted || Object.keys(fields).length === 0) return { writes: 1, resolutionRefused: !accepted };
      await deps.jira.updateIssue(local.id, fields);
      return { writes: 1, resolutionRefused: true };
    }
    if (Object.keys(fields).length === 0) return { writes: 0, resolutionRefused: false };
    await deps.jira.updateIssue(local.id, fields);
    return { writes: 1, resolutionRefused: false };
  },

  settle: () => (doc) => doc,

  commit(link, plan, done, after, message) {
    const { mine, theirs, known } = plan;
    link.applied = { version: link.version, hashes: fieldHashes(theirs), stamps: message.fieldEditedAt };
    // the remote's resolution not written (a name this site lacks, or refused in the edit): the
    // local one stays with its own time, and is not a difference to send back (resolution.ts)
    const resolutionHeld = plan.resolution !== null && (plan.resolution.how === 'unknown' || done.resolutionRefused);
    const merge = resolutionHeld ? { ...plan.merge, apply: withoutField(plan.merge.apply, 'resolution') } : plan.merge;
    const notes = resolutionHeld && plan.resolution ? [resolutionNote(plan.resolution, localResolution(mine), plan.resolution.how === 'unknown' ? 'unknown' : 'edit')] : [];
    const stamps = { ...known.stamps };
    for (const field of Object.keys(merge.apply)) {
      // a value that is not the remote's (held back here) is not a newer value than the one it replaced
      if (plan.held.has(field)) {
        stamps[field] ??= HELD_STAMP;
        continue;
      }
      const stamp = message.fieldEditedAt[field] ?? message.editedAt;
      if (stamp !== null) stamps[field] = stamp;
    }
    // the description written keeps what a part protects (an image of ours): a value made here, now,
    // which the remote must take over its own (else its later edit would win and drop the image)
    const kept = 'description' in merge.apply && !sameValue(merge.apply.description, theirs.description);
    if (kept) stamps.description = after.updated;
    const values = { ...mine, ...merge.apply };
    // written in this site's spelling of the name
    if (!resolutionHeld && plan.resolution) values.resolution = plan.resolution.value;
    link.known = { hashes: fieldHashes(values), editedAt: known.editedAt, stamps };
    return {
      writes: 0,
      copied: 0,
      // a field we kept different: the remote does not have our value (a resolution held here is not ours to send)
      unsent: Object.keys(theirs).some((f) => !(resolutionHeld && f === 'resolution') && !sameValue(values[f], theirs[f])),
      notes,
      conflicts: merge.conflicts.map((c) => `${c.field} → ${c.winner === 'mine' ? 'kept local' : 'took remote'}`),
      // the description written keeps what a part protects (an image of ours): not what they sent
      tell: kept,
    };
  },

  after(issue, plan, done) {
    if (plan.resolution?.how === 'edit' && !done.resolutionRefused) issue.resolution = plan.resolution.value;
    // an assignee is written by account id: what Jira shows then is not known exactly (read again)
    if ('assignee' in plan.merge.apply) return false;
    // a parent is written by id, a person in a custom field by account id: the same
    if ('parent' in plan.merge.apply || Object.keys(plan.merge.apply).some((f) => plan.peopleFields.has(f))) return false;
    const write = toFieldWrite(plan.merge.apply);
    if (write.summary !== undefined) issue.summary = write.summary;
    if (write.description !== undefined) issue.description = write.description;
    if (write.priority !== undefined) issue.priority = write.priority;
    if (write.labels !== undefined) issue.labels = write.labels;
    if (write.dueDate !== undefined) issue.dueDate = write.dueDate;
    if (write.components !== undefined) issue.components = [...write.components].sort();
    if (write.fixVersions !== undefined) issue.fixVersions = [...write.fixVersions].sort();
    for (const [name, value] of Object.entries(write.customFields ?? {})) issue.customFields[name] = { value };
    return true;
  },
};
