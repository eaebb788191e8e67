import type { FrameLocator } from 'playwright-core';
import { z } from 'zod';
import { PANEL_FRAME, text } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { createIntIssue, searchIssues } from './support/site-rest';
import { browserSession } from './support/session';

/** The issue panel puts a failed sync in words: this site's refusal with Retry, the other site's reason. */

jest.setTimeout(180_000);

type SiteName = 'internal' | 'external';
const ADMIN = 'twin-sync-admin';

const session = browserSession({ connected: true });

const Connections = z.array(z.looseObject({ id: z.string(), remoteSiteName: z.string().nullable() }));
const Rules = z.looseObject({ version: z.number(), outgoing: z.string(), incoming: z.string() });
const Saved = z.looseObject({ ok: z.boolean(), version: z.number(), errors: z.array(z.unknown()) });

async function connectionOf(site: SiteName) {
  const [connection] = Connections.parse(await session.sandbox().installations[site].invoke(ADMIN, 'listConnections', {}));
  if (connection === undefined) throw new Error(`no connection on ${site}`);
  return connection;
}

async function connectionId(site: SiteName): Promise<string> {
  return (await connectionOf(site)).id;
}

/** the other site's name as this site's connection knows it (the panel names it) */
async function otherSiteName(site: SiteName): Promise<string> {
  const name = (await connectionOf(site)).remoteSiteName;
  if (name === null) throw new Error(`the connection on ${site} does not know the other site's name`);
  return name;
}

/** saves rules through the admin resolver, as the rules editor does; answers the version saved */
async function saveRules(site: SiteName, scripts: { outgoing: string; incoming: string }): Promise<number> {
  const id = await connectionId(site);
  const current = Rules.parse(await session.sandbox().installations[site].invoke(ADMIN, 'getRules', { connectionId: id }));
  const saved = Saved.parse(await session.sandbox().installations[site].invoke(ADMIN, 'saveRules', { connectionId: id, ...scripts, baseVersion: current.version }));
  expect(saved).toMatchObject({ ok: true, errors: [] });
  return saved.version;
}

async function currentRules(site: SiteName) {
  return Rules.parse(await session.sandbox().installations[site].invoke(ADMIN, 'getRules', { connectionId: await connectionId(site) }));
}

function openPanel(frame: FrameLocator) {
  return frame.getByRole('region', { name: /^Twin on / });
}

describe('the issue panel shows why an issue is not synced', () => {
  it('shows an outgoing rule’s refusal with its line on the issue’s panel, and Retry syncs it once the rule is fixed', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const before = await currentRules('internal');
    const guard = 'if (issue.summary.indexOf("boom") >= 0) throw new Error("boom label not allowed");';
    const outgoing = `${before.outgoing}\n${guard}`;
    const guardLine = outgoing.split('\n').length;
    await saveRules('internal', { outgoing, incoming: before.incoming });

    const issue = await createIntIssue(session.sandbox(), 'boom');
    await session.sandbox().waitForIdle();

    await page.goto(`${session.sandbox().urls.internal}/browse/${issue.key}`);
    const panel = page.frameLocator(PANEL_FRAME);
    const message = panel.getByText(/^Not synced: /);
    await message.waitFor();
    expect(await text(message)).toMatch(new RegExp(`^Not synced: outgoing rules \\(line ${guardLine}(:\\d+)?\\): Error: boom label not allowed$`));
    const retry = panel.getByRole('button', { name: `Retry sync of ${issue.key} to ${await otherSiteName('internal')}` });
    expect(await text(retry)).toBe('Retry');
    expect(await text(panel.getByTestId('twin-key'))).toContain('not created yet');
    // the refusal is the only way on: neither "Sync to" nor Sync now nor Unlink for an issue linked nowhere
    expect(await panel.getByRole('button').count()).toBe(1);
    expect(await searchIssues(session.sandbox(), 'external', 'summary ~ "boom"')).toEqual([]);
    await screenshot(page, 'panel-outgoing-rule-error');

    // the rule fixed, Retry sends the issue: its twin is created, and the panel shows it
    await saveRules('internal', { outgoing: before.outgoing, incoming: before.incoming });
    await retry.click();
    // the panel reloads once the retry is queued: the error is gone (only then is waiting for idle meaningful)
    await message.waitFor({ state: 'detached' });
    await session.sandbox().waitForIdle();
    const twinLink = panel.getByTestId('twin-key').getByRole('link');
    await twinLink.waitFor();
    const twins = await searchIssues(session.sandbox(), 'external', 'summary ~ "boom"');
    expect(twins).toHaveLength(1);
    expect((await text(twinLink)).trim()).toBe(twins[0]?.key);
    await panel.getByTestId('twin-state').getByText('In sync').waitFor();
    expect(await panel.getByText(/^Not synced: /).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows on the source’s panel that the other site could not apply the last change, and why', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const before = await currentRules('external');
    const guard = 'if (replica.summary.indexOf("refused there") >= 0) throw new Error("no twins for refused issues");';
    await saveRules('external', { outgoing: before.outgoing, incoming: `${guard}\n${before.incoming}` });

    const issue = await createIntIssue(session.sandbox(), 'refused there: printer on fire');
    await session.sandbox().waitForIdle();
    expect(await searchIssues(session.sandbox(), 'external', 'summary ~ "refused there"')).toEqual([]);

    await page.goto(`${session.sandbox().urls.internal}/browse/${issue.key}`);
    const panel = page.frameLocator(PANEL_FRAME);
    const message = panel.getByText(/^The other site could not apply the last change: /);
    await message.waitFor();
    expect(await text(message)).toMatch(/^The other site could not apply the last change: incoming rules \(line 1(:\d+)?\): Error: no twins for refused issues$/);
    const alert = await text(openPanel(panel).getByRole('alert'));
    expect(alert).toContain(`${await otherSiteName('internal')} said so `);
    expect(alert).toMatch(/said so (\d+ s ago|just now)$/);
    expect(await text(panel.getByTestId('twin-state'))).toBe('Failed on the other site');
    await screenshot(page, 'panel-remote-error');

    await saveRules('external', { outgoing: before.outgoing, incoming: before.incoming });
    expect(pageErrors).toEqual([]);
  });
});
