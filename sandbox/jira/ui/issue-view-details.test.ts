import { JSDOM, VirtualConsole } from 'jsdom';
import { z } from 'zod';
import { startSite, type SiteHarness } from '../testing/site-harness';

/**
 * The Details list of the issue view `/browse/KEY`, as the real emulated site serves it (page,
 * script and REST API), driven in jsdom: each field is shown by its name, as on Jira Cloud.
 */

let h: SiteHarness;
const pageErrors: string[] = [];

beforeAll(async () => {
  h = await startSite({ rateLimits: false });
});
afterAll(async () => {
  await h.stop();
});

async function openIssue(key: string): Promise<JSDOM> {
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (err) => pageErrors.push(err.message));
  virtualConsole.on('error', (...args: unknown[]) => pageErrors.push(args.map(String).join(' ')));
  const dom = await JSDOM.fromURL(`${h.baseUrl}/browse/${key}`, {
    virtualConsole,
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    beforeParse(window) {
      // jsdom has no fetch: lend it Node's, resolving the page's relative URLs
      window.fetch = (input, init) => fetch(new URL(input instanceof Request ? input.url : String(input), h.baseUrl), init);
    },
  });
  const main = dom.window.document.querySelector('[data-testid=page-issue]');
  if (main === null) throw new Error('no issue page');
  await new Promise<void>((resolve, reject) => {
    const ready = () => main.getAttribute('aria-busy') === 'false';
    if (ready()) return resolve();
    const timer = setTimeout(() => reject(new Error('the issue view did not get ready in 5 s')), 5000);
    new dom.window.MutationObserver((_m, observer) => {
      if (!ready()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }).observe(main, { attributes: true });
  });
  return dom;
}

describe('the issue view’s Details list', () => {
  it('shows every field by its name, custom fields too', async () => {
    expect((await h.call('POST', '/rest/api/3/field', { name: 'Team', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' })).status).toBe(201);
    const created = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'Named fields', customfield_10000: 'CLOUD-3', customfield_10001: 'Ops' } });
    const { key } = z.object({ key: z.string() }).parse(created.body);
    const dom = await openIssue(key);
    try {
      const rows = [...dom.window.document.querySelectorAll('[data-testid=issue-fields] > [data-testid^="field-"]')].map((row) => ({
        id: (row.getAttribute('data-testid') ?? '').slice('field-'.length),
        label: row.querySelector('dt')?.textContent ?? '',
        value: row.querySelector('dd')?.textContent ?? '',
      }));
      expect(rows.length).toBeGreaterThan(10);
      // no row is labelled by its field id
      expect(rows.filter((r) => r.label === r.id || /^customfield_\d+$/.test(r.label))).toEqual([]);
      expect(rows).toEqual(expect.arrayContaining([
        { id: 'customfield_10000', label: 'Remote issue key', value: 'CLOUD-3' },
        { id: 'customfield_10001', label: 'Team', value: 'Ops' },
        { id: 'resolution', label: 'Resolution', value: 'None' },
        { id: 'resolutiondate', label: 'Resolved', value: 'None' },
        { id: 'issuelinks', label: 'Linked Issues', value: 'None' },
      ]));
      expect(pageErrors).toEqual([]);
    } finally {
      dom.window.close();
    }
  });

  it('shows the parent, links, components and fix versions a line each', async () => {
    const make = async (fields: Record<string, unknown>): Promise<string> =>
      z.object({ key: z.string() }).parse((await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, summary: 'Related', issuetype: { name: 'Task' }, ...fields } })).body).key;
    expect((await h.call('POST', '/rest/api/3/component', { project: 'INT', name: 'UI' })).status).toBe(201);
    expect((await h.call('POST', '/rest/api/3/version', { projectId: 10000, name: '1.0' })).status).toBe(201);
    const epic = await make({ issuetype: { name: 'Epic' } });
    const key = await make({ issuetype: { name: 'Story' }, parent: { key: epic }, components: [{ name: 'UI' }], fixVersions: [{ name: '1.0' }] });
    const blocked = await make({});
    expect((await h.call('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key }, outwardIssue: { key: blocked } })).status).toBe(201);
    const dom = await openIssue(key);
    try {
      const value = (id: string): string | null | undefined => dom.window.document.querySelector(`[data-testid=field-${id}] dd`)?.textContent;
      expect([value('parent'), value('issuelinks'), value('components'), value('fixVersions')]).toEqual([epic, `blocks ${blocked}`, 'UI', '1.0']);
      expect(pageErrors).toEqual([]);
    } finally {
      dom.window.close();
    }
  });
});
