import type { Connection } from '../model/connection';
import type { RulesEngine } from './rules';

/**
 * Chooses the rules of a connection. The engine asks for rules only through this seam: the
 * saved scripts when an admin saved some, else the default scripts (src/rules/builtin/provider.ts), all in QuickJS.
 */
export interface RulesProvider {
  forConnection(connection: Connection): Promise<RulesEngine>;
}
