import { OperationMatcher } from './operation-matcher';
import { loadScopeTable, type ScopeRequirement } from './scope-table';

/**
 * Whether an app holding `granted` scopes may call an operation. An operation is allowed when the
 * app holds every scope of its classic set, or every scope of its granular set ("one of these
 * groups of scopes", as Jira words its own refusal). Sandbox readings where Atlassian is silent,
 * each the harsher one:
 * - an alternative the spec does not offer cannot be satisfied (an operation with only granular
 *   scopes needs those, although `@forge/manifest`'s `getMissingScopes` passes any operation
 *   without Current scopes);
 * - an operation with neither alternative does not accept OAuth 2.0 and is never allowed;
 * - no scope implies another (`write:jira-work` does not grant `read:jira-work`).
 * An alternative that is present and empty (`GET /rest/api/3/serverInfo`) needs nothing.
 */
export function satisfies(requirement: ScopeRequirement, granted: readonly string[]): boolean {
  const holds = (set: readonly string[] | undefined): boolean => set !== undefined && set.every((s) => granted.includes(s));
  return holds(requirement.classic) || holds(requirement.granular);
}

/** what the app lacks, for messages: each alternative with its missing scopes */
export function describeMissing(requirement: ScopeRequirement, granted: readonly string[]): string {
  const parts: string[] = [];
  for (const kind of ['classic', 'granular'] as const) {
    const set = requirement[kind];
    if (set) parts.push(`${kind} [${set.filter((s) => !granted.includes(s)).join(', ')}]`);
  }
  return parts.length ? `needs ${parts.join(' or ')}` : 'does not accept OAuth 2.0 (no scopes in the spec)';
}

export type ScopeVerdict =
  | { allowed: true; operation: string }
  | { allowed: false; operation: string | null; reason: string };

let matcher: OperationMatcher | undefined;

/** The check Jira Cloud's gateway makes on an app's request, against the committed table. */
export function checkAppRequest(method: string, pathWithQuery: string, granted: readonly string[]): ScopeVerdict {
  matcher ??= new OperationMatcher(loadScopeTable());
  const found = matcher.match(method, pathWithQuery);
  if (!found.found) return { allowed: false, operation: null, reason: found.reason };
  if (satisfies(found.requirement, granted)) return { allowed: true, operation: found.key };
  return { allowed: false, operation: found.key, reason: `${found.key} ${describeMissing(found.requirement, granted)}; the manifest grants [${granted.join(', ')}]` };
}
