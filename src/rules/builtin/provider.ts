import type { DefaultRulesConfig } from '../../model/connection';
import type { RulesEngine } from '../../ports/rules';
import type { Mappings } from '../../model/mappings';
import type { RulesLimits } from '../../ports/rules-store';
import type { RulesProvider } from '../../ports/rules-provider';
import type { Connection } from '../../sync/state/records';
import { defaultScripts } from '../default-scripts';
import { createScriptRulesEngine } from '../script-engine';
import { MAX_CPU_MS } from '../stored-rules-schema';

/**
 * The default rules: the default scripts (src/rules/default-scripts.ts) for this configuration, run
 * in QuickJS by the same engine as an admin's saved scripts. There is no other implementation of
 * them. Cheap to call per sync: the engine shares one sandbox (WASM module, context with the API
 * evaluated once) with saved scripts of the same memory limit, and compiles each script text once.
 *
 * CPU time: the most an admin may give a script (MAX_CPU_MS), not the 200 ms default. The default
 * scripts never loop on their own; their cost is the size (the JSON boundary and copying
 * the comments: about 100 ms for 200 comments of 2,000 characters and a 100 KB description), and
 * a busy machine must not turn a large issue into a sync error.
 */
export function defaultRulesEngine(config: DefaultRulesConfig, saved: { mappings?: Mappings; limits?: RulesLimits } = {}): RulesEngine {
  return createScriptRulesEngine({
    ...defaultScripts(config),
    limits: { cpuMs: MAX_CPU_MS, ...saved.limits },
    ...(saved.mappings ? { mappings: saved.mappings } : {}),
  });
}

/** Rules provider that always answers with the default rules, configured per connection (`rulesConfig`). */
export class BuiltinRulesProvider implements RulesProvider {
  async forConnection(connection: Connection): Promise<RulesEngine> {
    return defaultRulesEngine(connection.rulesConfig);
  }
}
