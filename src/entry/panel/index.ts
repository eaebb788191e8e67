import { buildResolver } from '../../adapters/forge/forge-resolver';
import { forgePermissions } from '../../adapters/forge/forge-permissions';
import { guardDefinitions } from '../authorization';
import { panelAccess, panelResolverDefinitions } from './panel-resolvers';

/** Each panel function first checks, as the caller, that they may see (or edit) the panel's issue. */
export const guardedPanelDefinitions = guardDefinitions(panelResolverDefinitions, panelAccess, () => forgePermissions());

export const panelResolver = buildResolver(guardedPanelDefinitions);
