import { arr, isRecord } from './guards';

/** Labels typed in a text box: separated by whitespace or commas, duplicates removed, order kept. */
export function parseLabels(text: string): string[] {
  const seen = new Set<string>();
  for (const label of text.split(/[\s,]+/)) if (label !== '') seen.add(label);
  return [...seen];
}

/** The items of a REST list answer: a bare array, or the array under one of `keys` of a page object. */
export function listItems(data: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(data)) return data;
  for (const key of keys) {
    if (isRecord(data) && Array.isArray(data[key])) return arr(data, key);
  }
  return [];
}
