import { useEffect, useState } from 'react';
import type { AdminApi, BulkCount, BulkProgress, Connection } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { ProgressBar } from '../../../shared/src/ui/progress-bar';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { useResource } from '../../../shared/src/ui/use-resource';

function issues(n: number): string {
  return n === 1 ? '1 issue' : `${n} issues`;
}

/** "12 created, 3 updated, 1 failed": what a finished run did */
function breakdown(p: BulkProgress): string {
  return `${p.created} created, ${p.updated} updated, ${p.failed} failed`;
}

/**
 * Bulk sync of one connection. The admin may narrow the scope by a JQL filter, and sees Jira's count
 * of what a run would take before starting it (countBulkSync): the scope's on opening, the filter's
 * once counted; a run takes what was counted. Progress lives in the app (getBulkSyncProgress), so
 * closing and reopening the page shows the run where it is; it is polled every `pollMs` while
 * running, and a finished run shows what it created, updated and failed.
 */
export function BulkSyncView({ api, connection, pollMs = 1000 }: { api: AdminApi; connection: Connection; pollMs?: number }) {
  const [running, setRunning] = useState(false);
  const progress = useResource<BulkProgress>(
    () => api.getBulkSyncProgress(connection.id),
    [connection.id],
    running ? pollMs : undefined,
  );
  const [filterText, setFilterText] = useState('');
  // the filter counted (and started, when the admin starts): null = the whole scope
  const [filter, setFilter] = useState<string | null>(null);
  const count = useResource<BulkCount>(() => api.countBulkSync(connection.id, filter), [connection.id, filter]);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    if (progress.data !== null) setRunning(progress.data.running);
  }, [progress.data]);

  const applyFilter = () => {
    const narrow = filterText.trim() === '' ? null : filterText.trim();
    if (narrow === filter) void count.reload();
    else setFilter(narrow);
  };

  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      await api.startBulkSync(connection.id, filter);
      await progress.reload();
      setRunning(true);
    } catch (e) {
      setStartError(readableMessage(e));
    } finally {
      setStarting(false);
    }
  };

  const edited = (filterText.trim() === '' ? null : filterText.trim()) !== filter;
  const p = progress.data;
  const finished = p !== null && !p.running && p.total > 0;
  return (
    <div className="ts-stack">
      <h2 style={{ margin: 0 }}>Bulk sync</h2>
      <p className="ts-subtle" style={{ margin: 0 }}>
        Sends every issue matching the scope of {connection.name}
        {connection.scopeJql === null ? '' : <> (<code>{connection.scopeJql}</code>)</>} through the queue, in batches. A filter narrows the scope
        for one run; the site checks it when it counts.
      </p>
      <form
        className="ts-row-end"
        aria-label="Narrow the bulk sync"
        onSubmit={(e) => {
          e.preventDefault();
          applyFilter();
        }}
      >
        <div className="ts-grow">
          <TextField
            label="Only issues also matching (JQL, optional)"
            value={filterText}
            onChange={setFilterText}
            invalid={count.error !== null && filter !== null}
            placeholder='status != "Done"'
          />
        </div>
        <Button type="submit" isLoading={count.loading}>Count issues</Button>
      </form>
      <div aria-live="polite" data-testid="bulk-count">
        {edited ? <span className="ts-subtle">Press Count issues to narrow the run by this filter.</span>
          : count.error !== null ? null
          : count.data === null ? <span className="ts-subtle">Counting the issues…</span>
          : <span>About {issues(count.data.estimate)} match <code>{count.data.jql}</code> (Jira’s estimate).</span>}
      </div>
      {count.error === null ? null : <SectionMessage appearance="error" title="Could not count the issues">{count.error}</SectionMessage>}
      <div className="ts-row">
        <Button appearance="primary" onClick={() => void start()} isLoading={starting} disabled={running}>
          {filter === null ? 'Sync all issues matching the scope' : 'Sync the issues matching the filter'}
        </Button>
      </div>
      {startError === null ? null : <SectionMessage appearance="error" title="The bulk sync did not start">{startError}</SectionMessage>}
      {progress.error === null ? null : <SectionMessage appearance="error" title="Could not read the progress">{progress.error}</SectionMessage>}
      {p === null || (p.total === 0 && !p.running) ? null : (
        <div className="ts-stack" style={{ gap: 4 }}>
          <ProgressBar done={p.done} failed={p.failed} total={p.total} label={`Bulk sync of ${connection.name}`} />
          <span data-testid="bulk-progress-text" aria-live="polite">
            {p.done} of {p.total} done{p.failed > 0 ? `, ${p.failed} failed` : ''}
            {p.running ? ' — running' : finished ? ' — finished' : ''}
          </span>
          {finished ? <span data-testid="bulk-breakdown">{breakdown(p)}{p.jql === null ? '' : <> — <code>{p.jql}</code></>}</span> : null}
          {finished && p.failed > 0 ? <span className="ts-subtle">The failed issues are listed under Activity and errors.</span> : null}
        </div>
      )}
    </div>
  );
}
