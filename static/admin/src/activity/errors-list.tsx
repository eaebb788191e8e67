import { useState } from 'react';
import type { AdminApi, Connection, SyncError } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { IssueCell, issueKeyOf } from './issue-cell';

/** what a Retry button and a retry's outcome call an error: its issue, else where it happened (never its id) */
export function errorName(error: SyncError, connectionName: string | null): string {
  return issueKeyOf(error) ?? `the ${error.direction} error of ${connectionName ?? 'a connection'} with no issue`;
}

/** Sync errors with issue, cause and attempts; Retry one, or Retry all. */
export function ErrorsList({ api, errors, connections, onRetried }: {
  api: AdminApi;
  errors: Resource<SyncError[]>;
  connections: readonly Connection[];
  onRetried: () => void;
}) {
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const list = errors.data ?? [];
  const connectionOf = (id: string) => connections.find((c) => c.id === id);
  const connectionName = (id: string) => connectionOf(id)?.name ?? null;

  const retry = async (ids: readonly string[]) => {
    setRetrying(new Set(ids));
    setOutcome(null);
    const failures: string[] = [];
    // errors another retry (or the sweeper) resolved meanwhile: nothing to retry
    const gone: string[] = [];
    const label = (id: string) => {
      const item = list.find((x) => x.id === id);
      return item === undefined ? 'an error no longer listed' : errorName(item, connectionName(item.connectionId));
    };
    for (const id of ids) {
      try {
        if (!(await api.retryError(id)).retried) gone.push(label(id));
      } catch (e) {
        failures.push(`${label(id)}: ${readableMessage(e)}`);
      }
    }
    setRetrying(new Set());
    const retried = ids.length - failures.length - gone.length;
    const goneText = gone.length === 0 ? '' : ` ${gone.join(', ')} had no error any more.`;
    setOutcome(failures.length > 0
      ? { kind: 'error', text: `Retry failed for ${failures.join('; ')}.${goneText}` }
      : { kind: 'success', text: `${retried === 1 ? 'Retry queued.' : `${retried} retries queued.`}${goneText}` });
    await errors.reload();
    onRetried();
  };

  return (
    <section className="ts-stack" aria-labelledby="errors-title">
      <div className="ts-row" style={{ justifyContent: 'space-between' }}>
        <h2 id="errors-title" style={{ margin: 0 }}>Errors</h2>
        <Button
          onClick={() => void retry(list.map((e) => e.id))}
          disabled={list.length === 0}
          isLoading={retrying.size > 1}
        >
          Retry all
        </Button>
      </div>
      {errors.error === null ? null : <SectionMessage appearance="error" title="Could not load the errors">{errors.error}</SectionMessage>}
      {outcome === null ? null : <SectionMessage appearance={outcome.kind}>{outcome.text}</SectionMessage>}
      {errors.data === null && errors.error === null ? <p className="ts-subtle">Loading errors…</p> : null}
      {errors.data !== null && list.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No errors. Every issue is in sync or on its way.</p> : null}
      {list.length === 0 ? null : (
        <div className="ts-table-wrap">
          <table className="ts-table" aria-label="Sync errors">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Cause</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col"><span className="ts-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id} data-testid={`error-${e.id}`}>
                  <td>
                    <IssueCell issueKey={e.issueKey} remoteIssueKey={e.remoteIssueKey} connection={connectionOf(e.connectionId)} />
                    <div className="ts-subtlest">{e.direction}</div>
                    {connectionName(e.connectionId) === null ? null : <div className="ts-subtlest">{connectionName(e.connectionId)}</div>}
                  </td>
                  <td style={{ wordBreak: 'break-word' }}>
                    {e.cause}
                    {e.pending > 0 ? <div className="ts-subtlest">{e.pending} more waiting behind it</div> : null}
                  </td>
                  <td>
                    {e.attempts}
                    {e.autoRetryAt === null ? null : <div className="ts-subtlest">retries on its own</div>}
                  </td>
                  <td><TimeText at={e.lastAt} /></td>
                  <td>
                    <Button
                      appearance="subtle"
                      onClick={() => void retry([e.id])}
                      isLoading={retrying.has(e.id)}
                      disabled={retrying.size > 0}
                      aria-label={`Retry ${errorName(e, connectionName(e.connectionId))}`}
                    >
                      Retry
                    </Button>
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
