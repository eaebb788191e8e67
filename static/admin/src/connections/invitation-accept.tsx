import { useState } from 'react';
import type { AdminApi, Project } from '../../../shared/src/api/admin-api';
import { ResolverError } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TextField } from '../../../shared/src/ui/text-field';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { SEND_SCOPE_HELPER, SEND_SCOPE_LABEL } from './invitation-create';
import { acceptFailureMessage } from './invitation-messages';
import { ScopeField } from './scope-field';

/** Accepts an invitation pasted from the other site's admin page, with this site's scope. */
export function InvitationAccept({ api, projects, onAccepted }: { api: AdminApi; projects: Resource<Project[]>; onAccepted: () => void }) {
  const [code, setCode] = useState('');
  const [scopeJql, setScopeJql] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field: 'code' | 'scope' } | null>(null);
  const [accepted, setAccepted] = useState(false);

  const accept = async () => {
    setAccepted(false);
    if (code.trim() === '') {
      setError({ message: 'Paste the invitation code from the other site first.', field: 'code' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.acceptInvitation(code.trim(), scopeJql.trim() === '' ? null : scopeJql.trim());
      setCode('');
      setScopeJql('');
      setAccepted(true);
      onAccepted();
    } catch (e) {
      // a scope the site refuses: the invitation was not used, fix the query and accept again
      setError({ message: acceptFailureMessage(e), field: e instanceof ResolverError && e.code === 'invalid-jql' ? 'scope' : 'code' });
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
        <TextField label="Invitation code" value={code} onChange={setCode} multiline invalid={error?.field === 'code'} placeholder="Paste the code here" />
        <ScopeField label={SEND_SCOPE_LABEL} value={scopeJql} onChange={setScopeJql} projects={projects} helper={SEND_SCOPE_HELPER} invalid={error?.field === 'scope'} />
        <div className="ts-row">
          <Button type="submit" appearance="primary" isLoading={busy}>Accept invitation</Button>
        </div>
      </form>
      {error === null ? null : <SectionMessage appearance="error" title="The invitation was not accepted">{error.message}</SectionMessage>}
      {accepted ? <SectionMessage appearance="success" title="Connected">The connection is listed above.</SectionMessage> : null}
    </section>
  );
}
