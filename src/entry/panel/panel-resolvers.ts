import { z } from 'zod';
import type { ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { candidateConnections, getTwins, syncNow, syncToRemote, unlink } from '../../sync/admin-api';
import type { Access } from '../authorization';
import { engine } from '../engine';
import { contextIssueId } from '../resolver-context';
import { defineResolver } from '../resolver-support';
import { StorageIdSchema } from '../../sync/state/keys';

const Empty = z.object({}).loose();
const OptionalConnection = z.object({ connectionId: StorageIdSchema.optional() });

/** Resolver functions of the issue panel (module `twin-sync-panel`), by function key. */
export const panelResolverDefinitions = {
  getTwin: defineResolver(Empty, async (_p, call) => {
    const issueId = contextIssueId(call);
    const deps = engine(call.context.cloudId);
    return { issueId, twins: await getTwins(deps, issueId), candidates: await candidateConnections(deps, issueId) };
  }),
  syncNow: defineResolver(OptionalConnection, async (p, call) => syncNow(engine(call.context.cloudId), contextIssueId(call), p.connectionId)),
  unlink: defineResolver(OptionalConnection, async (p, call) => {
    const deps = engine(call.context.cloudId);
    const issueId = contextIssueId(call);
    const connectionIds = p.connectionId !== undefined ? [p.connectionId] : (await getTwins(deps, issueId)).map((t) => t.connectionId);
    const results = [];
    for (const connectionId of connectionIds) results.push(await unlink(deps, { issueId, connectionId }));
    return { unlinked: results.some((r) => r.unlinked), remoteNotified: results.every((r) => r.remoteNotified) };
  }),
  syncToRemote: defineResolver(z.object({ connectionId: StorageIdSchema }), async (p, call) => syncToRemote(engine(call.context.cloudId), { issueId: contextIssueId(call), connectionId: p.connectionId })),
} satisfies ResolverDefinitions;

/**
 * Who may call each panel function (checked in src/entry/panel/index.ts before anything runs).
 * Reading the twin state needs only to see the issue. syncNow, syncToRemote and unlink need
 * EDIT_ISSUES on it as well: they change what happens to this issue (a sync writes it and its twin
 * from its current content, an unlink stops all further updates and tells the remote site), which
 * is an edit of the issue in effect, so a user who may only browse it must not trigger them.
 */
export const panelAccess: Record<keyof typeof panelResolverDefinitions, Access> = {
  getTwin: 'browse-issue',
  syncNow: 'edit-issue',
  unlink: 'edit-issue',
  syncToRemote: 'edit-issue',
};
