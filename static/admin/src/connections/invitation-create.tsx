import { useState } from 'react';
import type { AdminApi, Invitation } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { describeExpiry } from '../../../shared/src/ui/time-text';
import { copyText } from './copy-text';

/** Creates an invitation and shows its code, with a copy button and the expiry. */
export function InvitationCreate({ api, onCreated }: { api: AdminApi; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      setInvitation(await api.createInvitation(name.trim()));
      onCreated();
    } catch (e) {
      setError(readableMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ts-card ts-stack" aria-labelledby="create-invitation-title">
      <h3 id="create-invitation-title" style={{ margin: 0 }}>Invite another site</h3>
      <form
        className="ts-row-end"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <div className="ts-grow">
          <TextField label="Connection name" value={name} onChange={setName} error={nameError} placeholder="e.g. External support" />
        </div>
        <Button type="submit" appearance="primary" isLoading={busy}>Create invitation</Button>
      </form>
      {error === null ? null : <SectionMessage appearance="error" title="Could not create the invitation">{error}</SectionMessage>}
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
