import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeConnection, makeSyncError } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { AdminApp } from '../admin-app';

function renderActivity(handlers: FakeHandlers, pollMs = 60_000) {
  const bridge = fakeBridge({
    listConnections: () => [makeConnection()],
    listErrors: () => [],
    listActivity: () => [],
    ...handlers,
  });
  render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={pollMs} initialTab="activity" />);
  return bridge;
}

describe('Activity and errors', () => {
  it('lists errors with issue, connection, cause and attempts', async () => {
    renderActivity({ listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2', cause: 'Status "Done" cannot be reached', attempts: 3 })] });
    const row = await screen.findByTestId('error-e2');
    expect(within(row).getByText('INT-2')).toBeInTheDocument();
    expect(within(row).getByText('External')).toBeInTheDocument();
    expect(within(row).getByText('Status "Done" cannot be reached')).toBeInTheDocument();
    expect(within(row).getByText('3')).toBeInTheDocument();
    expect(screen.getByTestId('error-e1')).toHaveTextContent('incoming script, line 2: boom');
  });

  it('retries one error, then shows the list as the resolver now has it', async () => {
    const bridge = renderActivity({
      listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2' })],
      retryError: () => { bridge.set({ listErrors: () => [makeSyncError()] }); },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Retry INT-2' }));
    expect(await screen.findByText('Retry queued.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('error-e2')).not.toBeInTheDocument());
    expect(bridge.callsOf('retryError')).toEqual([{ id: 'e2' }]);
  });

  it('retries all errors and reports the ones that failed', async () => {
    const bridge = renderActivity({
      listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2' }), makeSyncError({ id: 'e3', issueKey: 'INT-3' })],
      retryError: (p) => (p['id'] === 'e3' ? { error: { code: 'GONE', message: 'Already resolved.' } } : undefined),
    });
    await screen.findByTestId('error-e3');
    await userEvent.click(screen.getByRole('button', { name: 'Retry all' }));
    expect(await screen.findByText('Retry failed for INT-3: Already resolved.')).toBeInTheDocument();
    expect(bridge.callsOf('retryError')).toEqual([{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }]);
  });

  it('disables Retry all when there is nothing to retry', async () => {
    renderActivity({});
    expect(await screen.findByText(/No errors/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry all' })).toBeDisabled();
  });

  it('lists recent messages in and out with outcome and timing', async () => {
    const bridge = renderActivity({
      listActivity: () => [
        { at: '2026-11-26T10:00:01Z', direction: 'out', issueKey: 'INT-1', outcome: 'sent', durationMs: 42 },
        { at: '2026-11-26T10:00:02Z', direction: 'in', issueKey: 'INT-1', outcome: 'stale', durationMs: 1500 },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Recent messages' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('↑ Out');
    expect(rows[1]).toHaveTextContent('sent');
    expect(rows[1]).toHaveTextContent('42 ms');
    expect(rows[2]).toHaveTextContent('↓ In');
    expect(rows[2]).toHaveTextContent('1.5 s');
    expect(bridge.callsOf('listActivity')[0]).toEqual({ limit: 50 });
  });

  it('leaves out the time taken when the app does not report it, and names the other site’s issue', async () => {
    renderActivity({
      listActivity: () => [{ id: 'a1', at: '2026-11-26T10:00:00Z', connectionId: 'c1', direction: 'in', type: 'replica', issueKey: null, remoteIssueKey: 'INT-1', outcome: 'error', message: 'incoming rules (line 1:58): boom' }],
      listErrors: () => [makeSyncError({ issueKey: null, remoteIssueKey: 'INT-1' })],
    });
    const table = await screen.findByRole('table', { name: 'Recent messages' });
    expect(within(table).queryByRole('columnheader', { name: 'Time taken' })).not.toBeInTheDocument();
    expect(table).toHaveTextContent('twin INT-1');
    expect(table).toHaveTextContent('incoming rules (line 1:58): boom');
    expect(screen.getByTestId('error-e1')).toHaveTextContent('INT-1 (other site)');
    expect(screen.getByRole('button', { name: 'Retry INT-1' })).toBeInTheDocument();
  });

  it('refreshes on its own without reloading the page', async () => {
    const bridge = renderActivity({}, 20);
    expect(await screen.findByText(/No errors/)).toBeInTheDocument();
    bridge.set({ listErrors: () => [makeSyncError({ id: 'e9', issueKey: 'INT-9' })] });
    expect(await screen.findByTestId('error-e9')).toBeInTheDocument();
  });
});
