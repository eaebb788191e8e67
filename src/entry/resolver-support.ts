import type { z } from 'zod';
import type { ResolverCall, ResolverDefinition } from '../adapters/forge/forge-resolver';
import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';
import { PermanentError, UserError } from '../sync/errors';

/** The answer of a resolver that failed in an expected way. Success answers are the value itself. */
export interface ResolverFailure {
  error: { code: string; message: string };
}

/**
 * A resolver function: its payload is parsed with `schema` (a bad payload changes nothing and
 * answers `{error: {code: 'invalid-payload'}}`); expected failures answer `{error: {code, message}}`;
 * unexpected ones propagate so the platform records them.
 */
export function defineResolver<S extends z.ZodType>(schema: S, run: (payload: z.infer<S>, call: ResolverCall) => Promise<unknown>): ResolverDefinition {
  return async (call) => {
    const parsed = schema.safeParse(call.payload);
    if (!parsed.success) {
      return failure('invalid-payload', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '));
    }
    try {
      return await run(parsed.data, call);
    } catch (error) {
      if (error instanceof UserError) return failure(error.code, error.message);
      if (error instanceof PermanentError) return failure('failed', error.message);
      if (error instanceof RulesError) return failure('rules', error.message);
      if (error instanceof JiraError && error.status >= 400 && error.status < 500 && error.status !== 429) return failure('jira', error.message);
      throw error;
    }
  };
}

function failure(code: string, message: string): ResolverFailure {
  return { error: { code, message } };
}
