import { buildResolver, type ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { forgePermissions } from '../../adapters/forge/forge-permissions';
import { requireJiraAdmin } from '../authorization';
import { engineFor, type DepsFor } from '../resolver-context';
import { adminResolverDefinitionsOver } from './admin-resolvers';
import { rulesResolverDefinitionsOver } from './rules-resolvers';

/**
 * Every resolver function of `twin-sync-admin` over the engine's deps for each call: the engine's
 * (connections, sync, errors, activity, bulk sync) and the rules' (getRules, validateRules,
 * saveRules, dryRun; src/entry/admin/rules-resolvers.ts).
 */
export function allAdminDefinitionsOver(depsFor: DepsFor): ResolverDefinitions {
  return { ...adminResolverDefinitionsOver(depsFor), ...rulesResolverDefinitionsOver(depsFor) };
}

/** Every resolver function of `twin-sync-admin` on Forge. */
export const allAdminDefinitions: ResolverDefinitions = allAdminDefinitionsOver(engineFor);

/**
 * Jira shows the admin page only to administrators, but anyone signed in can invoke its functions:
 * each one first asks Jira, as the caller, for the global ADMINISTER permission.
 */
export const guardedAdminDefinitions: ResolverDefinitions = requireJiraAdmin(allAdminDefinitions, () => forgePermissions());

export const adminResolver = buildResolver(guardedAdminDefinitions);
