import { buildResolver, type ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { adminResolverDefinitions } from './admin-resolvers';

/**
 * Every resolver function of `twin-sync-admin`. The rules resolvers (getRules, validateRules,
 * saveRules, dryRun) join with one line once `./rules-resolvers` exists:
 *   `...rulesResolverDefinitions,` (import { rulesResolverDefinitions } from './rules-resolvers').
 */
export const allAdminDefinitions: ResolverDefinitions = {
  ...adminResolverDefinitions,
};

export const adminResolver = buildResolver(allAdminDefinitions);
