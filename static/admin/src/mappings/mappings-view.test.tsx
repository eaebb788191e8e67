import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeConnection, makeMappings, makeMappingValues, makePreview, makeSaveMappings, makeSeenValue, makeUnmapped } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { AdminApp } from '../admin-app';
import { MappingsView } from './mappings-view';

const seen = [
  makeSeenValue('status', 'In Review'), makeSeenValue('status', 'Closed'), makeSeenValue('priority', 'Urgent'),
  makeSeenValue('users', 'ext-acc-9', { label: 'Bo Chen' }), makeSeenValue('options', 'Sev-1', { field: 'Severity' }), makeSeenValue('fields', 'Team'),
];

function renderMappings(handlers: FakeHandlers = {}) {
  const bridge = fakeBridge({
    listConnections: () => [makeConnection()],
    listErrors: () => [],
    getMappings: () => makeMappings({ version: 4, status: [{ local: 'Done', remote: 'Closed', direction: 'both' }] }),
    listMappingValues: () => makeMappingValues({ remote: seen }),
    listUnmappedValues: () => makeUnmapped(),
    ...handlers,
  });
  render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={60_000} initialTab="mappings" mappingsView={MappingsView} />);
  return bridge;
}

const select = (name: string) => screen.getByRole('combobox', { name });
const optionTexts = (el: HTMLElement) => within(el).getAllByRole('option').map((o) => o.textContent);

