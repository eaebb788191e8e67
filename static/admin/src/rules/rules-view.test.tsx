import '@testing-library/jest-dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createAdminApi } from '../../../shared/src/api/admin-api';
import { makeConnection, makeDryRun, makePreview, makeReplica, makeRestoreRules, makeRules, makeRulesDiff, makeRulesVersion, makeSaveRules, makeValidation } from '../../../shared/src/testing/builders';
import { fakeBridge, type FakeHandlers } from '../../../shared/src/testing/fake-invoke';
import { AdminApp } from '../admin-app';
import { RulesView } from './rules-view';

// CodeMirror measures text with ranges; jsdom has no layout, so ranges report empty boxes.
beforeAll(() => {
  const empty = { length: 0, item: () => null, [Symbol.iterator]: function* () { /* none */ } };
  Range.prototype.getClientRects = () => empty as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => new DOMRect(0, 0, 0, 0);
});

const outgoing = 'replica.summary = issue.summary;\n';
const incoming = 'issue.summary = replica.summary;\nissue.labels = replica.labels;\n';

function renderRules(handlers: FakeHandlers) {
  const bridge = fakeBridge({
    listConnections: () => [makeConnection()],
    listErrors: () => [],
    getRules: (p) => makeRules({
      outgoing: p['version'] === 1 ? '// version 1\n' : outgoing,
      incoming,
      version: p['version'] === 1 ? 1 : 2,
      isDefault: false,
      savedAt: '2026-11-26T10:00:00.000Z',
      savedBy: 'acc-admin',
      // newest first, as the resolver lists them
      currentVersion: 2,
      versions: [makeRulesVersion(2, { summary: 'incoming script' }), makeRulesVersion(1, { savedAt: '2026-11-25T10:00:00.000Z', summary: 'outgoing script' })],
    }),
    ...handlers,
  });
  render(<AdminApp api={createAdminApi(bridge.invoke)} pollMs={60_000} initialTab="rules" rulesView={RulesView} />);
  return bridge;
}

const editorText = (script: 'outgoing' | 'incoming') => screen.getByTestId(`editor-${script} script`).querySelector('.cm-content')?.textContent;

