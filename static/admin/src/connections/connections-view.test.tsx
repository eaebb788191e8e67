import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi, type Connection } from '../../../shared/src/api/admin-api';
import { makeConnection, makeDeleted, makeInvitation, makePendingConnection, makeSyncError } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { AdminApp } from '../admin-app';

function renderAdmin(handlers: FakeHandlers) {
  const bridge = fakeBridge({ listConnections: () => [], listErrors: () => [], ...handlers });
  render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={60_000} />);
  return bridge;
}

describe('Connections', () => {
  it.each<[Connection['status'], string]>([
    ['active', 'Connected'],
    ['pending', 'Waiting for the other side'],
    ['closed', 'Ended by the other site'],
  ])('shows status %s as "%s"', async (status, label) => {
    renderAdmin({ listConnections: () => [makeConnection({ status })] });
    const row = await screen.findByTestId('connection-c1');
    expect(within(row).getByText(label)).toBeInTheDocument();
    expect(within(row).getByText('External')).toBeInTheDocument();
    expect(within(row).getByText('project = INT')).toBeInTheDocument();
    expect(within(row).getByRole('time')).toHaveAttribute('dateTime', '2026-11-26T10:00:00.000Z');
  });

  it('shows a connected connection as failing while its messages cannot reach the other site', async () => {
    renderAdmin({
      listConnections: () => [makeConnection({ status: 'active' })],
      listErrors: () => [
        makeSyncError({ kind: 'transient', cause: 'fetch failed: ECONNREFUSED' }),
        makeSyncError({ id: 'e2', kind: 'transient' }),
        makeSyncError({ id: 'e3', kind: 'permanent' }),
      ],
    });
    const row = await screen.findByTestId('connection-c1');
    expect(await within(row).findByText('Failing')).toBeInTheDocument();
    expect(within(row).getByText('2 issues cannot reach the other site')).toBeInTheDocument();
  });

  it('lists several connections, one row each, and says when there is none yet', async () => {
    const bridge = renderAdmin({
      listConnections: () => [makeConnection(), makePendingConnection({ id: 'c2', name: 'Partner', scopeJql: null })],
    });
    const second = await screen.findByTestId('connection-c2');
    expect(within(second).getByText('not yet known')).toBeInTheDocument();
    expect(within(second).getByText('never')).toBeInTheDocument();
    expect(within(second).getByText('only issues already linked')).toBeInTheDocument();
    bridge.set({ listConnections: () => [] });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(/No connections yet/)).toBeInTheDocument();
  });

  it('shows a load failure readably', async () => {
    renderAdmin({ listConnections: () => { throw new Error('There was an error invoking the function - Not an admin'); } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the connectionsNot an admin');
  });

  it('creates an invitation and shows its code, copy button and expiry', async () => {
    const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const bridge = renderAdmin({ createInvitation: () => makeInvitation({ code: 'eyJ2IjoxfQ', expiresAt }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Create invitation' }));
    expect(await screen.findByText('Give the connection a name, for example the other site’s name.')).toBeInTheDocument();
    expect(bridge.callsOf('createInvitation')).toEqual([]);

    await userEvent.type(screen.getByLabelText('Connection name'), 'External support');
    await userEvent.click(screen.getByRole('button', { name: 'Create invitation' }));
    expect(await screen.findByLabelText(/Invitation code \(give it/)).toHaveValue('eyJ2IjoxfQ');
    expect(screen.getByTestId('invitation-expiry')).toHaveTextContent('Expires in 24 h');
    expect(bridge.callsOf('createInvitation')).toEqual([{ name: 'External support' }]);

    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    expect(await screen.findByText('Copied.')).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith('eyJ2IjoxfQ');
  });

  it('shows why creating an invitation failed', async () => {
    renderAdmin({ createInvitation: () => ({ error: { code: 'forbidden', message: 'Only Jira administrators can configure Twin Sync.' } }) });
    await userEvent.type(await screen.findByLabelText('Connection name'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Create invitation' }));
    expect(await screen.findByText('Only Jira administrators can configure Twin Sync.')).toBeInTheDocument();
  });

  it.each([
    ['an expired code', () => ({ error: { code: 'expired', message: 'This invitation expired at 2026-11-26T10:00:00.000Z. Create a new one on the inviting site.' } }), 'This invitation expired at 2026-11-26T10:00:00.000Z. Create a new one on the inviting site. Ask the other site’s admin for a new invitation.'],
    ['a code accepted here before', () => ({ error: { code: 'already-used', message: 'This invitation was already accepted on this site.' } }), 'This invitation was already accepted on this site. An invitation works once; ask for a new one.'],
    ['a failure thrown by the platform', () => { throw new Error('There was an error invoking the function - This invitation was already used.'); }, 'This invitation was already used. An invitation works once; ask for a new one.'],
    ['text that is no code', () => ({ error: { code: 'invalid-code', message: 'This is not a Twin Sync invitation code. Copy the whole code from the inviting site and paste it again.' } }), 'This is not a Twin Sync invitation code. Copy the whole code from the inviting site and paste it again. Check that you pasted the whole code.'],
    ['an unreachable site', () => ({ error: { code: 'unreachable', message: 'The inviting site could not be reached: fetch failed' } }), 'The inviting site could not be reached: fetch failed'],
  ])('refuses %s with a clear message', async (_name, handler, message) => {
    const bridge = renderAdmin({ acceptInvitation: handler });
    await userEvent.type(await screen.findByLabelText('Invitation code'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Accept invitation' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(screen.getByLabelText('Invitation code')).toHaveAttribute('aria-invalid', 'true');
    expect(bridge.callsOf('acceptInvitation')).toEqual([{ code: 'abc' }]);
  });

  it('asks for a code before calling the resolver, and lists the new connection once accepted', async () => {
    const bridge = renderAdmin({ acceptInvitation: () => makeConnection() });
    await userEvent.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Paste the invitation code from the other site first.');
    expect(bridge.callsOf('acceptInvitation')).toEqual([]);

    bridge.set({ listConnections: () => [makeConnection()] });
    await userEvent.type(screen.getByLabelText('Invitation code'), '  code-1  ');
    await userEvent.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByTestId('connection-c1')).toBeInTheDocument();
    expect(bridge.callsOf('acceptInvitation')).toEqual([{ code: 'code-1' }]);
    expect(screen.getByLabelText('Invitation code')).toHaveValue('');
  });

  it('edits direction, scope and conflict policy, and shows the site’s JQL error', async () => {
    const bridge = renderAdmin({
      listConnections: () => [makeConnection()],
      updateConnection: () => ({ error: { code: 'invalid-jql', message: "The scope JQL is not valid on this site: Field 'projct' does not exist." } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit External' }));
    await userEvent.selectOptions(screen.getByLabelText('Direction'), 'send-only');
    await userEvent.selectOptions(screen.getByLabelText('Conflict policy'), 'remote-wins');
    const jql = screen.getByLabelText('Scope (JQL)');
    await userEvent.clear(jql);
    await userEvent.type(jql, 'projct = INT');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent("Field 'projct' does not exist.");
    expect(jql).toHaveAttribute('aria-invalid', 'true');
    expect(bridge.callsOf('updateConnection')).toEqual([{ id: 'c1', direction: 'send-only', scopeJql: 'projct = INT', conflictPolicy: 'remote-wins' }]);

    bridge.set({ updateConnection: () => makeConnection({ direction: 'send-only', scopeJql: 'project = INT', conflictPolicy: 'remote-wins' }) });
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.queryByLabelText('Scope (JQL)')).not.toBeInTheDocument());
    expect(bridge.callsOf('listConnections').length).toBeGreaterThanOrEqual(2);
  });

  it('saves an emptied scope as none, and shows a connection without one as syncing only linked issues', async () => {
    const bridge = renderAdmin({ listConnections: () => [makeConnection()], updateConnection: () => makeConnection({ scopeJql: null }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit External' }));
    await userEvent.clear(screen.getByLabelText('Scope (JQL)'));
    bridge.set({ listConnections: () => [makeConnection({ scopeJql: null })] });
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await within(await screen.findByTestId('connection-c1')).findByText('only issues already linked')).toBeInTheDocument();
    expect(bridge.callsOf('updateConnection')).toEqual([{ id: 'c1', direction: 'both', scopeJql: null, conflictPolicy: 'later-wins' }]);
  });

  it('says when the other site ended a connection', async () => {
    renderAdmin({ listConnections: () => [makeConnection({ status: 'closed', closedAt: new Date(Date.now() - 3 * 60_000).toISOString() })] });
    const row = await screen.findByTestId('connection-c1');
    expect(within(row).getByText('Ended by the other site')).toBeInTheDocument();
    expect(row).toHaveTextContent('ended 3 min ago');
  });

  it('deletes only after confirmation, and Escape cancels', async () => {
    const bridge = renderAdmin({ listConnections: () => [makeConnection()], deleteConnection: () => makeDeleted() });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete External' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete External?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(bridge.callsOf('deleteConnection')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Delete External' }));
    bridge.set({ listConnections: () => [] });
    await userEvent.click(screen.getByRole('button', { name: 'Delete connection' }));
    expect(await screen.findByText(/No connections yet/)).toBeInTheDocument();
    expect(bridge.callsOf('deleteConnection')).toEqual([{ id: 'c1' }]);
  });

  it('moves between tabs with the arrow keys', async () => {
    renderAdmin({});
    const first = await screen.findByRole('tab', { name: 'Connections' });
    first.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Rules' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Rules' })).toHaveFocus();
    await userEvent.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Bulk sync' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByText('No connection yet')).toBeInTheDocument();
  });
});
