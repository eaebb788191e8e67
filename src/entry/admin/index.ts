import { buildResolver, type ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { forgePermissions } from '../../adapters/forge/forge-permissions';
import { requireJiraAdmin } from '../authorization';
import { adminResolverDefinitions } from './admin-resolvers';
import { rulesResolverDefinitions } from './rules-resolvers';

/**
 * Every resolver function of `twin-sync-admin`: the engine's (connections, sync, errors, activity,
 * bulk sync) and the rules' (getRules, validateRules, saveRules, dryRun; src/entry/admin/rules-resolvers.ts).
 */
export const allAdminDefinitions: ResolverDefinitions = {
  ...adminResolverDefinitions,
  ...rulesResolverDefinitions,
};

/**
 * Jira shows the admin page only to administrators, but anyone signed in can invoke its functions:
 * each one first asks Jira, as the caller, for the global ADMINISTER permission.
 */
export const guardedAdminDefinitions: ResolverDefinitions = requireJiraAdmin(allAdminDefinitions, () => forgePermissions());

export const adminResolver = buildResolver(guardedAdminDefinitions);
