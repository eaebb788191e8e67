import type { RulesEngine } from '../ports/rules';
import type { RulesProvider } from '../ports/rules-provider';
import type { RulesStore } from '../ports/rules-store';
import type { Connection } from '../sync/state/records';
import { defaultRulesEngine } from './builtin/provider';
import { createScriptRulesEngine } from './script-engine';

/**
 * Rules of a connection: its saved version when an admin saved one (scripts of their own, or the
 * default scripts with the Mappings tab's tables), else `fallback` (the default scripts for the
 * connection's configuration, no mappings: src/rules/builtin/provider.ts). One storage read per
 * call, so a saved change applies to the very next sync.
 */
export class ScriptRulesProvider implements RulesProvider {
  constructor(
    private readonly store: Pick<RulesStore, 'getCurrent'>,
    private readonly fallback: RulesProvider,
  ) {}

  async forConnection(connection: Connection): Promise<RulesEngine> {
    const saved = await this.store.getCurrent(connection.id);
    if (saved === null) return this.fallback.forConnection(connection);
    const limits = saved.limits === null ? {} : { limits: saved.limits };
    if (saved.outgoing === null || saved.incoming === null) {
      return defaultRulesEngine(connection.rulesConfig, { mappings: saved.mappings, ...limits });
    }
    return createScriptRulesEngine({ outgoing: saved.outgoing, incoming: saved.incoming, mappings: saved.mappings, ...limits });
  }
}
