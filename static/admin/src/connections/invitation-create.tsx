import { useState } from 'react';
import type { AdminApi, Invitation, Project } from '../../../shared/src/api/admin-api';
import { ResolverError, readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { describeExpiry } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { copyText } from './copy-text';
import { ScopeField } from './scope-field';

export const SEND_SCOPE_LABEL = 'Issues this site sends (JQL)';
export const SEND_SCOPE_HELPER = 'Issues matching this query are sent to the other site. Empty: nothing is sent from this site until the connection has a scope.';

/** Creates an invitation, with this site's scope, and shows its code, with a copy button and the expiry. */
export function InvitationCreate({ api, projects, onCreated }: { api: AdminApi; projects: Resource<Project[]>; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [scopeJql, setScopeJql] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; jql: boolean } | null>(null);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  const create = async () => {
    if (name.trim() === '') {
      setNameError('Give the connection a name, for example the other site’s name.');
      return;
    }
    setNameError(null);
    setBusy(true);
    setError(null);
    setCopied(null);
    try {
      setInvitation(await api.createInvitation(name.trim(), scopeJql.trim() === '' ? null : scopeJql.trim()));
      onCreated();
    } catch (e) {
      setError({ message: readableMessage(e), jql: e instanceof ResolverError && e.code === 'invalid-jql' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ts-card ts-stack" aria-labelledby="create-invitation-title">
      <h3 id="create-invitation-title" style={{ margin: 0 }}>Invite another site</h3>
      <form
        className="ts-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <TextField label="Connection name" value={name} onChange={setName} error={nameError} placeholder="e.g. External support" />
        <ScopeField label={SEND_SCOPE_LABEL} value={scopeJql} onChange={setScopeJql} projects={projects} helper={SEND_SCOPE_HELPER} invalid={error?.jql === true} />
        <div className="ts-row">
          <Button type="submit" appearance="primary" isLoading={busy}>Create invitation</Button>
        </div>
      </form>
      {error === null ? null : <SectionMessage appearance="error" title="Could not create the invitation">{error.message}</SectionMessage>}
      {invitation === null ? null : (
        <div className="ts-stack" aria-live="polite">
          <TextField
            label="Invitation code (give it to the other site’s admin)"
            value={invitation.code}
            onChange={() => undefined}
            readOnly
            multiline
          />
          <div className="ts-row">
            <Button
              onClick={() => {
                void copyText(invitation.code).then((ok) => setCopied(ok ? 'yes' : 'failed'));
              }}
            >
              Copy code
            </Button>
            <span className="ts-subtle" data-testid="invitation-expiry">
              {`Expires ${describeExpiry(Date.parse(invitation.expiresAt), Date.now())} (${new Date(invitation.expiresAt).toLocaleString()})`}
            </span>
            <span role="status">
              {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'Copy was blocked: select the code and copy it by hand.' : ''}
            </span>
          </div>
        </div>
      )}
    </section>
  );
}
