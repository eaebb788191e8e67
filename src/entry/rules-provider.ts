import type { RulesProvider } from '../ports/rules-provider';
import { BuiltinRulesProvider } from '../rules/builtin/provider';

/**
 * THE seam for sync rules: every handler gets its rules from here. Today the built-in TypeScript
 * defaults; the QuickJS script rules plug in by replacing this one line with their provider.
 */
export const rulesProvider: RulesProvider = new BuiltinRulesProvider();
