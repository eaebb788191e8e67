import type { FrameLocator } from 'playwright-core';
import { z } from 'zod';
import { openAdmin, openTab, text, waitForOrAlert } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { searchIssues, siteRest } from './support/site-rest';
import { browserSession } from './support/session';

jest.setTimeout(240_000);

/*
 * The Mappings tab on the sandbox's two sites (internal INT sends to external CLOUD; both have the
 * statuses Open, In Progress, Done and the priorities Highest … Lowest): rows mapped in the tab
 * decide what the twin gets, the preview shows a draft's effect before it is saved, and a value
 * the receiving site lacks shows up as unmapped.
 */

const session = browserSession({ connected: true });

const Created = z.looseObject({ id: z.string(), key: z.string() });
const IssueFields = z.looseObject({ fields: z.looseObject({ priority: z.looseObject({ name: z.string() }).nullable(), status: z.looseObject({ name: z.string() }) }) });
const MappingsAnswer = z.looseObject({ version: z.number(), priority: z.array(z.unknown()), status: z.array(z.unknown()) });

/** an INT issue with the given priority, moved to "In Progress" when asked (transition 21 of the sandbox's workflow) */
async function createIntIssue(summary: string, priority: string, inProgress: boolean): Promise<string> {
  const rest = siteRest(session.sandbox(), 'internal');
  const { key } = Created.parse(await rest('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary, priority: { name: priority } } }));
  if (inProgress) await rest('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } });
  return key;
}

/** the external twin of the INT issue with this summary: its key, priority and status */
async function externalTwin(summary: string): Promise<{ key: string; priority: string | null; status: string }> {
  const found = await searchIssues(session.sandbox(), 'external', `summary ~ "${summary}"`);
  expect(found).toHaveLength(1);
  const key = found[0]!.key;
  const issue = IssueFields.parse(await siteRest(session.sandbox(), 'external')('GET', `/rest/api/3/issue/${key}?fields=priority,status`));
  return { key, priority: issue.fields.priority?.name ?? null, status: issue.fields.status.name };
}

async function connectionId(site: 'internal' | 'external'): Promise<string> {
  const [connection] = z.array(z.looseObject({ id: z.string() })).parse(await session.sandbox().installations[site].invoke('twin-sync-admin', 'listConnections', {}));
  if (connection === undefined) throw new Error(`no connection on ${site}`);
  return connection.id;
}

async function openMappings(frame: FrameLocator): Promise<void> {
  await openTab(frame, 'Mappings');
  await waitForOrAlert(frame, frame.getByRole('heading', { name: 'Status', exact: true }));
}

/** the other site's side of a row: the seen value when the select offers it, else "Other…" and typed */
async function pickRemote(frame: FrameLocator, label: string, value: string): Promise<void> {
  const select = frame.getByRole('combobox', { name: label, exact: true });
  if ((await select.count()) === 0) {
    await frame.getByRole('textbox', { name: label, exact: true }).fill(value);
    return;
  }
  const offered = await select.locator('option').allTextContents();
  if (offered.includes(value)) {
    await select.selectOption({ label: value });
    return;
  }
  await select.selectOption({ label: 'Other…' });
  await frame.getByRole('textbox', { name: `${label} (other)`, exact: true }).fill(value);
}

/** adds a row to a table and fills it */
async function addRow(frame: FrameLocator, table: string, row: number, local: string, remote: string, direction?: 'Incoming only' | 'Outgoing only'): Promise<void> {
  await frame.getByRole('button', { name: `Add ${table} row`, exact: true }).click();
  await frame.getByRole('combobox', { name: `${table} row ${row} local value`, exact: true }).selectOption({ label: local });
  await pickRemote(frame, `${table} row ${row} remote value`, remote);
  if (direction !== undefined) await frame.getByRole('combobox', { name: `${table} row ${row} direction`, exact: true }).selectOption({ label: direction });
}

async function saveMappings(frame: FrameLocator): Promise<void> {
  await frame.getByRole('button', { name: 'Save mappings' }).click();
  await waitForOrAlert(frame, frame.getByText(/Saved as version \d+/));
}

describe('the Mappings tab', () => {
  it('previews a drafted priority mapping on the twin it changes, then maps a priority and a status that the next twin receives', async () => {
    // a twin that exists before any row: it got "Highest" as it is
    const before = 'mapping preview printer';
    await createIntIssue(before, 'Highest', false);
    await session.sandbox().waitForIdle();
    const first = await externalTwin(before);
    expect(first.priority).toBe('Highest');

    const { page, pageErrors } = await openPage(session.browser());
    const external = await openAdmin(page, session.sandbox().urls.external);
    await openMappings(external);
    await addRow(external, 'Priority', 1, 'Low', 'Highest');
    await external.getByText('Unsaved changes').waitFor();

    // the preview shows the change on that twin before anything is saved
    await external.getByRole('button', { name: 'Preview changes' }).click();
    const changes = external.getByRole('table', { name: `Changes to ${first.key}` });
    await waitForOrAlert(external, changes);
    const row = changes.getByRole('row').filter({ hasText: 'priority' });
    expect(await text(row)).toMatch(/^here\s*priority\s*Highest → Low$/);
    expect(await text(external.getByTestId('preview-result'))).toMatch(/Checked \d+ issues?/);
    expect(MappingsAnswer.parse(await session.sandbox().installations.external.invoke('twin-sync-admin', 'getMappings', { connectionId: await connectionId('external') })).version).toBe(0);
    await screenshot(page, 'admin-mappings-preview');

    // "In Progress" of the other site becomes "Done" here
    await addRow(external, 'Status', 1, 'Done', 'In Progress');
    await saveMappings(external);
    const saved = MappingsAnswer.parse(await session.sandbox().installations.external.invoke('twin-sync-admin', 'getMappings', { connectionId: await connectionId('external') }));
    expect(saved.priority).toEqual([{ local: 'Low', remote: 'Highest', direction: 'both' }]);
    expect(saved.status).toEqual([{ local: 'Done', remote: 'In Progress', direction: 'both' }]);
    await external.getByText(`Version ${saved.version}`, { exact: true }).waitFor();
    await screenshot(page, 'admin-mappings-saved');

    const summary = 'mapping applied printer';
    await createIntIssue(summary, 'Highest', true);
    await session.sandbox().waitForIdle();
    const twin = await externalTwin(summary);
    expect(twin).toMatchObject({ priority: 'Low', status: 'Done' });
    // and the original keeps its values: the rows are both ways, so the twin's values go back as they came
    const original = await searchIssues(session.sandbox(), 'internal', `summary ~ "${summary}"`);
    const originalFields = IssueFields.parse(await siteRest(session.sandbox(), 'internal')('GET', `/rest/api/3/issue/${original[0]!.key}?fields=priority,status`)).fields;
    expect({ priority: originalFields.priority?.name, status: originalFields.status.name }).toEqual({ priority: 'Highest', status: 'In Progress' });
    expect(pageErrors).toEqual([]);
  });

  it('lists a status the receiving site lacks as unmapped, with its count, and “Map…” starts its row', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    // the sending site sends its "In Progress" as "Blocked", a status the external site does not have
    const internal = await openAdmin(page, session.sandbox().urls.internal);
    await openMappings(internal);
    await addRow(internal, 'Status', 1, 'In Progress', 'Blocked', 'Outgoing only');
    await saveMappings(internal);

    const summary = 'unmapped status printer';
    await createIntIssue(summary, 'Medium', true);
    await session.sandbox().waitForIdle();
    const twin = await externalTwin(summary);
    expect(twin.status).toBe('Open');

    const external = await openAdmin(page, session.sandbox().urls.external);
    await openMappings(external);
    const unmapped = external.getByRole('table', { name: 'Unmapped values' });
    await waitForOrAlert(external, unmapped);
    const blocked = unmapped.getByRole('row').filter({ hasText: 'Blocked' });
    const cells = await blocked.getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['Status', '—', 'Blocked']);
    expect(Number(cells[3])).toBeGreaterThanOrEqual(1);
    expect(cells[4]).toBe(twin.key);
    await screenshot(page, 'admin-mappings-unmapped');

    await blocked.getByRole('button', { name: 'Map status Blocked' }).click();
    // the status table had one row (In Progress → Done): the new one is row 2, the other site's side filled
    const remote = external.getByRole('textbox', { name: 'Status row 2 remote value (other)', exact: true });
    const remoteSelect = external.getByRole('combobox', { name: 'Status row 2 remote value', exact: true });
    if ((await remote.count()) > 0) expect(await remote.inputValue()).toBe('Blocked');
    else expect(await remoteSelect.inputValue()).toBe('Blocked');
    await external.getByText('Unsaved changes').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows what the mappings version changed in the Rules tab’s history, and restores the defaults', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const external = await openAdmin(page, session.sandbox().urls.external);
    await openTab(external, 'Rules');
    const versions = external.getByRole('table', { name: 'Rule versions' });
    await waitForOrAlert(external, versions);
    const current = versions.getByRole('row').filter({ hasText: '(current)' });
    expect(await text(current)).toMatch(/mappings: status, priority|mappings: priority, status/);
    const version = Number((await current.getByRole('cell').first().textContent())?.match(/^\d+/)?.[0]);
    await current.getByRole('button', { name: `Show changes of version ${version}` }).click();
    const rows = external.getByRole('table', { name: `Mapping rows changed in version ${version}` });
    await waitForOrAlert(external, rows);
    expect(await text(rows)).toContain('Highest');
    expect(await text(rows)).toContain('In Progress');
    await screenshot(page, 'admin-rules-history-diff');

    await external.getByRole('button', { name: 'Restore defaults' }).click();
    await external.getByRole('alertdialog').getByRole('button', { name: 'Restore defaults' }).click();
    await waitForOrAlert(external, external.getByText(`The default rules are in force again, as version ${version + 1}.`));
    await versions.getByText(`${version + 1} (current)`).waitFor();
    const after = MappingsAnswer.parse(await session.sandbox().installations.external.invoke('twin-sync-admin', 'getMappings', { connectionId: await connectionId('external') }));
    expect(after).toMatchObject({ version: version + 1, priority: [], status: [] });
    expect(pageErrors).toEqual([]);
  });
});
