import { useRef, useState } from 'react';
import type { AdminApi, Connection, DryRun, RuleError, Rules, RulesLog } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { TimeText } from '../../../shared/src/ui/time-text';
import { useResource } from '../../../shared/src/ui/use-resource';
import { CodeEditor, type CodeEditorHandle } from './code-editor';
import type { RulesViewProps } from './rules-view-props';

type Script = 'outgoing' | 'incoming';

interface Checked {
  outgoing: string;
  incoming: string;
  errors: RuleError[];
}

const scriptTitle: Record<Script, string> = {
  outgoing: 'Outgoing script (issue → replica)',
  incoming: 'Incoming script (replica → issue)',
};

function json(value: unknown): string {
  return value === null ? '—' : JSON.stringify(value, null, 2);
}

function logLine(log: RulesLog): string {
  return log.level === 'log' ? log.message : `${log.level}: ${log.message}`;
}

/** the errors of both scripts of a dry run */
function dryRunErrors(dry: DryRun): RuleError[] {
  return [dry.outgoing.error, dry.incoming.error].filter((e) => e !== null);
}

/** The Rules tab for one connection: two scripts, Validate, Dry run, Save, version history. */
export function RulesView({ api, connection }: RulesViewProps) {
  const [loadedVersion, setLoadedVersion] = useState<number | undefined>(undefined);
  // kept here: saving reloads the rules, which starts a fresh editor for the new version
  const [justSaved, setJustSaved] = useState(false);
  const rules = useResource<Rules>(() => api.getRules(connection.id, loadedVersion), [connection.id, loadedVersion]);
  return rules.data === null ? (
    rules.error === null ? <p className="ts-subtle">Loading rules…</p> : <SectionMessage appearance="error" title="Could not load the rules">{rules.error}</SectionMessage>
  ) : (
    <RulesEditor
      key={`${connection.id}:${rules.data.version}:${loadedVersion ?? 'latest'}`}
      api={api}
      connection={connection}
      rules={rules.data}
      restoredFrom={loadedVersion ?? null}
      saved={justSaved}
      onEdited={() => setJustSaved(false)}
      onRestore={(version) => {
        setJustSaved(false);
        setLoadedVersion(version);
      }}
      onSaved={() => {
        setJustSaved(true);
        if (loadedVersion === undefined) void rules.reload();
        else setLoadedVersion(undefined);
      }}
    />
  );
}

