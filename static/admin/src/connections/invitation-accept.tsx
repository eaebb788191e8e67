import { useState } from 'react';
import type { AdminApi } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import { acceptFailureMessage } from './invitation-messages';

/** Accepts an invitation pasted from the other site's admin page. */
export function InvitationAccept({ api, onAccepted }: { api: AdminApi; onAccepted: () => void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);

  const accept = async () => {
    setAccepted(false);
    if (code.trim() === '') {
      setError('Paste the invitation code from the other site first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.acceptInvitation(code.trim());
      setCode('');
      setAccepted(true);
      onAccepted();
    } catch (e) {
      setError(acceptFailureMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ts-card ts-stack" aria-labelledby="accept-invitation-title">
      <h3 id="accept-invitation-title" style={{ margin: 0 }}>Accept an invitation</h3>
      <form
        className="ts-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void accept();
        }}
      >
        <TextField label="Invitation code" value={code} onChange={setCode} multiline invalid={error !== null} placeholder="Paste the code here" />
        <div className="ts-row">
          <Button type="submit" appearance="primary" isLoading={busy}>Accept invitation</Button>
        </div>
      </form>
      {error === null ? null : <SectionMessage appearance="error" title="The invitation was not accepted">{error}</SectionMessage>}
      {accepted ? <SectionMessage appearance="success" title="Connected">The connection is listed above.</SectionMessage> : null}
    </section>
  );
}
