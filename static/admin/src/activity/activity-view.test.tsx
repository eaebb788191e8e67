import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeActivity, makeConnection, makeRetried, makeSyncError } from '../../../shared/src/testing/builders';
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
  it('lists errors with issue, direction, connection, cause and attempts', async () => {
    renderActivity({ listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2', direction: 'outgoing', cause: 'Status "Done" cannot be reached', attempts: 3, pending: 2 })] });
    const row = await screen.findByTestId('error-e2');
    expect(within(row).getByText('INT-2')).toBeInTheDocument();
    expect(within(row).getByText('outgoing')).toBeInTheDocument();
    expect(within(row).getByText('External')).toBeInTheDocument();
    expect(within(row).getByText('Status "Done" cannot be reached')).toBeInTheDocument();
    expect(within(row).getByText('2 more waiting behind it')).toBeInTheDocument();
    expect(within(row).getByText('3')).toBeInTheDocument();
    expect(within(row).getByRole('time')).toHaveAttribute('dateTime', '2026-11-26T10:00:00.000Z');
    expect(screen.getByTestId('error-e1')).toHaveTextContent('incoming script, line 2: boom');
  });

  it('says when a transient error retries on its own', async () => {
    renderActivity({ listErrors: () => [makeSyncError({ kind: 'transient', cause: 'fetch failed', autoRetryAt: '2026-11-26T10:05:00.000Z' })] });
    expect(within(await screen.findByTestId('error-e1')).getByText('retries on its own')).toBeInTheDocument();
  });

  it('retries one error, then shows the list as the resolver now has it', async () => {
    const bridge = renderActivity({
      listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2' })],
      retryError: () => {
        bridge.set({ listErrors: () => [makeSyncError()] });
        return makeRetried();
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Retry INT-2' }));
    expect(await screen.findByText('Retry queued.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('error-e2')).not.toBeInTheDocument());
    expect(bridge.callsOf('retryError')).toEqual([{ id: 'e2' }]);
  });

  it('retries all errors and reports the ones that failed, and the ones already resolved', async () => {
    const bridge = renderActivity({
      listErrors: () => [makeSyncError(), makeSyncError({ id: 'e2', issueKey: 'INT-2' }), makeSyncError({ id: 'e3', issueKey: 'INT-3' })],
      retryError: (p) => (p['id'] === 'e3'
        ? { error: { code: 'permission-check-failed', message: 'Could not check your permissions in Jira, so nothing was done: 503' } }
        : makeRetried(p['id'] === 'e2' ? { retried: false, events: 0 } : {})),
    });
    await screen.findByTestId('error-e3');
    await userEvent.click(screen.getByRole('button', { name: 'Retry all' }));
    expect(await screen.findByText('Retry failed for INT-3: Could not check your permissions in Jira, so nothing was done: 503. INT-2 had no error any more.')).toBeInTheDocument();
    expect(bridge.callsOf('retryError')).toEqual([{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }]);
  });

  it('disables Retry all when there is nothing to retry', async () => {
    renderActivity({});
    expect(await screen.findByText(/No errors/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry all' })).toBeDisabled();
  });

  it('lists recent messages in and out with their type, issue and outcome', async () => {
    const bridge = renderActivity({
      listActivity: () => [
        makeActivity({ id: 'a1', at: '2026-11-26T10:00:01.000Z', direction: 'out', outcome: 'sent' }),
        makeActivity({ id: 'a2', at: '2026-11-26T10:00:02.000Z', direction: 'in', outcome: 'stale', message: 'seq 3 ≤ 4 applied' }),
        makeActivity({ id: 'a3', direction: 'local', type: 'retry', remoteIssueKey: null, outcome: 'info', message: 'retrying: boom' }),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Recent messages' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('↑ Out');
    expect(rows[1]).toHaveTextContent('replica');
    expect(rows[1]).toHaveTextContent('sent');
    expect(rows[1]).toHaveTextContent('twin CLOUD-7');
    expect(rows[2]).toHaveTextContent('↓ In');
    expect(rows[2]).toHaveTextContent('seq 3 ≤ 4 applied');
    expect(rows[3]).toHaveTextContent('Local');
    expect(rows[3]).toHaveTextContent('retrying: boom');
    expect(bridge.callsOf('listActivity')[0]).toEqual({ limit: 50 });
  });

  it('names the other site’s issue of a message that failed before its twin existed here', async () => {
    renderActivity({
      listActivity: () => [makeActivity({ direction: 'in', issueKey: null, remoteIssueKey: 'INT-1', outcome: 'error', message: 'incoming rules (line 1:58): boom' })],
      listErrors: () => [makeSyncError({ issueKey: null, remoteIssueKey: 'INT-1' })],
    });
    const table = await screen.findByRole('table', { name: 'Recent messages' });
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
