import '@testing-library/jest-dom';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createPanelApi } from '../../shared/src/api/panel-api';
import { makeTwin } from '../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../shared/src/testing/fake-invoke';
import { PanelApp } from './panel-app';

function renderPanel(handlers: FakeHandlers, pollMs = 60_000) {
  const bridge = fakeBridge({ getTwin: () => makeTwin(), ...handlers });
  render(<PanelApp api={createPanelApi(bridge.invoke)} issueKey="INT-1" pollMs={pollMs} />);
  return bridge;
}

describe('Issue panel', () => {
  it('shows the twin key with a link to the other site, the connection and the last sync', async () => {
    renderPanel({});
    const link = await screen.findByRole('link', { name: 'CLOUD-7' });
    expect(link).toHaveAttribute('href', 'http://127.0.0.1:7102/browse/CLOUD-7');
    expect(screen.getByTestId('twin-key')).toHaveTextContent('CLOUD-7 on external');
    expect(screen.getByText('External')).toBeInTheDocument();
    expect(screen.getByText('1 min ago')).toBeInTheDocument();
    expect(screen.getByText(/applied/)).toBeInTheDocument();
    expect(screen.getByTestId('twin-state')).toHaveTextContent('In sync');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it.each([
    ['pending', { state: 'pending' }, 'Sync pending', null],
    ['failed', { state: 'failed', error: 'incoming script, line 3: status "Done" cannot be reached' }, 'Sync failed', 'incoming script, line 3: status "Done" cannot be reached'],
    ['failed without detail', { state: 'failed' }, 'Sync failed', 'No detail was recorded.'],
  ])('shows the %s state', async (_name, over, label, error) => {
    renderPanel({ getTwin: () => makeTwin(over) });
    expect(await screen.findByTestId('twin-state')).toHaveTextContent(label);
    if (error === null) expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    else expect(screen.getByRole('alert')).toHaveTextContent(error);
  });

  it('follows a pending sync until it is done', async () => {
    let reads = 0;
    renderPanel({ getTwin: () => makeTwin({ state: ++reads < 3 ? 'pending' : 'synced' }) }, 10);
    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('syncs now and shows the new state', async () => {
    const bridge = renderPanel({ syncNow: () => { bridge.set({ getTwin: () => makeTwin({ outcome: 'sent again' }) }); } });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByText(/sent again/)).toBeInTheDocument();
    expect(bridge.callsOf('syncNow')).toEqual([{ connectionId: 'c1' }]);
  });

  it('unlinks only after confirmation', async () => {
    const bridge = renderPanel({
      unlink: () => { bridge.set({ getTwin: () => ({ linked: false, inScope: false }) }); },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Unlink from CLOUD-7?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('unlink')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Unlink' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Unlink' }));
    expect(await screen.findByText('INT-1 is not synced: it is outside the scope of every connection.')).toBeInTheDocument();
    expect(bridge.callsOf('unlink')).toEqual([{ connectionId: 'c1' }]);
  });

  it('offers "Sync to <site>" for an unlinked issue in scope', async () => {
    const bridge = renderPanel({
      getTwin: () => ({ linked: false, inScope: true, connectionId: 'c1', connectionName: 'External', remoteSiteName: 'external' }),
      syncToRemote: () => { bridge.set({ getTwin: () => makeTwin({ state: 'pending', twinKey: null, twinUrl: null }) }); },
    });
    expect(await screen.findByText('INT-1 has no twin yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sync to external' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(screen.getByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(bridge.callsOf('syncToRemote')).toEqual([{ connectionId: 'c1' }]);
  });

  it('keeps looking after "Sync to <site>" until the twin is linked', async () => {
    let reads = 0;
    const bridge = renderPanel({
      getTwin: () => ({ issueId: '10001', twins: [], candidates: [{ connectionId: 'c1', remoteSiteName: 'external' }] }),
      syncToRemote: () => {
        // the queue links the twin only on the third look after the click
        bridge.set({ getTwin: () => (++reads < 3 ? { issueId: '10001', twins: [], candidates: [{ connectionId: 'c1', remoteSiteName: 'external' }] } : makeTwin()) });
      },
    }, 10);
    await userEvent.click(await screen.findByRole('button', { name: 'Sync to external' }));
    expect(await screen.findByRole('link', { name: 'CLOUD-7' })).toBeInTheDocument();
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('says an issue has no twin when the resolver lists none and names no connection', async () => {
    renderPanel({ getTwin: () => ({ issueId: '10001', twins: [] }) });
    expect(await screen.findByText('INT-1 has no twin.')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says when an issue is outside every scope, and offers nothing', async () => {
    renderPanel({ getTwin: () => ({ linked: false, inScope: false }) });
    expect(await screen.findByText('INT-1 is not synced: it is outside the scope of every connection.')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows failures of the resolver readably', async () => {
    renderPanel({ syncNow: () => { throw new Error('There was an error invoking the function - The connection is failing.'); } });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That did not workThe connection is failing.');
  });
});
