import { z } from 'zod';
import { ADMIN_FRAME, openAdmin, openTab, text, waitForOrAlert } from './support/admin-page';
import { openPage, screenshot } from './support/chromium';
import { searchIssues, siteRest } from './support/site-rest';
import { browserSession } from './support/session';

/**
 * A new connection is useful at once: the invitation asks for this site's scope (a suggestion built
 * from the site's projects), the acceptance asks for the other site's, and an issue created in
 * scope on either side reaches the other. Then the admin page names each issue with a link to it,
 * filters the activity by an issue, and keeps its tab over a reload.
 */

jest.setTimeout(180_000);

const NO_SCOPE = 'Nothing is sent from this site: give the connection a scope';
const Created = z.looseObject({ id: z.string(), key: z.string() });

const session = browserSession({ connected: false });

async function createIssue(site: 'internal' | 'external', project: string, summary: string): Promise<{ id: string; key: string }> {
  return Created.parse(await siteRest(session.sandbox(), site)('POST', '/rest/api/3/issue', { fields: { project: { key: project }, issuetype: { name: 'Task' }, summary } }));
}

describe('a new invitation asks for the scope on both sides', () => {
  it('invites with internal’s scope, accepts with external’s, and an issue in scope on each side reaches the other', async () => {
    const { page: internalPage, pageErrors } = await openPage(session.browser());
    const internal = await openAdmin(internalPage, session.sandbox().urls.internal);
    const invite = internal.getByRole('region', { name: 'Invite another site' });
    await invite.getByLabel('Connection name').fill('internal ↔ external');
    // the suggestion comes from the site's projects (listProjects)
    await invite.getByRole('button', { name: 'Use project = "INT"' }).click();
    expect(await invite.getByLabel('Issues this site sends (JQL)').inputValue()).toBe('project = "INT"');
    await invite.getByRole('button', { name: 'Create invitation' }).click();
    const codeField = invite.getByLabel(/Invitation code \(give it/);
    await waitForOrAlert(internal, codeField);
    const code = await codeField.inputValue();
    const internalConnections = internal.getByRole('table', { name: 'Connections' });
    await internalConnections.getByText('Waiting for the other side').waitFor();
    expect(await text(internalConnections)).toContain('project = "INT"');
    expect(await internal.getByText(NO_SCOPE).count()).toBe(0);
    await screenshot(internalPage, 'admin-invitation-with-scope');

    const { page: externalPage, pageErrors: externalErrors } = await openPage(session.browser());
    const external = await openAdmin(externalPage, session.sandbox().urls.external);
    const accept = external.getByRole('region', { name: 'Accept an invitation' });
    await accept.getByLabel('Invitation code').fill(code);
    // a scope the site refuses: the invitation is not used up
    await accept.getByLabel('Issues this site sends (JQL)').fill('projct = "CLOUD"');
    await accept.getByRole('button', { name: 'Accept invitation' }).click();
    const refusal = accept.getByRole('alert');
    await refusal.waitFor();
    expect(await text(refusal)).toContain('The scope JQL is not valid on this site');
    await accept.getByRole('button', { name: 'Use project = "CLOUD"' }).click();
    await accept.getByRole('button', { name: 'Accept invitation' }).click();
    await waitForOrAlert(external, accept.getByText('Connected'));
    const externalConnections = external.getByRole('table', { name: 'Connections' });
    await externalConnections.getByText('Connected').waitFor();
    expect(await text(externalConnections)).toContain('project = "CLOUD"');
    expect(await external.getByText(NO_SCOPE).count()).toBe(0);
    await screenshot(externalPage, 'admin-accepted-with-scope');

    await session.sandbox().waitForIdle();
    await internal.getByRole('button', { name: 'Refresh' }).click();
    await internalConnections.getByText('Connected').waitFor();

    const fromInternal = await createIssue('internal', 'INT', 'scoped from internal');
    const fromExternal = await createIssue('external', 'CLOUD', 'scoped from external');
    await session.sandbox().waitForIdle();
    expect((await searchIssues(session.sandbox(), 'external', 'summary ~ "scoped from internal"')).map((i) => i.fields['summary'])).toEqual(['scoped from internal']);
    expect((await searchIssues(session.sandbox(), 'internal', 'summary ~ "scoped from external"')).map((i) => i.fields['summary'])).toEqual(['scoped from external']);

    // the activity of one issue, its key a link to it on this site; the tab survives a reload
    await openTab(internal, 'Activity and errors');
    await internal.getByLabel('Messages about issue').fill(fromInternal.key.toLowerCase());
    await internal.getByRole('button', { name: 'Show', exact: true }).click();
    await internal.getByRole('heading', { name: `Recent messages about ${fromInternal.key}` }).waitFor();
    const activity = internal.getByRole('table', { name: 'Recent messages' });
    const link = activity.getByRole('link', { name: fromInternal.key }).first();
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${session.sandbox().urls.internal}/browse/${fromInternal.key}`);
    expect(await activity.getByRole('link', { name: fromExternal.key }).count()).toBe(0);
    // the sandbox's host has no router: the link opens the issue in a new tab by itself
    const opened = internalPage.waitForEvent('popup');
    await link.click();
    const issuePage = await opened;
    await issuePage.waitForLoadState();
    expect(issuePage.url()).toBe(`${session.sandbox().urls.internal}/browse/${fromInternal.key}`);
    await issuePage.close();
    await screenshot(internalPage, 'admin-activity-of-an-issue');

    await internalPage.reload();
    const reloaded = internalPage.frameLocator(ADMIN_FRAME);
    await reloaded.getByRole('heading', { name: 'Recent messages' }).waitFor();
    expect(await reloaded.getByRole('tab', { name: 'Activity and errors' }).getAttribute('aria-selected')).toBe('true');
    expect(pageErrors).toEqual([]);
    expect(externalErrors).toEqual([]);
  });
});
