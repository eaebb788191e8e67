import type { ResolverDefinition } from '../../adapters/forge/forge-resolver';
import { panelPayloads } from '../../contracts/panel-payloads';
import { candidateConnections, getTwins, syncNow, syncToRemote, unlink } from '../../sync/admin-api';
import type { Access } from '../authorization';
import { contextIssueId, engineFor, type DepsFor } from '../resolver-context';
import { defineResolver } from '../resolver-support';

/**
 * Resolver functions of the issue panel (module `twin-sync-panel`) over the engine's deps for each
 * call, by function key: one per payload of src/contracts/panel-payloads.ts.
 */
export function panelResolverDefinitionsOver(depsFor: DepsFor) {
  const p = panelPayloads;
  return {
    getTwin: defineResolver(p.getTwin, async (_x, call) => {
      const issueId = contextIssueId(call);
      const deps = depsFor(call);
      return { issueId, twins: await getTwins(deps, issueId), candidates: await candidateConnections(deps, issueId) };
    }),
    syncNow: defineResolver(p.syncNow, async (x, call) => syncNow(depsFor(call), contextIssueId(call), x.connectionId)),
    unlink: defineResolver(p.unlink, async (x, call) => {
      const issueId = contextIssueId(call);
      const deps = depsFor(call);
      const connectionIds = x.connectionId !== undefined ? [x.connectionId] : (await getTwins(deps, issueId)).map((t) => t.connectionId);
      const results = [];
      for (const connectionId of connectionIds) results.push(await unlink(deps, { issueId, connectionId }));
      return { unlinked: results.some((r) => r.unlinked), remoteNotified: results.every((r) => r.remoteNotified) };
    }),
    syncToRemote: defineResolver(p.syncToRemote, async (x, call) => syncToRemote(depsFor(call), { issueId: contextIssueId(call), connectionId: x.connectionId })),
  } satisfies Record<keyof typeof panelPayloads, ResolverDefinition>;
}

/** Resolver functions of the issue panel on Forge, by function key. */
export const panelResolverDefinitions = panelResolverDefinitionsOver(engineFor);

/**
 * Who may call each panel function (checked in src/entry/panel/index.ts before anything runs).
 * Reading the twin state needs only to see the issue. syncNow, syncToRemote and unlink need
 * EDIT_ISSUES on it as well: they change what happens to this issue (a sync writes it and its twin
 * from its current content, an unlink stops all further updates and tells the remote site), which
 * is an edit of the issue in effect, so a user who may only browse it must not trigger them.
 */
export const panelAccess: Record<keyof typeof panelPayloads, Access> = {
  getTwin: 'browse-issue',
  syncNow: 'edit-issue',
  unlink: 'edit-issue',
  syncToRemote: 'edit-issue',
};
