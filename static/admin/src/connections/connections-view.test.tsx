import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi, type Connection } from '../../../shared/src/api/admin-api';
import { makeConnection, makeDeleted, makeInvitation, makePendingConnection, makeProjects, makeSyncError } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { AdminApp } from '../admin-app';

function renderAdmin(handlers: FakeHandlers) {
  const bridge = fakeBridge({ listConnections: () => [], listErrors: () => [], listProjects: () => makeProjects('INT'), ...handlers });
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

  it('shows the topology: this site and the other site of each connection, relayed when two are active', async () => {
    renderAdmin({ listConnections: () => [makeConnection(), makeConnection({ id: 'c2', name: 'Partner', remoteSiteName: 'partner', direction: 'send-only' })] });
    const topology = await screen.findByRole('region', { name: 'Topology' });
    expect(within(topology).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'This site ↔ external — active, both ways',
      'This site → partner — active, sent from here only',
    ]);
    expect(within(topology).getByText(/passed on to the others \(relayed\)/)).toBeInTheDocument();
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
    expect(bridge.callsOf('createInvitation')).toEqual([{ name: 'External support', scopeJql: null }]);

    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    expect(await screen.findByText('Copied.')).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith('eyJ2IjoxfQ');
  });

  it('asks for this site’s scope with the invitation, suggesting one from the site’s projects', async () => {
    const bridge = renderAdmin({ listProjects: () => makeProjects('INT', 'OPS'), createInvitation: () => makeInvitation() });
    const form = await screen.findByRole('region', { name: 'Invite another site' });
    await userEvent.type(within(form).getByLabelText('Connection name'), 'Partner');
    const scope = within(form).getByLabelText('Issues this site sends (JQL)');
    expect(scope).toHaveAttribute('placeholder', 'project = "INT"');
    await userEvent.click(await within(form).findByRole('button', { name: 'Use project = "OPS"' }));
    expect(scope).toHaveValue('project = "OPS"');
    await userEvent.click(within(form).getByRole('button', { name: 'Create invitation' }));
    expect(await within(form).findByLabelText(/Invitation code \(give it/)).toBeInTheDocument();
    expect(bridge.callsOf('createInvitation')).toEqual([{ name: 'Partner', scopeJql: 'project = "OPS"' }]);
  });

  it('shows the site’s refusal of an invitation’s scope on the scope field', async () => {
    const bridge = renderAdmin({ createInvitation: () => ({ error: { code: 'invalid-jql', message: "The scope JQL is not valid on this site: Field 'projct' does not exist." } }) });
    const form = await screen.findByRole('region', { name: 'Invite another site' });
    await userEvent.type(within(form).getByLabelText('Connection name'), 'Partner');
    await userEvent.type(within(form).getByLabelText('Issues this site sends (JQL)'), 'projct = INT');
    await userEvent.click(within(form).getByRole('button', { name: 'Create invitation' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent("Field 'projct' does not exist.");
    expect(within(form).getByLabelText('Issues this site sends (JQL)')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).queryByLabelText(/Invitation code/)).not.toBeInTheDocument();
    expect(bridge.callsOf('createInvitation')).toEqual([{ name: 'Partner', scopeJql: 'projct = INT' }]);
  });

  it('offers no suggestion, and says why, when the site’s projects cannot be read', async () => {
    renderAdmin({ listProjects: () => ({ error: { code: 'jira', message: 'Jira answered 503' } }) });
    const form = await screen.findByRole('region', { name: 'Invite another site' });
    expect(await within(form).findByText('No suggestion: the site’s projects could not be read (Jira answered 503).')).toBeInTheDocument();
    expect(within(form).queryByRole('button', { name: /^Use / })).not.toBeInTheDocument();
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
    expect(bridge.callsOf('acceptInvitation')).toEqual([{ code: 'abc', scopeJql: null }]);
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
    expect(bridge.callsOf('acceptInvitation')).toEqual([{ code: 'code-1', scopeJql: null }]);
    expect(screen.getByLabelText('Invitation code')).toHaveValue('');
  });

  it('asks for this site’s scope when accepting, and keeps the code when the site refuses the scope', async () => {
    const bridge = renderAdmin({
      listProjects: () => makeProjects('CLOUD'),
      acceptInvitation: () => ({ error: { code: 'invalid-jql', message: 'The scope JQL is not valid on this site: no such project' } }),
    });
    const form = await screen.findByRole('region', { name: 'Accept an invitation' });
    await userEvent.type(within(form).getByLabelText('Invitation code'), 'code-1');
    await userEvent.type(within(form).getByLabelText('Issues this site sends (JQL)'), 'project = "NOPE"');
    await userEvent.click(within(form).getByRole('button', { name: 'Accept invitation' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('The scope JQL is not valid on this site: no such project Fix the query (or leave it empty) and accept again.');
    expect(within(form).getByLabelText('Issues this site sends (JQL)')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByLabelText('Invitation code')).not.toHaveAttribute('aria-invalid');
    expect(within(form).getByLabelText('Invitation code')).toHaveValue('code-1');

    bridge.set({ acceptInvitation: () => makeConnection({ role: 'accepter', scopeJql: 'project = "CLOUD"' }), listConnections: () => [makeConnection({ role: 'accepter', scopeJql: 'project = "CLOUD"' })] });
    await userEvent.click(within(form).getByRole('button', { name: 'Use project = "CLOUD"' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Accept invitation' }));
    expect(await within(form).findByText('Connected')).toBeInTheDocument();
    expect(within(await screen.findByTestId('connection-c1')).getByText('project = "CLOUD"')).toBeInTheDocument();
    expect(bridge.callsOf('acceptInvitation')).toEqual([{ code: 'code-1', scopeJql: 'project = "NOPE"' }, { code: 'code-1', scopeJql: 'project = "CLOUD"' }]);
  });

  it.each<[string, Partial<Connection>, boolean]>([
    ['an active connection without a scope', { scopeJql: null }, true],
    ['an invitation not accepted yet, without a scope', { status: 'pending', scopeJql: null }, true],
    ['a connection with a scope', {}, false],
    ['a receive-only connection (it sends nothing by design)', { scopeJql: null, direction: 'receive-only' }, false],
    ['a connection the other site ended', { scopeJql: null, status: 'closed', closedAt: '2026-11-26T10:00:00.000Z' }, false],
  ])('warns when nothing is sent from this site: %s', async (_name, over, warned) => {
    renderAdmin({ listConnections: () => [makeConnection(over)] });
    await screen.findByTestId('connection-c1');
    const warning = screen.queryByText('Nothing is sent from this site: give the connection a scope');
    if (!warned) {
      expect(warning).not.toBeInTheDocument();
      return;
    }
    expect(warning).toBeInTheDocument();
    expect(screen.getByText(/“External” has no scope: only issues already linked are synced/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Set the scope of External' }));
    expect(screen.getByRole('form', { name: 'Settings of External' })).toBeInTheDocument();
  });

  it('confirms a saved connection once the resolver answered', async () => {
    let answer: (connection: Connection) => void = () => undefined;
    const bridge = renderAdmin({ listConnections: () => [makeConnection()], updateConnection: () => new Promise((resolve) => { answer = resolve; }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit External' }));
    const form = screen.getByRole('form', { name: 'Settings of External' });
    await userEvent.click(within(form).getByRole('button', { name: 'Use project = "INT"' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect(bridge.callsOf('updateConnection')).toEqual([{ id: 'c1', direction: 'both', scopeJql: 'project = "INT"', conflictPolicy: 'later-wins' }]);
    expect(screen.queryByText(/saved\./)).not.toBeInTheDocument();
    answer(makeConnection({ scopeJql: 'project = "INT"' }));
    expect((await screen.findByText('Settings of External saved.')).closest('[role=status]')).not.toBeNull();
    expect(screen.queryByRole('form', { name: 'Settings of External' })).not.toBeInTheDocument();
  });

  it('says nothing was saved when the edit is cancelled', async () => {
    const bridge = renderAdmin({ listConnections: () => [makeConnection()] });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit External' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Settings of External' })).not.toBeInTheDocument();
    expect(screen.queryByText(/saved\./)).not.toBeInTheDocument();
    expect(bridge.callsOf('updateConnection')).toEqual([]);
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

  it('sets what happens to components and versions this project lacks, and who takes an unmapped person', async () => {
    const bridge = renderAdmin({ listConnections: () => [makeConnection()], updateConnection: () => makeConnection() });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit External' }));
    await userEvent.selectOptions(screen.getByLabelText('Components and versions this project lacks'), 'report');
    await userEvent.type(screen.getByLabelText('Who takes a person nobody here matches (account id)'), 'acc-bot');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(bridge.callsOf('updateConnection')).toHaveLength(1));
    expect(bridge.callsOf('updateConnection')[0]).toEqual({
      id: 'c1', direction: 'both', scopeJql: 'project = INT', conflictPolicy: 'later-wins',
      rulesConfig: { ...makeConnection().rulesConfig, missingComponents: 'report', unmappedUser: 'acc-bot' },
    });
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
    expect(screen.getByText('External deleted. The other site was told and ended it too.').closest('[role=status]')).not.toBeNull();
    expect(bridge.callsOf('deleteConnection')).toEqual([{ id: 'c1' }]);
  });

  it('says when a deleted connection’s other site could not be told, and what was forgotten', async () => {
    renderAdmin({ listConnections: () => [makeConnection()], deleteConnection: () => makeDeleted({ links: 3, remoteNotified: false }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete External' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete connection' }));
    expect(await screen.findByText('External deleted. 3 issue links forgotten here (the issues stay). The other site could not be told: delete the connection there too.')).toBeInTheDocument();
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
