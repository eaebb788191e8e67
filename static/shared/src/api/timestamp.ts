import * as z from 'zod/mini';

/** A time from a resolver: ISO text or epoch milliseconds, read as epoch ms; absent → null. */
export const timestamp = z.pipe(
  z.optional(z.union([z.number(), z.string(), z.null()])),
  z.transform((value, ctx): number | null => {
    if (value === null || value === undefined) return null;
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.issues.push({ code: 'custom', message: `not a time: ${String(value)}`, input: value });
      return z.NEVER;
    }
    return ms;
  }),
);
