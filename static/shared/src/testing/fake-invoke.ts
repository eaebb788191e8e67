import type { InvokeFn } from '../api/invoke-resolver';

/**
 * The single stand-in for `@forge/bridge` in the component tests: an `invoke` that answers from
 * the given handlers (a handler may throw, or return `{error: {code, message}}`, like a resolver)
 * and records every call.
 */
export type FakeHandlers = Record<string, (payload: Record<string, unknown>) => unknown>;

export interface FakeBridge {
  invoke: InvokeFn;
  calls: { functionKey: string; payload: Record<string, unknown> }[];
  callsOf: (functionKey: string) => Record<string, unknown>[];
  /** replace or add handlers while a test runs */
  set: (more: FakeHandlers) => void;
}

export function fakeBridge(handlers: FakeHandlers): FakeBridge {
  const table: FakeHandlers = { ...handlers };
  const calls: FakeBridge['calls'] = [];
  return {
    calls,
    callsOf: (functionKey) => calls.filter((c) => c.functionKey === functionKey).map((c) => c.payload),
    set: (more) => Object.assign(table, more),
    invoke: async (functionKey, payload = {}) => {
      calls.push({ functionKey, payload });
      const handler = table[functionKey];
      if (handler === undefined) throw new Error(`The fake bridge has no resolver function ${functionKey}.`);
      return handler(payload);
    },
  };
}
