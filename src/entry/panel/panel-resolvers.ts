import { panelPayloads } from '../../contracts/panel-payloads';
import { panelResults } from '../../contracts/panel-results';
import { candidateConnections, getTwins, linkToExisting, retryIssue, syncNow, syncToRemote, unlink } from '../../sync/admin-api';
import type { Access } from '../authorization';
import { contextIssueId, engineFor, type DepsFor } from '../resolver-context';
import { defineResolver, type ContractDefinition, type InexactAnswers } from '../resolver-support';

/**
 * Resolver functions of the issue panel (module `twin-sync-panel`) over the engine's deps for each
 * call, by function key: one per payload of src/contracts/panel-payloads.ts, each answering what
 * its result schema of src/contracts/panel-results.ts describes.
 */
export function panelResolverDefinitionsOver(depsFor: DepsFor) {
  const p = panelPayloads;
  const r = panelResults;
  return {
    getTwin: defineResolver(p.getTwin, r.getTwin, async (_x, call) => {
      const issueId = contextIssueId(call);
      const deps = depsFor(call);
      return { issueId, twins: await getTwins(deps, issueId), candidates: await candidateConnections(deps, issueId) };
    }),
    syncNow: defineResolver(p.syncNow, r.syncNow, async (x, call) => syncNow(depsFor(call), contextIssueId(call), x.connectionId)),
    unlink: defineResolver(p.unlink, r.unlink, async (x, call) => {
      const issueId = contextIssueId(call);
      const deps = depsFor(call);
      const connectionIds = x.connectionId !== undefined ? [x.connectionId] : (await getTwins(deps, issueId)).map((t) => t.connectionId);
      const unlinked = [];
      for (const connectionId of connectionIds) {
        const answer = await unlink(deps, { issueId, connectionId });
        if (answer.unlinked) unlinked.push(answer);
      }
      // told: every site whose link was forgotten here (false when nothing was linked, as the engine's unlink says)
      return { unlinked: unlinked.length > 0, remoteNotified: unlinked.length > 0 && unlinked.every((a) => a.remoteNotified) };
    }),
    syncToRemote: defineResolver(p.syncToRemote, r.syncToRemote, async (x, call) => syncToRemote(depsFor(call), { issueId: contextIssueId(call), connectionId: x.connectionId })),
    retry: defineResolver(p.retry, r.retry, async (x, call) => retryIssue(depsFor(call), { issueId: contextIssueId(call), connectionId: x.connectionId })),
    linkToExisting: defineResolver(p.linkToExisting, r.linkToExisting, async (x, call) => linkToExisting(depsFor(call), { issueId: contextIssueId(call), connectionId: x.connectionId, remoteIssueKey: x.remoteIssueKey })),
  } satisfies { [K in keyof typeof panelPayloads]: ContractDefinition<(typeof panelResults)[K]> };
}

// each function answers exactly its result schema's type (a field the contract lacks names the function here)
const exactAnswers: Record<InexactAnswers<ReturnType<typeof panelResolverDefinitionsOver>>, never> = {};
void exactAnswers;

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
  linkToExisting: 'edit-issue',
  retry: 'edit-issue',
};
