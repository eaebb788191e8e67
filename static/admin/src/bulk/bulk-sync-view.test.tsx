import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeBulkJob, makeBulkProgress, makeConnection, makeStartedBulkSync } from '../../../shared/src/testing/builders';
import { fakeBridge } from '../../../shared/src/testing/fake-invoke';
import { BulkSyncView } from './bulk-sync-view';

const connection = makeConnection();

describe('Bulk sync', () => {
  it('starts a run and follows the progress from the resolver until it finishes', async () => {
    const steps = [makeBulkProgress(), makeBulkJob(40, 0), makeBulkJob(40, 20, 1), makeBulkJob(40, 39, 1)];
    let step = 0;
    // each read after the start moves the run one step on
    const bridge = fakeBridge({
      getBulkSyncProgress: () => {
        const now = steps[Math.min(step, steps.length - 1)];
        if (step > 0) step++;
        return now;
      },
      startBulkSync: () => {
        step = 1;
        return makeStartedBulkSync();
      },
    });
    render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={10} />);

    const start = await screen.findByRole('button', { name: 'Sync all issues matching the scope' });
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    await userEvent.click(start);

    expect(await screen.findByText('39 of 40 done, 1 failed — finished')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', { name: 'Bulk sync of External' });
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(bar).toHaveAttribute('aria-valuemax', '40');
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeEnabled();
    expect(bridge.callsOf('startBulkSync')).toEqual([{ connectionId: 'c1' }]);
  });

  it('shows a run in progress when the page is opened again, and keeps the button off while it runs', async () => {
    const bridge = fakeBridge({ getBulkSyncProgress: () => makeBulkJob(10, 5) });
    render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={60_000} />);
    expect(await screen.findByText('5 of 10 done — running')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '5');
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeDisabled();
  });

  it('says why a run did not start', async () => {
    const bridge = fakeBridge({
      getBulkSyncProgress: () => makeBulkProgress(),
      startBulkSync: () => ({ error: { code: 'no-scope', message: 'Connection "External" has no scope: set its JQL first.' } }),
    });
    render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={60_000} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sync all issues matching the scope' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Connection "External" has no scope: set its JQL first.');
  });
});
