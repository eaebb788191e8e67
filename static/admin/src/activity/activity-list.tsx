import type { Activity } from '../../../shared/src/api/admin-api';
import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';

function outcomeAppearance(outcome: string): LozengeAppearance {
  if (/^(ok|applied|sent|success|synced|created|updated|accepted)/i.test(outcome)) return 'success';
  if (/(error|fail|reject)/i.test(outcome)) return 'removed';
  if (/(stale|skip|duplicate|unchanged|ignored)/i.test(outcome)) return 'default';
  return 'inprogress';
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Recent messages in and out, with outcome and timing. */
export function ActivityList({ activity }: { activity: Resource<Activity[]> }) {
  const list = activity.data ?? [];
  // the time taken is shown when the app reports it
  const timed = list.some((a) => a.durationMs !== null);
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
                {timed ? <th scope="col">Time taken</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((a, i) => (
                <tr key={i}>
                  <td><TimeText at={a.at} empty="—" /></td>
                  <td>
                    {a.direction === 'in' ? '↓ In' : a.direction === 'out' ? '↑ Out' : a.direction === 'local' ? 'Local' : a.direction}
                    {a.type === null ? null : <div className="ts-subtlest">{a.type}</div>}
                  </td>
                  <td>
                    {a.issueKey ?? '—'}
                    {a.remoteIssueKey === null ? null : <div className="ts-subtlest">twin {a.remoteIssueKey}</div>}
                  </td>
                  <td>
                    <Lozenge appearance={outcomeAppearance(a.outcome)}>{a.outcome}</Lozenge>
                    {a.detail === null ? null : <div className="ts-subtlest">{a.detail}</div>}
                  </td>
                  {timed ? <td>{duration(a.durationMs)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
