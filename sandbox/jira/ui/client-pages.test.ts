import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSDOM, VirtualConsole } from 'jsdom';
import { FakeJiraRest } from './fake-jira-rest';
import { serveUi, type UiContext } from './index';

/**
 * The browser script driven in jsdom: pages come from serveUi over real HTTP, the script from
 * /_ui/app.js, and REST calls go to an in-memory fake of the site's API on the same server.
 */

const admin = { accountId: 'admin-1', email: 'admin@internal.test', apiToken: 'sandbox-token' };
const authorization = `Basic ${Buffer.from('admin@internal.test:sandbox-token').toString('base64')}`;
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

let server: Server;
let base: string;
let rest: FakeJiraRest;
const open: JSDOM[] = [];
/** script errors and console errors of the pages: every test ends with none */
let pageErrors: string[] = [];

beforeAll(async () => {
  const ctx: UiContext = {
    siteName: 'internal',
    baseUrl: 'http://127.0.0.1',
    admin,
    extensions: { issuePanel: { title: 'Twin', iframeUrl: (key, id) => `/_sandbox/panel?issueKey=${key}&issueId=${id}` } },
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/_sandbox/')) {
      // stands in for the app's Custom UI page inside the panel iframe
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>panel</title><p>panel</p>');
      return;
    }
    rest
      .handle(req, res, url)
      .then((done) => done || serveUi(req, res, url, ctx))
      .then((served) => {
        if (!served) {
          res.writeHead(404);
          res.end();
        }
      })
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: string | AddressInfo | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  base = `http://127.0.0.1:${address.port}`;
});

beforeEach(() => {
  pageErrors = [];
  rest = new FakeJiraRest(authorization);
  const first = rest.addIssue(HOSTILE, {
    description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world', marks: [{ type: 'strong' }] }] }] },
    customfield_10010: 'CLOUD-7',
    labels: ['alpha'],
  });
  first.properties['twinSync.origin'] = { connectionId: 'c1', remoteIssueId: '20001' };
  rest.addIssue('Second issue');
});

