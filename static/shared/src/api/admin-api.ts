import type { z } from 'zod';
import type { adminPayloads, rulesPayloads } from '../../../../src/contracts/admin-payloads';
import { adminResults, type AdminResults } from '../../../../src/contracts/admin-results';
import { rulesResults, type RulesResults } from '../../../../src/contracts/rules-results';
import { resolverClient, type InvokeFn } from './invoke-resolver';

/*
 * The admin page's client of the `twin-sync-admin` resolver. Every answer is checked with the
 * function's result contract (src/contracts/admin-results.ts, rules-results.ts), the same schemas
 * the resolver definitions answer by: the page reads exactly what the server sends. Payloads are
 * typed by the resolver's payload schemas (src/contracts/admin-payloads.ts; a type-only import:
 * those schemas use engine code, which must not reach the page's bundle).
 */

export type {
  ActivityEntry, BulkProgress, Connection, Project, SyncError,
} from '../../../../src/contracts/admin-results';
export type { RuleError, RulesLog } from '../../../../src/contracts/rules-results';
export { CONFLICT_POLICIES as conflictPolicies, DIRECTIONS as directions, type ConflictPolicy, type Direction } from '../../../../src/contracts/result-fields';

export type Invitation = AdminResults['createInvitation'];
export type Rules = RulesResults['getRules'];
export type DryRun = RulesResults['dryRun'];
export type SaveRulesResult = RulesResults['saveRules'];
export type BulkCount = AdminResults['countBulkSync'];
export type DeleteAnswer = AdminResults['deleteConnection'];
export type IssueSyncState = AdminResults['getIssueSyncState'];

type AdminPayloads = { [K in keyof typeof adminPayloads]: z.input<(typeof adminPayloads)[K]> };
type RulesPayloads = { [K in keyof typeof rulesPayloads]: z.input<(typeof rulesPayloads)[K]> };

/** The settings the connection editor saves. */
export type ConnectionUpdate = Required<Pick<AdminPayloads['updateConnection'], 'id' | 'direction' | 'scopeJql' | 'conflictPolicy'>> & Pick<AdminPayloads['updateConnection'], 'rulesConfig'>;

export function createAdminApi(invoke: InvokeFn) {
  const admin = resolverClient<AdminPayloads, typeof adminResults>(invoke, adminResults);
  const rules = resolverClient<RulesPayloads, typeof rulesResults>(invoke, rulesResults);
  return {
    listConnections: () => admin('listConnections', {}),
    /** `scopeJql`: what this site sends on the new connection (null: nothing yet) */
    createInvitation: (name: string, scopeJql: string | null = null) => admin('createInvitation', { name, scopeJql }),
    acceptInvitation: (code: string, scopeJql: string | null = null) => admin('acceptInvitation', { code, scopeJql }),
    /** the site's projects, for scope suggestions */
    listProjects: () => admin('listProjects', {}),
    updateConnection: (update: ConnectionUpdate) => admin('updateConnection', update),
    deleteConnection: (id: string) => admin('deleteConnection', { id }),
    listErrors: () => admin('listErrors', {}),
    retryError: (id: string) => admin('retryError', { id }),
    /** the newest `limit` entries; with `issueKey` only that issue's */
    listActivity: (limit: number, issueKey: string | null = null) => admin('listActivity', issueKey === null ? { limit } : { limit, issueKey }),
    /** the current rules, or the kept `version` */
    getRules: (connectionId: string, version?: number) => rules('getRules', version === undefined ? { connectionId } : { connectionId, version }),
    validateRules: (connectionId: string, outgoing: string, incoming: string) => rules('validateRules', { connectionId, outgoing, incoming }),
    /** saves a new version based on `baseVersion` (0 = the defaults); invalid rules are refused as `{ok: false, errors}` */
    saveRules: (connectionId: string, outgoing: string, incoming: string, baseVersion: number) => rules('saveRules', { connectionId, outgoing, incoming, baseVersion }),
    /** runs the given (draft) scripts against an issue, writing nothing */
    dryRun: (connectionId: string, issueKey: string, scripts: { outgoing: string; incoming: string }) => rules('dryRun', { connectionId, issueKey, ...scripts }),
    /** how many issues a bulk sync would take: the scope, narrowed by `jql` when given */
    countBulkSync: (connectionId: string, jql: string | null = null) => admin('countBulkSync', jql === null ? { connectionId } : { connectionId, jql }),
    startBulkSync: (connectionId: string, jql: string | null = null) => admin('startBulkSync', jql === null ? { connectionId } : { connectionId, jql }),
    getBulkSyncProgress: (connectionId: string) => admin('getBulkSyncProgress', { connectionId }),
    /** one issue's twins and the state of each, as its panel shows them */
    getIssueSyncState: (issueKey: string) => admin('getIssueSyncState', { issueKey }),
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
