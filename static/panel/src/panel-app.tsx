import { useEffect, useState, type ReactNode } from 'react';
import type { IssueTwins, PanelApi, TwinState } from '../../shared/src/api/panel-api';
import { readableMessage } from '../../shared/src/api/resolver-error';
import { Button } from '../../shared/src/ui/button';
import { ConfirmDialog } from '../../shared/src/ui/confirm-dialog';
import { Lozenge } from '../../shared/src/ui/lozenge';
import { SectionMessage } from '../../shared/src/ui/section-message';
import { TextField } from '../../shared/src/ui/text-field';
import { TimeText } from '../../shared/src/ui/time-text';
import { useResource } from '../../shared/src/ui/use-resource';

const stateLozenge: Record<TwinState['state'], ReactNode> = {
  synced: <Lozenge appearance="success">In sync</Lozenge>,
  pending: <Lozenge appearance="inprogress">Sync pending</Lozenge>,
  error: <Lozenge appearance="removed">Sync failed</Lozenge>,
  'remote-error': <Lozenge appearance="removed">Failed on the other site</Lozenge>,
};

/** a further member's state, as the twin's site told it (its sync with that member, not ours) */
const memberStateText: Record<TwinState['state'], string> = {
  synced: 'in sync',
  pending: 'sync pending',
  error: 'sync failed',
  'remote-error': 'failed on that site',
};

/** how many times the panel looks for the new twin after "Sync to <site>", "Link to KEY" or Retry */
const LINK_POLLS = 30;

type GroupMember = TwinState['groupMembers'][number];

/**
 * The twin group's members on further sites, under the twin that told of them: each site once (the
 * first twin naming it), none on a site this issue has a twin of its own on (a full mesh tells of
 * every member on every connection), nor this issue itself.
 */
function furtherMembers(twins: TwinState[], issueKey: string | null): Map<string, GroupMember[]> {
  const seen = new Set(twins.filter((t) => t.remoteIssueKey !== null).map((t) => t.remoteSiteName ?? t.connectionName));
  const byTwin = new Map<string, GroupMember[]>();
  for (const t of twins) {
    const members = t.groupMembers.filter((m) => m.key !== issueKey && !seen.has(m.site));
    for (const m of members) seen.add(m.site);
    byTwin.set(t.connectionId, members);
  }
  return byTwin;
}

/**
 * The issue panel: the context issue's twins (one per connection it is linked on), their state and
 * the actions on them, and "Sync to <site>" for the connections it could be synced on. Each state is
 * said in words: "Not synced: <cause>" with Retry when this site failed (also before any twin
 * existed), the other site's reason when it could not apply the last change, "Waiting for the other
 * site to create the twin" while a first sync is under way. While a sync is pending the panel looks
 * again every `pollMs`.
 */
