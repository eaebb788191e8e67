import { useEffect, useState } from 'react';
import type { PanelApi, Twin } from '../../shared/src/api/panel-api';
import { readableMessage } from '../../shared/src/api/resolver-error';
import { Button } from '../../shared/src/ui/button';
import { ConfirmDialog } from '../../shared/src/ui/confirm-dialog';
import { Lozenge } from '../../shared/src/ui/lozenge';
import { SectionMessage } from '../../shared/src/ui/section-message';
import { TimeText } from '../../shared/src/ui/time-text';
import { useResource } from '../../shared/src/ui/use-resource';

const stateLozenge = {
  synced: <Lozenge appearance="success">In sync</Lozenge>,
  pending: <Lozenge appearance="inprogress">Sync pending</Lozenge>,
  failed: <Lozenge appearance="removed">Sync failed</Lozenge>,
} as const;

/** how many times the panel looks for the new link after "Sync to <site>" */
const LINK_POLLS = 30;

/**
 * The issue panel: the context issue's twin, its state and the actions on it. While a sync is
 * pending the panel looks again every `pollMs`.
 */
export function PanelApp({ api, issueKey = null, pollMs = 2000 }: { api: PanelApi; issueKey?: string | null; pollMs?: number }) {
  const [pending, setPending] = useState(false);
  // after "Sync to <site>" the link appears once the queue has run: look again for a while
  const [awaitingLink, setAwaitingLink] = useState(0);
  const twin = useResource<Twin>(() => api.getTwin(), [api], pending || awaitingLink > 0 ? pollMs : undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmUnlink, setConfirmUnlink] = useState(false);

  useEffect(() => {
    if (twin.data === null) return;
    setPending(twin.data.state === 'pending');
    setAwaitingLink((left) => (twin.data?.linked === true ? 0 : Math.max(left - 1, 0)));
  }, [twin.data]);

  const act = async (name: string, action: () => Promise<unknown>) => {
    setBusy(name);
    setActionError(null);
    try {
      await action();
      await twin.reload();
    } catch (e) {
      setActionError(readableMessage(e));
    } finally {
      setBusy(null);
      setConfirmUnlink(false);
    }
  };

  const t = twin.data;
  return (
    <main className="ts-panel ts-stack" aria-label="Twin Sync">
      {twin.error === null ? null : <SectionMessage appearance="error" title="Could not load the twin">{twin.error}</SectionMessage>}
      {t === null && twin.error === null ? <p className="ts-subtle">Loading…</p> : null}
      {t !== null && t.linked ? (
        <>
          <dl className="ts-stack" style={{ margin: 0, gap: 6 }}>
            <div className="ts-row">
              <dt className="ts-label">Twin</dt>
              <dd style={{ margin: 0 }} data-testid="twin-key">
                {t.twinKey === null ? <span className="ts-subtle">not created yet</span>
                  : t.twinUrl === null ? <strong>{t.twinKey}</strong>
                  : <a href={t.twinUrl} target="_blank" rel="noreferrer"><strong>{t.twinKey}</strong></a>}
                {t.remoteSiteName === null ? null : <span className="ts-subtle"> on {t.remoteSiteName}</span>}
              </dd>
            </div>
            {t.connectionName === null ? null : (
              <div className="ts-row"><dt className="ts-label">Connection</dt><dd style={{ margin: 0 }}>{t.connectionName}</dd></div>
            )}
            <div className="ts-row">
              <dt className="ts-label">Last sync</dt>
              <dd style={{ margin: 0 }}>
                <TimeText at={t.lastSyncAt} />
                {t.outcome === null ? null : <span className="ts-subtle"> · {t.outcome}</span>}
              </dd>
            </div>
            {t.state === null ? null : <div className="ts-row" data-testid="twin-state">{stateLozenge[t.state]}</div>}
          </dl>
          {t.state === 'failed' || t.error !== null ? (
            <SectionMessage appearance="error" title="The last sync failed">{t.error ?? 'No detail was recorded.'}</SectionMessage>
          ) : null}
          <div className="ts-row">
            <Button onClick={() => void act('sync', () => api.syncNow(t.connectionId))} isLoading={busy === 'sync'} disabled={busy !== null}>Sync now</Button>
            <Button appearance="subtle" onClick={() => setConfirmUnlink(true)} disabled={busy !== null}>Unlink</Button>
          </div>
        </>
      ) : null}
      {t !== null && !t.linked ? (
        t.inScope !== false && t.candidates.length > 0 ? (
          <>
            <p style={{ margin: 0 }}>{issueKey ?? 'This issue'} has no twin yet.</p>
            <div className="ts-row">
              {t.candidates.map((c) => {
                const site = c.remoteSiteName ?? c.connectionName ?? 'the other site';
                return (
                  <Button
                    key={c.connectionId}
                    appearance="primary"
                    onClick={() => void act(c.connectionId, async () => {
                      await api.syncToRemote(c.connectionId);
                      setAwaitingLink(LINK_POLLS);
                    })}
                    isLoading={busy === c.connectionId}
                    disabled={busy !== null}
                  >
                    Sync to {site}
                  </Button>
                );
              })}
            </div>
          </>
        ) : (
          <p className="ts-subtle" style={{ margin: 0 }}>
            {issueKey ?? 'This issue'} {t.inScope === false ? 'is not synced: it is outside the scope of every connection.' : 'has no twin.'}
          </p>
        )
      ) : null}
      {actionError === null ? null : <SectionMessage appearance="error" title="That did not work">{actionError}</SectionMessage>}
      {confirmUnlink && t !== null ? (
        <ConfirmDialog
          title={`Unlink from ${t.twinKey ?? 'the twin'}?`}
          confirmLabel="Unlink"
          onConfirm={() => void act('unlink', () => api.unlink(t.connectionId))}
          onCancel={() => setConfirmUnlink(false)}
          isWorking={busy === 'unlink'}
        >
          <p>Both issues stay as they are, but changes stop flowing between them.</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
