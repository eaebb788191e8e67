/**
 * Narrowing helpers for data the browser receives (the REST API's JSON, the boot configuration).
 * The client has no bundler, so it cannot ship zod: these guards play its part, without casts.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string at `key`, or undefined when absent or not a string. */
export function str(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

/** The number at `key`, or undefined when absent or not a finite number. */
export function num(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The record at `key`, or undefined. */
export function rec(value: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return isRecord(v) ? v : undefined;
}

/** The array at `key`, or an empty array. */
export function arr(value: unknown, key: string): unknown[] {
  if (!isRecord(value)) return [];
  const v = value[key];
  return Array.isArray(v) ? v : [];
}
