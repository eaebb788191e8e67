import type { Browser } from 'playwright-core';
import type { Sandbox } from '../../sandbox/start';
import { openAdmin, openTab, text, waitForOrAlert } from './support/admin-page';
import { launchChromium, openPage, screenshot } from './support/chromium';
import { connectByResolvers, createIntIssue, searchIssues } from './support/site-rest';
import { ensureUiBuilt } from './support/ui-build';
import { startUiSandbox } from './support/ui-sandbox';

jest.setTimeout(180_000);

const ISSUES = 6;
let sandbox: Sandbox;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  sandbox = await startUiSandbox({ connect: false });
  // issues that exist before the sites are connected: only a bulk sync sends them
  for (let i = 1; i <= ISSUES; i++) await createIntIssue(sandbox, `bulk issue ${i}`);
  await connectByResolvers(sandbox);
  // the issues are old by the time an admin bulk-syncs them: Jira's search index has caught up
  sandbox.sites.internal.settleSearchIndex();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

describe('bulk sync from the admin page', () => {
  it('syncs every issue in scope, with a progress bar that finishes and is still there when the page is opened again', async () => {
    expect(await searchIssues(sandbox, 'external', 'summary ~ "bulk issue"')).toEqual([]);
    const { page, pageErrors } = await openPage(browser);
    const admin = await openAdmin(page, sandbox.urls.internal);
    await openTab(admin, 'Bulk sync');
    const start = admin.getByRole('button', { name: 'Sync all issues matching the scope' });
    await start.waitFor();
    await start.click();

    const progress = admin.getByTestId('bulk-progress-text');
    await waitForOrAlert(admin, progress);
    await progress.getByText(`${ISSUES} of ${ISSUES} done — finished`).waitFor({ timeout: 120_000 });
    const bar = admin.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(ISSUES));
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(ISSUES));
    await screenshot(page, 'admin-bulk-finished');

    await sandbox.waitForIdle();
    expect(await searchIssues(sandbox, 'external', 'summary ~ "bulk issue"')).toHaveLength(ISSUES);

    // closing and reopening the page: the progress comes from the app, not the page
    await page.close();
    const { page: again } = await openPage(browser);
    const reopened = await openAdmin(again, sandbox.urls.internal);
    await openTab(reopened, 'Bulk sync');
    await reopened.getByTestId('bulk-progress-text').getByText(`${ISSUES} of ${ISSUES} done — finished`).waitFor();
    expect(await text(reopened.getByTestId('bulk-progress-text'))).not.toContain('failed');
    expect(pageErrors).toEqual([]);
  });
});
