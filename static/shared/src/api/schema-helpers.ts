import * as z from 'zod/mini';

/*
 * Small schema pieces for resolver answers. The pages use `zod/mini` (tree-shakable functions):
 * the full `zod` API costs about 30 kB gzipped in each page.
 */

/** text that may be absent or null → string | null */
export const optionalText = () => z.pipe(z.nullish(z.string()), z.transform((v) => v ?? null));

/** text that may be absent or null → string, `fallback` when absent */
export const textOr = (fallback: string) => z.pipe(z.nullish(z.string()), z.transform((v) => v ?? fallback));

/** a whole number ≥ 0, 0 when absent */
export const count = () => z._default(z.int().check(z.nonnegative()), 0);

/** a whole number that may be absent or null → number | null */
export const optionalInt = () => z.pipe(z.nullish(z.int()), z.transform((v) => v ?? null));

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
