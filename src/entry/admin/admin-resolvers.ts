import type { ResolverDefinition, ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { adminPayloads } from '../../contracts/admin-payloads';
import { getIssueSyncState, listActivity, listErrors, syncIssue, unlink } from '../../sync/admin-api';
import { countBulkSync, getBulkSyncProgress, startBulkSync } from '../../sync/bulk-sync';
import { acceptInvitation, createInvitation, deleteConnection, listConnections, updateConnection } from '../../sync/connections';
import { retryError } from '../../sync/worker';
import { engineFor, type DepsFor } from '../resolver-context';
import { defineResolver } from '../resolver-support';

/**
 * Resolver functions of the admin page (module `twin-sync-admin`) over the engine's deps for each
 * call, by function key: one per payload of src/contracts/admin-payloads.ts.
 */
export function adminResolverDefinitionsOver(depsFor: DepsFor) {
  const p = adminPayloads;
  return {
    createInvitation: defineResolver(p.createInvitation, async (x, call) => createInvitation(depsFor(call), x.name)),
    acceptInvitation: defineResolver(p.acceptInvitation, async (x, call) => acceptInvitation(depsFor(call), x.code)),
    listConnections: defineResolver(p.listConnections, async (_x, call) => listConnections(depsFor(call))),
    updateConnection: defineResolver(p.updateConnection, async (x, call) => updateConnection(depsFor(call), x)),
    deleteConnection: defineResolver(p.deleteConnection, async (x, call) => deleteConnection(depsFor(call), x.id)),
    syncIssue: defineResolver(p.syncIssue, async (x, call) => syncIssue(depsFor(call), x)),
    listErrors: defineResolver(p.listErrors, async (_x, call) => listErrors(depsFor(call))),
    retryError: defineResolver(p.retryError, async (x, call) => retryError(depsFor(call), x.id)),
    listActivity: defineResolver(p.listActivity, async (x, call) => listActivity(depsFor(call), x.limit)),
    countBulkSync: defineResolver(p.countBulkSync, async (x, call) => countBulkSync(depsFor(call), x.connectionId, x.jql ?? null)),
    startBulkSync: defineResolver(p.startBulkSync, async (x, call) => startBulkSync(depsFor(call), x.connectionId, x.jql ?? null)),
    getBulkSyncProgress: defineResolver(p.getBulkSyncProgress, async (x, call) => getBulkSyncProgress(depsFor(call), x.connectionId)),
    unlink: defineResolver(p.unlink, async (x, call) => unlink(depsFor(call), x)),
    getIssueSyncState: defineResolver(p.getIssueSyncState, async (x, call) => getIssueSyncState(depsFor(call), x.issueKey)),
  } satisfies Record<keyof typeof adminPayloads, ResolverDefinition>;
}

/** Resolver functions of the admin page on Forge, by function key. */
export const adminResolverDefinitions: ResolverDefinitions = adminResolverDefinitionsOver(engineFor);
