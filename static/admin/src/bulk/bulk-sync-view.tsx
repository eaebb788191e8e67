import { useEffect, useState } from 'react';
import type { AdminApi, BulkProgress, Connection } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { ProgressBar } from '../../../shared/src/ui/progress-bar';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { useResource } from '../../../shared/src/ui/use-resource';

/**
 * Bulk sync of one connection. Progress lives in the app (getBulkSyncProgress), so closing and
 * reopening the page shows the run where it is; it is polled every `pollMs` while running.
 */
export function BulkSyncView({ api, connection, pollMs = 1000 }: { api: AdminApi; connection: Connection; pollMs?: number }) {
  const [running, setRunning] = useState(false);
  const progress = useResource<BulkProgress>(
    () => api.getBulkSyncProgress(connection.id),
    [connection.id],
    running ? pollMs : undefined,
  );
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    if (progress.data !== null) setRunning(progress.data.running);
  }, [progress.data]);

  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      await api.startBulkSync(connection.id);
      await progress.reload();
      setRunning(true);
    } catch (e) {
      setStartError(readableMessage(e));
    } finally {
      setStarting(false);
    }
  };

  const p = progress.data;
  const finished = p !== null && !p.running && p.total > 0;
  return (
    <div className="ts-stack">
      <h2 style={{ margin: 0 }}>Bulk sync</h2>
      <p className="ts-subtle" style={{ margin: 0 }}>
        Sends every issue matching the scope of {connection.name}
        {connection.scopeJql === null ? '' : <> (<code>{connection.scopeJql}</code>)</>} through the queue, in batches.
      </p>
      <div className="ts-row">
        <Button appearance="primary" onClick={() => void start()} isLoading={starting} disabled={running}>
          Sync all issues matching the scope
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
          {finished && p.failed > 0 ? <span className="ts-subtle">The failed issues are listed under Activity and errors.</span> : null}
        </div>
      )}
    </div>
  );
}
