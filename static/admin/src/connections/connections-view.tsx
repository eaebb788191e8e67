import { useState } from 'react';
import type { AdminApi, Connection, Direction, SyncError } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { ConfirmDialog } from '../../../shared/src/ui/confirm-dialog';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';
import { ConnectionEditor } from './connection-editor';
import { ConnectionStatus } from './connection-status';
import { InvitationAccept } from './invitation-accept';
import { InvitationCreate } from './invitation-create';

const directionText: Record<Direction, string> = { both: 'Both ways', 'send-only': 'Send only', 'receive-only': 'Receive only' };

/** The Connections tab: the list with statuses, invitations, settings and delete. */
export function ConnectionsView({ api, connections, errors }: { api: AdminApi; connections: Resource<Connection[]>; errors: Resource<SyncError[]> }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const list = connections.data ?? [];
  const editingConnection = list.find((c) => c.id === editing) ?? null;
  // transient errors are messages that kept failing to reach the other side
  const failing = (id: string) => (errors.data ?? []).filter((e) => e.connectionId === id && e.kind === 'transient').length;

  const confirmDelete = async () => {
    if (deleting === null) return;
    setDeleteBusy(true);
    setActionError(null);
    try {
      await api.deleteConnection(deleting.id);
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
                      <Button appearance="subtle" onClick={() => setEditing(c.id)} aria-label={`Edit ${c.name}`}>Edit</Button>
                      <Button appearance="subtle" onClick={() => setDeleting(c)} aria-label={`Delete ${c.name}`}>Delete</Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editingConnection === null ? null : (
        <ConnectionEditor
          key={editingConnection.id}
          api={api}
          connection={editingConnection}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void connections.reload();
          }}
        />
      )}
      <div className="ts-grid-2">
        <InvitationCreate api={api} onCreated={() => void connections.reload()} />
        <InvitationAccept api={api} onAccepted={() => void connections.reload()} />
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
