import { PANEL_FRAME, text } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { recordTiming } from './support/timings';
import { browserSession } from './support/session';

jest.setTimeout(120_000);

const session = browserSession({ connected: true });

describe('the issue panel', () => {
  it('shows the twin and its key after an issue is created in INT through the site', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    await page.goto(session.sandbox().urls.internal + '/');
    await page.getByTestId('create-summary').fill('Printer on fire');
    await page.getByTestId('create-submit').click();
    const link = page.getByTestId('create-result-link');
    await link.waitFor();
    const key = (await text(link)).trim();
    expect(key).toMatch(/^INT-\d+$/);
    await session.sandbox().waitForIdle();

    const started = Date.now();
    await page.goto(`${session.sandbox().urls.internal}/browse/${key}`);
    const panel = page.frameLocator(PANEL_FRAME);
    const twinLink = panel.getByTestId('twin-key').getByRole('link');
    await twinLink.waitFor();
    await recordTiming(page, '/twin-sync-panel/', 'issue panel (internal, linked issue)', Date.now() - started);
    const twinKey = (await text(twinLink)).trim();
    expect(twinKey).toMatch(/^CLOUD-\d+$/);
    expect(await twinLink.getAttribute('href')).toBe(`${session.sandbox().urls.external}/browse/${twinKey}`);
    expect(await text(panel.getByTestId('twin-state'))).toBe('In sync');
    // the sync back wrote the twin's key into INT's "Remote issue key"
    await page.reload();
    expect(await text(page.locator('[data-field-name="Remote issue key"]'))).toContain(twinKey);
    await page.frameLocator(PANEL_FRAME).getByTestId('twin-key').waitFor();
    await screenshot(page, 'issue-panel-internal');

    // and the other way round: the twin's panel on external points back at the INT issue
    await page.goto(`${session.sandbox().urls.external}/browse/${twinKey}`);
    const back = page.frameLocator(PANEL_FRAME).getByTestId('twin-key').getByRole('link');
    await back.waitFor();
    expect((await text(back)).trim()).toBe(key);
    await screenshot(page, 'issue-panel-external');

    // Sync now goes through the queue and the panel stays in sync
    await page.frameLocator(PANEL_FRAME).getByRole('button', { name: 'Sync now' }).click();
    await session.sandbox().waitForIdle();
    await page.frameLocator(PANEL_FRAME).getByTestId('twin-state').getByText('In sync').waitFor();

    // Unlink, after confirming: the twin stays, the link is gone on this side
    const frame = page.frameLocator(PANEL_FRAME);
    await frame.getByRole('button', { name: 'Unlink' }).click();
    const dialog = frame.getByRole('alertdialog', { name: `Unlink from ${key}?` });
    await dialog.waitFor();
    await screenshot(page, 'issue-panel-unlink-confirm');
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    // unlinked but in scope of the connection: the panel offers to sync it again
    await frame.getByText(`${twinKey} has no twin yet.`).waitFor();
    const syncTo = frame.getByRole('button', { name: /^Sync to / });
    await screenshot(page, 'issue-panel-unlinked');
    await syncTo.click();
    await session.sandbox().waitForIdle();
    const relinked = frame.getByTestId('twin-key').getByRole('link');
    await relinked.waitFor();
    expect((await text(relinked)).trim()).toMatch(/^INT-\d+$/);
    await screenshot(page, 'issue-panel-relinked');
    expect(pageErrors).toEqual([]);
  });
});
