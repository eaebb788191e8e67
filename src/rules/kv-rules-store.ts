import {
  RULES_VERSIONS_KEPT,
  RulesVersionConflictError,
  type RulesDraftInput,
  type RulesStore,
  type RulesVersionInfo,
  type StoredRules,
} from '../ports/rules-store';
import { MAX_TRANSACTION_OPS, type StorePort } from '../ports/store';
import { keys } from '../sync/state/keys';
import { StoredRulesSchema } from './stored-rules-schema';

/**
 * RulesStore on the app's key-value storage (Forge KVS through StorePort). Key layout (built by the
 * key registry, src/sync/state/keys.ts, family `rules`: all of a connection's under `rules:<connectionId>:`):
 *
 *   rules:<connectionId>:v:<version, 8 digits>   one saved version (StoredRules)
 *   rules:<connectionId>:current                 a copy of the latest version: one read per sync
 *
 * A version is claimed with setIfAbsent, so two admins saving at once cannot both write the same
 * version: the second gets RulesVersionConflictError. Version numbers come from the version keys,
 * so a crash between claiming a version and updating `current` never blocks later saves.
 */
export class KvRulesStore implements RulesStore {
  constructor(private readonly store: StorePort) {}

  static currentKey(connectionId: string): string {
    return keys.rulesCurrent(connectionId);
  }

  static versionKey(connectionId: string, version: number): string {
    return keys.rulesVersion(connectionId, version);
  }

  private static versionPrefix(connectionId: string): string {
    return keys.rulesVersionPrefix(connectionId);
  }

  async getCurrent(connectionId: string): Promise<StoredRules | null> {
    return parse(await this.store.get(KvRulesStore.currentKey(connectionId)));
  }

  async getVersion(connectionId: string, version: number): Promise<StoredRules | null> {
    if (!Number.isInteger(version) || version < 1) return null;
    return parse(await this.store.get(KvRulesStore.versionKey(connectionId, version)));
  }

  async listVersions(connectionId: string): Promise<RulesVersionInfo[]> {
    const all = await this.allVersions(connectionId);
    return all.map((v) => ({ version: v.version, savedAt: v.savedAt, savedBy: v.savedBy, summary: v.summary })).reverse();
  }

  async save(connectionId: string, draft: RulesDraftInput, expectedVersion: number): Promise<StoredRules> {
    const existing = await this.allVersions(connectionId);
    const latest = existing[existing.length - 1]?.version ?? 0;
    if (latest !== expectedVersion) throw new RulesVersionConflictError(connectionId, expectedVersion, latest);
    const stored: StoredRules = StoredRulesSchema.parse({ ...draft, connectionId, version: latest + 1 });
    const claimed = await this.store.setIfAbsent(KvRulesStore.versionKey(connectionId, stored.version), stored);
    if (!claimed) throw new RulesVersionConflictError(connectionId, expectedVersion, stored.version);
    const dropped = existing
      .filter((v) => v.version <= stored.version - RULES_VERSIONS_KEPT)
      .slice(0, MAX_TRANSACTION_OPS - 1)
      .map((v) => ({ op: 'delete' as const, key: KvRulesStore.versionKey(connectionId, v.version) }));
    await this.store.transact([{ op: 'set', key: KvRulesStore.currentKey(connectionId), value: stored }, ...dropped]);
    return stored;
  }

  async deleteAll(connectionId: string): Promise<void> {
    for (const v of await this.allVersions(connectionId)) await this.store.delete(KvRulesStore.versionKey(connectionId, v.version));
    await this.store.delete(KvRulesStore.currentKey(connectionId));
  }

  /** every stored version, oldest first */
  private async allVersions(connectionId: string): Promise<StoredRules[]> {
    const out: StoredRules[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<StorePort['list']>> = await this.store.list(
        KvRulesStore.versionPrefix(connectionId),
        cursor === null ? {} : { cursor },
      );
      for (const entry of page.entries) {
        const rules = parse(entry.value);
        if (rules !== null) out.push(rules);
      }
      cursor = page.cursor;
    } while (cursor !== null);
    return out.sort((a, b) => a.version - b.version);
  }
}

function parse(value: unknown): StoredRules | null {
  if (value === undefined || value === null) return null;
  return StoredRulesSchema.parse(value);
}
