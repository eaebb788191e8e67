import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ADMIN_PAGE } from './ui-sandbox';
import { recordTiming } from './timings';

export const ADMIN_FRAME = '#admin-page-frame';
export const PANEL_FRAME = '[data-testid=issue-panel-frame]';

/** Opens a site's admin page and returns the app's frame once its tabs are there. */
export async function openAdmin(page: Page, siteUrl: string, timingName?: string): Promise<FrameLocator> {
  const started = Date.now();
  await page.goto(siteUrl + ADMIN_PAGE);
  const frame = page.frameLocator(ADMIN_FRAME);
  await frame.getByRole('tab', { name: 'Connections' }).waitFor();
  await frame.getByRole('heading', { name: 'Connections' }).waitFor();
  await frame.getByText(/Loading connections/).waitFor({ state: 'detached' });
  if (timingName !== undefined) await recordTiming(page, '/twin-sync-admin/', timingName, Date.now() - started);
  return frame;
}

export async function openTab(frame: FrameLocator, name: 'Connections' | 'Rules' | 'Mappings' | 'Activity and errors' | 'Bulk sync'): Promise<void> {
  await frame.getByRole('tab', { name }).click();
}

/** The CodeMirror editor of one script (its content element is the labelled textbox). */
export function editor(frame: FrameLocator, script: 'outgoing' | 'incoming'): Locator {
  return frame.getByRole('textbox', { name: `${script} script` });
}

export async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** Waits for `locator`; if the page shows an error message first, fails with that message. */
export async function waitForOrAlert(frame: FrameLocator, locator: Locator): Promise<void> {
  const alert = frame.getByRole('alert').first();
  const failed = alert.waitFor().then(async () => {
    throw new Error(`the admin page shows an error instead: ${await text(alert)}`);
  });
  try {
    await Promise.race([locator.waitFor(), failed]);
  } finally {
    failed.catch(() => undefined);
  }
}

/** The app frame's page is no wider than its frame (no horizontal scrolling at this width). */
export async function horizontalOverflow(page: Page, frameUrlPart: string): Promise<number> {
  const frame = page.frames().find((f) => f.url().includes(frameUrlPart));
  if (frame === undefined) throw new Error(`no frame with ${frameUrlPart} in its URL`);
  const overflow: unknown = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (typeof overflow !== 'number') throw new Error('could not measure the frame');
  return overflow;
}
