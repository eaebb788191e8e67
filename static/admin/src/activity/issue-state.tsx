import type { AdminApi, Connection, IssueSyncState } from '../../../shared/src/api/admin-api';
import { IssueLink, RemoteIssueLink } from '../../../shared/src/ui/issue-link';
import { Lozenge } from '../../../shared/src/ui/lozenge';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import { useResource } from '../../../shared/src/ui/use-resource';

const STATE_TEXT: Record<IssueSyncState['twins'][number]['state'], { text: string; appearance: 'success' | 'inprogress' | 'removed' }> = {
  synced: { text: 'In sync', appearance: 'success' },
  pending: { text: 'Sync pending', appearance: 'inprogress' },
  error: { text: 'Sync failed', appearance: 'removed' },
  'remote-error': { text: 'Failed on the other site', appearance: 'removed' },
};

/**
 * One issue's twins with the state of each, as the issue's panel shows them (the same resolver
 * answer): synced only on the other site's word, its reason when it failed there.
 */
export function IssueStateView({ api, issueKey, connections, pollMs }: { api: AdminApi; issueKey: string; connections: readonly Connection[]; pollMs: number }) {
  const state = useResource(() => api.getIssueSyncState(issueKey), [api, issueKey], pollMs);
  if (state.error !== null) return <SectionMessage appearance="warning" title={`The sync of ${issueKey}`}>{state.error}</SectionMessage>;
  const d = state.data;
  if (d === null) return null;
  const siteUrl = (connectionId: string) => connections.find((c) => c.id === connectionId)?.remoteSiteUrl ?? null;
  return (
    <section className="ts-stack" aria-label={`The sync of ${d.issueKey}`}>
      <h3 style={{ margin: 0 }}>The sync of <IssueLink issueKey={d.issueKey} /></h3>
      {d.twins.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>{d.issueKey} is not synced on any connection.</p> : null}
      {d.twins.map((t) => (
        <div key={t.connectionId} className="ts-stack" style={{ gap: 4 }}>
          <div className="ts-row">
            <span>{t.connectionName}:</span>
            {t.remoteIssueKey === null ? <span className="ts-subtle">no twin yet</span> : <RemoteIssueLink issueKey={t.remoteIssueKey} siteUrl={siteUrl(t.connectionId)} />}
            <Lozenge appearance={STATE_TEXT[t.state].appearance}>{STATE_TEXT[t.state].text}</Lozenge>
            {t.lastSyncAt === null ? null : <span className="ts-subtle">last sync <TimeText at={t.lastSyncAt} /></span>}
          </div>
          {t.error === null ? null : <p style={{ margin: 0 }}>Not synced: {t.error.cause}</p>}
          {t.remoteError === null ? null : <p style={{ margin: 0 }}>The other site could not apply the last change: {t.remoteError.reason}</p>}
        </div>
      ))}
    </section>
  );
}
