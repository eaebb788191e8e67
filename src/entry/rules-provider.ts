import type { RulesProvider } from '../ports/rules-provider';
import type { RulesStore, StoredRules } from '../ports/rules-store';
import type { StorePort } from '../ports/store';
import { KvRulesStore } from '../rules/kv-rules-store';
import { ScriptRulesProvider } from '../rules/script-rules-provider';
import { BuiltinRulesProvider } from '../rules/builtin/provider';

/**
 * THE seam for sync rules: every handler gets its rules from here. A connection's saved scripts
 * when an admin saved some, else the default scripts for the connection's `rulesConfig`
 * (src/rules/builtin/provider.ts); both run in QuickJS through the same script engine.
 * To run the default rules only: `return new BuiltinRulesProvider();`.
 *
 * Call it once per invocation (src/entry/engine.ts does): the provider reads a connection's current
 * rules at most once in its lifetime, so a save by an admin applies from the next invocation on.
 */
export function rulesProviderFor(store: StorePort): RulesProvider {
  return new ScriptRulesProvider(new InvocationCurrentRules(new KvRulesStore(store)), new BuiltinRulesProvider());
}

/**
 * The current rules of each connection read once (concurrent readers share the read; a failed
 * read is not kept). Read-only; never outlives one invocation.
 */
class InvocationCurrentRules implements Pick<RulesStore, 'getCurrent'> {
  private readonly current = new Map<string, Promise<StoredRules | null>>();

  constructor(private readonly inner: Pick<RulesStore, 'getCurrent'>) {}

  getCurrent(connectionId: string): Promise<StoredRules | null> {
    let read = this.current.get(connectionId);
    if (read === undefined) {
      read = this.inner.getCurrent(connectionId).catch((error: unknown) => {
        this.current.delete(connectionId);
        throw error;
      });
      this.current.set(connectionId, read);
    }
    return read;
  }
}
