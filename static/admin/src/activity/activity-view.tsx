import type { AdminApi, Connection } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { useResource } from '../../../shared/src/ui/use-resource';
import { ActivityList } from './activity-list';
import { ErrorsList } from './errors-list';

/** The Activity and errors tab; both lists refresh on their own every `pollMs` and after actions. */
export function ActivityView({ api, connections, pollMs = 5000, activityLimit = 50 }: {
  api: AdminApi;
  connections: readonly Connection[];
  pollMs?: number;
  activityLimit?: number;
}) {
  const errors = useResource(() => api.listErrors(), [api], pollMs);
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
