import type { ResolverCall, ResolverDefinition, ResolverDefinitions } from '../adapters/forge/forge-resolver';
import { JiraError } from '../ports/jira';
import type { PermissionsPort } from '../ports/permissions';
import { UserError } from '../sync/errors';
import { callerOf, contextIssueId } from './resolver-context';
import type { ResolverFailure } from './resolver-support';

/**
 * Who may call a resolver function:
 * - `jira-admin`: a Jira administrator (global ADMINISTER), for everything on the admin page;
 * - `browse-issue`: a user who can see the panel's issue (context.extension.issue);
 * - `edit-issue`: a user who can see the panel's issue and has EDIT_ISSUES on it.
 */
export type Access = 'jira-admin' | 'browse-issue' | 'edit-issue';

/** The permissions of the user of one call (one instance per invocation: nothing is cached). */
export type PermissionsFor = (call: ResolverCall) => PermissionsPort;

export const ADMIN_ONLY_MESSAGE = 'Only Jira administrators can configure Twin Sync.';
export const CANNOT_SEE_ISSUE_MESSAGE = 'You do not have permission to see this issue.';
export const CANNOT_EDIT_ISSUE_MESSAGE = 'You need permission to edit this issue to change how it is synced.';

function forbidden(message: string): ResolverFailure {
  return { error: { code: 'forbidden', message } };
}

/**
 * Whether the call may go ahead: null when it may, else the answer to give. The context must name
 * the user and the site (and, for the panel, the issue); each permission is asked once, as the
 * calling user. A Jira failure while asking refuses the call (fail closed) with its reason.
 */
export async function denial(access: Access, call: ResolverCall, permissions: PermissionsPort): Promise<ResolverFailure | null> {
  try {
    callerOf(call);
    if (access === 'jira-admin') return (await permissions.isJiraAdmin()) ? null : forbidden(ADMIN_ONLY_MESSAGE);
    const issueId = contextIssueId(call);
    if (!(await permissions.canBrowseIssue(issueId))) return forbidden(CANNOT_SEE_ISSUE_MESSAGE);
    if (access === 'edit-issue' && !(await permissions.canEditIssue(issueId))) return forbidden(CANNOT_EDIT_ISSUE_MESSAGE);
    return null;
  } catch (error) {
    if (error instanceof UserError) return { error: { code: error.code, message: error.message } };
    if (error instanceof JiraError) return { error: { code: 'permission-check-failed', message: `Could not check your permissions in Jira, so nothing was done: ${error.message}` } };
    throw error;
  }
}

/**
 * The definitions with an access check in front of each: it runs before the payload is read,
 * and a refused call does nothing else. Every function must have an access level (a function
 * without one is a programming error, refused when the module loads).
 */
export function guardDefinitions(definitions: ResolverDefinitions, accessByKey: Readonly<Record<string, Access>>, permissionsFor: PermissionsFor): ResolverDefinitions {
  const guarded: ResolverDefinitions = {};
  for (const [key, definition] of Object.entries(definitions)) {
    const access = accessByKey[key];
    if (access === undefined) throw new Error(`resolver function ${key} has no access level`);
    guarded[key] = guard(definition, access, permissionsFor);
  }
  return guarded;
}

function guard(definition: ResolverDefinition, access: Access, permissionsFor: PermissionsFor): ResolverDefinition {
  return async (call) => (await denial(access, call, permissionsFor(call))) ?? definition(call);
}

/** Every function of `definitions` for Jira administrators only. */
export function requireJiraAdmin(definitions: ResolverDefinitions, permissionsFor: PermissionsFor): ResolverDefinitions {
  return guardDefinitions(definitions, Object.fromEntries(Object.keys(definitions).map((key) => [key, 'jira-admin' as const])), permissionsFor);
}