afterEach(() => {
  for (const dom of open.splice(0)) dom.window.close();
  expect(pageErrors).toEqual([]);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function openPage(path: string): Promise<JSDOM> {
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (err) => pageErrors.push(err.message));
  virtualConsole.on('error', (...args: unknown[]) => pageErrors.push(args.map(String).join(' ')));
  const dom = await JSDOM.fromURL(base + path, {
    virtualConsole,
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    beforeParse(window) {
      // jsdom has no fetch: lend it Node's, resolving the page's relative URLs
      window.fetch = (input, init) => fetch(new URL(input instanceof Request ? input.url : String(input), base), init);
    },
  });
  open.push(dom);
  return dom;
}

/** Resolves once `check` returns a value (re-checked on every DOM change and focus move); fails after 5 s. */
function waitFor<T>(dom: JSDOM, what: string, check: () => T | null | undefined | false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = check();
    if (first !== null && first !== undefined && first !== false) {
      resolve(first);
      return;
    }
    const document = dom.window.document;
    const recheck = (): void => {
      const value = check();
      if (value !== null && value !== undefined && value !== false) {
        stop();
        resolve(value);
      }
    };
    const observer = new dom.window.MutationObserver(recheck);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}; body: ${document.body.textContent?.replace(/\s+/g, ' ').slice(0, 600) ?? ''}`));
    }, 5000);
    const stop = (): void => {
      observer.disconnect();
      document.removeEventListener('focusin', recheck);
      clearTimeout(timer);
    };
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    document.addEventListener('focusin', recheck);
  });
}

function q(dom: JSDOM, selector: string): HTMLElement | null {
  return dom.window.document.querySelector<HTMLElement>(selector);
}

function qa(dom: JSDOM, selector: string): HTMLElement[] {
  return [...dom.window.document.querySelectorAll<HTMLElement>(selector)];
}

function input(dom: JSDOM, selector: string): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  const el = dom.window.document.querySelector(selector);
  if (el instanceof dom.window.HTMLInputElement || el instanceof dom.window.HTMLTextAreaElement || el instanceof dom.window.HTMLSelectElement) return el;
  throw new Error(`no form field ${selector}`);
}

function click(dom: JSDOM, selector: string): void {
  const el = q(dom, selector);
  if (el === null) throw new Error(`nothing to click at ${selector}`);
  el.click();
}

describe('issue list page', () => {
  it('lists the issues with links, showing hostile text as text', async () => {
    const dom = await openPage('/');
    const rows = await waitFor(dom, 'two rows', () => (qa(dom, '[data-testid=issue-row]').length === 2 ? qa(dom, '[data-testid=issue-row]') : null));
    expect(rows.map((r) => r.getAttribute('data-issue-key'))).toEqual(['INT-2', 'INT-1']);
    expect(qa(dom, '[data-testid=issue-link]').map((a) => a.getAttribute('href'))).toEqual(['/browse/INT-2', '/browse/INT-1']);
    expect(q(dom, '[data-issue-key="INT-1"] [data-field=summary]')?.textContent).toBe(HOSTILE);
    expect(q(dom, '[data-issue-key="INT-1"] [data-field=status]')?.textContent).toBe('Open');
    expect(dom.window.document.querySelector('main img')).toBeNull();
    expect(q(dom, '[data-testid=issue-list-status]')?.textContent).toBe('2 issues shown.');
    await waitFor(dom, 'the table to be ready', () => q(dom, '[data-testid=issue-table]')?.getAttribute('aria-busy') === 'false');
    expect(rest.requests.find((r) => r.path === '/rest/api/3/search/jql')?.body).toEqual({
      jql: 'ORDER BY created DESC',
      fields: ['issuetype', 'summary', 'status', 'priority', 'updated'],
      maxResults: 50,
    });
  });

  it('pages with nextPageToken through "Load more"', async () => {
    for (let i = 0; i < 53; i++) rest.addIssue(`Bulk ${i}`);
    const dom = await openPage('/');
    const more = await waitFor(dom, 'the load-more button', () => {
      const el = q(dom, '[data-testid=load-more]');
      return el !== null && !el.hidden && qa(dom, '[data-testid=issue-row]').length === 50 ? el : null;
    });
    expect(q(dom, '[data-testid=issue-list-status]')?.textContent).toBe('50 issues shown.');
    more.click();
    await waitFor(dom, 'all rows', () => qa(dom, '[data-testid=issue-row]').length === 55);
    expect(q(dom, '[data-testid=load-more]')?.hidden).toBe(true);
    expect(q(dom, '[data-testid=issue-list-status]')?.textContent).toBe('55 issues shown.');
    const searches = rest.requests.filter((r) => r.path === '/rest/api/3/search/jql').map((r) => r.body);
    expect(searches[1]).toMatchObject({ jql: 'ORDER BY created DESC', nextPageToken: '50' });
  });

  it('shows the API error for invalid JQL and marks the box invalid', async () => {
    const dom = await openPage('/');
    await waitFor(dom, 'rows', () => qa(dom, '[data-testid=issue-row]').length === 2);
    input(dom, '#jql-input').value = 'project = (';
    click(dom, '[data-testid=jql-submit]');
    const error = await waitFor(dom, 'the JQL error', () => {
      const el = q(dom, '[data-testid=jql-error]');
      return el !== null && !el.hidden ? el : null;
    });
    expect(error.textContent).toBe("Error in the JQL Query: Expecting ')' before the end of the query. (HTTP 400)");
    expect(error.getAttribute('role')).toBe('alert');
    expect(q(dom, '#jql-input')?.getAttribute('aria-invalid')).toBe('true');
    expect(qa(dom, '[data-testid=issue-row]')).toHaveLength(0);
    expect(new URL(dom.window.location.href).searchParams.get('jql')).toBe('project = (');
  });

  it('creates an issue from the form with the description as ADF paragraphs', async () => {
    const dom = await openPage('/');
    await waitFor(dom, 'issue types', () => qa(dom, '#create-issuetype option').length === 2);
    expect(qa(dom, '#create-project option').map((o) => o.textContent)).toEqual(['Internal (INT)']);
    expect(qa(dom, '#create-issuetype option').map((o) => o.textContent)).toEqual(['Task', 'Bug']);
    expect(qa(dom, '#create-priority option').map((o) => o.textContent)).toEqual(['(default)', 'Highest', 'Medium']);
    input(dom, '#create-issuetype').value = '10002';
    input(dom, '#create-summary').value = 'Made in the UI';
    input(dom, '#create-description').value = 'First line\nsame paragraph\n\nSecond';
    input(dom, '#create-priority').value = '1';
    input(dom, '#create-labels').value = 'ui, sandbox ui';
    click(dom, '[data-testid=create-submit]');
    const link = await waitFor(dom, 'the created link', () => q(dom, '[data-testid=create-result-link]'));
    expect(link.textContent).toBe('INT-3');
    expect(link.getAttribute('href')).toBe('/browse/INT-3');
    expect(rest.requests.find((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')?.body).toEqual({
      fields: {
        project: { key: 'INT' },
        issuetype: { id: '10002' },
        summary: 'Made in the UI',
        description: {
          type: 'doc',
          version: 1,
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: 'First line' }, { type: 'hardBreak' }, { type: 'text', text: 'same paragraph' }] },
            { type: 'paragraph', content: [{ type: 'text', text: 'Second' }] },
          ],
        },
        priority: { id: '1' },
        labels: ['ui', 'sandbox'],
      },
    });
    await waitFor(dom, 'the new row', () => q(dom, '[data-issue-key="INT-3"]'));
    expect(input(dom, '#create-summary').value).toBe('');
  });

  it('shows the API field error when creating fails', async () => {
    const dom = await openPage('/');
    await waitFor(dom, 'issue types', () => qa(dom, '#create-issuetype option').length === 2);
    // the browser would stop an empty required field; the script must still show the API's answer
    input(dom, '#create-summary').removeAttribute('required');
    click(dom, '[data-testid=create-submit]');
    const error = await waitFor(dom, 'the create error', () => {
      const el = q(dom, '[data-testid=create-error]');
      return el !== null && !el.hidden ? el : null;
    });
    expect(error.textContent).toBe('summary: You must specify a summary of the issue. (HTTP 400)');
  });
});

describe('issue view', () => {
  async function openIssue(key: string): Promise<JSDOM> {
    const dom = await openPage(`/browse/${key}`);
    await waitFor(dom, 'the issue view to be ready', () => q(dom, '[data-testid=page-issue]')?.getAttribute('aria-busy') === 'false');
    expect(q(dom, '[data-testid=issue-view]')?.hidden).toBe(false);
    return dom;
  }

  it('shows the fields by name, the description from ADF, properties and the app panel', async () => {
    const dom = await openIssue('INT-1');
    expect(q(dom, '[data-testid=issue-summary]')?.textContent).toBe(HOSTILE);
    expect(dom.window.document.querySelector('main img')).toBeNull();
    expect(dom.window.document.title).toBe(`[INT-1] ${HOSTILE} — internal — Jira (sandbox)`);
    expect(q(dom, '[data-testid=issue-status]')?.textContent).toBe('Open');
    const remote = q(dom, '[data-testid=field-customfield_10010]');
    expect(remote?.getAttribute('data-field-name')).toBe('Remote issue key');
    expect(remote?.querySelector('dd')?.textContent).toBe('CLOUD-7');
    expect(q(dom, '[data-testid=field-labels] dd')?.textContent).toBe('alpha');
    expect(q(dom, '[data-testid=issue-description] strong')?.textContent).toBe('world');
    expect(q(dom, '[data-testid=field-summary]')).toBeNull();

    const property = await waitFor(dom, 'the property', () => q(dom, '[data-testid=issue-property]'));
    expect(property.getAttribute('data-property-key')).toBe('twinSync.origin');
    expect(JSON.parse(property.querySelector('pre')?.textContent ?? '')).toEqual({ connectionId: 'c1', remoteIssueId: '20001' });

    const frame = await waitFor(dom, 'the panel iframe', () => q(dom, '[data-testid=issue-panel-frame]'));
    expect(frame.getAttribute('src')).toBe('/_sandbox/panel?issueKey=INT-1&issueId=10001');
    expect(frame.getAttribute('title')).toBe('Twin');
    expect(frame.getAttribute('allow')).toBe('clipboard-write');
  });

  it('transitions the issue with the transition buttons', async () => {
    const dom = await openIssue('INT-1');
    await waitFor(dom, 'transitions', () => qa(dom, '[data-testid=transition]').length === 2);
    expect(qa(dom, '[data-testid=transition]').map((b) => [b.tagName, b.textContent])).toEqual([
      ['BUTTON', 'In Progress'],
      ['BUTTON', 'Done'],
    ]);
    click(dom, '[data-testid=transition][data-transition-name="In Progress"]');
    await waitFor(dom, 'the new status', () => q(dom, '[data-testid=issue-status]')?.textContent === 'In Progress');
    expect(rest.requests.find((r) => r.method === 'POST' && r.path.endsWith('/transitions'))?.body).toEqual({ transition: { id: '31' } });
    await waitFor(dom, 'the new transitions', () => qa(dom, '[data-testid=transition]').map((b) => b.textContent).join() === 'Open,Done');
    await waitFor(dom, 'focus back on a transition', () => dom.window.document.activeElement?.getAttribute('data-testid') === 'transition');
  });

  it('adds, edits and deletes a comment', async () => {
    const dom = await openIssue('INT-1');
    // ready means the comments are shown too
    expect(q(dom, '[data-testid=comment-none]')?.textContent).toBe('No comments yet.');
    input(dom, '#comment-add').value = 'Looks <b>good</b>';
    click(dom, '[data-testid=comment-add-submit]');
    const comment = await waitFor(dom, 'the comment', () => q(dom, '[data-testid=comment]'));
    expect(comment.querySelector('[data-testid=comment-body]')?.textContent).toBe('Looks <b>good</b>');
    expect(comment.querySelector('[data-testid=comment-author]')?.textContent).toBe('Admin <b>');
    expect(rest.requests.find((r) => r.method === 'POST' && r.path.endsWith('/comment'))?.body).toEqual({
      body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Looks <b>good</b>' }] }] },
    });

    click(dom, '[data-testid=comment-edit]');
    const editor = input(dom, '[data-testid=comment-edit-input]');
    expect(editor.value).toBe('Looks <b>good</b>');
    expect(dom.window.document.activeElement).toBe(editor);
    editor.value = 'Changed';
    click(dom, '[data-testid=comment-edit-save]');
    await waitFor(dom, 'the edited comment', () => q(dom, '[data-testid=comment-body]')?.textContent === 'Changed');
    expect(rest.requests.find((r) => r.method === 'PUT' && r.path.includes('/comment/'))?.path).toBe('/rest/api/3/issue/INT-1/comment/1');

    click(dom, '[data-testid=comment-delete]');
    expect(rest.requests.some((r) => r.method === 'DELETE')).toBe(false);
    click(dom, '[data-testid=comment-delete-confirm]');
    await waitFor(dom, 'no comments again', () => q(dom, '[data-testid=comment-none]'));
    expect(rest.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/rest/api/3/issue/INT-1/comment/1']);
  });

  it('refuses an empty comment without calling the API', async () => {
    const dom = await openIssue('INT-1');
    input(dom, '#comment-add').value = '   ';
    click(dom, '[data-testid=comment-add-submit]');
    expect(q(dom, '[data-testid=comment-error]')?.textContent).toBe('A comment cannot be empty.');
    expect(rest.requests.some((r) => r.method === 'POST' && r.path.endsWith('/comment'))).toBe(false);
  });

  it('edits only the fields that changed, including a custom text field', async () => {
    const dom = await openIssue('INT-1');
    click(dom, '[data-testid=edit-open]');
    const custom = await waitFor(dom, 'the custom field input', () => dom.window.document.querySelector('[data-testid=edit-cf-customfield_10010]'));
    expect(q(dom, 'label[for="edit-cf-customfield_10010"]')?.textContent).toBe('Remote issue key');
    expect(q(dom, '[data-testid=edit-open]')?.getAttribute('aria-expanded')).toBe('true');
    expect(input(dom, '#edit-summary').value).toBe(HOSTILE);
    expect(input(dom, '#edit-description').value).toBe('Hello world');
    expect(q(dom, '[data-testid=edit-description-warning]')?.hidden).toBe(false);
    expect(input(dom, '#edit-priority').value).toBe('3');
    expect(input(dom, '#edit-labels').value).toBe('alpha');
    input(dom, '#edit-summary').value = 'Renamed';
    input(dom, '[data-testid=edit-cf-customfield_10010]').value = 'CLOUD-8';
    expect(custom).toBeTruthy();
    click(dom, '[data-testid=edit-submit]');
    await waitFor(dom, 'the new summary', () => q(dom, '[data-testid=issue-summary]')?.textContent === 'Renamed');
    expect(rest.requests.find((r) => r.method === 'PUT')?.body).toEqual({ fields: { summary: 'Renamed', customfield_10010: 'CLOUD-8' } });
    expect(q(dom, '[data-testid=edit-form]')?.hidden).toBe(true);
    expect(q(dom, '[data-testid=field-customfield_10010] dd')?.textContent).toBe('CLOUD-8');
  });

  it('says so when the issue does not exist', async () => {
    const dom = await openPage('/browse/INT-99');
    const error = await waitFor(dom, 'the error', () => {
      const el = q(dom, '[data-testid=issue-error]');
      return el !== null && !el.hidden ? el : null;
    });
    expect(error.textContent).toBe('Issue does not exist or you do not have permission to see it. (HTTP 404)');
    await waitFor(dom, 'the page to be ready', () => q(dom, '[data-testid=page-issue]')?.getAttribute('aria-busy') === 'false');
    expect(q(dom, '[data-testid=issue-view]')?.hidden).toBe(true);
  });
});
