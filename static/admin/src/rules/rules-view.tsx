import { useRef, useState } from 'react';
import type { AdminApi, Connection, DryRun, RuleError, Rules } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { useResource } from '../../../shared/src/ui/use-resource';
import { PreviewChanges } from '../changes/preview-changes';
import { CodeEditor, type CodeEditorHandle } from './code-editor';
import { DryRunResult } from './dry-run-result';
import type { RulesViewProps } from './rules-view-props';
import { VersionHistory } from './version-history';

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

/** The Rules tab for one connection: two scripts, Validate, Dry run, Save, version history. */
export function RulesView({ api, connection }: RulesViewProps) {
  const [loadedVersion, setLoadedVersion] = useState<number | undefined>(undefined);
  // kept here: saving reloads the rules, which starts a fresh editor for the new version
  const [justSaved, setJustSaved] = useState(false);
  const [restored, setRestored] = useState<string | null>(null);
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
      restored={restored}
      onEdited={() => { setJustSaved(false); setRestored(null); }}
      onOpen={(version) => {
        setJustSaved(false);
        setRestored(null);
        setLoadedVersion(version);
      }}
      onSaved={() => {
        setJustSaved(true);
        setRestored(null);
        if (loadedVersion === undefined) void rules.reload();
        else setLoadedVersion(undefined);
      }}
      onRestored={(from, version) => {
        setJustSaved(false);
        setRestored(from === 0 ? `The default rules are in force again, as version ${version}.` : `Version ${from} is in force again, as version ${version}.`);
        if (loadedVersion === undefined) void rules.reload();
        else setLoadedVersion(undefined);
      }}
    />
  );
}

function RulesEditor({ api, connection, rules, restoredFrom, saved, restored, onEdited, onOpen, onSaved, onRestored }: {
  api: AdminApi;
  connection: Connection;
  rules: Rules;
  restoredFrom: number | null;
  /** the rules in the editors were just saved */
  saved: boolean;
  /** a kept version was just restored (what to say) */
  restored: string | null;
  onEdited: () => void;
  onOpen: (version: number) => void;
  onSaved: () => void;
  onRestored: (from: number, version: number) => void;
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
  const latestVersion = rules.currentVersion;

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
                if (saved || restored !== null) onEdited();
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
      {restored === null ? null : <SectionMessage appearance="success" title="Version restored">{restored}</SectionMessage>}

      <PreviewChanges
        note="Runs the scripts in the editors against the issues this connection syncs, beside the rules in force, without saving or changing anything."
        draft={JSON.stringify([outgoing, incoming])}
        run={(cursor) => api.previewRulesChange(connection.id, { outgoing, incoming }, cursor)}
      />

      <section className="ts-card ts-stack" aria-labelledby="dry-run-title">
        <h3 id="dry-run-title" style={{ margin: 0 }}>Dry run</h3>
        <p className="ts-subtle" style={{ margin: 0 }}>Runs the scripts in the editors against an issue, without saving or changing anything.</p>
        <form className="ts-row-end" onSubmit={(e) => { e.preventDefault(); void runDry(); }}>
          <div style={{ width: 200 }}>
            <TextField label="Issue key" value={issueKey} onChange={setIssueKey} error={dryError} placeholder="INT-1" />
          </div>
          <Button type="submit" isLoading={busy === 'dry'}>Dry run</Button>
        </form>
        {dryRun === null ? null : <DryRunResult dryRun={dryRun} />}
      </section>

      <VersionHistory api={api} connection={connection} rules={rules} openedVersion={restoredFrom} onOpen={onOpen} onRestored={onRestored} />
    </div>
  );
}
