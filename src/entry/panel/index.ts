import { buildResolver } from '../../adapters/forge/forge-resolver';
import { panelResolverDefinitions } from './panel-resolvers';

export const panelResolver = buildResolver(panelResolverDefinitions);