describe('the Mappings tab', () => {
  it('shows the saved rows with this site’s values and the other site’s seen ones, and saves an edit as a new version', async () => {
    const bridge = renderMappings({
      saveMappings: () => {
        bridge.set({ getMappings: () => makeMappings({ version: 5, status: [{ local: 'Done', remote: 'Closed', direction: 'both' }], priority: [{ local: 'Low', remote: 'Urgent', direction: 'incoming' }] }) });
        return makeSaveMappings(5);
      },
    });
    expect(await screen.findByRole('combobox', { name: 'Status row 1 local value' })).toHaveValue('Done');
    expect(optionTexts(select('Status row 1 local value'))).toEqual(['Choose…', 'Open', 'In Progress', 'Done']);
    expect(select('Status row 1 remote value')).toHaveValue('Closed');
    expect(optionTexts(select('Status row 1 remote value'))).toEqual(['Choose…', 'In Review', 'Closed', 'Other…']);
    expect(screen.getByRole('button', { name: 'Save mappings' })).toBeDisabled();
    expect(screen.getByText('Version 4')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Add Priority row' }));
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
    await userEvent.selectOptions(select('Priority row 1 local value'), 'Low');
    await userEvent.selectOptions(select('Priority row 1 remote value'), 'Urgent');
    await userEvent.selectOptions(select('Priority row 1 direction'), 'Incoming only');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));

    expect(await screen.findByText('Saved as version 5: new syncs use them from now on.')).toBeInTheDocument();
    expect(await screen.findByText('Version 5')).toBeInTheDocument();
    expect(bridge.callsOf('saveMappings')).toEqual([{
      connectionId: 'c1', baseVersion: 4,
      mappings: { project: [], issueType: [], status: [{ local: 'Done', remote: 'Closed', direction: 'both' }], priority: [{ local: 'Low', remote: 'Urgent', direction: 'incoming' }], resolution: [], fields: [], options: {}, users: [] },
    }]);
  });

  it('takes a remote value not seen yet as typed text (“Other…”)', async () => {
    const bridge = renderMappings({ saveMappings: () => makeSaveMappings(5) });
    await userEvent.click(await screen.findByRole('button', { name: 'Add Status row' }));
    await userEvent.selectOptions(select('Status row 2 local value'), 'In Progress');
    await userEvent.selectOptions(select('Status row 2 remote value'), 'Other…');
    await userEvent.type(screen.getByRole('textbox', { name: 'Status row 2 remote value (other)' }), 'Blocked');
    // a table without any seen value takes text directly
    await userEvent.click(screen.getByRole('button', { name: 'Add Resolution row' }));
    await userEvent.selectOptions(select('Resolution row 1 local value'), "Won't Do");
    await userEvent.type(screen.getByRole('textbox', { name: 'Resolution row 1 remote value' }), 'Declined');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    await waitFor(() => expect(bridge.callsOf('saveMappings')).toHaveLength(1));
    const sent = bridge.callsOf('saveMappings')[0]?.['mappings'] as Record<string, unknown>;
    expect(sent['status']).toEqual([{ local: 'Done', remote: 'Closed', direction: 'both' }, { local: 'In Progress', remote: 'Blocked', direction: 'both' }]);
    expect(sent['resolution']).toEqual([{ local: "Won't Do", remote: 'Declined', direction: 'both' }]);
  });

  it('makes a table symmetric and removes rows', async () => {
    renderMappings({ getMappings: () => makeMappings({ version: 1, priority: [{ local: 'Low', remote: 'Urgent', direction: 'incoming' }, { local: 'High', remote: 'Urgent', direction: 'outgoing' }] }) });
    await screen.findByRole('combobox', { name: 'Priority row 1 direction' });
    await userEvent.click(screen.getByRole('button', { name: 'Make Priority symmetric' }));
    expect(select('Priority row 1 direction')).toHaveValue('both');
    expect(select('Priority row 2 direction')).toHaveValue('both');
    expect(screen.getByRole('button', { name: 'Make Priority symmetric' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Remove Priority row 1' }));
    expect(select('Priority row 1 local value')).toHaveValue('High');
    expect(screen.queryByRole('combobox', { name: 'Priority row 2 local value' })).not.toBeInTheDocument();
  });

  it('shows each refused row’s problem beside it and in a summary; nothing is marked saved', async () => {
    const bridge = renderMappings({
      saveMappings: () => makeSaveMappings(4, [
        { table: 'status', field: null, row: 0, side: 'local', message: 'status "Done" does not exist here' },
        { table: 'options', field: 'Severity', row: -1, side: 'local', message: 'custom field "Severity" does not exist here' },
      ]),
    });
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Status row 1 remote value' }), 'In Review');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    const summary = await screen.findByRole('list', { name: 'Mapping problems' });
    expect(within(summary).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Status row 1 (here): status "Done" does not exist here',
      'Severity option table (here): custom field "Severity" does not exist here',
    ]);
    const rowError = screen.getByTestId('problem-status-0');
    expect(rowError).toHaveTextContent('status "Done" does not exist here');
    expect(select('Status row 1 local value')).toHaveAttribute('aria-invalid', 'true');
    expect(select('Status row 1 local value')).toHaveAttribute('aria-describedby', rowError.id);
    expect(screen.queryByText(/Saved as version/)).not.toBeInTheDocument();
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
    expect(bridge.callsOf('saveMappings')).toHaveLength(1);
  });

  it('refuses a row with an empty side before sending anything', async () => {
    const bridge = renderMappings({ saveMappings: () => makeSaveMappings(5) });
    await userEvent.click(await screen.findByRole('button', { name: 'Add Issue type row' }));
    await userEvent.selectOptions(select('Issue type row 1 local value'), 'Bug');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    expect(await screen.findByRole('list', { name: 'Mapping problems' })).toHaveTextContent('Issue type row 1 (other site): choose or type the other site’s issue type');
    expect(bridge.callsOf('saveMappings')).toEqual([]);
  });

  it('says when someone saved meanwhile', async () => {
    renderMappings({ saveMappings: () => ({ error: { code: 'conflict', message: 'version 5 was saved since version 4' } }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Remove Status row 1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Someone saved the rules or mappings meanwhile.*version 5 was saved since version 4/);
  });

  it('maps a custom field to none on one side (null)', async () => {
    const bridge = renderMappings({ saveMappings: () => makeSaveMappings(5) });
    await userEvent.click(await screen.findByRole('button', { name: 'Add Custom field row' }));
    expect(optionTexts(select('Custom field row 1 local value'))[0]).toBe('(not synced here)');
    await userEvent.selectOptions(select('Custom field row 1 remote value'), 'Team');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    await waitFor(() => expect(bridge.callsOf('saveMappings')).toHaveLength(1));
    expect((bridge.callsOf('saveMappings')[0]?.['mappings'] as Record<string, unknown>)['fields']).toEqual([{ local: null, remote: 'Team', direction: 'both' }]);
  });

  it('loads a chosen option field’s options and maps them', async () => {
    const bridge = renderMappings({
      listMappingValues: (p) => makeMappingValues({ remote: seen, local: p['optionsOf'] === undefined ? {} : { options: { Severity: ['S1', 'S2'] } } }),
      saveMappings: () => makeSaveMappings(5),
    });
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Option field' }), 'Severity');
    await userEvent.click(screen.getByRole('button', { name: 'Map its options' }));
    await waitFor(() => expect(optionTexts(select('Severity option row 1 local value'))).toEqual(['Choose…', 'S1', 'S2']));
    expect(optionTexts(select('Severity option row 1 remote value'))).toEqual(['Choose…', 'Sev-1', 'Other…']);
    await userEvent.selectOptions(select('Severity option row 1 local value'), 'S1');
    await userEvent.selectOptions(select('Severity option row 1 remote value'), 'Sev-1');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    await waitFor(() => expect(bridge.callsOf('saveMappings')).toHaveLength(1));
    expect((bridge.callsOf('saveMappings')[0]?.['mappings'] as Record<string, unknown>)['options']).toEqual({ Severity: [{ local: 'S1', remote: 'Sev-1', direction: 'both' }] });
    expect(bridge.callsOf('listMappingValues')).toContainEqual({ connectionId: 'c1', optionsOf: ['Severity'] });
  });

  it('finds people here by name and shows the other site’s by their name', async () => {
    const bridge = renderMappings({
      searchPeople: () => ({ users: [{ accountId: 'acc-ana', displayName: 'Ana Silva', email: null }] }),
      saveMappings: () => makeSaveMappings(5),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Add People row' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'People row 1 find by name' }), 'ana');
    await userEvent.click(screen.getByRole('button', { name: 'Find people for row 1' }));
    await waitFor(() => expect(select('People row 1 local value')).toHaveValue('acc-ana'));
    expect(within(select('People row 1 local value')).getByRole('option', { name: 'Ana Silva' })).toBeInTheDocument();
    await userEvent.selectOptions(select('People row 1 remote value'), 'Bo Chen (ext-acc-9)');
    await userEvent.click(screen.getByRole('button', { name: 'Save mappings' }));
    await waitFor(() => expect(bridge.callsOf('saveMappings')).toHaveLength(1));
    expect((bridge.callsOf('saveMappings')[0]?.['mappings'] as Record<string, unknown>)['users']).toEqual([{ local: 'acc-ana', remote: 'ext-acc-9', direction: 'both' }]);
    expect(bridge.callsOf('searchPeople')).toEqual([{ query: 'ana' }]);
  });

  it('lists the unmapped values and “Map…” starts a row with the other site’s value', async () => {
    renderMappings({
      listUnmappedValues: () => makeUnmapped([
        { table: 'status', value: 'Blocked', count: 3, lastIssueKey: 'INT-4' },
        { table: 'users', value: 'ext-acc-7', label: 'Cy Doe', count: 1 },
      ]),
    });
    const table = await screen.findByRole('table', { name: 'Unmapped values' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(/^Status—Blocked3INT-4/);
    expect(rows[1]).toHaveTextContent(/^Person—Cy Doe \(ext-acc-7\)1/);
    await userEvent.click(within(table).getByRole('button', { name: 'Map status Blocked' }));
    expect(screen.getByRole('textbox', { name: 'Status row 2 remote value (other)' })).toHaveValue('Blocked');
    expect(select('Status row 2 local value')).toHaveFocus();
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
  });

  it('previews the draft tables before saving', async () => {
    const bridge = renderMappings({
      previewRulesChange: () => makePreview({ checked: 2, issues: [{ issueKey: 'CLOUD-3', remoteIssueKey: 'INT-3', local: [{ field: 'priority', from: 'Highest', to: 'Low' }] }] }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Add Priority row' }));
    await userEvent.selectOptions(select('Priority row 1 local value'), 'Low');
    await userEvent.selectOptions(select('Priority row 1 remote value'), 'Urgent');
    await userEvent.click(screen.getByRole('button', { name: 'Preview changes' }));
    const changes = await screen.findByRole('table', { name: 'Changes to CLOUD-3' });
    expect(within(changes).getAllByRole('row')[1]).toHaveTextContent('herepriorityHighest → Low');
    expect(screen.getByText(/Checked 2 issues: 1 would change/)).toBeInTheDocument();
    expect(bridge.callsOf('previewRulesChange')).toEqual([{
      connectionId: 'c1',
      mappings: { project: [], issueType: [], status: [{ local: 'Done', remote: 'Closed', direction: 'both' }], priority: [{ local: 'Low', remote: 'Urgent', direction: 'both' }], resolution: [], fields: [], options: {}, users: [] },
    }]);
    await userEvent.selectOptions(select('Priority row 1 direction'), 'Outgoing only');
    expect(screen.getByText('The draft changed since this preview.')).toBeInTheDocument();
  });
});
