import type { AdminApi, Connection } from '../../../shared/src/api/admin-api';

/** What the Mappings tab gets from the admin page (kept apart so the page can load the tab lazily). */
export interface MappingsViewProps {
  api: AdminApi;
  connection: Connection;
}
