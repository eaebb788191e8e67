import { useEffect, useMemo, useRef, useState } from 'react';
import type { AdminApi, Connection, MappingProblem, MappingsVersion, MappingValues, UnmappedValue, UserRef } from '../../../shared/src/api/admin-api';
import { readableMessage, ResolverError } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { SelectField } from '../../../shared/src/ui/select-field';
import { useResource, type Resource } from '../../../shared/src/ui/use-resource';
import { PreviewChanges } from '../changes/preview-changes';
import { MappingTable } from './mapping-table';
import { emptyRow, optionRowLabel, problemPlace, problemsByRow, rowLabelOf, rowsOf, TABLE_TITLES, toDraft, toMappings, withRows, type Draft, type RowTable, type TableRef } from './mappings-draft';
import type { MappingsViewProps } from './mappings-view-props';
import { PersonPicker } from './person-picker';
import type { Choice } from './remote-value-field';
import { UnmappedValues } from './unmapped-values';

/** at most this many fields' options are asked for in one call (the resolver's limit) */
const MAX_OPTIONS_OF = 20;

interface Loaded {
  mappings: MappingsVersion;
  values: MappingValues;
}

/** The Mappings tab for one connection: the value tables, the unmapped values, a preview, Save. */
export function MappingsView({ api, connection }: MappingsViewProps) {
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const loaded = useResource<Loaded>(async () => {
    const mappings = await api.getMappings(connection.id);
    const values = await api.listMappingValues(connection.id, Object.keys(mappings.options).slice(0, MAX_OPTIONS_OF));
    return { mappings, values };
  }, [connection.id]);
  const unmapped = useResource(() => api.listUnmappedValues(connection.id), [connection.id]);
  if (loaded.data === null) {
    return loaded.error === null ? <p className="ts-subtle">Loading mappings…</p> : <SectionMessage appearance="error" title="Could not load the mappings">{loaded.error}</SectionMessage>;
  }
  return (
    <MappingsEditor
      key={`${connection.id}:${loaded.data.mappings.version}`}
      api={api}
      connection={connection}
      loaded={loaded.data}
      unmapped={unmapped}
      savedVersion={savedVersion}
      onEdited={() => setSavedVersion(null)}
      onSaved={(version) => {
        setSavedVersion(version);
        void loaded.reload();
        void unmapped.reload();
      }}
    />
  );
}

const choicesOf = (values: readonly string[]): Choice[] => values.map((value) => ({ value, label: value }));
const sameText = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

