import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../shared/src/api/admin-api';
import { makeBulkCount, makeBulkProgress, makeConnection, makeMappings, makeMappingValues, makeProjects, makeUnmapped } from '../../shared/src/testing/builders';
import { fakeBridge } from '../../shared/src/testing/fake-invoke';
import { storageTabMemory } from '../../shared/src/ui/tab-memory';
import { AdminApp } from './admin-app';
import { MappingsView } from './mappings/mappings-view';

const KEY = 'twin-sync:admin-tab';

function renderAdmin() {
  const bridge = fakeBridge({
    listConnections: () => [makeConnection()], listErrors: () => [], listActivity: () => [], listProjects: () => makeProjects('INT'),
    getBulkSyncProgress: () => makeBulkProgress(), countBulkSync: () => makeBulkCount(),
  });
  // the frame's sessionStorage, as the entry file gives it
  return render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={60_000} tabMemory={storageTabMemory(window.sessionStorage, KEY)} />);
}

afterEach(() => window.sessionStorage.clear());

describe('the admin page’s tabs', () => {
  it('opens on the tab selected before the page was reloaded', async () => {
    const first = renderAdmin();
    await userEvent.click(await screen.findByRole('tab', { name: 'Activity and errors' }));
    expect(window.sessionStorage.getItem(KEY)).toBe('activity');
    await screen.findByText(/No errors/);
    first.unmount();

    renderAdmin();
    expect(screen.getByRole('tab', { name: 'Activity and errors' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByRole('heading', { name: 'Recent messages' })).toBeInTheDocument();
  });

  it('keeps a tab chosen with the keyboard too', async () => {
    const first = renderAdmin();
    (await screen.findByRole('tab', { name: 'Connections' })).focus();
    await userEvent.keyboard('{End}');
    await screen.findByText(/About 40 issues match/);
    first.unmount();
    renderAdmin();
    expect(screen.getByRole('tab', { name: 'Bulk sync' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByText(/About 40 issues match/)).toBeInTheDocument();
  });

  it.each([['nothing remembered', null], ['a tab that does not exist', 'settings']])('opens on Connections with %s', async (_name, remembered) => {
    if (remembered !== null) window.sessionStorage.setItem(KEY, remembered);
    renderAdmin();
    expect(screen.getByRole('tab', { name: 'Connections' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByRole('heading', { name: 'Connections' })).toBeInTheDocument();
  });

  it('shows the Mappings tab with the connection picker when there are several connections', async () => {
    const bridge = fakeBridge({
      listConnections: () => [makeConnection(), makeConnection({ id: 'c2', name: 'Partner', remoteSiteName: 'partner' })], listErrors: () => [],
      getMappings: (p) => makeMappings({ connectionId: String(p['connectionId']) }), listMappingValues: () => makeMappingValues(), listUnmappedValues: () => makeUnmapped(),
    });
    // the page loads the tab on demand (jest has no dynamic import: the test gives it)
    render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={60_000} mappingsView={MappingsView} />);
    await userEvent.click(await screen.findByRole('tab', { name: 'Mappings' }));
    expect(await screen.findByRole('heading', { name: 'Status' })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Connection'), 'c2');
    await screen.findByRole('heading', { name: 'Status' });
    expect(bridge.callsOf('getMappings')).toEqual([{ connectionId: 'c1' }, { connectionId: 'c2' }]);
  });
});
