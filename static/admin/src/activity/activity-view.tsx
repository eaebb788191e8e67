import type { AdminApi, Connection, SyncError } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { useResource, type Resource } from '../../../shared/src/ui/use-resource';
import { ActivityList } from './activity-list';
import { ErrorsList } from './errors-list';

/** The Activity and errors tab; both lists refresh on their own every `pollMs` and after actions. */
export function ActivityView({ api, connections, errors, pollMs = 5000, activityLimit = 50 }: {
  api: AdminApi;
  connections: readonly Connection[];
  /** the errors list, kept by the page (the Connections tab reads it too) */
  errors: Resource<SyncError[]>;
  pollMs?: number;
  activityLimit?: number;
}) {
  const activity = useResource(() => api.listActivity(activityLimit), [api, activityLimit], pollMs);
  return (
    <div className="ts-stack">
      <div className="ts-row" style={{ justifyContent: 'flex-end' }}>
        <Button appearance="subtle" onClick={() => { void errors.reload(); void activity.reload(); }}>Refresh</Button>
      </div>
      <ErrorsList api={api} errors={errors} connections={connections} onRetried={() => void activity.reload()} />
      <ActivityList activity={activity} />
    </div>
  );
}
