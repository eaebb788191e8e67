import type { Connection } from '../model/connection';
import type { RulesEngine } from './rules';

/**
 * Chooses the rules of a connection. The engine asks for rules only through this seam: the
 * built-in defaults today (src/rules/builtin), the QuickJS script rules later.
 */
export interface RulesProvider {
  forConnection(connection: Connection): Promise<RulesEngine>;
}
