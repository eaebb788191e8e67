import '@testing-library/jest-dom';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeBulkCount, makeBulkJob, makeBulkProgress, makeConnection, makeStartedBulkSync } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { BulkSyncView } from './bulk-sync-view';

const connection = makeConnection();

function renderBulk(handlers: FakeHandlers, pollMs = 60_000) {
  const bridge = fakeBridge({ getBulkSyncProgress: () => makeBulkProgress(), countBulkSync: () => makeBulkCount(), ...handlers });
  render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={pollMs} />);
  return bridge;
}

describe('Bulk sync', () => {
  it('starts a run and follows the progress from the resolver until it finishes, with what it created, updated and failed', async () => {
    const steps = [makeBulkProgress(), makeBulkJob(40, 0), makeBulkJob(40, 20, 1), makeBulkProgress({ ...makeBulkJob(40, 39, 1), created: 30, updated: 9 })];
    let step = 0;
    // each read after the start moves the run one step on
    const bridge = renderBulk({
      getBulkSyncProgress: () => {
        const now = steps[Math.min(step, steps.length - 1)];
        if (step > 0) step++;
        return now;
      },
      startBulkSync: () => {
        step = 1;
        return makeStartedBulkSync();
      },
    }, 10);

    const start = await screen.findByRole('button', { name: 'Sync all issues matching the scope' });
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    await userEvent.click(start);

    expect(await screen.findByText('39 of 40 done, 1 failed — finished')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', { name: 'Bulk sync of External' });
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(bar).toHaveAttribute('aria-valuemax', '40');
    expect(screen.getByTestId('bulk-breakdown')).toHaveTextContent('30 created, 9 updated, 1 failed — project = INT');
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeEnabled();
    expect(bridge.callsOf('startBulkSync')).toEqual([{ connectionId: 'c1' }]);
  });

  it('shows a run in progress when the page is opened again, and keeps the button off while it runs', async () => {
    renderBulk({ getBulkSyncProgress: () => makeBulkJob(10, 5) });
    expect(await screen.findByText('5 of 10 done — running')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '5');
    expect(screen.queryByTestId('bulk-breakdown')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeDisabled();
  });

  it('shows how many issues the scope takes before anything starts', async () => {
    const bridge = renderBulk({ countBulkSync: () => makeBulkCount({ estimate: 12, jql: 'project = INT' }) });
    expect(await screen.findByText(/About 12 issues match/)).toBeInTheDocument();
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('About 12 issues match project = INT (Jira’s estimate).');
    expect(bridge.callsOf('countBulkSync')).toEqual([{ connectionId: 'c1' }]);
    expect(bridge.callsOf('startBulkSync')).toEqual([]);
  });

  it('narrows the run by a JQL filter: counts it first, then starts exactly what was counted', async () => {
    const bridge = renderBulk({
      countBulkSync: (p) => (p['jql'] === undefined ? makeBulkCount({ estimate: 40 }) : makeBulkCount({ estimate: 1, jql: `(project = INT) AND (${String(p['jql'])})` })),
      startBulkSync: () => makeStartedBulkSync({ estimate: 1 }),
    });
    await screen.findByText(/About 40 issues match/);
    await userEvent.type(screen.getByLabelText('Only issues also matching (JQL, optional)'), 'labels = urgent');
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('Press Count issues to narrow the run by this filter.');
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Count issues' }));
    expect(await screen.findByText(/About 1 issue match/)).toBeInTheDocument();
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('(project = INT) AND (labels = urgent)');
    await userEvent.click(screen.getByRole('button', { name: 'Sync the issues matching the filter' }));
    await waitFor(() => expect(bridge.callsOf('startBulkSync')).toEqual([{ connectionId: 'c1', jql: 'labels = urgent' }]));
    expect(bridge.callsOf('countBulkSync')).toEqual([{ connectionId: 'c1' }, { connectionId: 'c1', jql: 'labels = urgent' }]);
  });

  it('shows the site’s refusal of a filter on the field', async () => {
    renderBulk({
      countBulkSync: (p) => (p['jql'] === undefined ? makeBulkCount() : { error: { code: 'invalid-jql', message: "The filter is not valid on this site: Field 'lables' does not exist." } }),
    });
    await screen.findByText(/About 40 issues match/);
    await userEvent.type(screen.getByLabelText('Only issues also matching (JQL, optional)'), 'lables = x{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent("Field 'lables' does not exist.");
    expect(screen.getByLabelText('Only issues also matching (JQL, optional)')).toHaveAttribute('aria-invalid', 'true');
  });

  it('says why a run did not start', async () => {
    renderBulk({ startBulkSync: () => ({ error: { code: 'no-scope', message: 'Connection "External" has no scope: set its JQL first.' } }) });
    await screen.findByText(/About 40 issues match/);
    await userEvent.click(await screen.findByRole('button', { name: 'Sync all issues matching the scope' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Connection "External" has no scope: set its JQL first.');
  });
});
