import { z } from 'zod';
import type { ResolverCall, ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { candidateConnections, getTwins, syncNow, syncToRemote, unlink } from '../../sync/admin-api';
import { UserError } from '../../sync/errors';
import { engine } from '../engine';
import { defineResolver } from '../resolver-support';

/** The issue the panel is shown on, from the module context (never from the payload). */
function contextIssueId(call: ResolverCall): string {
  const issue = call.context.extension.issue;
  const id = issue !== null && typeof issue === 'object' && 'id' in issue ? issue.id : undefined;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  throw new UserError('no-issue', 'The panel was opened without an issue in its context.');
}

const Empty = z.object({}).loose();
const OptionalConnection = z.object({ connectionId: z.string().min(1).optional() });

/** Resolver functions of the issue panel (module `twin-sync-panel`). */
export const panelResolverDefinitions: ResolverDefinitions = {
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
  syncToRemote: defineResolver(z.object({ connectionId: z.string().min(1) }), async (p, call) => syncToRemote(engine(call.context.cloudId), { issueId: contextIssueId(call), connectionId: p.connectionId })),
};
