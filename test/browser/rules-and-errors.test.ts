import type { FrameLocator, Page } from 'playwright-core';
import { z } from 'zod';
import { editor, horizontalOverflow, openAdmin, openTab, text, waitForOrAlert } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { createIntIssue, searchIssues } from './support/site-rest';
import { browserSession } from './support/session';

jest.setTimeout(180_000);

const session = browserSession({ connected: true });

const RulesView = z.looseObject({ version: z.number(), outgoing: z.string(), incoming: z.string() });

async function currentRules(site: 'internal' | 'external') {
  const connections = z.array(z.looseObject({ id: z.string() })).parse(await session.sandbox().installations[site].invoke('twin-sync-admin', 'listConnections', {}));
  const id = connections[0]?.id;
  if (id === undefined) throw new Error(`no connection on ${site}`);
  return RulesView.parse(await session.sandbox().installations[site].invoke('twin-sync-admin', 'getRules', { connectionId: id }));
}

async function saveRules(frame: FrameLocator): Promise<void> {
  await frame.getByRole('button', { name: 'Save rules' }).click();
  await waitForOrAlert(frame, frame.getByText('Rules saved'));
}

/** Types at the very start or end of a script's editor (CodeMirror takes real key presses). */
async function typeInEditor(page: Page, frame: FrameLocator, script: 'outgoing' | 'incoming', where: 'start' | 'end', typed: string): Promise<void> {
  await editor(frame, script).click();
  await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
  await page.keyboard.type(typed);
}

describe('rules in the admin page', () => {
  it('shows a validation error at its line, refuses to save, then saves the fixed rules as a new version', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const admin = await openAdmin(page, session.sandbox().urls.internal);
    await openTab(admin, 'Rules');
    await waitForOrAlert(admin, editor(admin, 'outgoing'));
    const before = await currentRules('internal');
    expect(before.version).toBe(0);
    // the editor highlights JavaScript
    expect(await admin.locator('.cm-content span').count()).toBeGreaterThan(0);

    await typeInEditor(page, admin, 'outgoing', 'end', '\nreplica.summary = ;');
    await admin.getByRole('button', { name: 'Validate' }).click();
    const errors = admin.getByRole('list', { name: 'Rule errors' });
    await errors.waitFor();
    expect(await text(errors)).toMatch(/outgoing script, line \d+/);
    await admin.locator('.cm-lint-marker-error').first().waitFor();
    expect(await admin.getByRole('button', { name: 'Save rules' }).isDisabled()).toBe(true);
    await screenshot(page, 'admin-rules-invalid');
    expect(await horizontalOverflow(page, '/twin-sync-admin/')).toBeLessThanOrEqual(0);

    // fix it: the broken (last) line becomes a comment
    await editor(admin, 'outgoing').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('// edited in the session.browser() test');
    await admin.getByRole('button', { name: 'Validate' }).click();
    await errors.waitFor({ state: 'detached' });
    await admin.getByText('No errors found.').waitFor();
    await saveRules(admin);
    await admin.getByRole('table', { name: 'Rule versions' }).getByText('1 (current)').waitFor();
    await screenshot(page, 'admin-rules-saved');

    const after = await currentRules('internal');
    expect(after.version).toBe(1);
    expect(after.outgoing).toBe(`${before.outgoing}\n// edited in the session.browser() test`);
    expect(after.incoming).toBe(before.incoming);
    expect(pageErrors).toEqual([]);
  });

  it('shows a broken rule’s error in the errors list, and Retry completes the sync once the rule is fixed', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const external = await openAdmin(page, session.sandbox().urls.external);
    await openTab(external, 'Rules');
    await waitForOrAlert(external, editor(external, 'incoming'));
    const guard = 'if (replica.summary.indexOf("boom") >= 0) throw new Error("boom rule");\n';
    await typeInEditor(page, external, 'incoming', 'start', guard);
    await saveRules(external);
    expect((await currentRules('external')).incoming.startsWith(guard)).toBe(true);

    const issue = await createIntIssue(session.sandbox(), 'boom: printer on fire');
    await session.sandbox().waitForIdle();

    await openTab(external, 'Activity and errors');
    const errorTable = external.getByRole('table', { name: 'Sync errors' });
    await errorTable.getByText(/boom rule/).waitFor();
    expect(await text(errorTable)).toContain(issue.key);
    await screenshot(page, 'admin-errors');
    expect(await searchIssues(session.sandbox(), 'external', 'summary ~ "boom"')).toEqual([]);

    // fix the rule: remove the guard line, save
    await openTab(external, 'Rules');
    await editor(external, 'incoming').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Backspace');
    await saveRules(external);
    expect((await currentRules('external')).incoming.includes('boom')).toBe(false);

    await openTab(external, 'Activity and errors');
    await external.getByRole('button', { name: `Retry ${issue.key}` }).click();
    await external.getByText('Retry queued.').waitFor();
    await session.sandbox().waitForIdle();
    await external.getByRole('button', { name: 'Refresh' }).click();
    await external.getByText(/No errors/).waitFor();
    await screenshot(page, 'admin-errors-retried');

    const twins = await searchIssues(session.sandbox(), 'external', 'summary ~ "boom"');
    expect(twins).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
