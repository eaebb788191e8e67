import { useState } from 'react';
import type { AdminApi, Connection, RuleError, Rules, RulesDiff } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { ConfirmDialog } from '../../../shared/src/ui/confirm-dialog';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import { RulesDiffView } from './rules-diff-view';

/**
 * The kept versions of a connection's rules and mappings: who saved each, when, what it changed;
 * "Show changes" (the diff against the version before it), "Restore" (brought back as a new
 * version), "Open in the editors", and "Restore defaults".
 */
export function VersionHistory({ api, connection, rules, openedVersion, onOpen, onRestored }: {
  api: AdminApi;
  connection: Connection;
  rules: Rules;
  /** the version in the editors when it is not the current one */
  openedVersion: number | null;
  onOpen: (version: number) => void;
  /** a version was brought back as `version` */
  onRestored: (restored: number, version: number) => void;
}) {
  const [shown, setShown] = useState<{ version: number; diff: RulesDiff | null; error: string | null } | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; errors: RuleError[] } | null>(null);
  const versions = [...rules.versions].sort((a, b) => b.version - a.version);

  const showChanges = async (version: number) => {
    if (shown?.version === version) {
      setShown(null);
      return;
    }
    setShown({ version, diff: null, error: null });
    try {
      const diff = await api.diffRules(connection.id, version);
      setShown((s) => (s?.version === version ? { version, diff, error: null } : s));
    } catch (e) {
      setShown((s) => (s?.version === version ? { version, diff: null, error: readableMessage(e) } : s));
    }
  };

  const restore = async (version: number) => {
    setBusy(true);
    setFailure(null);
    try {
      const answer = await api.restoreRules(connection.id, version, rules.currentVersion);
      if (!answer.ok) {
        setFailure({ message: `Version ${version === 0 ? '(the defaults)' : version} could not be restored.`, errors: answer.errors });
        return;
      }
      setConfirm(null);
      onRestored(version, answer.version);
    } catch (e) {
      setFailure({ message: readableMessage(e), errors: [] });
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  return (
    <section className="ts-stack" aria-labelledby="versions-title">
      <div className="ts-row" style={{ justifyContent: 'space-between' }}>
        <h3 id="versions-title" style={{ margin: 0 }}>Version history</h3>
        <Button appearance="subtle" onClick={() => setConfirm(0)} disabled={rules.currentVersion === 0 || busy}>Restore defaults</Button>
      </div>
      {failure === null ? null : (
        <SectionMessage appearance="error" title="Not restored">
          {failure.message}
          {failure.errors.length === 0 ? null : (
            <ul className="ts-error-list">{failure.errors.map((e, i) => <li key={i}>{e.script} script{e.line === null ? '' : `, line ${e.line}`}: {e.message}</li>)}</ul>
          )}
        </SectionMessage>
      )}
      {versions.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No saved versions yet: these are the default rules.</p> : (
        <div className="ts-table-wrap">
          <table className="ts-table" aria-label="Rule versions">
            <thead>
              <tr>
                <th scope="col">Version</th><th scope="col">Saved</th><th scope="col">By</th><th scope="col">What changed</th>
                <th scope="col"><span className="ts-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => [
                <tr key={v.version}>
                  <td>{v.version}{v.version === rules.currentVersion ? ' (current)' : ''}{v.version === openedVersion ? ' (in the editors)' : ''}</td>
                  <td><TimeText at={v.savedAt} /></td>
                  <td className="ts-mono">{v.savedBy ?? '—'}</td>
                  <td>{v.summary ?? '—'}</td>
                  <td>
                    <div className="ts-row" style={{ flexWrap: 'nowrap' }}>
                      <Button appearance="subtle" aria-expanded={shown?.version === v.version} aria-label={`Show changes of version ${v.version}`} onClick={() => void showChanges(v.version)}>
                        {shown?.version === v.version ? 'Hide changes' : 'Show changes'}
                      </Button>
                      <Button appearance="subtle" aria-label={`Restore version ${v.version}`} disabled={v.version === rules.currentVersion || busy} onClick={() => setConfirm(v.version)}>Restore</Button>
                      <Button appearance="subtle" aria-label={`Open version ${v.version} in the editors`} onClick={() => onOpen(v.version)}>Open</Button>
                    </div>
                  </td>
                </tr>,
                shown?.version === v.version ? (
                  <tr key={`${v.version}-diff`}>
                    <td colSpan={5}>
                      {shown.diff !== null ? <RulesDiffView diff={shown.diff} /> : shown.error !== null
                        ? <p className="ts-row-error" style={{ margin: 0 }}>Could not load the changes: {shown.error}</p>
                        : <p className="ts-subtle" style={{ margin: 0 }}>Loading the changes…</p>}
                    </td>
                  </tr>
                ) : null,
              ])}
            </tbody>
          </table>
        </div>
      )}
      {confirm === null ? null : (
        <ConfirmDialog
          title={confirm === 0 ? 'Restore the default rules?' : `Restore version ${confirm}?`}
          confirmLabel={confirm === 0 ? 'Restore defaults' : `Restore version ${confirm}`}
          isWorking={busy}
          onCancel={() => setConfirm(null)}
          onConfirm={() => void restore(confirm)}
        >
          <p style={{ margin: 0 }}>
            {confirm === 0 ? 'The default scripts and no mapping rows' : `The scripts and mappings of version ${confirm}`} become a new version, in force for new syncs at once.
            The versions kept now stay in the history.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
