import { sameValue, valueHash } from './canonical-json';
import type { ConflictPolicy, FieldHashes, FieldValues } from './state/records';
import type { JsonValue } from '../model/replica';

/**
 * Three-way merge per field, in local terms (architecture §5.3).
 * base = the values the remote is known to have seen from us (or sent us), mine = current local
 * values, theirs = the desired values the incoming rules produced.
 */
export interface MergeInput {
  /** the base as the link state keeps it: a hash of each field's value (`valueHash`) */
  base: FieldHashes | null;
  /**
   * Per field, the stamp of the base value. A value equal to the base but made again later (its
   * stamp differs: changed and changed back) counts as changed.
   */
  baseStamps?: Record<string, string>;
  mine: FieldValues;
  theirs: FieldValues;
  policy: ConflictPolicy;
  /** when a person last changed each side (ISO), compared by 'later-wins' */
  mineEditedAt: string | null;
  theirsEditedAt: string | null;
  /** per field, when its value was made on each side; the issue-level times above when absent */
  mineFieldEditedAt?: Record<string, string>;
  theirsFieldEditedAt?: Record<string, string>;
  mySiteId: string;
  theirSiteId: string;
  /**
   * Without a base for a field: 'apply' theirs (a new twin), or decide as a conflict by the
   * stamps, 'later-wins' (the base was forgotten: never guess that one side did not change).
   */
  withoutBase?: 'apply' | 'later-wins';
}

export interface Conflict {
  field: string;
  /** the base value's hash */
  base: string | undefined;
  mine: JsonValue | undefined;
  theirs: JsonValue;
  winner: 'mine' | 'theirs';
}

export interface MergeResult {
  /** fields to write, with their new values */
  apply: FieldValues;
  conflicts: Conflict[];
}

export function threeWayMerge(input: MergeInput): MergeResult {
  const apply: FieldValues = {};
  const conflicts: Conflict[] = [];
  for (const [field, theirs] of Object.entries(input.theirs)) {
    const mine = input.mine[field];
    if (sameValue(theirs, mine)) continue;
    const base = input.base?.[field];
    const hasBase = input.base !== null && field in input.base;
    const baseStamp = input.baseStamps?.[field];
    const sameAsBase = (value: JsonValue | undefined, stamp: string | undefined) => valueHash(value) === base && (baseStamp === undefined || stamp === undefined || stamp === baseStamp);
    if (hasBase && sameAsBase(theirs, input.theirsFieldEditedAt?.[field])) continue;
    if (!hasBase && input.withoutBase !== 'later-wins') {
      apply[field] = theirs;
      continue;
    }
    if (hasBase && sameAsBase(mine, input.mineFieldEditedAt?.[field])) {
      // Theirs differs from what they acknowledged of ours, but was made before ours: not a change
      // made there since, a value the remote could not hold (an option or a person it lacks, a
      // mention it had to write as text). Ours stands; theirs is theirs to keep.
      if (!madeBefore(input.theirsFieldEditedAt?.[field], input.mineFieldEditedAt?.[field])) apply[field] = theirs;
      continue;
    }
    const winner = decideConflict({
      ...input,
      mineEditedAt: input.mineFieldEditedAt?.[field] ?? input.mineEditedAt,
      theirsEditedAt: input.theirsFieldEditedAt?.[field] ?? input.theirsEditedAt,
    });
    conflicts.push({ field, base, mine, theirs, winner });
    if (winner === 'theirs') apply[field] = theirs;
  }
  return { apply, conflicts };
}

/** Both sides reach the same decision: the same two timestamps and site ids, seen from either side. */
export function decideConflict(input: Pick<MergeInput, 'policy' | 'mineEditedAt' | 'theirsEditedAt' | 'mySiteId' | 'theirSiteId'>): 'mine' | 'theirs' {
  if (input.policy === 'local-wins') return 'mine';
  if (input.policy === 'remote-wins') return 'theirs';
  const mine = toMillis(input.mineEditedAt);
  const theirs = toMillis(input.theirsEditedAt);
  if (mine !== theirs) return mine > theirs ? 'mine' : 'theirs';
  return input.mySiteId > input.theirSiteId ? 'mine' : 'theirs';
}

/** both stamps known, and `a` strictly before `b` */
function madeBefore(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return toMillis(a) < toMillis(b);
}

function toMillis(iso: string | null): number {
  if (iso === null) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
