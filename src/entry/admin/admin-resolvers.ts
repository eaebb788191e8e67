import type { ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { adminPayloads } from '../../contracts/admin-payloads';
import { adminResults } from '../../contracts/admin-results';
import { getIssueSyncState, listActivity, listErrors, syncIssue, unlink } from '../../sync/admin-api';
import { countBulkSync, getBulkSyncProgress, startBulkSync } from '../../sync/bulk-sync';
import { acceptInvitation, createInvitation, deleteConnection, listConnections, listProjects, updateConnection } from '../../sync/connections';
import { retryError } from '../../sync/worker';
import { engineFor, type DepsFor } from '../resolver-context';
import { defineResolver, type ContractDefinition, type InexactAnswers } from '../resolver-support';

/**
 * Resolver functions of the admin page (module `twin-sync-admin`) over the engine's deps for each
 * call, by function key: one per payload of src/contracts/admin-payloads.ts, each answering what
 * its result schema of src/contracts/admin-results.ts describes.
 */
export function adminResolverDefinitionsOver(depsFor: DepsFor) {
  const p = adminPayloads;
  const r = adminResults;
  return {
    createInvitation: defineResolver(p.createInvitation, r.createInvitation, async (x, call) => createInvitation(depsFor(call), x.name, x.scopeJql ?? null)),
    acceptInvitation: defineResolver(p.acceptInvitation, r.acceptInvitation, async (x, call) => acceptInvitation(depsFor(call), x.code, x.scopeJql ?? null)),
    listConnections: defineResolver(p.listConnections, r.listConnections, async (_x, call) => listConnections(depsFor(call))),
    updateConnection: defineResolver(p.updateConnection, r.updateConnection, async (x, call) => updateConnection(depsFor(call), x)),
    deleteConnection: defineResolver(p.deleteConnection, r.deleteConnection, async (x, call) => deleteConnection(depsFor(call), x.id)),
    syncIssue: defineResolver(p.syncIssue, r.syncIssue, async (x, call) => syncIssue(depsFor(call), x)),
    listErrors: defineResolver(p.listErrors, r.listErrors, async (_x, call) => listErrors(depsFor(call))),
    retryError: defineResolver(p.retryError, r.retryError, async (x, call) => retryError(depsFor(call), x.id)),
    listActivity: defineResolver(p.listActivity, r.listActivity, async (x, call) => listActivity(depsFor(call), x.limit, x.issueKey === undefined ? {} : { issueKey: x.issueKey })),
    countBulkSync: defineResolver(p.countBulkSync, r.countBulkSync, async (x, call) => countBulkSync(depsFor(call), x.connectionId, x.jql ?? null)),
    startBulkSync: defineResolver(p.startBulkSync, r.startBulkSync, async (x, call) => startBulkSync(depsFor(call), x.connectionId, x.jql ?? null)),
    getBulkSyncProgress: defineResolver(p.getBulkSyncProgress, r.getBulkSyncProgress, async (x, call) => getBulkSyncProgress(depsFor(call), x.connectionId)),
    unlink: defineResolver(p.unlink, r.unlink, async (x, call) => unlink(depsFor(call), x)),
    getIssueSyncState: defineResolver(p.getIssueSyncState, r.getIssueSyncState, async (x, call) => getIssueSyncState(depsFor(call), x.issueKey)),
    listProjects: defineResolver(p.listProjects, r.listProjects, async (_x, call) => listProjects(depsFor(call))),
  } satisfies { [K in keyof typeof adminPayloads]: ContractDefinition<(typeof adminResults)[K]> };
}

// each function answers exactly its result schema's type (a field the contract lacks names the function here)
const exactAnswers: Record<InexactAnswers<ReturnType<typeof adminResolverDefinitionsOver>>, never> = {};
void exactAnswers;

/** Resolver functions of the admin page on Forge, by function key. */
export const adminResolverDefinitions: ResolverDefinitions = adminResolverDefinitionsOver(engineFor);
