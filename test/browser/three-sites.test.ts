import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../../sandbox/start';
import { openAdmin, PANEL_FRAME, text } from './support/admin-page';
import { launchChromium, openPage, screenshot } from './support/chromium';
import { ensureUiBuilt } from './support/ui-build';

/**
 * Issue 16's pages on three sandbox sites in a hub (internal with external, internal with partner),
 * as a person sees them: an issue made on a spoke shows, on its panel, its twin on the hub and the
 * group's member on the other spoke ("via internal"); the hub's panel shows both twins under "This
 * issue on other sites"; the hub's Connections tab shows the topology and that it relays.
 */
jest.setTimeout(180_000);

const SITES = ['internal', 'external', 'partner'];
const Created = z.looseObject({ id: z.string(), key: z.string() });
const Found = z.looseObject({ issues: z.array(z.looseObject({ key: z.string(), fields: z.looseObject({ summary: z.string() }) })) });

let sandbox: Sandbox;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  sandbox = await startSandbox({ portBase: 0, memory: true, customUi: true, sites: SITES, topology: 'hub' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

function api(name: string) {
  const { url, email, apiToken } = sandbox.of(name).credentials;
  const auth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, { method, headers: { Authorization: auth, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const answer = await response.text();
    if (!response.ok) throw new Error(`${name} ${method} ${path} → ${response.status} ${answer}`);
    return answer === '' ? null : JSON.parse(answer);
  };
}

async function keyOn(name: string, summary: string): Promise<string> {
  sandbox.of(name).site.settleSearchIndex();
  const found = Found.parse(await api(name)('POST', '/rest/api/3/search/jql', { jql: `project = "${sandbox.of(name).projectKey}" ORDER BY created ASC`, fields: ['summary'], maxResults: 100 }));
  const keys = found.issues.filter((i) => i.fields.summary === summary).map((i) => i.key);
  expect([name, keys.length]).toEqual([name, 1]);
  return keys[0]!;
}

describe('three sites in a hub, in the browser', () => {
  it('each panel shows the issue on the two other sites; the hub\'s Connections tab shows the topology', async () => {
    const summary = 'Made on a spoke';
    const made = Created.parse(await api('external')('POST', '/rest/api/3/issue', { fields: { project: { key: sandbox.of('external').projectKey }, issuetype: { name: 'Task' }, summary } }));
    await sandbox.waitForIdle();
    const onInternal = await keyOn('internal', summary);
    const onPartner = await keyOn('partner', summary);
    const { page, pageErrors } = await openPage(browser);

    // the spoke where it started: its twin on the hub, and the hub's twin on the other spoke
    await page.goto(`${sandbox.of('external').url}/browse/${made.key}`);
    let panel = page.frameLocator(PANEL_FRAME);
    await panel.getByTestId('group-member').waitFor();
    expect(await text(panel.getByRole('heading', { name: 'This issue on other sites' }))).toBe('This issue on other sites');
    expect((await text(panel.getByTestId('twin-key'))).trim()).toMatch(new RegExp(`^${onInternal} on .*internal`));
    expect(await text(panel.getByTestId('group-member'))).toMatch(new RegExp(`^Also${onPartner} on .*partner.*, via .*internal`));
    expect(await text(panel.getByTestId('twin-state'))).toBe('In sync');
    // and how the hub's sync with that member stood when the hub last said
    expect((await text(panel.getByTestId('group-member-state'))).trim()).toMatch(/^— in sync as .*internal.* last said, \d+ s ago$/);
    await screenshot(page, 'three-sites-panel-spoke');

    // the hub: a twin on each spoke
    await page.goto(`${sandbox.of('internal').url}/browse/${onInternal}`);
    panel = page.frameLocator(PANEL_FRAME);
    await panel.getByTestId('twin-key').nth(1).waitFor();
    const twins = (await panel.getByTestId('twin-key').allTextContents()).map((t) => t.trim()).sort();
    expect(twins).toEqual([expect.stringMatching(new RegExp(`^${made.key} on .*external`)), expect.stringMatching(new RegExp(`^${onPartner} on .*partner`))]);
    expect(await panel.getByTestId('group-member').count()).toBe(0);
    expect((await panel.getByTestId('twin-state').allTextContents()).map((t) => t.trim())).toEqual(['In sync', 'In sync']);
    // its "Remote issue key" lists both twins (the two connections share the field)
    const keyField = await page.locator('[data-field-name="Remote issue key"]').textContent();
    expect((keyField ?? '').split(',').map((k) => k.replace(/^.*?([A-Z]+-\d+)\s*$/, '$1').trim()).sort()).toEqual([made.key, onPartner].sort());
    await screenshot(page, 'three-sites-panel-hub');

    // the hub's admin page: both connections, and that it relays between them
    const frame = await openAdmin(page, sandbox.of('internal').url);
    const card = frame.getByRole('list', { name: /^Sites connected to / });
    await card.waitFor();
    const lines = (await card.getByRole('listitem').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()).sort();
    expect(lines).toEqual([expect.stringMatching(/↔ .*external.* — active, both ways$/), expect.stringMatching(/↔ .*partner.* — active, both ways$/)]);
    await frame.getByText(/passed on to the others \(relayed\)/).waitFor();
    await screenshot(page, 'three-sites-topology');

    // a spoke's admin page: one connection, no relaying
    const spoke = await openAdmin(page, sandbox.of('partner').url);
    const spokeCard = spoke.getByRole('list', { name: /^Sites connected to / });
    await spokeCard.waitFor();
    expect((await spokeCard.getByRole('listitem').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([expect.stringMatching(/↔ .*internal.* — active, both ways$/)]);
    expect(await spoke.getByText(/passed on to the others \(relayed\)/).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
