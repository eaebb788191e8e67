/** Reading untrusted JSON values (custom field values, entity properties) without casts. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The non-empty values at `path` inside `value`; arrays anywhere on the way are searched element by element. */
export function valuesAtPath(value: unknown, path: readonly string[]): unknown[] {
  const out: unknown[] = [];
  const walk = (current: unknown, depth: number): void => {
    if (current === null || current === undefined || current === '') return;
    if (Array.isArray(current)) {
      for (const item of current) walk(item, depth);
      return;
    }
    if (depth === path.length) {
      out.push(current);
      return;
    }
    const segment = path[depth];
    if (segment !== undefined && isRecord(current) && Object.hasOwn(current, segment)) walk(current[segment], depth + 1);
  };
  walk(value, 0);
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
