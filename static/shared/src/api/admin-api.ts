import type { z } from 'zod';
import type { adminPayloads, rulesPayloads } from '../../../../src/contracts/admin-payloads';
import { adminResults, type AdminResults } from '../../../../src/contracts/admin-results';
import { rulesResults, type Mappings, type RulesResults } from '../../../../src/contracts/rules-results';
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
export type { Mappings, RuleError, RulesLog } from '../../../../src/contracts/rules-results';
export { MAPPING_TABLES as mappingTables } from '../../../../src/contracts/rules-results';
export { CONFLICT_POLICIES as conflictPolicies, DIRECTIONS as directions, type ConflictPolicy, type Direction } from '../../../../src/contracts/result-fields';

export type Invitation = AdminResults['createInvitation'];
export type Rules = RulesResults['getRules'];
export type DryRun = RulesResults['dryRun'];
export type SaveRulesResult = RulesResults['saveRules'];
export type MappingsVersion = RulesResults['getMappings'];
export type SaveMappingsResult = RulesResults['saveMappings'];
export type MappingProblem = SaveMappingsResult['errors'][number];
export type MappingValues = RulesResults['listMappingValues'];
export type UnmappedValue = RulesResults['listUnmappedValues']['values'][number];
export type UserRef = RulesResults['searchPeople']['users'][number];
export type Preview = RulesResults['previewRulesChange'];
export type PreviewIssue = Preview['issues'][number];
export type FieldChange = DryRun['incoming']['changes'][number];
export type RestoreRulesResult = RulesResults['restoreRules'];
export type RulesDiff = RulesResults['diffRules'];
export type RulesVersion = Rules['versions'][number];
/** a draft to preview: scripts and/or tables; what is absent is the version in force */
export type PreviewDraft = Pick<RulesPayloads['previewRulesChange'], 'outgoing' | 'incoming' | 'mappings'>;
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
    dryRun: (connectionId: string, issueKey: string, draft: { outgoing?: string; incoming?: string; mappings?: Mappings }) => rules('dryRun', { connectionId, issueKey, ...draft }),
    /** the mapping tables in force, or those of the kept `version` */
    getMappings: (connectionId: string, version?: number) => rules('getMappings', version === undefined ? { connectionId } : { connectionId, version }),
    /** saves the tables as a new version based on `baseVersion`; unknown values are refused as `{ok: false, errors}` (nothing saved) */
    saveMappings: (connectionId: string, mappings: Mappings, baseVersion: number) => rules('saveMappings', { connectionId, mappings, baseVersion }),
    /** the values to pick from: this site's, the other site's as seen in replicas; `optionsOf`: also these fields' options */
    listMappingValues: (connectionId: string, optionsOf: readonly string[] = []) => rules('listMappingValues', optionsOf.length === 0 ? { connectionId } : { connectionId, optionsOf: [...optionsOf] }),
    /** the other site's values no row maps and this site lacks */
    listUnmappedValues: (connectionId: string) => rules('listUnmappedValues', { connectionId }),
    /** people of this site by name */
    searchPeople: (query: string) => rules('searchPeople', { query }),
    /** what a draft would change, a page of synced issues at a time (`cursor` from the last page) */
    previewRulesChange: (connectionId: string, draft: PreviewDraft, cursor: string | null = null, limit?: number) => rules('previewRulesChange', {
      connectionId, ...draft, ...(cursor === null ? {} : { cursor }), ...(limit === undefined ? {} : { limit }),
    }),
    /** brings back a kept version (0: the defaults) as a new version on top of `baseVersion` */
    restoreRules: (connectionId: string, version: number, baseVersion: number) => rules('restoreRules', { connectionId, version, baseVersion }),
    /** what `version` changed against `against` (absent: the kept version before it) */
    diffRules: (connectionId: string, version: number, against?: number) => rules('diffRules', against === undefined ? { connectionId, version } : { connectionId, version, against }),
    /** how many issues a bulk sync would take: the scope, narrowed by `jql` when given */
    countBulkSync: (connectionId: string, jql: string | null = null) => admin('countBulkSync', jql === null ? { connectionId } : { connectionId, jql }),
    startBulkSync: (connectionId: string, jql: string | null = null) => admin('startBulkSync', jql === null ? { connectionId } : { connectionId, jql }),
    getBulkSyncProgress: (connectionId: string) => admin('getBulkSyncProgress', { connectionId }),
    /** one issue's twins and the state of each, as its panel shows them */
    getIssueSyncState: (issueKey: string) => admin('getIssueSyncState', { issueKey }),
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