export function PanelApp({ api, issueKey = null, pollMs = 2000 }: { api: PanelApi; issueKey?: string | null; pollMs?: number }) {
  // after "Sync to <site>" the twin appears once the queue has run: look again for a while
  const [awaiting, setAwaiting] = useState<{ connectionId: string; polls: number } | null>(null);
  const [pending, setPending] = useState(false);
  const twins = useResource<IssueTwins>(() => api.getTwin(), [api], pending || awaiting !== null ? pollMs : undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmUnlink, setConfirmUnlink] = useState<TwinState | null>(null);
  // "Link to an existing issue": the other site's key typed per candidate connection
  const [pairKeys, setPairKeys] = useState<Record<string, string>>({});

  useEffect(() => {
    const data = twins.data;
    if (data === null) return;
    setPending(data.twins.some((t) => t.state === 'pending'));
    setAwaiting((a) => (a === null || a.polls <= 1 || data.twins.some((t) => t.connectionId === a.connectionId) ? null : { ...a, polls: a.polls - 1 }));
  }, [twins.data]);

  const act = async (name: string, action: () => Promise<string | null>) => {
    setBusy(name);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(await action());
      await twins.reload();
    } catch (e) {
      setActionError(readableMessage(e));
    } finally {
      setBusy(null);
      setConfirmUnlink(null);
    }
  };

  const d = twins.data;
  const thisIssue = issueKey ?? 'This issue';
  // a connection listed as a candidate has no link to this issue: a row of it is an error before any twin existed,
  // whose action is Retry (not "Sync to" again, nor Sync now or Unlink, which need a link)
  const candidateIds = new Set(d === null ? [] : d.candidates.map((c) => c.connectionId));
  const shownTwinIds = new Set(d === null ? [] : d.twins.map((t) => t.connectionId));
  const candidates = d === null ? [] : d.candidates.filter((c) => !shownTwinIds.has(c.connectionId));
  const further = furtherMembers(d === null ? [] : d.twins, issueKey);
  // one member per site: with members on two or more sites the twins read as "this issue on other sites"
  const memberSites = (d === null ? 0 : d.twins.filter((t) => t.remoteIssueKey !== null).length) + [...further.values()].reduce((n, m) => n + m.length, 0);
  return (
    <main className="ts-panel ts-stack" aria-label="Twin Sync">
      {twins.error === null ? null : <SectionMessage appearance="error" title="Could not load the twin">{twins.error}</SectionMessage>}
      {d === null && twins.error === null ? <p className="ts-subtle">Loading…</p> : null}
      {memberSites >= 2 ? <h3 style={{ margin: 0 }}>This issue on other sites</h3> : null}
      {d === null ? null : d.twins.map((t) => (
        <TwinView
          key={t.connectionId}
          twin={t}
          via={further.get(t.connectionId) ?? []}
          issueLabel={issueKey ?? 'this issue'}
          linked={!candidateIds.has(t.connectionId)}
          busy={busy}
          onSync={() => void act(`sync:${t.connectionId}`, async () => {
            const { queued } = await api.syncNow(t.connectionId);
            return queued === 0 ? 'Nothing was queued: the connection is not active, or it only receives.' : null;
          })}
          onUnlink={() => setConfirmUnlink(t)}
          onRetry={() => void act(`retry:${t.connectionId}`, async () => {
            const { retried } = await api.retry(t.connectionId);
            if (!retried) return 'There was nothing to retry: the error was cleared already.';
            // an issue refused before it had a twin has no row until its sync links it: look again for a while
            setAwaiting({ connectionId: t.connectionId, polls: LINK_POLLS });
            return null;
          })}
        />
      ))}
      {d === null || candidates.length === 0 ? null : (
        <>
          <p style={{ margin: 0 }}>{d.twins.length === 0 ? `${thisIssue} has no twin yet.` : 'It can be synced with another site too.'}</p>
          <div className="ts-row">
            {candidates.map((c) => (
              <Button
                key={c.connectionId}
                appearance="primary"
                onClick={() => void act(c.connectionId, async () => {
                  await api.syncToRemote(c.connectionId);
                  setAwaiting({ connectionId: c.connectionId, polls: LINK_POLLS });
                  return null;
                })}
                isLoading={busy === c.connectionId}
                disabled={busy !== null}
              >
                Sync to {c.remoteSiteName ?? c.connectionName}
              </Button>
            ))}
          </div>
          {candidates.map((c) => {
            const site = c.remoteSiteName ?? c.connectionName;
            const key = (pairKeys[c.connectionId] ?? '').trim().toUpperCase();
            const valid = /^[A-Z][A-Z0-9_]*-[0-9]+$/.test(key);
            return (
              <div key={`pair-${c.connectionId}`} className="ts-row">
                <TextField
                  label={`Link to an existing issue on ${site}`}
                  helper={`Its key on ${site}, e.g. CLOUD-12: the two issues are merged, no new twin is created.`}
                  value={pairKeys[c.connectionId] ?? ''}
                  onChange={(v) => setPairKeys((k) => ({ ...k, [c.connectionId]: v }))}
                />
                <Button
                  onClick={() => void act(c.connectionId, async () => {
                    await api.linkToExisting(c.connectionId, key);
                    setAwaiting({ connectionId: c.connectionId, polls: LINK_POLLS });
                    return null;
                  })}
                  disabled={busy !== null || !valid}
                  isLoading={busy === c.connectionId}
                >
                  Link to {valid ? key : 'issue'}
                </Button>
              </div>
            );
          })}
        </>
      )}
      {d !== null && d.twins.length === 0 && candidates.length === 0 ? (
        <p className="ts-subtle" style={{ margin: 0 }}>{thisIssue} has no twin.</p>
      ) : null}
      {notice === null ? null : <SectionMessage appearance="information">{notice}</SectionMessage>}
      {actionError === null ? null : <SectionMessage appearance="error" title="That did not work">{actionError}</SectionMessage>}
      {confirmUnlink === null ? null : (
        <ConfirmDialog
          title={`Unlink from ${confirmUnlink.remoteIssueKey ?? 'the twin'}?`}
          confirmLabel="Unlink"
          onConfirm={() => void act('unlink', async () => {
            const { unlinked, remoteNotified } = await api.unlink(confirmUnlink.connectionId);
            if (!unlinked) return 'It was not linked any more.';
            return remoteNotified ? null : `Unlinked here; ${confirmUnlink.remoteSiteName ?? 'the other site'} could not be told, so its issue still shows the link.`;
          })}
          onCancel={() => setConfirmUnlink(null)}
          isWorking={busy === 'unlink'}
        >
          <p>Both issues stay as they are, but changes stop flowing between them.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}

/**
 * One twin: its key on the other site, the group's further members that site told of ("via" it,
 * without a state: this site does not sync with them), the connection, the last sync, the state and
 * its actions. `linked`: the issue is linked on the connection (false for a sync refused before any
 * twin existed).
 */
function TwinView({ twin: t, via, issueLabel, linked, busy, onSync, onUnlink, onRetry }: {
  twin: TwinState;
  via: GroupMember[];
  issueLabel: string;
  linked: boolean;
  busy: string | null;
  onSync: () => void;
  onUnlink: () => void;
  onRetry: () => void;
}) {
  const site = t.remoteSiteName ?? t.connectionName;
  return (
    <section className="ts-stack" aria-label={`Twin on ${t.connectionName}`}>
      <dl className="ts-stack" style={{ margin: 0, gap: 6 }}>
        <div className="ts-row">
          <dt className="ts-label">Twin</dt>
          <dd style={{ margin: 0 }} data-testid="twin-key">
            {t.remoteIssueKey === null ? <span className="ts-subtle">not created yet</span>
              : t.remoteIssueUrl === null ? <strong>{t.remoteIssueKey}</strong>
              : <a href={t.remoteIssueUrl} target="_blank" rel="noreferrer"><strong>{t.remoteIssueKey}</strong></a>}
            {t.remoteSiteName === null ? null : <span className="ts-subtle"> on {t.remoteSiteName}</span>}
          </dd>
        </div>
        {via.map((m) => (
          <div key={m.site} className="ts-row" data-testid="group-member">
            <dt className="ts-label">Also</dt>
            <dd style={{ margin: 0 }}>
              <strong>{m.key}</strong><span className="ts-subtle"> on {m.site}, via {site}</span>
              {m.state === undefined ? null : (
                <span data-testid="group-member-state" className="ts-subtle">
                  {' — '}{memberStateText[m.state]}{m.at === undefined ? null : <> as {site} last said, <TimeText at={m.at} /></>}
                </span>
              )}
            </dd>
          </div>
        ))}
        <div className="ts-row"><dt className="ts-label">Connection</dt><dd style={{ margin: 0 }}>{t.connectionName}</dd></div>
        <div className="ts-row">
          <dt className="ts-label">Last sync</dt>
          <dd style={{ margin: 0 }}><TimeText at={t.lastSyncAt} /></dd>
        </div>
        <div className="ts-row" data-testid="twin-state">{stateLozenge[t.state]}</div>
      </dl>
      {t.state === 'pending' && t.remoteIssueKey === null ? (
        <p className="ts-subtle" style={{ margin: 0 }}>Waiting for the other site to create the twin.</p>
      ) : null}
      {t.error === null ? null : (
        <SectionMessage appearance="error">
          <div className="ts-stack" style={{ gap: 8 }}>
            <p style={{ margin: 0 }}>Not synced: {t.error.cause}</p>
            <div className="ts-row">
              <Button aria-label={`Retry sync of ${issueLabel} to ${site}`} onClick={onRetry} isLoading={busy === `retry:${t.connectionId}`} disabled={busy !== null}>Retry</Button>
            </div>
          </div>
        </SectionMessage>
      )}
      {t.remoteError === null ? null : (
        <SectionMessage appearance="error">
          <div className="ts-stack" style={{ gap: 4 }}>
            <p style={{ margin: 0 }}>The other site could not apply the last change: {t.remoteError.reason}</p>
            <span className="ts-subtlest">{site} said so <TimeText at={t.remoteError.at} /></span>
          </div>
        </SectionMessage>
      )}
      {t.attachmentErrors.length === 0 ? null : (
        <SectionMessage appearance="warning">
          <div className="ts-stack" style={{ gap: 4 }}>
            <p style={{ margin: 0 }}>{t.attachmentErrors.length === 1 ? 'A file from' : `${t.attachmentErrors.length} files from`} {site} could not be copied here; the rest of the issue syncs.</p>
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {t.attachmentErrors.map((e) => <li key={`${e.filename}:${e.at}`}>{e.reason}</li>)}
            </ul>
          </div>
        </SectionMessage>
      )}
      {t.warnings.length === 0 ? null : (
        <SectionMessage appearance="warning">
          <div className="ts-stack" style={{ gap: 4 }}>
            <p style={{ margin: 0 }}>The last change from {site} could not carry everything here:</p>
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {t.warnings.map((w) => <li key={w}>{w}</li>)}
            </ul>
          </div>
        </SectionMessage>
      )}
      {linked ? (
        <div className="ts-row">
          <Button onClick={onSync} isLoading={busy === `sync:${t.connectionId}`} disabled={busy !== null}>Sync now</Button>
          <Button appearance="subtle" onClick={onUnlink} disabled={busy !== null}>Unlink</Button>
        </div>
      ) : null}
    </section>
  );
}
