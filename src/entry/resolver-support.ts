import type { z } from 'zod';
import type { ResolverCall, ResolverDefinition } from '../adapters/forge/forge-resolver';
import type { ResolverFailure } from '../contracts/resolver-failure';
import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';
import { PermanentError, UserError } from '../sync/errors';
import { UnsafeKeyPartError } from '../sync/state/keys';

/** The answer of a resolver that failed in an expected way (src/contracts/resolver-failure.ts). Success answers are the value itself. */
export type { ResolverFailure };

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
 * A resolver function with the schema of its success answer (src/contracts/*-results.ts) as
 * `result`. `answer` exists only in the type: what the function's code answers, so that
 * `InexactAnswers` can tell whether that is exactly the result schema's type.
 */
export type ContractDefinition<R extends z.core.$ZodType, T extends z.output<R> = z.output<R>> = ResolverDefinition & {
  readonly result: R;
  readonly answer?: T;
};

/** A and B are assignable to each other: neither has a field the other lacks, no field differs. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The keys of `definitions` whose code answers something else than exactly their result schema's
 * type: `defineResolver` already refuses an answer the schema does not accept; this catches an
 * answer with more than the schema (a field the engine added and the contract lacks). Use it as
 * `const exact: Record<InexactAnswers<typeof definitions>, never> = {}`: a key it names is missing.
 */
export type InexactAnswers<D> = {
  [K in keyof D]: D[K] extends { readonly result: infer R extends z.core.$ZodType; readonly answer?: infer T } ? (Same<T, z.output<R>> extends true ? never : K) : K;
}[keyof D];

/**
 * A resolver function: its payload is parsed with `payload` (a bad payload changes nothing and
 * answers `{error: {code: 'invalid-payload', message, field}}`); `run` answers what `result`
 * describes (checked when this compiles; the contract test checks the answers of the running app);
 * expected failures answer `{error: {code, message}}` (expectedFailure); unexpected ones propagate
 * so the platform records them.
 */
export function defineResolver<S extends z.ZodType, R extends z.core.$ZodType, T extends z.output<R>>(
  payload: S,
  result: R,
  run: (payload: z.infer<S>, call: ResolverCall) => Promise<T>,
): ContractDefinition<R, T> {
  const definition: ResolverDefinition = async (call) => {
    const parsed = parsePayload(payload, call.payload);
    if (!parsed.ok) return parsed.failure;
    try {
      return await run(parsed.data, call);
    } catch (error) {
      const answer = expectedFailure(error);
      if (answer === null) throw error;
      return answer;
    }
  };
  return Object.assign(definition, { result });
}
