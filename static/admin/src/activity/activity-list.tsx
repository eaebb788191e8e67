import type { ActivityEntry, Connection } from '../../../shared/src/api/admin-api';
import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { IssueCell } from './issue-cell';

const outcomeAppearance: Record<ActivityEntry['outcome'], LozengeAppearance> = {
  sent: 'success',
  applied: 'success',
  created: 'success',
  error: 'removed',
  skipped: 'default',
  stale: 'default',
  duplicate: 'default',
  conflict: 'inprogress',
  retry: 'inprogress',
  warning: 'inprogress',
  info: 'inprogress',
};

const directionText: Record<ActivityEntry['direction'], string> = { in: '↓ In', out: '↑ Out', local: 'Local' };

/** Recent messages in and out, and what the app did here, with their outcome; only `issueKey`'s when given. */
export function ActivityList({ activity, connections, issueKey = null }: {
  activity: Resource<ActivityEntry[]>;
  connections: readonly Connection[];
  /** the issue the list is narrowed to, null for all */
  issueKey?: string | null;
}) {
  const list = activity.data ?? [];
  const connectionOf = (id: string | null) => (id === null ? undefined : connections.find((c) => c.id === id));
  return (
    <section className="ts-stack" aria-labelledby="activity-title">
      <h2 id="activity-title" style={{ margin: 0 }}>{issueKey === null ? 'Recent messages' : `Recent messages about ${issueKey}`}</h2>
      {activity.error === null ? null : <SectionMessage appearance="error" title="Could not load the activity">{activity.error}</SectionMessage>}
      {activity.data === null && activity.error === null ? <p className="ts-subtle">Loading activity…</p> : null}
      {activity.data !== null && list.length === 0 ? (
        <p className="ts-subtle" style={{ margin: 0 }}>{issueKey === null ? 'No messages yet.' : `No recent messages about ${issueKey}.`}</p>
      ) : null}
      {list.length === 0 ? null : (
        <div className="ts-table-wrap">
          <table className="ts-table" aria-label="Recent messages">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Direction</th>
                <th scope="col">Issue</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td><TimeText at={a.at} empty="—" /></td>
                  <td>
                    {directionText[a.direction]}
                    <div className="ts-subtlest">{a.type}</div>
                  </td>
                  <td><IssueCell issueKey={a.issueKey} remoteIssueKey={a.remoteIssueKey} connection={connectionOf(a.connectionId)} /></td>
                  <td>
                    <Lozenge appearance={outcomeAppearance[a.outcome]}>{a.outcome}</Lozenge>
                    {a.message === '' ? null : <div className="ts-subtlest">{a.message}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
