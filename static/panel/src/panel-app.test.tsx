import '@testing-library/jest-dom';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createPanelApi, type TwinState } from '../../shared/src/api/panel-api';
import { makeCandidate, makeIssueTwins, makeLinkToExisting, makeSyncNow, makeSyncToRemote, makeTwinState, makeUnlinked } from '../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../shared/src/testing/fake-invoke';
import { INCOMING_RULE_REASON, makeAwaitedTwin, makeFailedTwin, makePanelRetried, makeRefusedBeforeTwin, makeRemoteFailedTwin, OUTGOING_RULE_CAUSE } from '../../shared/src/testing/panel-builders';
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

  it.each<[string, TwinState, string]>([
    ['pending', makeTwinState({ state: 'pending' }), 'Sync pending'],
    ['failed here', makeFailedTwin(), 'Sync failed'],
    ['failed on the other site', makeRemoteFailedTwin(), 'Failed on the other site'],
  ])('labels the %s state', async (_name, twin, label) => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [twin] }) });
    expect(await screen.findByTestId('twin-state')).toHaveTextContent(label);
  });

  it('shows a pending change of an existing twin without an alarm or a waiting note', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: 'pending' })] }) });
    expect(await screen.findByTestId('twin-state')).toHaveTextContent('Sync pending');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/Waiting for the other site/)).not.toBeInTheDocument();
  });

  it('says why an issue is not synced, with a Retry naming the issue and the site', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeFailedTwin()] }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`Not synced: ${OUTGOING_RULE_CAUSE}`);
    expect(within(alert).getByRole('button', { name: 'Retry sync of INT-1 to external' })).toHaveTextContent('Retry');
    // the twin exists: it can still be synced by hand or unlinked
    expect(screen.getByRole('button', { name: 'Sync now' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unlink' })).toBeInTheDocument();
  });

  it('retries the error on its connection and shows the state that follows', async () => {
    const bridge = renderPanel({
      getTwin: () => makeIssueTwins({ twins: [makeFailedTwin()] }),
      retry: () => {
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ state: 'pending' })] }) });
        return makePanelRetried();
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Retry sync of INT-1 to external' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(screen.queryByText(/Not synced/)).not.toBeInTheDocument();
    expect(bridge.callsOf('retry')).toEqual([{ connectionId: 'c1' }]);
  });

  it('says when there was nothing to retry', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeFailedTwin()] }), retry: () => makePanelRetried({ retried: false }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Retry sync of INT-1 to external' }));
    expect(await screen.findByText('There was nothing to retry: the error was cleared already.')).toBeInTheDocument();
  });

  it('shows a refused retry readably', async () => {
    renderPanel({
      getTwin: () => makeIssueTwins({ twins: [makeFailedTwin()] }),
      retry: () => ({ error: { code: 'forbidden', message: 'You need permission to edit this issue to change how it is synced.' } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Retry sync of INT-1 to external' }));
    expect(await screen.findByText('You need permission to edit this issue to change how it is synced.')).toBeInTheDocument();
  });

  it('names "this issue" in the Retry button when the panel has no issue key', async () => {
    const bridge = fakeBridge({ getTwin: () => makeIssueTwins({ twins: [makeFailedTwin()] }) });
    render(<PanelApp api={createPanelApi(bridge.invoke)} pollMs={60_000} />);
    expect(await screen.findByRole('button', { name: 'Retry sync of this issue to external' })).toBeInTheDocument();
  });

  it('names the connection in the Retry button when the other site has no name', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeFailedTwin(OUTGOING_RULE_CAUSE, { remoteSiteName: null })] }) });
    expect(await screen.findByRole('button', { name: 'Retry sync of INT-1 to External' })).toBeInTheDocument();
  });

  it('says the other site could not apply the last change, why and when', async () => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeRemoteFailedTwin(INCOMING_RULE_REASON, at)] }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`The other site could not apply the last change: ${INCOMING_RULE_REASON}`);
    expect(alert).toHaveTextContent('external said so 5 min ago');
    expect(within(alert).getByText('5 min ago')).toHaveAttribute('datetime', at);
    // nothing to retry here: the other site's rules have to change
    expect(screen.queryByRole('button', { name: /^Retry/ })).not.toBeInTheDocument();
  });

  it('names each file from the other site that could not be copied, and why, while the issue stays in sync', async () => {
    const reason = '"big.bin" not copied: it is 6291456 bytes, over this site\'s attachment size limit of 5242880 bytes';
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ attachmentErrors: [{ filename: 'big.bin', size: 6291456, reason, at: new Date().toISOString() }] })] }) });
    expect(await screen.findByText(reason)).toBeInTheDocument();
    expect(screen.getByText('A file from external could not be copied here; the rest of the issue syncs.')).toBeInTheDocument();
    expect(screen.getByTestId('twin-state')).toHaveTextContent('In sync');
  });

  it('says it waits for the other site while a first sync has no twin yet', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeAwaitedTwin()] }) });
    expect(await screen.findByText('Waiting for the other site to create the twin.')).toBeInTheDocument();
    expect(screen.getByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a sync refused before the twin existed the same way, with Retry as its only action', async () => {
    // as getTwin answers it: the error's row, and its connection still a candidate (the issue is linked nowhere)
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeRefusedBeforeTwin()], candidates: [makeCandidate()] }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`Not synced: ${OUTGOING_RULE_CAUSE}`);
    expect(screen.getByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(screen.getByText('never')).toBeInTheDocument();
    expect(screen.queryByText(/Waiting for the other site/)).not.toBeInTheDocument();
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual(['Retry sync of INT-1 to external']);
    expect(screen.queryByText('INT-1 has no twin yet.')).not.toBeInTheDocument();
  });

  it('keeps looking after a Retry of a sync refused before the twin existed until the twin is there', async () => {
    let reads = 0;
    const bridge = renderPanel({
      getTwin: () => makeIssueTwins({ twins: [makeRefusedBeforeTwin()], candidates: [makeCandidate()] }),
      retry: () => {
        // the error is gone at once; the queue links the twin only on the third look, the other site confirms it on the fifth
        bridge.set({ getTwin: () => (++reads < 3 ? unlinked() : reads < 5 ? makeIssueTwins({ twins: [makeAwaitedTwin()] }) : makeIssueTwins()) });
        return makePanelRetried();
      },
    }, 10);
    await userEvent.click(await screen.findByRole('button', { name: 'Retry sync of INT-1 to external' }));
    expect(await screen.findByRole('link', { name: 'CLOUD-7' })).toBeInTheDocument();
    expect(screen.getByTestId('twin-state')).toHaveTextContent('In sync');
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(bridge.callsOf('retry')).toEqual([{ connectionId: 'c1' }]);
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

  it('titles two direct twins on two sites as this issue on other sites, without a "via" member', async () => {
    renderPanel({
      getTwin: () => makeIssueTwins({
        twins: [
          makeTwinState({ groupMembers: [{ site: 'partner', key: 'P-3' }] }),
          makeTwinState({ connectionId: 'c2', connectionName: 'Partner', remoteSiteName: 'partner', remoteIssueKey: 'P-3', remoteIssueUrl: 'http://partner.test/browse/P-3', groupMembers: [{ site: 'external', key: 'CLOUD-7' }] }),
        ],
      }),
    });
    expect(await screen.findByRole('heading', { name: 'This issue on other sites' })).toBeInTheDocument();
    expect(screen.getAllByTestId('twin-key').map((e) => e.textContent)).toEqual(['CLOUD-7 on external', 'P-3 on partner']);
    // a full mesh tells of every member on each connection: the direct twins are not listed again
    expect(screen.queryByTestId('group-member')).not.toBeInTheDocument();
  });

  it('lists the group member a hub told of under its twin, "via" the hub, without a state', async () => {
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ groupMembers: [{ site: 'partner', key: 'PART-1' }] })] }) });
    expect(await screen.findByRole('heading', { name: 'This issue on other sites' })).toBeInTheDocument();
    const twin = screen.getByRole('region', { name: 'Twin on External' });
    expect(within(twin).getByTestId('group-member')).toHaveTextContent('AlsoPART-1 on partner, via external');
    expect(within(twin).getAllByTestId('twin-state')).toHaveLength(1);
    expect(screen.queryByRole('link', { name: 'PART-1' })).not.toBeInTheDocument();
  });

  it.each([
    ['synced', 'in sync'],
    ['error', 'sync failed'],
    ['remote-error', 'failed on that site'],
    ['pending', 'sync pending'],
  ] as const)('shows the state (%s) the hub told of its sync with a further member, and when it told', async (state, shown) => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    renderPanel({ getTwin: () => makeIssueTwins({ twins: [makeTwinState({ groupMembers: [{ site: 'partner', key: 'PART-1', state, at }] })] }) });
    const member = await screen.findByTestId('group-member');
    expect(within(member).getByTestId('group-member-state')).toHaveTextContent(new RegExp(`^— ${shown} as external last said, 5 min ago$`));
  });

  it('shows a single twin without a title or further members', async () => {
    renderPanel({});
    expect(await screen.findByRole('link', { name: 'CLOUD-7' })).toBeInTheDocument();
    expect(screen.queryByRole('heading')).not.toBeInTheDocument();
    expect(screen.queryByTestId('group-member')).not.toBeInTheDocument();
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
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeAwaitedTwin()] }) });
        return makeSyncToRemote();
      },
    });
    expect(await screen.findByText('INT-1 has no twin yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sync to external' }));
    expect(await screen.findByText('Sync pending')).toBeInTheDocument();
    expect(screen.getByTestId('twin-key')).toHaveTextContent('not created yet');
    expect(screen.getByText('Waiting for the other site to create the twin.')).toBeInTheDocument();
    expect(bridge.callsOf('syncToRemote')).toEqual([{ connectionId: 'c1' }]);
  });

  it('links an unlinked issue to an existing issue of the other site by its key', async () => {
    const bridge = renderPanel({
      getTwin: unlinked,
      linkToExisting: () => {
        bridge.set({ getTwin: () => makeIssueTwins({ twins: [makeAwaitedTwin()] }) });
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
