/**
 * A JSON value as an admin reads it in a list of changes: text as it is, nothing as "(none)", a
 * list joined by commas, a person or a named thing by its name, a custom field's `{value}` by its
 * value, anything else as compact JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['displayName', 'name', 'key'] as const) {
      const named = record[key];
      if (typeof named === 'string' && named !== '') return named;
    }
    if ('value' in record && Object.keys(record).length <= 2) return formatValue(record['value']);
    return JSON.stringify(value);
  }
  return String(value);
}
