/** Reading untrusted JSON values (custom field values, entity properties) without casts. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NONE: readonly unknown[] = Object.freeze([]);

function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** The non-empty values at `path` inside `value`; arrays anywhere on the way are searched element by element. */
export function valuesAtPath(value: unknown, path: readonly string[]): readonly unknown[] {
  // fast path: plain objects all the way down (the common case), no allocation but the result
  let current = value;
  for (let depth = 0; depth < path.length; depth++) {
    if (Array.isArray(current)) return collect(current, path, depth);
    const segment = path[depth];
    if (segment === undefined || !isRecord(current) || !Object.hasOwn(current, segment)) return NONE;
    current = current[segment];
  }
  if (Array.isArray(current)) return collect(current, path, path.length);
  return isEmptyValue(current) ? NONE : [current];
}

function collect(items: readonly unknown[], path: readonly string[], depth: number): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (Array.isArray(item)) out.push(...collect(item, path, depth));
    else if (depth === path.length) {
      if (!isEmptyValue(item)) out.push(item);
    } else out.push(...valuesAtPath(item, path.slice(depth)));
  }
  return out;
}

/**
 * The searchable scalar texts of a custom field value: strings, numbers, booleans, and the
 * `value`/`name`/`key`/`accountId` of option, user and similar objects; arrays element by element.
 */
export function scalarTexts(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(scalarTexts);
  if (isRecord(value)) {
    for (const k of ['value', 'name', 'key', 'accountId', 'id']) {
      const v = value[k];
      if (typeof v === 'string' || typeof v === 'number') return [String(v)];
    }
  }
  return [];
}
