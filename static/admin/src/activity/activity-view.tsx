import { useState } from 'react';
import type { AdminApi, Connection, SyncError } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { TextField } from '../../../shared/src/ui/text-field';
import { useResource, type Resource } from '../../../shared/src/ui/use-resource';
import { ActivityList } from './activity-list';
import { ErrorsList } from './errors-list';
import { IssueStateView } from './issue-state';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[0-9]+$/;

/**
 * The Activity and errors tab; both lists refresh on their own every `pollMs` and after actions.
 * The activity can be narrowed to one issue (its key here or the other site's): the app filters.
 */
export function ActivityView({ api, connections, errors, pollMs = 5000, activityLimit = 50 }: {
  api: AdminApi;
  connections: readonly Connection[];
  /** the errors list, kept by the page (the Connections tab reads it too) */
  errors: Resource<SyncError[]>;
  pollMs?: number;
  activityLimit?: number;
}) {
  const [issueText, setIssueText] = useState('');
  const [issueError, setIssueError] = useState<string | null>(null);
  const [issueKey, setIssueKey] = useState<string | null>(null);
  const activity = useResource(() => api.listActivity(activityLimit, issueKey), [api, activityLimit, issueKey], pollMs);

  const applyFilter = () => {
    const key = issueText.trim().toUpperCase();
    if (key === '') {
      setIssueError(null);
      setIssueKey(null);
      return;
    }
    if (!ISSUE_KEY.test(key)) {
      setIssueError('Enter an issue key, for example INT-1.');
      return;
    }
    setIssueError(null);
    setIssueText(key);
    setIssueKey(key);
  };

  return (
    <div className="ts-stack">
      <div className="ts-row" style={{ justifyContent: 'flex-end' }}>
        <Button appearance="subtle" onClick={() => { void errors.reload(); void activity.reload(); }}>Refresh</Button>
      </div>
      <ErrorsList api={api} errors={errors} connections={connections} onRetried={() => void activity.reload()} />
      <form
        className="ts-row-end"
        aria-label="Filter the recent messages"
        onSubmit={(e) => {
          e.preventDefault();
          applyFilter();
        }}
      >
        <div style={{ width: 240 }}>
          <TextField label="Messages about issue" value={issueText} onChange={setIssueText} error={issueError} placeholder="INT-1" />
        </div>
        <Button type="submit">Show</Button>
        {issueKey === null ? null : (
          <Button appearance="subtle" onClick={() => { setIssueText(''); setIssueError(null); setIssueKey(null); }}>Show all</Button>
        )}
      </form>
      {issueKey === null ? null : <IssueStateView api={api} issueKey={issueKey} connections={connections} pollMs={pollMs} />}
      <ActivityList activity={activity} connections={connections} issueKey={issueKey} />
    </div>
  );
}
