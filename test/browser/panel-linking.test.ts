import { z } from 'zod';
import { PANEL_FRAME } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { createIntIssue, searchIssues, siteRest } from './support/site-rest';
import { browserSession } from './support/session';

/** Unlink and "Link to an existing issue" from the issue panel, checked on both sites. */

jest.setTimeout(180_000);

type SiteName = 'internal' | 'external';
const ADMIN = 'twin-sync-admin';
/** the seeded text custom field "Remote issue key" (sandbox/jira/README.md) */
const REMOTE_KEY_FIELD = 'customfield_10000';

const session = browserSession({ connected: true });

const Connection = z.looseObject({ id: z.string(), scopeJql: z.string().nullable(), remoteSiteName: z.string().nullable() });
const Created = z.looseObject({ id: z.string(), key: z.string() });
const Issue = z.looseObject({ key: z.string(), fields: z.record(z.string(), z.unknown()) });

async function connection(site: SiteName) {
  const [first] = z.array(Connection).parse(await session.sandbox().installations[site].invoke(ADMIN, 'listConnections', {}));
  if (first === undefined) throw new Error(`no connection on ${site}`);
  return first;
}

async function remoteKeyOf(site: SiteName, key: string): Promise<unknown> {
  const issue = Issue.parse(await siteRest(session.sandbox(), site)('GET', `/rest/api/3/issue/${key}?fields=summary,${REMOTE_KEY_FIELD}`));
  return issue.fields[REMOTE_KEY_FIELD];
}

async function summaryOf(site: SiteName, key: string): Promise<unknown> {
  return Issue.parse(await siteRest(session.sandbox(), site)('GET', `/rest/api/3/issue/${key}?fields=summary`)).fields['summary'];
}

describe('the issue panel’s links', () => {
  it('unlinks after confirmation, and a later edit creates no twin', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    const issue = await createIntIssue(session.sandbox(), 'unlink me: stapler jammed');
    await session.sandbox().waitForIdle();
    const [twin] = await searchIssues(session.sandbox(), 'external', 'summary ~ "unlink me"');
    if (twin === undefined) throw new Error('the issue was not synced');
    expect(await remoteKeyOf('internal', issue.key)).toBe(twin.key);

    await page.goto(`${session.sandbox().urls.internal}/browse/${issue.key}`);
    const panel = page.frameLocator(PANEL_FRAME);
    await panel.getByTestId('twin-key').getByRole('link', { name: twin.key }).waitFor();
    await panel.getByRole('button', { name: 'Unlink' }).click();
    const dialog = panel.getByRole('alertdialog', { name: `Unlink from ${twin.key}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByText(`${issue.key} has no twin yet.`).waitFor();
    await session.sandbox().waitForIdle();

    await siteRest(session.sandbox(), 'internal')('PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: 'unlink me: stapler jammed, edited after the unlink' } });
    await session.sandbox().waitForIdle();

    // no new twin, and the old one did not follow the edit
    const after = await searchIssues(session.sandbox(), 'external', 'summary ~ "unlink me"');
    expect(after.map((i) => i.key)).toEqual([twin.key]);
    expect(await summaryOf('external', twin.key)).toBe('unlink me: stapler jammed');
    // "Remote issue key" cleared on both sides
    expect(await remoteKeyOf('internal', issue.key)).toBeNull();
    expect(await remoteKeyOf('external', twin.key)).toBeNull();

    await page.reload();
    await panel.getByText(`${issue.key} has no twin yet.`).waitFor();
    expect(await panel.getByTestId('twin-key').count()).toBe(0);
    await screenshot(page, 'panel-unlinked-then-edited');
    expect(pageErrors).toEqual([]);
  });

  it('links an issue to an existing issue of the other site by its key, creating no new issue', async () => {
    const { page, pageErrors } = await openPage(session.browser());
    // neither issue syncs by itself: INT's scope leaves out issues without the label, and external sends nothing (no scope)
    const internal = await connection('internal');
    const scopeJql = internal.scopeJql;
    const narrow = 'project = "INT" AND labels = "synced"';
    await session.sandbox().installations.internal.invoke(ADMIN, 'updateConnection', { id: internal.id, scopeJql: narrow });
    expect((await connection('internal')).scopeJql).toBe(narrow);
    expect((await connection('external')).scopeJql).toBeNull();
    try {
      const local = await createIntIssue(session.sandbox(), 'pair me: projector flickers');
      const existing = Created.parse(await siteRest(session.sandbox(), 'external')('POST', '/rest/api/3/issue', { fields: { project: { key: 'CLOUD' }, issuetype: { name: 'Task' }, summary: 'pair me: the projector flickers' } }));
      await session.sandbox().waitForIdle();
      const cloudBefore = (await searchIssues(session.sandbox(), 'external', 'project = "CLOUD"')).map((i) => i.key).sort();
      expect(await searchIssues(session.sandbox(), 'internal', 'summary ~ "pair me"')).toHaveLength(1);
      expect(await searchIssues(session.sandbox(), 'external', 'summary ~ "pair me"')).toHaveLength(1);

      await page.goto(`${session.sandbox().urls.internal}/browse/${local.key}`);
      const panel = page.frameLocator(PANEL_FRAME);
      await panel.getByText(`${local.key} has no twin yet.`).waitFor();
      await panel.getByLabel(`Link to an existing issue on ${internal.remoteSiteName ?? internal.id}`).fill(existing.key.toLowerCase());
      await panel.getByRole('button', { name: `Link to ${existing.key}` }).click();
      // the panel shows the pairing's row once the resolver has queued it: only then is waiting for idle meaningful
      await panel.getByRole('region', { name: /^Twin on / }).waitFor();
      await session.sandbox().waitForIdle();

      const twinLink = panel.getByTestId('twin-key').getByRole('link', { name: existing.key });
      await twinLink.waitFor();
      expect(await twinLink.getAttribute('href')).toBe(`${session.sandbox().urls.external}/browse/${existing.key}`);
      await panel.getByTestId('twin-state').getByText('In sync').waitFor();
      await screenshot(page, 'panel-linked-to-existing');

      // paired both ways, and nothing new on the other site
      expect((await searchIssues(session.sandbox(), 'external', 'project = "CLOUD"')).map((i) => i.key).sort()).toEqual(cloudBefore);
      expect(await remoteKeyOf('internal', local.key)).toBe(existing.key);
      await page.goto(`${session.sandbox().urls.external}/browse/${existing.key}`);
      const back = page.frameLocator(PANEL_FRAME).getByTestId('twin-key').getByRole('link', { name: local.key });
      await back.waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await session.sandbox().installations.internal.invoke(ADMIN, 'updateConnection', { id: internal.id, scopeJql });
    }
  });
});
