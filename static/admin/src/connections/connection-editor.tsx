import { useState } from 'react';
import { conflictPolicies, directions, type AdminApi, type ConflictPolicy, type Connection, type Direction, type Project } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { SelectField } from '../../../shared/src/ui/select-field';
import { TextField } from '../../../shared/src/ui/text-field';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { ScopeField } from './scope-field';

const directionLabels: Record<Direction, string> = {
  both: 'Both ways',
  'send-only': 'Send only',
  'receive-only': 'Receive only',
};

const policyLabels: Record<ConflictPolicy, string> = {
  'later-wins': 'The later change wins',
  'local-wins': 'This site wins',
  'remote-wins': 'The other site wins',
};

function isDirection(value: string): value is Direction {
  return directions.some((d) => d === value);
}

function isConflictPolicy(value: string): value is ConflictPolicy {
  return conflictPolicies.some((p) => p === value);
}

/**
 * Edits direction, scope JQL (validated by the resolver against the site) and conflict policy.
 * `onDone` gets the connection as saved, or null when the edit was cancelled.
 */
export function ConnectionEditor({ api, connection, projects, onDone }: {
  api: AdminApi;
  connection: Connection;
  projects: Resource<Project[]>;
  onDone: (saved: Connection | null) => void;
}) {
  const [direction, setDirection] = useState<Direction>(connection.direction);
  const [scopeJql, setScopeJql] = useState(connection.scopeJql ?? '');
  const [policy, setPolicy] = useState<ConflictPolicy>(connection.conflictPolicy);
  const [missingComponents, setMissingComponents] = useState<'create' | 'report'>(connection.rulesConfig.missingComponents ?? 'create');
  const [unmappedUser, setUnmappedUser] = useState(connection.rulesConfig.unmappedUser ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      // an empty scope: only issues already linked are synced
      // the rules configuration is sent only when one of its settings here changed
      const fallback = unmappedUser.trim() === '' ? null : unmappedUser.trim();
      const changed = missingComponents !== (connection.rulesConfig.missingComponents ?? 'create') || fallback !== (connection.rulesConfig.unmappedUser ?? null);
      const rulesConfig = changed ? { rulesConfig: { ...connection.rulesConfig, missingComponents, unmappedUser: fallback } } : {};
      onDone(await api.updateConnection({ id: connection.id, direction, scopeJql: scopeJql.trim() === '' ? null : scopeJql.trim(), conflictPolicy: policy, ...rulesConfig }));
    } catch (e) {
      setError(readableMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="ts-card ts-stack"
      aria-label={`Settings of ${connection.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 style={{ margin: 0 }}>Settings of {connection.name}</h3>
      <div className="ts-grid-2">
        <SelectField
          label="Direction"
          value={direction}
          options={directions.map((d) => ({ value: d, label: directionLabels[d] }))}
          onChange={(v) => { if (isDirection(v)) setDirection(v); }}
        />
        <SelectField
          label="Conflict policy"
          value={policy}
          options={conflictPolicies.map((p) => ({ value: p, label: policyLabels[p] }))}
          onChange={(v) => { if (isConflictPolicy(v)) setPolicy(v); }}
        />
      </div>
      <ScopeField
        label="Scope (JQL)"
        value={scopeJql}
        onChange={setScopeJql}
        projects={projects}
        helper="Issues matching this query are synced (empty: only issues already linked); the site checks the query when you save."
        invalid={error !== null}
      />
      <div className="ts-grid-2">
        <SelectField
          label="Components and versions this project lacks"
          value={missingComponents}
          options={[{ value: 'create', label: 'Create them here' }, { value: 'report', label: 'Leave them out, with a warning' }]}
          onChange={(v) => { if (v === 'create' || v === 'report') setMissingComponents(v); }}
        />
        <TextField
          label="Who takes a person nobody here matches (account id)"
          value={unmappedUser}
          onChange={setUnmappedUser}
          helper="Empty: nobody (the field is left empty). Either way the issue shows a warning naming the person."
        />
      </div>
      <div className="ts-row">
        <Button type="submit" appearance="primary" isLoading={busy}>Save settings</Button>
        <Button appearance="subtle" onClick={() => onDone(null)}>Cancel</Button>
      </div>
      {error === null ? null : <SectionMessage appearance="error" title="Settings not saved">{error}</SectionMessage>}
    </form>
  );
}
