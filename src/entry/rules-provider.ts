import type { RulesProvider } from '../ports/rules-provider';
import type { StorePort } from '../ports/store';
import { KvRulesStore } from '../rules/kv-rules-store';
import { ScriptRulesProvider } from '../rules/script-rules-provider';
import { BuiltinRulesProvider } from '../rules/builtin/provider';

/**
 * THE seam for sync rules: every handler gets its rules from here. A connection's saved scripts
 * (QuickJS, src/rules) when an admin saved some, else the built-in TypeScript default rules
 * (src/rules/builtin), which the default scripts reproduce exactly.
 * To run the built-in rules only: `return new BuiltinRulesProvider();`.
 */
export function rulesProviderFor(store: StorePort): RulesProvider {
  return new ScriptRulesProvider(new KvRulesStore(store), new BuiltinRulesProvider());
}
