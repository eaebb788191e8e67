import { z } from 'zod';
import type { ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { getIssueSyncState, listActivity, listErrors, syncIssue, unlink, UnlinkSchema } from '../../sync/admin-api';
import { countBulkSync, getBulkSyncProgress, startBulkSync } from '../../sync/bulk-sync';
import { acceptInvitation, createInvitation, deleteConnection, listConnections, updateConnection, UpdateConnectionSchema } from '../../sync/connections';
import { retryError } from '../../sync/worker';
import { engine } from '../engine';
import { defineResolver } from '../resolver-support';
import { StorageIdSchema } from '../../sync/state/keys';
import { JiraIssueKeySchema } from '../../sync/envelope/common';

const Empty = z.object({}).loose();
/** a bulk sync of the connection's scope, narrowed by an optional JQL filter */
const BulkInput = z.object({ connectionId: StorageIdSchema, jql: z.string().max(2000).nullable().optional() });

/** Resolver functions of the admin page (module `twin-sync-admin`), by function key. */
export const adminResolverDefinitions: ResolverDefinitions = {
  createInvitation: defineResolver(z.object({ name: z.string().trim().min(1).max(200) }), async (p, call) => createInvitation(engine(call.context.cloudId), p.name)),
  acceptInvitation: defineResolver(z.object({ code: z.string().min(1).max(8000) }), async (p, call) => acceptInvitation(engine(call.context.cloudId), p.code)),
  listConnections: defineResolver(Empty, async (_p, call) => listConnections(engine(call.context.cloudId))),
  updateConnection: defineResolver(UpdateConnectionSchema, async (p, call) => updateConnection(engine(call.context.cloudId), p)),
  deleteConnection: defineResolver(z.object({ id: StorageIdSchema }), async (p, call) => deleteConnection(engine(call.context.cloudId), p.id)),
  syncIssue: defineResolver(z.object({ issueKey: JiraIssueKeySchema, connectionId: StorageIdSchema }), async (p, call) => syncIssue(engine(call.context.cloudId), p)),
  listErrors: defineResolver(Empty, async (_p, call) => listErrors(engine(call.context.cloudId))),
  retryError: defineResolver(z.object({ id: StorageIdSchema }), async (p, call) => retryError(engine(call.context.cloudId), p.id)),
  listActivity: defineResolver(z.object({ limit: z.number().int().min(1).max(500).default(50) }), async (p, call) => listActivity(engine(call.context.cloudId), p.limit)),
  countBulkSync: defineResolver(BulkInput, async (p, call) => countBulkSync(engine(call.context.cloudId), p.connectionId, p.jql ?? null)),
  startBulkSync: defineResolver(BulkInput, async (p, call) => startBulkSync(engine(call.context.cloudId), p.connectionId, p.jql ?? null)),
  getBulkSyncProgress: defineResolver(z.object({ connectionId: StorageIdSchema }), async (p, call) => getBulkSyncProgress(engine(call.context.cloudId), p.connectionId)),
  unlink: defineResolver(UnlinkSchema, async (p, call) => unlink(engine(call.context.cloudId), p)),
  getIssueSyncState: defineResolver(z.object({ issueKey: JiraIssueKeySchema }), async (p, call) => getIssueSyncState(engine(call.context.cloudId), p.issueKey)),
};
