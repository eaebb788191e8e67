import {
  RULES_VERSIONS_KEPT,
  RulesVersionConflictError,
  type RulesDraftInput,
  type RulesStore,
  type RulesVersionInfo,
  type StoredRules,
} from '../ports/rules-store';
import { EMPTY_MAPPINGS } from '../model/mappings';

/** In-memory RulesStore for tests: same contract as the storage-backed one. */
export class MemoryRulesStore implements RulesStore {
  private readonly versions = new Map<string, StoredRules[]>();

  async getCurrent(connectionId: string): Promise<StoredRules | null> {
    const list = this.versions.get(connectionId) ?? [];
    const last = list[list.length - 1];
    return last ? structuredClone(last) : null;
  }

  async getVersion(connectionId: string, version: number): Promise<StoredRules | null> {
    const found = (this.versions.get(connectionId) ?? []).find((v) => v.version === version);
    return found ? structuredClone(found) : null;
  }

  async listVersions(connectionId: string): Promise<RulesVersionInfo[]> {
    return (this.versions.get(connectionId) ?? [])
      .map((v) => ({ version: v.version, savedAt: v.savedAt, savedBy: v.savedBy, summary: v.summary }))
      .reverse();
  }

  async save(connectionId: string, draft: RulesDraftInput, expectedVersion: number): Promise<StoredRules> {
    const list = this.versions.get(connectionId) ?? [];
    const current = list[list.length - 1]?.version ?? 0;
    if (current !== expectedVersion) throw new RulesVersionConflictError(connectionId, expectedVersion, current);
    const stored: StoredRules = { ...structuredClone(draft), mappings: structuredClone(draft.mappings ?? EMPTY_MAPPINGS), summary: draft.summary ?? null, connectionId, version: current + 1 };
    this.versions.set(connectionId, [...list, stored].slice(-RULES_VERSIONS_KEPT));
    return structuredClone(stored);
  }

  async deleteAll(connectionId: string): Promise<void> {
    this.versions.delete(connectionId);
  }
}
