import type { AdminApi, Connection } from '../../../shared/src/api/admin-api';

/** What the Rules tab gets from the admin page (kept apart so the page can load the tab lazily). */
export interface RulesViewProps {
  api: AdminApi;
  connection: Connection;
}