describe('Rules', () => {
  it('loads both scripts into JavaScript editors', async () => {
    renderRules({});
    await screen.findByText('Version history');
    await waitFor(() => expect(editorText('incoming')).toBe('issue.summary = replica.summary;issue.labels = replica.labels;'));
    expect(editorText('outgoing')).toBe('replica.summary = issue.summary;');
    expect(screen.getByRole('textbox', { name: 'incoming script' })).toBeInTheDocument();
    // the JavaScript language is active (the browser test checks the highlighting itself)
    expect(screen.getByRole('textbox', { name: 'incoming script' })).toHaveAttribute('data-language', 'javascript');
  });

  it('shows validation errors at their line and keeps Save disabled while the rules are invalid', async () => {
    const bridge = renderRules({
      validateRules: () => makeValidation([{ script: 'incoming', line: 2, column: 7, message: 'Unexpected token' }]),
      saveRules: () => makeSaveRules(3),
    });
    const validate = await screen.findByRole('button', { name: 'Validate' });
    await userEvent.click(validate);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('incoming script, line 2:7')).toBeInTheDocument();
    expect(alert).toHaveTextContent('Unexpected token');
    expect(screen.getByRole('button', { name: 'Save rules' })).toBeDisabled();
    expect(bridge.callsOf('validateRules')).toEqual([{ connectionId: 'c1', outgoing, incoming }]);
    // the lint gutter marks line 2 of the incoming editor, nothing in the outgoing one
    const incomingEditor = screen.getByTestId('editor-incoming script');
    await waitFor(() => expect(incomingEditor.querySelectorAll('.cm-lint-marker-error')).toHaveLength(1));
    expect(screen.getByTestId('editor-outgoing script').querySelectorAll('.cm-lint-marker-error')).toHaveLength(0);
    expect(incomingEditor.querySelector('.cm-lintRange-error')?.textContent).toBe('labels = replica.labels;');
    expect(bridge.callsOf('saveRules')).toEqual([]);
  });

  it('validates again on Save, saves only valid rules, and says so once the new version is loaded', async () => {
    const bridge = renderRules({
      validateRules: () => makeValidation(),
      saveRules: () => {
        const savedAt = new Date().toISOString();
        bridge.set({ getRules: () => makeRules({ outgoing, incoming, version: 3, isDefault: false, savedAt, savedBy: 'acc-admin', versions: [makeRulesVersion(3, { savedAt })] }) });
        return makeSaveRules(3);
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Save rules' }));
    expect(await screen.findByText('3 (current)')).toBeInTheDocument();
    expect(screen.getByText('Rules saved')).toBeInTheDocument();
    expect(bridge.callsOf('validateRules')).toHaveLength(1);
    expect(bridge.callsOf('saveRules')).toEqual([{ connectionId: 'c1', outgoing, incoming, baseVersion: 2 }]);
  });

  it('shows the errors when the resolver refuses to save', async () => {
    const bridge = renderRules({
      validateRules: () => makeValidation(),
      saveRules: () => makeSaveRules(2, [{ script: 'outgoing', line: 1, column: null, message: 'replica.summary must be text' }]),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Save rules' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('outgoing script, line 1: replica.summary must be text');
    expect(screen.getByRole('button', { name: 'Save rules' })).toBeDisabled();
    expect(screen.queryByText('Rules saved')).not.toBeInTheDocument();
    expect(bridge.callsOf('saveRules')).toHaveLength(1);
  });

  it('runs a dry run of the editors’ scripts against an issue key and shows the changes readably, the replica on demand', async () => {
    const bridge = renderRules({
      dryRun: () => makeDryRun({
        outgoing: {
          replica: makeReplica({ summary: 'Hello' }),
          changes: [{ field: 'priority', from: { name: 'High' }, to: { name: 'Low' } }],
          logs: [{ level: 'log', message: 'built' }, { level: 'warn', message: 'no priority' }],
        },
        incoming: {
          changes: [{ field: 'summary', from: 'Old', to: 'Hello' }, { field: 'labels', from: [], to: ['a', 'b'] }, { field: 'assignee', from: null, to: { accountId: 'acc-1', displayName: 'Ana Silva', email: null } }],
          warnings: ['status "Blocked" of the other site is not mapped here'],
          error: { script: 'incoming', line: 4, column: 1, message: 'no such status' },
        },
      }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('Enter an issue key, for example INT-1.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Issue key'), 'int-1');
    await userEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    const local = await screen.findByRole('list', { name: 'Local changes' });
    expect(within(local).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['summary: Old → Hello', 'labels: (none) → a, b', 'assignee: (none) → Ana Silva']);
    expect(screen.getByRole('list', { name: 'Replica differences' })).toHaveTextContent('priority: High → Low');
    expect(screen.getByRole('list', { name: 'Dry run warnings' })).toHaveTextContent('status "Blocked" of the other site is not mapped here');
    // the raw replica only behind the disclosure
    expect(screen.getByTestId('dry-run-replica')).not.toBeVisible();
    await userEvent.click(screen.getByText('Show the replica'));
    expect(screen.getByTestId('dry-run-replica')).toBeVisible();
    expect(screen.getByTestId('dry-run-replica')).toHaveTextContent('"summary": "Hello"');
    expect(screen.getByText(/^built\s+warn: no priority$/)).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Dry run errors' })).toHaveTextContent('incoming script, line 4: no such status');
    expect(bridge.callsOf('dryRun')).toEqual([{ connectionId: 'c1', issueKey: 'INT-1', outgoing, incoming }]);
  });

  it('shows a dry run whose outgoing script failed: no replica, both errors', async () => {
    renderRules({
      dryRun: () => makeDryRun({
        outgoing: { replica: null, error: { script: 'outgoing', line: 1, column: 9, message: 'boom' } },
        incoming: { source: null, error: { script: 'incoming', line: null, column: null, message: 'nothing to apply: no replica was received for this issue and the outgoing script failed' } },
      }),
    });
    await userEvent.type(await screen.findByLabelText('Issue key'), 'INT-1');
    await userEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('No replica: the outgoing script failed.')).toBeInTheDocument();
    expect(screen.queryByText('Show the replica')).not.toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Dry run errors' })).toHaveTextContent('outgoing script, line 1: boomincoming script: nothing to apply');
  });

  it('previews the editors’ scripts against the synced issues, a page at a time', async () => {
    const bridge = renderRules({
      previewRulesChange: (p) => p['cursor'] === undefined
        ? makePreview({ checked: 20, cursor: 'next', issues: [{ issueKey: 'INT-1', remoteIssueKey: 'CLOUD-7', remote: [{ field: 'summary', from: 'a', to: 'b' }] }] })
        : makePreview({ checked: 3, issues: [{ issueKey: 'INT-30', remoteIssueKey: null, error: { script: 'outgoing', line: 2, column: 1, message: 'boom' } }] }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview changes' }));
    const first = await screen.findByRole('table', { name: 'Changes to INT-1' });
    expect(within(first).getAllByRole('row')[1]).toHaveTextContent('other sitesummarya → b');
    expect(screen.getByText(/Checked 20 issues so far/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('table', { name: 'Changes to INT-30' })).toHaveTextContent('outgoing script, line 2: boom');
    expect(screen.getByText(/Checked 23 issues: 2 would change/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(bridge.callsOf('previewRulesChange')).toEqual([{ connectionId: 'c1', outgoing, incoming }, { connectionId: 'c1', outgoing, incoming, cursor: 'next' }]);
  });

  it('saves on top of the defaults as version 0 when nothing was saved yet', async () => {
    const bridge = renderRules({ getRules: () => makeRules({ outgoing, incoming }), validateRules: () => makeValidation(), saveRules: () => makeSaveRules(1) });
    expect(await screen.findByText('No saved versions yet: these are the default rules.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(bridge.callsOf('saveRules')).toEqual([{ connectionId: 'c1', outgoing, incoming, baseVersion: 0 }]));
  });

  it('opens an older version in the editors', async () => {
    const bridge = renderRules({});
    await userEvent.click(await screen.findByRole('button', { name: 'Open version 1 in the editors' }));
    expect(await screen.findByText('Version 1 is in the editors')).toBeInTheDocument();
    await waitFor(() => expect(editorText('outgoing')).toBe('// version 1'));
    expect(bridge.callsOf('getRules')).toContainEqual({ connectionId: 'c1', version: 1 });
  });

  it('lists the versions with author, summary and the current one marked', async () => {
    renderRules({});
    const table = await screen.findByRole('table', { name: 'Rule versions' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(0, 4).map((c, i) => (i === 1 ? '' : c.textContent)))).toEqual([
      ['2 (current)', '', 'acc-admin', 'incoming script'],
      ['1', '', 'acc-admin', 'outgoing script'],
    ]);
    expect(within(rows[0]!).getByRole('button', { name: 'Restore version 2' })).toBeDisabled();
  });

  it('shows what a version changed as a unified diff with the mapping rows', async () => {
    const bridge = renderRules({
      diffRules: () => makeRulesDiff({
        version: 2, against: 1,
        incoming: [{ op: ' ', text: 'issue.summary = replica.summary;' }, { op: '-', text: 'issue.labels = [];' }, { op: '+', text: 'issue.labels = replica.labels;' }],
        mappings: [{ table: 'status', field: null, op: '+', local: 'Done', remote: 'Closed', direction: 'both' }],
      }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Show changes of version 2' }));
    const diff = await screen.findByLabelText('incoming script diff');
    expect(diff.querySelector('[data-op="-"]')).toHaveTextContent('- issue.labels = [];');
    expect(diff.querySelector('[data-op="-"]')).toHaveClass('ts-diff-line--del');
    expect(diff.querySelector('[data-op="+"]')).toHaveClass('ts-diff-line--add');
    expect(screen.queryByLabelText('outgoing script diff')).not.toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Mapping rows changed in version 2' })).toHaveTextContent('+ addedstatusDoneClosedboth');
    expect(bridge.callsOf('diffRules')).toEqual([{ connectionId: 'c1', version: 2 }]);
  });

  it('restores a version after confirming, as a new version, and reloads', async () => {
    const bridge = renderRules({
      restoreRules: () => {
        bridge.set({ getRules: () => makeRules({ outgoing: '// version 1\n', incoming, version: 3, isDefault: false, currentVersion: 3, versions: [makeRulesVersion(3, { summary: 'restored version 1' }), makeRulesVersion(2), makeRulesVersion(1)] }) });
        return makeRestoreRules(3);
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore version 1' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Restore version 1?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('restoreRules')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Restore version 1' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Restore version 1' }));
    expect(await screen.findByText('3 (current)')).toBeInTheDocument();
    expect(screen.getByText('Version 1 is in force again, as version 3.')).toBeInTheDocument();
    await waitFor(() => expect(editorText('outgoing')).toBe('// version 1'));
    expect(bridge.callsOf('restoreRules')).toEqual([{ connectionId: 'c1', version: 1, baseVersion: 2 }]);
  });

  it('restores the defaults as version 0', async () => {
    const bridge = renderRules({ restoreRules: () => makeRestoreRules(3) });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore defaults' }));
    await userEvent.click(within(screen.getByRole('alertdialog', { name: 'Restore the default rules?' })).getByRole('button', { name: 'Restore defaults' }));
    await screen.findByText('The default rules are in force again, as version 3.');
    expect(bridge.callsOf('restoreRules')).toEqual([{ connectionId: 'c1', version: 0, baseVersion: 2 }]);
  });
});