function RulesEditor({ api, connection, rules, restoredFrom, saved, onEdited, onRestore, onSaved }: {
  api: AdminApi;
  connection: Connection;
  rules: Rules;
  restoredFrom: number | null;
  /** the rules in the editors were just saved */
  saved: boolean;
  onEdited: () => void;
  onRestore: (version: number) => void;
  onSaved: () => void;
}) {
  const [outgoing, setOutgoing] = useState(rules.outgoing);
  const [incoming, setIncoming] = useState(rules.incoming);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [busy, setBusy] = useState<'validate' | 'save' | 'dry' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [issueKey, setIssueKey] = useState('');
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const [dryError, setDryError] = useState<string | null>(null);
  const editors = useRef<Record<Script, CodeEditorHandle | null>>({ outgoing: null, incoming: null });

  const current = checked !== null && checked.outgoing === outgoing && checked.incoming === incoming;
  const knownInvalid = current && checked.errors.length > 0;
  const errors = checked?.errors ?? [];
  const errorsOf = (script: Script) => errors.filter((e) => e.script === script);
  // the version in force now (the one a save replaces; 0 = the defaults), whatever version is in the editors
  const latestVersion = rules.versions.reduce((max, v) => Math.max(max, v.version), 0);

  const validate = async (): Promise<RuleError[] | null> => {
    setFailure(null);
    onEdited();
    try {
      const { errors: found } = await api.validateRules(connection.id, outgoing, incoming);
      setChecked({ outgoing, incoming, errors: found });
      return found;
    } catch (e) {
      setFailure(readableMessage(e));
      return null;
    }
  };

  const run = async (what: 'validate' | 'save') => {
    setBusy(what);
    try {
      const found = await validate();
      if (what === 'validate' || found === null || found.length > 0) return;
      const saved = await api.saveRules(connection.id, outgoing, incoming, latestVersion);
      if (!saved.ok) {
        setChecked({ outgoing, incoming, errors: saved.errors });
        return;
      }
      onSaved();
    } catch (e) {
      setFailure(readableMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const runDry = async () => {
    if (issueKey.trim() === '') {
      setDryError('Enter an issue key, for example INT-1.');
      return;
    }
    setBusy('dry');
    setDryError(null);
    setDryRun(null);
    try {
      setDryRun(await api.dryRun(connection.id, issueKey.trim().toUpperCase(), { outgoing, incoming }));
    } catch (e) {
      setDryError(readableMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="ts-stack">
      {restoredFrom === null ? null : (
        <SectionMessage appearance="information" title={`Version ${restoredFrom} is in the editors`}>
          It becomes the current rules when you save.
        </SectionMessage>
      )}
      <div className="ts-grid-2">
        {(['outgoing', 'incoming'] as const).map((script) => (
          <div key={script} className="ts-stack" style={{ gap: 4, minWidth: 0 }}>
            <h3 style={{ margin: 0 }} id={`rules-${script}-title`}>{scriptTitle[script]}</h3>
            <CodeEditor
              label={`${script} script`}
              value={script === 'outgoing' ? outgoing : incoming}
              onChange={(text) => {
                if (script === 'outgoing') setOutgoing(text);
                else setIncoming(text);
                if (saved) onEdited();
              }}
              errors={errorsOf(script)}
              handleRef={(h) => { editors.current[script] = h; }}
            />
          </div>
        ))}
      </div>
      <div className="ts-row">
        <Button onClick={() => void run('validate')} isLoading={busy === 'validate'}>Validate</Button>
        <Button appearance="primary" onClick={() => void run('save')} isLoading={busy === 'save'} disabled={knownInvalid || busy !== null}>
          Save rules
        </Button>
        {knownInvalid ? <span className="ts-subtle">Fix the errors to save.</span> : null}
        {current && !knownInvalid && !saved ? <span className="ts-subtle" role="status">No errors found.</span> : null}
      </div>
      {errors.length > 0 ? (
        <div role="alert" className="ts-message ts-message--error">
          <div className="ts-stack" style={{ gap: 4 }}>
            <div className="ts-message-title">{errors.length === 1 ? '1 error' : `${errors.length} errors`} in the rules</div>
            <ul className="ts-error-list" aria-label="Rule errors">
              {errors.map((e, i) => (
                <li key={i}>
                  <button type="button" onClick={() => editors.current[e.script]?.focusLine(e.line ?? 1)}>
                    {e.script} script{e.line === null ? '' : `, line ${e.line}`}{e.column === null ? '' : `:${e.column}`}
                  </button>
                  {': '}{e.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {failure === null ? null : <SectionMessage appearance="error" title="The rules could not be checked or saved">{failure}</SectionMessage>}
      {saved ? <SectionMessage appearance="success" title="Rules saved">New syncs use them from now on.</SectionMessage> : null}

      <section className="ts-card ts-stack" aria-labelledby="dry-run-title">
        <h3 id="dry-run-title" style={{ margin: 0 }}>Dry run</h3>
        <p className="ts-subtle" style={{ margin: 0 }}>Runs the scripts in the editors against an issue, without saving or changing anything.</p>
        <form className="ts-row-end" onSubmit={(e) => { e.preventDefault(); void runDry(); }}>
          <div style={{ width: 200 }}>
            <TextField label="Issue key" value={issueKey} onChange={setIssueKey} error={dryError} placeholder="INT-1" />
          </div>
          <Button type="submit" isLoading={busy === 'dry'}>Dry run</Button>
        </form>
        {dryRun === null ? null : (
          <div className="ts-grid-2">
            <div className="ts-stack" style={{ gap: 4 }}>
              <h4 style={{ margin: 0 }}>Replica that would be sent</h4>
              <pre className="ts-code-block" data-testid="dry-run-replica">{json(dryRun.outgoing.replica)}</pre>
            </div>
            <div className="ts-stack" style={{ gap: 4 }}>
              <h4 style={{ margin: 0 }}>Local changes an incoming replica would make</h4>
              <pre className="ts-code-block" data-testid="dry-run-changes">{json(dryRun.incoming.changes)}</pre>
            </div>
            {dryRunErrors(dryRun).length === 0 ? null : (
              <div role="alert" className="ts-message ts-message--error">
                <ul className="ts-error-list" aria-label="Dry run errors">
                  {dryRunErrors(dryRun).map((e, i) => (
                    <li key={i}>{e.script} script{e.line === null ? '' : `, line ${e.line}`}: {e.message}</li>
                  ))}
                </ul>
              </div>
            )}
            {dryRun.outgoing.logs.length + dryRun.incoming.logs.length === 0 ? null : (
              <div className="ts-stack" style={{ gap: 4 }}>
                <h4 style={{ margin: 0 }}>Script output</h4>
                <pre className="ts-code-block">{[...dryRun.outgoing.logs, ...dryRun.incoming.logs].map(logLine).join('\n')}</pre>
              </div>
            )}
          </div>
        )}
      </section>

      <section className="ts-stack" aria-labelledby="versions-title">
        <h3 id="versions-title" style={{ margin: 0 }}>Version history</h3>
        {rules.versions.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No saved versions yet: these are the default rules.</p> : (
          <div className="ts-table-wrap">
            <table className="ts-table" aria-label="Rule versions">
              <thead>
                <tr><th scope="col">Version</th><th scope="col">Saved</th><th scope="col"><span className="ts-visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {[...rules.versions].sort((a, b) => b.version - a.version).map((v) => (
                  <tr key={v.version}>
                    <td>{v.version}{v.version === rules.version && restoredFrom === null ? ' (current)' : ''}</td>
                    <td><TimeText at={v.savedAt} /></td>
                    <td>
                      <Button appearance="subtle" onClick={() => onRestore(v.version)} aria-label={`Restore version ${v.version}`}>
                        Restore
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
