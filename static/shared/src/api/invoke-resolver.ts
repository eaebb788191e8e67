import * as z from 'zod/mini';
import { ResolverFailureSchema } from '../../../../src/contracts/resolver-failure';
import { ResolverError, readableMessage } from './resolver-error';

/**
 * The one thing the pages need from `@forge/bridge`: `invoke(functionKey, payload)`. The entry
 * files pass the real bridge; tests pass a fake. Nothing else in `static/` touches the bridge.
 */
export type InvokeFn = (functionKey: string, payload?: Record<string, unknown>) => Promise<unknown>;

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? ` (expected ${issue.expected})` : '';
  return `${issue.message}${expected}`;
}

/**
 * Calls one resolver function and checks its answer with `schema`, the function's result contract
 * (src/contracts/*-results.ts). Every failure becomes a `ResolverError` with a readable message: a
 * thrown error from `invoke`, the resolver's failure answer (`{error: {code, message, field?}}`,
 * src/contracts/resolver-failure.ts), or a reply of any other shape.
 */
export async function invokeResolver<T extends z.core.$ZodType>(
  invoke: InvokeFn,
  functionKey: string,
  payload: Record<string, unknown>,
  schema: T,
): Promise<z.infer<T>> {
  let reply: unknown;
  try {
    reply = await invoke(functionKey, payload);
  } catch (error) {
    throw new ResolverError(readableMessage(error), 'INVOKE_FAILED');
  }
  const asFailure = ResolverFailureSchema.safeParse(reply);
  if (asFailure.success) throw new ResolverError(asFailure.data.error.message, asFailure.data.error.code);
  const parsed = z.safeParse(schema, reply);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ResolverError(`The app answered ${functionKey} in an unexpected shape${where}: ${describeIssue(issue)}.`, 'BAD_REPLY');
  }
  return parsed.data;
}

/**
 * A typed client of one resolver: `call(key, payload)` sends a payload of the function's payload
 * type `P[key]` (from its payload schema, src/contracts/*-payloads.ts) and answers what its result
 * schema `results[key]` describes.
 */
export function resolverClient<P extends { [K in keyof M]: unknown }, M extends Record<string, z.core.$ZodType>>(invoke: InvokeFn, results: M) {
  return <K extends keyof M & string>(key: K, payload: P[K] & Record<string, unknown>): Promise<z.output<M[K]>> => invokeResolver<M[K]>(invoke, key, payload, results[key]);
}
