import { sameValue } from './canonical-json';
import type { ConflictPolicy, FieldValues } from './state/records';
import type { JsonValue } from './replica';

/**
 * Three-way merge per field, in local terms (architecture §5.3).
 * base = the values the remote is known to have seen from us (or sent us), mine = current local
 * values, theirs = the desired values the incoming rules produced.
 */
export interface MergeInput {
  base: FieldValues | null;
  mine: FieldValues;
  theirs: FieldValues;
  policy: ConflictPolicy;
  /** when a person last changed each side (ISO), compared by 'later-wins' */
  mineEditedAt: string | null;
  theirsEditedAt: string | null;
  mySiteId: string;
  theirSiteId: string;
}

export interface Conflict {
  field: string;
  base: JsonValue | undefined;
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
    if (hasBase && sameValue(theirs, base)) continue;
    if (!hasBase || sameValue(mine, base)) {
      apply[field] = theirs;
      continue;
    }
    const winner = decideConflict(input);
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

function toMillis(iso: string | null): number {
  if (iso === null) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
