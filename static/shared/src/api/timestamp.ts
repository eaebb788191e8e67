import { z } from 'zod';

/** A time from a resolver: ISO text or epoch milliseconds, read as epoch ms; absent → null. */
export const timestamp = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value, ctx): number | null => {
    if (value === null || value === undefined) return null;
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `not a time: ${String(value)}` });
      return z.NEVER;
    }
    return ms;
  });
