import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { connectionSchema, createAdminApi } from '../../../shared/src/api/admin-api';
import { makeConnection } from '../../../shared/src/testing/builders';
import { fakeBridge } from '../../../shared/src/testing/fake-invoke';
import { BulkSyncView } from './bulk-sync-view';

const connection = connectionSchema.parse(makeConnection());

describe('Bulk sync', () => {
  it('starts a run and follows the progress from the resolver until it finishes', async () => {
    const steps = [
      { done: 0, total: 0, failed: 0, running: false },
      { done: 0, total: 40, failed: 0, running: true },
      { done: 20, total: 40, failed: 1, running: true },
      { done: 39, total: 40, failed: 1, running: false },
    ];
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
        return { started: true };
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
    const bridge = fakeBridge({ getBulkSyncProgress: () => ({ done: 5, total: 10, failed: 0, running: true, truncated: true, startedAt: '2026-11-26T10:00:00Z' }) });
    render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={60_000} />);
    expect(await screen.findByText('5 of 10 done — running')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '5');
    expect(screen.getByRole('button', { name: 'Sync all issues matching the scope' })).toBeDisabled();
    expect(screen.getByText(/matched more issues than one run takes/)).toBeInTheDocument();
  });

  it('says why a run did not start', async () => {
    const bridge = fakeBridge({
      getBulkSyncProgress: () => ({ done: 0, total: 0, failed: 0, running: false }),
      startBulkSync: () => ({ error: { code: 'NO_SCOPE', message: 'The connection has no scope.' } }),
    });
    render(<BulkSyncView api={createAdminApi(bridge.invoke)} connection={connection} pollMs={60_000} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sync all issues matching the scope' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The connection has no scope.');
  });
});
