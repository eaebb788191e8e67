import * as z from 'zod/mini';

/**
 * The answer of a resolver function that failed in an expected way (src/entry/resolver-support.ts,
 * and the access checks of src/entry/authorization.ts): a code for the page to act on, a message
 * to show. `field`: with `invalid-payload`, the path of the first field at fault (`limits.cpuMs`;
 * `payload` for the payload as a whole). A success answer is the value itself
 * (src/contracts/*-results.ts), never an object with an `error` field.
 */
export const ResolverFailureSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.minLength(1)),
    message: z.string(),
    field: z.exactOptional(z.string()),
  }),
});
export type ResolverFailure = z.infer<typeof ResolverFailureSchema>;
