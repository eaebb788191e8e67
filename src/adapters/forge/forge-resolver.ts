import Resolver from '@forge/resolver';
import { z } from 'zod';

/** What a resolver function gets, reduced to what the entry handlers use. */
export interface ResolverCall {
  payload: unknown;
  context: { accountId: string | null; cloudId: string | null; extension: Record<string, unknown> };
}

export type ResolverDefinition = (call: ResolverCall) => Promise<unknown>;
export type ResolverDefinitions = Record<string, ResolverDefinition>;

/**
 * The fields of Forge's resolver context the handlers use. Absent ones become null here; whether
 * a function needs them is the entry handler's decision (src/entry/resolver-context.ts).
 */
export const ResolverContextSchema = z.looseObject({
  accountId: z.string().min(1).nullish(),
  cloudId: z.string().min(1).nullish(),
  extension: z.record(z.string(), z.unknown()).nullish(),
});

/** The call as the handlers see it, or a readable reason why Forge's context does not parse. */
export function toResolverCall(request: { payload: unknown; context: unknown }): ResolverCall | { error: { code: 'invalid-context'; message: string } } {
  const parsed = ResolverContextSchema.safeParse(request.context ?? {});
  if (!parsed.success) {
    const message = parsed.error.issues.slice(0, 5).map((i) => `context.${i.path.join('.')}: ${i.message}`).join('; ');
    return { error: { code: 'invalid-context', message: `The resolver was called with an unusable context (${message}).` } };
  }
  return {
    payload: request.payload ?? {},
    context: { accountId: parsed.data.accountId ?? null, cloudId: parsed.data.cloudId ?? null, extension: { ...(parsed.data.extension ?? {}) } },
  };
}

/** Builds a Forge resolver handler from a map of function key → definition. */
export function buildResolver(definitions: ResolverDefinitions): ReturnType<Resolver['getDefinitions']> {
  const resolver = new Resolver();
  for (const [key, definition] of Object.entries(definitions)) {
    resolver.define(key, async (request: { payload: unknown; context: unknown }) => {
      const call = toResolverCall(request);
      if ('error' in call) return call;
      return definition(call) as Promise<Record<string, unknown>>;
    });
  }
  return resolver.getDefinitions();
}
