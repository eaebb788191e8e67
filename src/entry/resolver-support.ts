import type { z } from 'zod';
import type { ResolverCall, ResolverDefinition } from '../adapters/forge/forge-resolver';
import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';
import { PermanentError, UserError } from '../sync/errors';
import { UnsafeKeyPartError } from '../sync/state/keys';

/** The answer of a resolver that failed in an expected way. Success answers are the value itself. */
export interface ResolverFailure {
  /** `field`: with `invalid-payload`, the path of the first field at fault (`limits.cpuMs`; `payload` for the payload as a whole) */
  error: { code: string; message: string; field?: string };
}

function failure(code: string, message: string, field?: string): ResolverFailure {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

const MAX_SEGMENT = 60;

/** `connectionId`, `limits.cpuMs`, `payload` (the root); a sent key is cut short, it may be 10,000 characters */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment).slice(0, MAX_SEGMENT)).join('.') || 'payload';
}

/** The `invalid-payload` answer for zod's issues: every field at fault named (five at most), the first one as `field`. */
export function invalidPayload(issues: readonly z.core.$ZodIssue[]): ResolverFailure {
  const faults = issues.flatMap((issue) => issue.code === 'unrecognized_keys'
    ? issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), message: 'not a field of this payload' }))
    : [{ field: fieldName(issue.path), message: issue.message }]);
  const message = faults.slice(0, 5).map((f) => `${f.field}: ${f.message}`).join('; ');
  return failure('invalid-payload', message, faults[0]?.field ?? 'payload');
}

/** The payload parsed with `schema`, or the `invalid-payload` answer to give. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): { ok: true; data: z.infer<S> } | { ok: false; failure: ResolverFailure } {
  const parsed = schema.safeParse(payload);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, failure: invalidPayload(parsed.error.issues) };
}

/**
 * `safePart` (src/sync/state/keys.ts) refuses an id that cannot be part of a storage key. Payload
 * schemas refuse such ids first; if one still gets through (a schema too loose, an id inside an
 * opaque value), the call answers `invalid-payload`: it is thrown as the key is built, so nothing
 * was written under it.
 */
function isUnsafeKeyPart(error: unknown): error is UnsafeKeyPartError {
  return error instanceof UnsafeKeyPartError;
}

/**
 * The answer for an error thrown while a resolver function ran, when it is an expected one: bad
 * input (UserError, an id that cannot be stored), refused data, rules, or Jira refusing the request
 * (4xx but 429). Null for anything else, a fault of the app or the platform: it propagates, so the
 * platform records it.
 */
export function expectedFailure(error: unknown): ResolverFailure | null {
  if (error instanceof UserError) return failure(error.code, error.message);
  if (error instanceof PermanentError) return failure('failed', error.message);
  if (error instanceof RulesError) return failure('rules', error.message);
  if (error instanceof JiraError && error.status >= 400 && error.status < 500 && error.status !== 429) return failure('jira', error.message);
  if (isUnsafeKeyPart(error)) return failure('invalid-payload', `An id in this request cannot be used (${error.message}).`, 'payload');
  return null;
}

/**
 * A resolver function: its payload is parsed with `schema` (a bad payload changes nothing and
 * answers `{error: {code: 'invalid-payload', message, field}}`); expected failures answer
 * `{error: {code, message}}` (expectedFailure); unexpected ones propagate so the platform records them.
 */
export function defineResolver<S extends z.ZodType>(schema: S, run: (payload: z.infer<S>, call: ResolverCall) => Promise<unknown>): ResolverDefinition {
  return async (call) => {
    const parsed = parsePayload(schema, call.payload);
    if (!parsed.ok) return parsed.failure;
    try {
      return await run(parsed.data, call);
    } catch (error) {
      const answer = expectedFailure(error);
      if (answer === null) throw error;
      return answer;
    }
  };
}
