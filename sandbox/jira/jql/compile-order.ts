import type { JqlFieldRef, JqlSortKey } from './ast';
import type { FieldSpec } from './field-spec';
import { JqlError, type JqlIssue } from './types';

export type Comparator = (a: JqlIssue, b: JqlIssue) => number;

type SortValue = string | number | null;

/** Ascending order, empty (null) values last; numbers before strings when a key mixes them. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}

function byId(a: JqlIssue, b: JqlIssue): number {
  return compareValues(Number(a.id), Number(b.id));
}

/** Default order without ORDER BY: newest first (created DESC), then id DESC. */
export const defaultOrder: Comparator = (a, b) => b.created - a.created || byId(b, a);

/**
 * Compiles ORDER BY. A key without ASC/DESC takes the field's default direction (created, updated and
 * priority DESC, the rest ASC). Issues with an empty value come last in either direction. Ties are
 * broken by issue id in the direction of the last key, so paging is stable.
 */
export function compileOrder(keys: readonly JqlSortKey[] | null, resolve: (ref: JqlFieldRef) => FieldSpec): Comparator {
  if (keys === null || keys.length === 0) return defaultOrder;
  const seen = new Set<string>();
  const parts = keys.map((k) => {
    const spec = resolve(k.field);
    if (!spec.sort) throw new JqlError(`Field '${k.field.text}' does not support sorting.`, 'unsupported');
    const name = spec.name.toLowerCase();
    if (seen.has(name)) throw new JqlError(`The sort field '${k.field.text}' is referenced multiple times in the JQL sort.`, 'invalid-value');
    seen.add(name);
    const key = spec.sort.key;
    const sign = (k.direction ?? spec.sort.defaultDirection) === 'desc' ? -1 : 1;
    return { key, sign };
  });
  const tieSign = parts[parts.length - 1]?.sign ?? -1;
  return (a, b) => {
    for (const { key, sign } of parts) {
      const ka = key(a);
      const kb = key(b);
      if (ka === kb) continue;
      // empty values go last in both directions, as Jira lists them
      if (ka === null) return 1;
      if (kb === null) return -1;
      const c = compareValues(ka, kb);
      if (c !== 0) return sign * c;
    }
    return tieSign * byId(a, b);
  };
}
