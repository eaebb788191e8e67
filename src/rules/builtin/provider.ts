import type { RulesEngine } from '../../ports/rules';
import type { RulesProvider } from '../../ports/rules-provider';
import type { Connection } from '../../sync/state/records';
import { DefaultRules } from './default-rules';

/** Rules provider that always answers with the built-in default rules, configured per connection. */
export class BuiltinRulesProvider implements RulesProvider {
  async forConnection(connection: Connection): Promise<RulesEngine> {
    return new DefaultRules(connection.rulesConfig);
  }
}
