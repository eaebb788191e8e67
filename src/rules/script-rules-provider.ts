import type { RulesEngine } from '../ports/rules';
import type { RulesProvider } from '../ports/rules-provider';
import type { RulesStore } from '../ports/rules-store';
import type { Connection } from '../sync/state/records';
import { createScriptRulesEngine } from './script-engine';

/**
 * Rules of a connection: its saved scripts when an admin saved some, else `fallback` (the default
 * scripts for the connection's configuration, src/rules/builtin/provider.ts). One storage read per
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
    return createScriptRulesEngine(
      saved.limits === null ? { outgoing: saved.outgoing, incoming: saved.incoming } : { outgoing: saved.outgoing, incoming: saved.incoming, limits: saved.limits },
    );
  }
}
