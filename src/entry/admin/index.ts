import { buildResolver, type ResolverDefinitions } from '../../adapters/forge/forge-resolver';
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

export const adminResolver = buildResolver(allAdminDefinitions);
