import { z } from 'zod';
import type { ResolverCall } from '../adapters/forge/forge-resolver';
import type { EngineDeps } from '../sync/deps';
import { UserError } from '../sync/errors';
import { engine } from './engine';

/** The engine's dependencies for one resolver call: Forge's in the app (engineFor), in-memory ones in tests. */
export type DepsFor = (call: ResolverCall) => EngineDeps;

/** The engine on Forge, for the site of the call. */
export const engineFor: DepsFor = (call) => engine(call.context.cloudId);

/** Who calls, on which site: both must be in the context of an admin page or issue panel call. */
export interface Caller {
  accountId: string;
  cloudId: string;
}

/** The caller of a resolver function; a UserError `invalid-context` when Forge gave no user or site. */
export function callerOf(call: ResolverCall): Caller {
  const { accountId, cloudId } = call.context;
  if (accountId === null) throw new UserError('invalid-context', 'This function must be called by a signed-in Jira user (the context has no accountId).');
  if (cloudId === null) throw new UserError('invalid-context', 'This function must be called from a Jira site (the context has no cloudId).');
  return { accountId, cloudId };
}

const ContextIssueSchema = z.looseObject({
  issue: z.looseObject({ id: z.union([z.string().regex(/^\d+$/, 'an issue id is a number'), z.number().int().nonnegative()]) }),
});

/** The issue the panel is shown on, from the module context (never from the payload). */
export function contextIssueId(call: ResolverCall): string {
  const parsed = ContextIssueSchema.safeParse(call.context.extension);
  if (!parsed.success) throw new UserError('no-issue', 'The panel was opened without an issue in its context (context.extension.issue.id).');
  return String(parsed.data.issue.id);
}
