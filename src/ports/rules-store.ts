/**
 * Where each connection's sync rule scripts are kept, versioned (the last RULES_VERSIONS_KEPT
 * versions). A connection without saved rules runs the default rules.
 */

/** Resource limits of one script run, per connection; absent fields take the defaults. */
export interface RulesLimits {
  cpuMs?: number;
  memoryBytes?: number;
}

export interface RulesDraft {
  outgoing: string;
  incoming: string;
  limits: RulesLimits | null;
  /** account id of the admin who saved, when known */
  savedBy: string | null;
  /** ISO timestamp */
  savedAt: string;
}

export interface StoredRules extends RulesDraft {
  connectionId: string;
  /** 1, 2, 3, ... per connection */
  version: number;
}

export interface RulesVersionInfo {
  version: number;
  savedAt: string;
  savedBy: string | null;
}

export const RULES_VERSIONS_KEPT = 10;

/** The rules changed since the caller read them (another admin saved meanwhile). */
export class RulesVersionConflictError extends Error {
  constructor(
    readonly connectionId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`the rules of connection ${connectionId} are at version ${currentVersion}, not ${expectedVersion}: reload them and save again`);
    this.name = 'RulesVersionConflictError';
  }
}

export interface RulesStore {
  /** the rules in force, or null when none were saved */
  getCurrent(connectionId: string): Promise<StoredRules | null>;
  /** one kept version, or null when it never existed or is no longer kept */
  getVersion(connectionId: string, version: number): Promise<StoredRules | null>;
  /** the kept versions, newest first */
  listVersions(connectionId: string): Promise<RulesVersionInfo[]>;
  /**
   * Stores `draft` as version `expectedVersion + 1` and makes it current; versions older than the
   * last RULES_VERSIONS_KEPT are dropped. `expectedVersion` is the current version the edit was
   * based on (0 when there was none); when it is no longer the latest, nothing is written and the
   * call rejects with RulesVersionConflictError.
   */
  save(connectionId: string, draft: RulesDraft, expectedVersion: number): Promise<StoredRules>;
  /** forgets every version (the connection was deleted) */
  deleteAll(connectionId: string): Promise<void>;
}
