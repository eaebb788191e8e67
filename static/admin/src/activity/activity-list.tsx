import type { ActivityEntry } from '../../../shared/src/api/admin-api';
import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';

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

/** Recent messages in and out, and what the app did here, with their outcome. */
export function ActivityList({ activity }: { activity: Resource<ActivityEntry[]> }) {
  const list = activity.data ?? [];
  return (
    <section className="ts-stack" aria-labelledby="activity-title">
      <h2 id="activity-title" style={{ margin: 0 }}>Recent messages</h2>
      {activity.error === null ? null : <SectionMessage appearance="error" title="Could not load the activity">{activity.error}</SectionMessage>}
      {activity.data === null && activity.error === null ? <p className="ts-subtle">Loading activity…</p> : null}
      {activity.data !== null && list.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No messages yet.</p> : null}
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
                  <td>
                    {a.issueKey ?? '—'}
                    {a.remoteIssueKey === null ? null : <div className="ts-subtlest">twin {a.remoteIssueKey}</div>}
                  </td>
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
