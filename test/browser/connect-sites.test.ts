import { horizontalOverflow, openAdmin, openTab, text } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { browserSession } from './support/session';

jest.setTimeout(120_000);

const session = browserSession({ connected: false });

describe('connecting two sites through their admin pages', () => {
  it('invites on internal, accepts on external, both show the connection, a reused code is refused, the scope is set', async () => {
    const { page: internalPage, pageErrors } = await openPage(session.browser());
    const internal = await openAdmin(internalPage, session.sandbox().urls.internal, 'admin page (internal, no connection)');
    await internal.getByText(/No connections yet/).waitFor();
    // view.theme.enable() through the host bridge: the Atlassian design tokens are in force
    const adminFrame = internalPage.frames().find((f) => f.url().includes('/twin-sync-admin/'));
    const token: unknown = await adminFrame?.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ds-text').trim());
    expect(token).toMatch(/^#[0-9A-Fa-f]{6}$/);
    await screenshot(internalPage, 'admin-internal-empty');

    // by keyboard: type the name, Enter submits
    await internal.getByLabel('Connection name').focus();
    await internalPage.keyboard.type('internal ↔ external');
    await internalPage.keyboard.press('Enter');
    const codeField = internal.getByLabel(/Invitation code \(give it/);
    await codeField.waitFor();
    const code = await codeField.inputValue();
    expect(code.length).toBeGreaterThan(20);
    expect(await text(internal.getByTestId('invitation-expiry'))).toMatch(/^Expires in /);
    const connections = internal.getByRole('table', { name: 'Connections' });
    await connections.getByText('Waiting for the other side').waitFor();
    await screenshot(internalPage, 'admin-internal-invitation');

    const { page: externalPage } = await openPage(session.browser());
    const external = await openAdmin(externalPage, session.sandbox().urls.external);
    await external.getByLabel('Invitation code').fill(code);
    await external.getByRole('button', { name: 'Accept invitation' }).click();
    await external.getByRole('table', { name: 'Connections' }).getByText('Connected').waitFor();
    expect(await text(external.getByRole('table', { name: 'Connections' }))).toContain('internal');

    // the same code again: refused with a readable message, nothing added
    await external.getByLabel('Invitation code').fill(code);
    await external.getByRole('button', { name: 'Accept invitation' }).click();
    const refusal = external.getByRole('alert').filter({ hasText: 'The invitation was not accepted' });
    await refusal.waitFor();
    expect(await text(refusal)).not.toMatch(/undefined|\[object/);
    expect(await external.getByRole('table', { name: 'Connections' }).getByRole('row').count()).toBe(2);
    await screenshot(externalPage, 'admin-external-connected');

    await session.sandbox().waitForIdle();
    await internal.getByRole('button', { name: 'Refresh' }).click();
    await connections.getByText('Connected').waitFor();
    expect(await text(connections)).toContain('external');

    await internal.getByRole('button', { name: 'Edit internal ↔ external' }).click();
    const scope = internal.getByLabel('Scope (JQL)');
    // the site checks the query before it is saved
    await scope.fill('projct = "INT"');
    await internal.getByRole('button', { name: 'Save settings' }).click();
    const jqlError = internal.getByRole('alert').filter({ hasText: 'Settings not saved' });
    await jqlError.waitFor();
    expect(await text(jqlError)).toContain('JQL');
    expect(await scope.getAttribute('aria-invalid')).toBe('true');
    await screenshot(internalPage, 'admin-internal-bad-jql');
    await scope.fill('project = "INT"');
    await internal.getByRole('button', { name: 'Save settings' }).click();
    await connections.getByText('project = "INT"').waitFor();
    await screenshot(internalPage, 'admin-internal-connected');

    // 1024 px wide: no tab scrolls sideways
    for (const tab of ['Connections', 'Activity and errors'] as const) {
      await openTab(internal, tab);
      expect(await horizontalOverflow(internalPage, '/twin-sync-admin/')).toBeLessThanOrEqual(0);
    }
    await screenshot(internalPage, 'admin-internal-activity');

    const saved: unknown = await session.sandbox().installations.internal.invoke('twin-sync-admin', 'listConnections', {});
    expect(saved).toEqual([expect.objectContaining({ scopeJql: 'project = "INT"', status: 'active' })]);
    expect(pageErrors).toEqual([]);
  });
});