function MappingsEditor({ api, connection, loaded, unmapped, savedVersion, onEdited, onSaved }: {
  api: AdminApi;
  connection: Connection;
  loaded: Loaded;
  unmapped: Resource<{ values: UnmappedValue[] }>;
  savedVersion: number | null;
  onEdited: () => void;
  onSaved: (version: number) => void;
}) {
  const base = useMemo(() => toDraft(loaded.mappings), [loaded.mappings]);
  const [draft, setDraftState] = useState<Draft>(base);
  const [problems, setProblems] = useState<MappingProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [optionValues, setOptionValues] = useState<Record<string, string[] | null>>(loaded.values.local.options);
  const [people, setPeople] = useState<UserRef[]>(loaded.values.local.users);
  const [optionField, setOptionField] = useState('');
  const [focusLabel, setFocusLabel] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const local = loaded.values.local;
  const dirty = JSON.stringify(draft) !== JSON.stringify(base);
  const byRow = useMemo(() => problemsByRow(problems), [problems]);

  useEffect(() => {
    if (focusLabel === null) return;
    const target = root.current?.querySelector<HTMLElement>(`[aria-label="${focusLabel.replace(/["\\]/g, (c) => `\\${c}`)}"]`);
    target?.focus();
    target?.scrollIntoView?.({ block: 'center' });
    setFocusLabel(null);
  }, [focusLabel]);

  const setDraft = (next: Draft) => {
    setDraftState(next);
    if (savedVersion !== null) onEdited();
  };
  const setRows = (ref: TableRef) => (rows: Draft[RowTable]) => setDraft(withRows(draft, ref, rows));

  const remoteChoices = (ref: TableRef): Choice[] => {
    const seen = loaded.values.remote.filter((v) => v.table === ref.table && (ref.table !== 'options' || sameText(v.field, ref.field)));
    const unique = new Map<string, Choice>();
    for (const v of seen) if (!unique.has(v.value.toLowerCase())) unique.set(v.value.toLowerCase(), { value: v.value, label: v.label === null ? v.value : `${v.label} (${v.value})` });
    return [...unique.values()];
  };

  const loadOptions = async (field: string) => {
    if (field in optionValues) return;
    try {
      const answer = await api.listMappingValues(connection.id, [field]);
      setOptionValues((before) => ({ ...before, ...answer.local.options, ...(field in answer.local.options ? {} : { [field]: null }) }));
    } catch (e) {
      setFailure(`The options of ${field} could not be loaded: ${readableMessage(e)}`);
    }
  };

  const addOptionField = (field: string) => {
    if (field === '' || field in draft.options) return;
    setDraft({ ...draft, options: { ...draft.options, [field]: [emptyRow()] } });
    setOptionField('');
    void loadOptions(field);
  };

  const mapValue = (v: UnmappedValue) => {
    const ref: TableRef = v.table === 'options' ? { table: 'options', field: v.field ?? '' } : { table: v.table, field: null };
    if (ref.table === 'options' && ref.field !== null) void loadOptions(ref.field);
    const rows = [...rowsOf(draft, ref), emptyRow({ remote: v.value })];
    setDraft(withRows(draft, ref, rows));
    setFocusLabel(`${rowLabelOf(ref)} row ${rows.length} local value`);
  };

  /** the draft as tables, or null after showing its incomplete rows */
  const complete = () => {
    const { mappings, problems: found } = toMappings(draft);
    if (found.length > 0) {
      setProblems(found);
      return null;
    }
    return mappings;
  };

  const save = async () => {
    setFailure(null);
    const mappings = complete();
    if (mappings === null) return;
    setBusy(true);
    try {
      const saved = await api.saveMappings(connection.id, mappings, loaded.mappings.version);
      if (!saved.ok) {
        setProblems(saved.errors);
        return;
      }
      setProblems([]);
      onSaved(saved.version);
    } catch (e) {
      setFailure(e instanceof ResolverError && e.code === 'conflict'
        ? `Someone saved the rules or mappings meanwhile: reload the page to see their version (your changes here are not saved). ${e.message}`
        : readableMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const table = (t: Exclude<RowTable, 'users'>) => {
    const ref: TableRef = { table: t, field: null };
    const fields = t === 'fields';
    return (
      <MappingTable
        key={t}
        tableRef={ref}
        title={TABLE_TITLES[t].title}
        help={TABLE_TITLES[t].help}
        rows={draft[t]}
        localChoices={choicesOf(local[t])}
        remoteChoices={remoteChoices(ref)}
        problems={byRow}
        onChange={setRows(ref)}
        {...(fields ? { localNone: '(not synced here)', remoteNone: '(not sent)' } : {})}
      />
    );
  };

  const optionFieldsLeft = local.optionFields.filter((f) => !Object.keys(draft.options).some((k) => sameText(k, f)));

  return (
    <div className="ts-stack" ref={root}>
      <p className="ts-subtle" style={{ margin: 0 }}>
        Each row maps a value here to a value of the other site: “Incoming only” places the other site’s value here, “Outgoing only” sends the value here as the other
        site’s, “Both” does both. Values without a row are matched by name. The default rules apply these tables; a script of your own reads them as <code>mappings</code>.
      </p>
      <UnmappedValues values={unmapped} onMap={mapValue} />
      {(['project', 'issueType', 'status', 'priority', 'resolution', 'fields'] as const).map(table)}

      <section className="ts-card ts-stack" aria-labelledby="options-title">
        <div className="ts-stack" style={{ gap: 4 }}>
          <h3 id="options-title" style={{ margin: 0 }}>Options</h3>
          <p className="ts-subtle" style={{ margin: 0 }}>The values of a select field here and the other site’s values they stand for.</p>
        </div>
        <div className="ts-row-end">
          <div style={{ width: 280 }}>
            <SelectField label="Option field" value={optionField} options={[{ value: '', label: optionFieldsLeft.length === 0 ? 'No more option fields' : 'Choose a field…' }, ...choicesOf(optionFieldsLeft)]} onChange={setOptionField} />
          </div>
          <Button onClick={() => addOptionField(optionField)} disabled={optionField === ''}>Map its options</Button>
        </div>
      </section>
      {Object.keys(draft.options).map((field) => {
        const ref: TableRef = { table: 'options', field };
        const choices = optionValues[field];
        return (
          <MappingTable
            key={`options:${field}`}
            tableRef={ref}
            title={`Options of ${field}`}
            help={choices === null ? 'The options of this field could not be read: type them.' : choices === undefined ? 'Loading the field’s options…' : `${choices.length} options here.`}
            rows={draft.options[field] ?? []}
            localChoices={choicesOf(choices ?? [])}
            remoteChoices={remoteChoices(ref)}
            problems={byRow}
            onChange={setRows(ref)}
            {...(choices === null ? {
              renderLocal: (cell) => <input className="ts-input" aria-label={cell.label} value={cell.row.local} onChange={(e) => cell.onChange(e.target.value)} aria-describedby={cell.describedBy} aria-invalid={cell.invalid ? true : undefined} />,
            } : {})}
            actions={(
              <Button appearance="subtle" aria-label={`Remove the ${optionRowLabel(field)} rows`} onClick={() => {
                const { [field]: _removed, ...rest } = draft.options;
                setDraft({ ...draft, options: rest });
              }}>Remove field</Button>
            )}
          />
        );
      })}

      <MappingTable
        tableRef={{ table: 'users', field: null }}
        title={TABLE_TITLES.users.title}
        help={TABLE_TITLES.users.help}
        rows={draft.users}
        localChoices={[]}
        remoteChoices={remoteChoices({ table: 'users', field: null })}
        problems={byRow}
        onChange={setRows({ table: 'users', field: null })}
        renderLocal={(cell) => (
          <PersonPicker
            cell={cell}
            people={people}
            search={async (query) => (await api.searchPeople(query)).users}
            onFound={(users) => setPeople((before) => [...before, ...users.filter((u) => !before.some((b) => b.accountId === u.accountId))])}
          />
        )}
      />

      <PreviewChanges
        note="Runs the tables above against the issues this connection syncs, beside the mappings in force, without saving or changing anything."
        draft={JSON.stringify(draft)}
        run={(cursor) => {
          const mappings = complete();
          if (mappings === null) return Promise.reject(new Error('Some rows are incomplete: fill them in or remove them first.'));
          return api.previewRulesChange(connection.id, { mappings }, cursor);
        }}
      />

      {problems.length === 0 ? null : (
        <div role="alert" className="ts-message ts-message--error">
          <div className="ts-stack" style={{ gap: 4 }}>
            <div className="ts-message-title">{problems.length === 1 ? '1 problem' : `${problems.length} problems`}: nothing was saved</div>
            <ul className="ts-error-list" aria-label="Mapping problems">
              {problems.map((p, i) => <li key={i}>{problemPlace(p)}{p.side === null ? '' : ` (${p.side === 'local' ? 'here' : 'other site'})`}: {p.message}</li>)}
            </ul>
          </div>
        </div>
      )}
      {failure === null ? null : <SectionMessage appearance="error" title="The mappings could not be saved">{failure}</SectionMessage>}
      {savedVersion === null ? null : <SectionMessage appearance="success" title="Mappings saved">Saved as version {savedVersion}: new syncs use them from now on.</SectionMessage>}
      <div className="ts-row">
        <Button appearance="primary" onClick={() => void save()} isLoading={busy} disabled={!dirty || busy}>Save mappings</Button>
        <Button appearance="subtle" onClick={() => { setDraft(base); setProblems([]); }} disabled={!dirty || busy}>Discard changes</Button>
        <span className="ts-subtle" role="status">{dirty ? 'Unsaved changes' : loaded.mappings.version === 0 ? 'Nothing saved yet' : `Version ${loaded.mappings.version}`}</span>
      </div>
    </div>
  );
}
