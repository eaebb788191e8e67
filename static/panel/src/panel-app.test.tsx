import '@testing-library/jest-dom';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createPanelApi, type TwinState } from '../../shared/src/api/panel-api';
import { makeCandidate, makeIssueTwins, makeLinkToExisting, makeSyncNow, makeSyncToRemote, makeTwinState, makeUnlinked } from '../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../shared/src/testing/fake-invoke';
import { PanelApp } from './panel-app';

function renderPanel(handlers: FakeHandlers, pollMs = 60_000) {
  const bridge = fakeBridge({ getTwin: () => makeIssueTwins(), ...handlers });
  render(<PanelApp api={createPanelApi(bridge.invoke)} issueKey="INT-1" pollMs={pollMs} />);
  return bridge;
}

const unlinked = () => makeIssueTwins({ twins: [], candidates: [makeCandidate()] });

describe('Issue panel', () => {
  it('shows the twin key with a link to the other site, the connection and the last sync', async () => {
    renderPanel({});
    const link = await screen.findByRole('link', { name: 'CLOUD-7' });
    expect(link).toHaveAttribute('href', 'http://127.0.0.1:7102/browse/CLOUD-7');
    expect(screen.getByTestId('twin-key')).toHaveTextContent('CLOUD-7 on external');
    expect(screen.getByText('External')).toBeInTheDocument();
    expect(screen.getByText('1 min ago')).toBeInTheDocument();
    expect(screen.getByTestId('twin-state')).toHaveTextContent('In sync');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it.each<[string, Partial<TwinState>, string, string | null]>([
    ['pending', { state: 'pending' }, 'Sync pending', null],
    ['failed here', { state: 'error', error: { id: 'e1', cause: 'incoming script, line 3: status "Done" cannot be reached' } }, 'Sync failed', 'The last sync failedincoming script, line 3: status "Done" cannot be reached'],
    ['failed on the other site', { state: 'remote-error', remoteError: { reason: 'incoming rules: no such project', at: '2026-11-26T10:00:00.000Z' } }, 'Failed on the other site', 'external could not apply the last changeincoming rules: no such project'],
  ])('shows the %s state', async (_name, over, label, error) => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState(over)] }) });
    expect(await screen.findByTestId('twin-state')).toHaveTextContent(label);
    if (error === null) expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    else expect(screen.getByRole('alert')).toHaveTextContent(error);
  });

  it('shows a first sync that failed before the twin existed', async () => {
    renderPanel({
      getTwin: () => makeIssueTwins({ twins: [makeTwinState({ remoteIssueKey: null, remoteIssueUrl: null, lastSyncAt: null, state: 'error', error: { id: 'e1', cause: 'outgoing rules: boom' } })] }),
    });
    expect(await screen.findByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(screen.getByText('never')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('outgoing rules: boom');
  });

  it('shows one twin per connection the issue is linked on', async () => {
    renderPanel({
      getTwin: () => makeIssueTwins({
        twins: [makeTwinState(), makeTwinState({ connectionId: 'c2', connectionName: 'Partner', remoteSiteName: 'partner', remoteIssueKey: 'P-3', remoteIssueUrl: 'http://partner.test/browse/P-3', state: 'pending' })],
      }),
    });
    expect(await screen.findByRole('link', { name: 'P-3' })).toHaveAttribute('href', 'http://partner.test/browse/P-3');
    expect(within(screen.getByRole('region', { name: 'Twin on Partner' })).getByTestId('twin-state')).toHaveTextContent('Sync pending');
    expect(within(screen.getByRole('region', { name: 'Twin on External' })).getByTestId('twin-state')).toHaveTextContent('In sync');
  });

  it('follows a pending sync until it is done', async () => {
    let reads = 0;
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: ++reads < 3 ? 'pending' : 'synced' })] }) }, 10);
    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('syncs now on the twin’s connection and shows the new state', async () => {
    const bridge = renderPanel({
      syncNow: () => {
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: 'pending' })] }) });
        return makeSyncNow(1);
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(bridge.callsOf('syncNow')).toEqual([{ connectionId: 'c1' }]);
  });

  it('says when Sync now queued nothing', async () => {
    renderPanel({ syncNow: () => makeSyncNow(0) });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByText('Nothing was queued: the connection is not active, or it only receives.')).toBeInTheDocument();
  });

  it('unlinks only after confirmation, then offers to sync again', async () => {
    const bridge = renderPanel({
      unlink: () => {
        bridge.set({ getTwin: unlinked });
        return makeUnlinked();
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Unlink from CLOUD-7?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('unlink')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Unlink' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Unlink' }));
    expect(await screen.findByText('INT-1 has no twin yet.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sync to external' })).toBeInTheDocument();
    expect(bridge.callsOf('unlink')).toEqual([{ connectionId: 'c1' }]);
  });

  it('says when the other site could not be told of an unlink', async () => {
    renderPanel({ unlink: () => makeUnlinked({ remoteNotified: false }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Unlink' }));
    expect(await screen.findByText('Unlinked here; external could not be told, so its issue still shows the link.')).toBeInTheDocument();
  });

  it('offers "Sync to <site>" for an unlinked issue', async () => {
    const bridge = renderPanel({
      getTwin: unlinked,
      syncToRemote: () => {
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: 'pending', remoteIssueKey: null, remoteIssueUrl: null, lastSyncAt: null })] }) });
        return makeSyncToRemote();
      },
    });
    expect(await screen.findByText('INT-1 has no twin yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sync to external' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(screen.getByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(bridge.callsOf('syncToRemote')).toEqual([{ connectionId: 'c1' }]);
  });

  it('links an unlinked issue to an existing issue of the other site by its key', async () => {
    const bridge = renderPanel({
      getTwin: unlinked,
      linkToExisting: () => {
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: 'pending', remoteIssueKey: null, remoteIssueUrl: null, lastSyncAt: null })] }) });
        return makeLinkToExisting('CLOUD-12');
      },
    });
    const field = await screen.findByLabelText('Link to an existing issue on external');
    expect(screen.getByRole('button', { name: 'Link to issue' })).toBeDisabled();
    await userEvent.type(field, 'cloud-12');
    await userEvent.click(screen.getByRole('button', { name: 'Link to CLOUD-12' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(bridge.callsOf('linkToExisting')).toEqual([{ connectionId: 'c1', remoteIssueKey: 'CLOUD-12' }]);
  });

  it('keeps looking after "Sync to <site>" until the twin is linked', async () => {
    let reads = 0;
    const bridge = renderPanel({
      getTwin: unlinked,
      syncToRemote: () => {
        // the queue links the twin only on the third look after the click
        bridge.set({ getTwin: () => (++reads < 3 ? unlinked() : makeIssueTwins()) });
        return makeSyncToRemote();
      },
    }, 10);
    await userEvent.click(await screen.findByRole('button', { name: 'Sync to external' }));
    expect(await screen.findByRole('link', { name: 'CLOUD-7' })).toBeInTheDocument();
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('offers the other connections of an issue linked on one', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ candidates: [makeCandidate({ connectionId: 'c2', connectionName: 'Partner', remoteSiteName: null })] }) });
    expect(await screen.findByText('It can be synced with another site too.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sync to Partner' })).toBeInTheDocument();
  });

  it('says an issue has no twin when it is linked nowhere and no connection could take it', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [] }) });
    expect(await screen.findByText('INT-1 has no twin.')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows failures of the resolver readably', async () => {
    renderPanel({ syncNow: () => { throw new Error('There was an error invoking the function - The connection is failing.'); } });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That did not workThe connection is failing.');
  });

  it('shows a refusal of the resolver readably', async () => {
    renderPanel({ syncNow: () => ({ error: { code: 'forbidden', message: 'You need permission to edit this issue to change how it is synced.' } }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That did not workYou need permission to edit this issue to change how it is synced.');
  });
});
