import Resolver from '@forge/resolver';

/** What a resolver function gets, reduced to what the entry handlers use. */
export interface ResolverCall {
  payload: unknown;
  context: { accountId: string | null; cloudId: string | null; extension: Record<string, unknown> };
}

export type ResolverDefinition = (call: ResolverCall) => Promise<unknown>;
export type ResolverDefinitions = Record<string, ResolverDefinition>;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Builds a Forge resolver handler from a map of function key → definition. */
export function buildResolver(definitions: ResolverDefinitions): ReturnType<Resolver['getDefinitions']> {
  const resolver = new Resolver();
  for (const [key, definition] of Object.entries(definitions)) {
    resolver.define(key, async (request: { payload: unknown; context: unknown }) => {
      const context = request.context !== null && typeof request.context === 'object' ? request.context : {};
      const extension = 'extension' in context && context.extension !== null && typeof context.extension === 'object' ? { ...context.extension } : {};
      return definition({
        payload: request.payload ?? {},
        context: {
          accountId: 'accountId' in context ? str(context.accountId) : null,
          cloudId: 'cloudId' in context ? str(context.cloudId) : null,
          extension,
        },
      }) as Promise<Record<string, unknown>>;
    });
  }
  return resolver.getDefinitions();
}
