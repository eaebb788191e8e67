import { z } from 'zod';
import type { ResolverCall, ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { getTwins, syncNow, syncToRemote, unlink } from '../../sync/admin-api';
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

/** Resolver functions of the issue panel (module `twin-sync-panel`). */
export const panelResolverDefinitions: ResolverDefinitions = {
  getTwin: defineResolver(Empty, async (_p, call) => {
    const issueId = contextIssueId(call);
    return { issueId, twins: await getTwins(engine(call.context.cloudId), issueId) };
  }),
  syncNow: defineResolver(Empty, async (_p, call) => syncNow(engine(call.context.cloudId), contextIssueId(call))),
  unlink: defineResolver(z.object({ connectionId: z.string().min(1) }), async (p, call) => unlink(engine(call.context.cloudId), { issueId: contextIssueId(call), connectionId: p.connectionId })),
  syncToRemote: defineResolver(z.object({ connectionId: z.string().min(1) }), async (p, call) => syncToRemote(engine(call.context.cloudId), { issueId: contextIssueId(call), connectionId: p.connectionId })),
};
