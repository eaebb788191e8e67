import type { Mappings } from '../model/mappings';

/**
 * Where each connection's sync rules are kept, versioned (the last RULES_VERSIONS_KEPT versions):
 * the scripts and the value mappings (src/model/mappings.ts) together, so that saving either makes
 * a version and restoring one brings both back. A connection without saved rules runs the default
 * scripts with no mappings.
 */

/** Resource limits of one script run, per connection; absent fields take the defaults. */
export interface RulesLimits {
  cpuMs?: number;
  memoryBytes?: number;
}

export interface RulesDraft {
  /** null: the default scripts for the connection's configuration (src/rules/default-scripts.ts), whatever it is when they run */
  outgoing: string | null;
  incoming: string | null;
  mappings: Mappings;
  limits: RulesLimits | null;
  /** account id of the admin who saved, when known */
  savedBy: string | null;
  /** ISO timestamp */
  savedAt: string;
  /** what this version changed, in a few words (null: not told) */
  summary: string | null;
}

/** A draft as a caller gives it: no mappings = none, no summary = not told. */
export type RulesDraftInput = Omit<RulesDraft, 'mappings' | 'summary'> & Partial<Pick<RulesDraft, 'mappings' | 'summary'>>;

export interface StoredRules extends RulesDraft {
  connectionId: string;
  /** 1, 2, 3, ... per connection */
  version: number;
}

export interface RulesVersionInfo {
  version: number;
  savedAt: string;
  savedBy: string | null;
  /** what the version changed, as the admin page lists it ("mappings", "outgoing script", "restored version 3") */
  summary: string | null;
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
  save(connectionId: string, draft: RulesDraftInput, expectedVersion: number): Promise<StoredRules>;
  /** forgets every version (the connection was deleted) */
  deleteAll(connectionId: string): Promise<void>;
}
