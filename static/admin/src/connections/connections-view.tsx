import { useState } from 'react';
import type { AdminApi, Connection, DeleteAnswer, Direction, SyncError } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { ConfirmDialog } from '../../../shared/src/ui/confirm-dialog';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import { useResource, type Resource } from '../../../shared/src/ui/use-resource';
import { ConnectionEditor } from './connection-editor';
import { ConnectionStatus } from './connection-status';
import { InvitationAccept } from './invitation-accept';
import { InvitationCreate } from './invitation-create';
import { TopologyCard } from './topology-card';

const directionText: Record<Direction, string> = { both: 'Both ways', 'send-only': 'Send only', 'receive-only': 'Receive only' };

export const NO_SCOPE_TITLE = 'Nothing is sent from this site: give the connection a scope';

/** a connection that could send but has no scope: no new issue of this site reaches the other one */
function sendsNothing(c: Connection): boolean {
  return c.scopeJql === null && c.status !== 'closed' && c.direction !== 'receive-only';
}

function deletedText(connection: Connection, answer: DeleteAnswer): string {
  const links = answer.links === 0 ? '' : ` ${answer.links === 1 ? '1 issue link' : `${answer.links} issue links`} forgotten here (the issues stay).`;
  const remote = connection.status !== 'active' ? ''
    : answer.remoteNotified ? ' The other site was told and ended it too.'
    : ' The other site could not be told: delete the connection there too.';
  return `${connection.name} deleted.${links}${remote}`;
}

/** The Connections tab: the list with statuses, the topology, invitations, settings and delete. */
export function ConnectionsView({ api, connections, errors }: { api: AdminApi; connections: Resource<Connection[]>; errors: Resource<SyncError[]> }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  // what the last save or delete did, once the resolver answered
  const [notice, setNotice] = useState<string | null>(null);
  const projects = useResource(() => api.listProjects(), [api]);
  const list = connections.data ?? [];
  const editingConnection = list.find((c) => c.id === editing) ?? null;
  // transient errors are messages that kept failing to reach the other side
  const failing = (id: string) => (errors.data ?? []).filter((e) => e.connectionId === id && e.kind === 'transient').length;

  const confirmDelete = async () => {
    if (deleting === null) return;
    setDeleteBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(deletedText(deleting, await api.deleteConnection(deleting.id)));
      setDeleting(null);
      await connections.reload();
    } catch (e) {
      setActionError(`Could not delete ${deleting.name}: ${readableMessage(e)}`);
      setDeleting(null);
    } finally {
      setDeleteBusy(false);
    }
  };

  return (
    <div className="ts-stack">
      <div className="ts-row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Connections</h2>
        <Button appearance="subtle" onClick={() => void connections.reload()} isLoading={connections.loading && connections.data !== null}>
          Refresh
        </Button>
      </div>
      {connections.error === null ? null : (
        <SectionMessage appearance="error" title="Could not load the connections">{connections.error}</SectionMessage>
      )}
      {actionError === null ? null : <SectionMessage appearance="error">{actionError}</SectionMessage>}
      {notice === null ? null : <SectionMessage appearance="success">{notice}</SectionMessage>}
      {list.filter(sendsNothing).map((c) => (
        <SectionMessage key={c.id} appearance="warning" title={NO_SCOPE_TITLE}>
          <div className="ts-row">
            <span>“{c.name}” has no scope: only issues already linked are synced, and no new issue of this site is sent.</span>
            <Button onClick={() => { setNotice(null); setEditing(c.id); }}>Set the scope of {c.name}</Button>
          </div>
        </SectionMessage>
      ))}
      {connections.data === null && connections.error === null ? <p className="ts-subtle">Loading connections…</p> : null}
      {connections.data !== null && list.length === 0 ? (
        <p className="ts-subtle">No connections yet. Invite another site, or accept the invitation its admin gave you.</p>
      ) : null}
      {list.length > 0 ? (
        <div className="ts-table-wrap">
          <table className="ts-table" aria-label="Connections">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Other site</th>
                <th scope="col">Status</th>
                <th scope="col">Direction</th>
                <th scope="col">Scope</th>
                <th scope="col">Last message</th>
                <th scope="col"><span className="ts-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} data-testid={`connection-${c.id}`}>
                  <td>{c.name}</td>
                  <td>{c.remoteSiteName ?? <span className="ts-subtle">not yet known</span>}</td>
                  <td>
                    <ConnectionStatus status={c.status} failingIssues={failing(c.id)} />
                    {failing(c.id) > 0 ? (
                      <div className="ts-subtlest">{failing(c.id) === 1 ? '1 issue cannot' : `${failing(c.id)} issues cannot`} reach the other site</div>
                    ) : null}
                    {c.closedAt === null ? null : <div className="ts-subtlest">ended <TimeText at={c.closedAt} /></div>}
                  </td>
                  <td>{directionText[c.direction]}</td>
                  <td>{c.scopeJql === null ? <span className="ts-subtle">only issues already linked</span> : <code>{c.scopeJql}</code>}</td>
                  <td><TimeText at={c.lastMessageAt} /></td>
                  <td>
                    <div className="ts-row" style={{ flexWrap: 'nowrap' }}>
                      <Button appearance="subtle" onClick={() => { setNotice(null); setEditing(c.id); }} aria-label={`Edit ${c.name}`}>Edit</Button>
                      <Button appearance="subtle" onClick={() => setDeleting(c)} aria-label={`Delete ${c.name}`}>Delete</Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <TopologyCard connections={list} />
      {editingConnection === null ? null : (
        <ConnectionEditor
          key={editingConnection.id}
          api={api}
          connection={editingConnection}
          projects={projects}
          onDone={(saved) => {
            setEditing(null);
            if (saved === null) return;
            setNotice(`Settings of ${saved.name} saved.`);
            void connections.reload();
          }}
        />
      )}
      <div className="ts-grid-2">
        <InvitationCreate api={api} projects={projects} onCreated={() => void connections.reload()} />
        <InvitationAccept api={api} projects={projects} onAccepted={() => void connections.reload()} />
      </div>
      {deleting === null ? null : (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete connection"
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
          isWorking={deleteBusy}
        >
          <p>Issues stop syncing with {deleting.remoteSiteName ?? 'the other site'}. Issues already synced keep their values.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
