import * as z from 'zod/mini';
import { ResolverError, readableMessage } from './resolver-error';

/**
 * The one thing the pages need from `@forge/bridge`: `invoke(functionKey, payload)`. The entry
 * files pass the real bridge; tests pass a fake. Nothing else in `static/` touches the bridge.
 */
export type InvokeFn = (functionKey: string, payload?: Record<string, unknown>) => Promise<unknown>;

const errorReply = z.object({
  error: z.object({ code: z.optional(z.string()), message: z.string() }),
});

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? ` (expected ${issue.expected})` : '';
  return `${issue.message}${expected}`;
}

/**
 * Calls one resolver function and checks its answer with `schema`. Every failure becomes a
 * `ResolverError` with a readable message: a thrown error from `invoke`, an `{error: {code,
 * message}}` reply, or a reply of an unexpected shape.
 */
export async function invokeResolver<T extends z.ZodMiniType>(
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
  const asError = errorReply.safeParse(reply);
  if (asError.success) {
    throw new ResolverError(asError.data.error.message, asError.data.error.code ?? 'ERROR');
  }
  const parsed = schema.safeParse(reply);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ResolverError(`The app answered ${functionKey} in an unexpected shape${where}: ${describeIssue(issue)}.`, 'BAD_REPLY');
  }
  return parsed.data;
}
