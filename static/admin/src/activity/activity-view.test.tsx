import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeActivity, makeConnection, makeIssueSyncState, makeRetried, makeSyncError, makeTwinState } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import type { LinkHost } from '../../../shared/src/ui/issue-link';
import { AdminApp } from '../admin-app';

const SITE = 'http://127.0.0.1:7101';

function renderActivity(handlers: FakeHandlers, pollMs = 60_000, links: LinkHost = { siteUrl: SITE }) {
  const bridge = fakeBridge({
    listConnections: () => [makeConnection()],
    listErrors: () => [],
    listActivity: () => [],
    ...handlers,
  });
  render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={pollMs} initialTab="activity" links={links} />);
  return bridge;
}

const errorsTable = () => screen.findByRole('table', { name: 'Sync errors' });
const activityTable = () => screen.findByRole('table', { name: 'Recent messages' });

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
    expect(table).toHaveTextContent('INT-1 (other site)');
    expect(within(table).getByRole('link', { name: 'INT-1' })).toHaveAttribute('href', 'http://127.0.0.1:7102/browse/INT-1');
    expect(table).toHaveTextContent('incoming rules (line 1:58): boom');
    expect(screen.getByTestId('error-e1')).toHaveTextContent('INT-1 (other site)');
    expect(screen.getByRole('button', { name: 'Retry INT-1' })).toBeInTheDocument();
  });

  it('links each error’s issue to it on this site, and its twin on the other site', async () => {
    renderActivity({ listErrors: () => [makeSyncError({ id: 'e2', issueKey: 'INT-2', remoteIssueKey: 'CLOUD-9' })] });
    const row = within(await errorsTable()).getByTestId('error-e2');
    const local = within(row).getByRole('link', { name: 'INT-2' });
    expect(local).toHaveAttribute('href', `${SITE}/browse/INT-2`);
    expect(local).toHaveAttribute('target', '_blank');
    expect(within(row).getByRole('link', { name: 'CLOUD-9' })).toHaveAttribute('href', 'http://127.0.0.1:7102/browse/CLOUD-9');
    expect(row).toHaveTextContent('twin CLOUD-9');
  });

  it('names an outgoing error’s issue before it has a twin, and shows "—" only for an error of no issue', async () => {
    renderActivity({
      listErrors: () => [
        makeSyncError({ id: '7d1c1f52-0000-4000-8000-000000000001', direction: 'outgoing', issueKey: 'INT-3', remoteIssueKey: null, cause: 'outgoing rules (line 1): no' }),
        makeSyncError({ id: '7d1c1f52-0000-4000-8000-000000000002', issueKey: null, remoteIssueKey: null, cause: 'the hello failed' }),
      ],
    });
    const table = await errorsTable();
    const [, first, second] = within(table).getAllByRole('row');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    if (first === undefined || second === undefined) return;
    expect(within(first).getByRole('link', { name: 'INT-3' })).toHaveAttribute('href', `${SITE}/browse/INT-3`);
    expect(first).not.toHaveTextContent('—');
    expect(within(second).queryByRole('link')).not.toBeInTheDocument();
    expect(within(second).getAllByRole('cell')[0]).toHaveTextContent(/^—incoming/);
    const names = within(table).getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent);
    expect(names).toEqual(['Retry INT-3', 'Retry the incoming error of External with no issue']);
    expect(names.join(' ')).not.toMatch(/7d1c1f52/);
  });

  it('links to the other site’s issue as text only while that site’s address is not known', async () => {
    renderActivity({
      listConnections: () => [makeConnection({ remoteSiteUrl: null })],
      listActivity: () => [makeActivity({ issueKey: 'INT-4', remoteIssueKey: 'CLOUD-4' })],
    });
    const table = await activityTable();
    expect(within(table).getByRole('link', { name: 'INT-4' })).toHaveAttribute('href', `${SITE}/browse/INT-4`);
    expect(within(table).queryByRole('link', { name: 'CLOUD-4' })).not.toBeInTheDocument();
    expect(table).toHaveTextContent('twin CLOUD-4');
  });

  it('links relatively (the host resolves /browse/KEY) until the page knows the site’s address', async () => {
    renderActivity({ listActivity: () => [makeActivity({ issueKey: 'INT-5' })] }, 60_000, { siteUrl: null });
    expect(within(await activityTable()).getByRole('link', { name: 'INT-5' })).toHaveAttribute('href', '/browse/INT-5');
  });

  it('opens an issue through the host’s router, not inside the frame', async () => {
    const openIssue = jest.fn(async (_key: string) => undefined);
    const openUrl = jest.fn(async (_url: string) => undefined);
    renderActivity({ listErrors: () => [makeSyncError({ id: 'e2', issueKey: 'INT-2', remoteIssueKey: 'CLOUD-9' })] }, 60_000, { siteUrl: SITE, openIssue, openUrl });
    const row = within(await errorsTable()).getByTestId('error-e2');
    await userEvent.click(within(row).getByRole('link', { name: 'INT-2' }));
    await userEvent.click(within(row).getByRole('link', { name: 'CLOUD-9' }));
    expect(openIssue.mock.calls).toEqual([['INT-2']]);
    expect(openUrl.mock.calls).toEqual([['http://127.0.0.1:7102/browse/CLOUD-9']]);
  });

  it('filters the recent messages by an issue key, in the app, and shows all again', async () => {
    const bridge = renderActivity({
      listActivity: (p) => (p['issueKey'] === 'INT-2' ? [makeActivity({ id: 'a2', issueKey: 'INT-2', message: 'about INT-2' })] : [makeActivity(), makeActivity({ id: 'a2', issueKey: 'INT-2', message: 'about INT-2' })]),
    });
    expect(within(await activityTable()).getAllByRole('row')).toHaveLength(3);
    await userEvent.type(screen.getByLabelText('Messages about issue'), ' int-2 ');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByRole('heading', { name: 'Recent messages about INT-2' })).toBeInTheDocument();
    await waitFor(async () => expect(within(await activityTable()).getAllByRole('row')).toHaveLength(2));
    expect(within(await activityTable()).getByRole('link', { name: 'INT-2' })).toBeInTheDocument();
    expect(screen.getByLabelText('Messages about issue')).toHaveValue('INT-2');

    await userEvent.click(screen.getByRole('button', { name: 'Show all' }));
    await waitFor(async () => expect(within(await activityTable()).getAllByRole('row')).toHaveLength(3));
    expect(screen.getByRole('heading', { name: 'Recent messages' })).toBeInTheDocument();
    expect(bridge.callsOf('listActivity')).toEqual([{ limit: 50 }, { limit: 50, issueKey: 'INT-2' }, { limit: 50 }]);
  });

  it('shows the filtered issue\'s twins with the state its panel shows: the other site\'s failure with its reason', async () => {
    const bridge = renderActivity({
      getIssueSyncState: () => makeIssueSyncState({ twins: [makeTwinState({ state: 'remote-error', remoteError: { reason: 'incoming rules (line 3): status "Nope" does not exist', at: '2026-11-26T10:00:00.000Z' } })] }),
    });
    await userEvent.type(await screen.findByLabelText('Messages about issue'), 'INT-2');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    const state = await screen.findByRole('region', { name: 'The sync of INT-2' });
    expect(within(state).getByText('Failed on the other site')).toBeInTheDocument();
    expect(within(state).getByText(/The other site could not apply the last change: incoming rules \(line 3\): status "Nope" does not exist/)).toBeInTheDocument();
    expect(within(state).getByRole('link', { name: 'CLOUD-7' })).toBeInTheDocument();
    expect(bridge.callsOf('getIssueSyncState')).toEqual([{ issueKey: 'INT-2' }]);
  });

  it('refuses a filter that is no issue key before asking the app, and says when an issue has no messages', async () => {
    const bridge = renderActivity({ listActivity: (p) => (p['issueKey'] === undefined ? [makeActivity()] : []) });
    await activityTable();
    await userEvent.type(screen.getByLabelText('Messages about issue'), 'printer');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByText('Enter an issue key, for example INT-1.')).toBeInTheDocument();
    expect(screen.getByLabelText('Messages about issue')).toHaveAttribute('aria-invalid', 'true');
    expect(bridge.callsOf('listActivity')).toEqual([{ limit: 50 }]);

    await userEvent.clear(screen.getByLabelText('Messages about issue'));
    await userEvent.type(screen.getByLabelText('Messages about issue'), 'INT-77{Enter}');
    expect(await screen.findByText('No recent messages about INT-77.')).toBeInTheDocument();
    expect(bridge.callsOf('listActivity')).toEqual([{ limit: 50 }, { limit: 50, issueKey: 'INT-77' }]);
  });

  it('refreshes on its own without reloading the page', async () => {
    const bridge = renderActivity({}, 20);
    expect(await screen.findByText(/No errors/)).toBeInTheDocument();
    bridge.set({ listErrors: () => [makeSyncError({ id: 'e9', issueKey: 'INT-9' })] });
    expect(await screen.findByTestId('error-e9')).toBeInTheDocument();
  });
});
