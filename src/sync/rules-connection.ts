import type { RulesConnection } from '../ports/rules';
import type { Connection } from './state/records';

export function rulesConnection(connection: Connection): RulesConnection {
  return {
    id: connection.id,
    name: connection.name,
    remoteSiteName: connection.remoteSiteName ?? '',
    remoteBaseUrl: connection.remoteSiteUrl,
    direction: connection.direction,
  };
}
