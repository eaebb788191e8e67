import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JiraAccountCredentials, SiteUiExtensions } from '../contract';
import { appAdminHtml } from './app-admin-html';
import type { ClientConfig, ClientPage } from './client/client-config';
import { clientBundle } from './client-bundle';
import { safeUrl } from './html-escape';
import { DEFAULT_JQL, issueListHtml } from './issue-list-html';
import { issueViewHtml } from './issue-view-html';
import { ADMIN_PAGE_PATH, ASSET_PATHS, renderLayout, type NavSection } from './page-layout';
import { STYLES } from './styles';

/**
 * The emulated Jira site's small web UI: server-sent HTML pages plus one vanilla browser script
 * (`./client/`, transpiled in-process, see `client-bundle.ts`) that calls the site's real REST API
 * (`/rest/api/3/...`, same origin).
 *
 * Pages
 *   GET /                              issue list: JQL search (`?jql=`, default `ORDER BY created DESC`) + create form
 *   GET /issues                        same as /
 *   GET /browse/<KEY>                  issue view (fields, description, edit, transitions, comments, properties, app panel)
 *   GET /jira/settings/apps/twin-sync  the app's admin page in an iframe, or "app not installed"
 *   GET /_ui/app.js, /_ui/app.css      the client script and stylesheet
 *   GET /_ui/issue-panel?key=&id=      JSON `{title, iframeUrl}` of the issue panel (404 when no app panel)
 * GET /browse/<key in lower case> redirects (302) to the upper-case key, as Jira does.
 * HEAD is answered like GET without a body. Anything else: serveUi returns false (the site answers 404).
 *
 * Stable hooks for browser tests (`data-testid`, and element ids where noted)
 *   every page   site-header, site-name, nav-issues, nav-apps (aria-current="page" on the current one)
 *   /            page-issues; jql-form, jql-input (#jql-input), jql-submit, jql-error (role=alert),
 *                issue-list-status, issue-table, issue-rows, issue-row (per row, data-issue-key=KEY),
 *                issue-link (per row), load-more; cells carry data-field=issuetype|summary|status|priority|updated;
 *                create-form, create-project, create-issuetype, create-summary, create-description,
 *                create-priority, create-labels, create-submit, create-error, create-result, create-result-link
 *   /browse/KEY  page-issue (data-issue-key), breadcrumb-issues, issue-key, issue-error, issue-loading,
 *                issue-view, issue-summary, issue-status, transitions, transition (per button, data-transition-id, data-transition-name),
 *                action-error, edit-open, edit-form, edit-summary, edit-description, edit-description-hint,
 *                edit-description-warning, edit-priority, edit-labels, edit-custom-fields,
 *                edit-cf-<fieldId> (per custom text field), edit-submit, edit-cancel, edit-error,
 *                issue-description, issue-fields, field-<fieldId> (per row; data-field-name=name),
 *                comment-list, comment (per comment, data-comment-id), comment-author, comment-body,
 *                comment-edit, comment-edit-input, comment-edit-save, comment-edit-cancel,
 *                comment-delete, comment-delete-confirm, comment-delete-cancel, comment-none (no comments),
 *                comment-form, comment-add-input, comment-add-submit, comment-error,
 *                issue-properties, issue-property (per property, data-property-key), issue-properties-empty,
 *                issue-panel, issue-panel-title, issue-panel-slot, issue-panel-frame (when the app has a panel)
 *   apps page    page-apps, admin-page-title, admin-page-frame (#admin-page-frame), app-not-installed, admin-page-error
 *
 * Readiness: `[data-testid=issue-table]` and `[data-testid=page-issue]` carry aria-busy="true" while
 * the script loads their data and aria-busy="false" once it is shown (or its error is).
 *
 * Frames: an embedded app page may post `{ type: 'sandbox-ui:resize', height }` to its parent to
 * set its iframe's height (see client/frame-resize.ts).
 *
 * Authentication: the page's script sends `Authorization: Basic` of the site admin (`ctx.admin`).
 * The sandbox listens on loopback only and its credentials are fixed and documented, so this is
 * acceptable here; it is not how a real site authenticates a browser.
 */

export interface UiContext {
  siteName: string;
  baseUrl: string;
  admin: JiraAccountCredentials;
  extensions: SiteUiExtensions;
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
const ISSUE_ID = /^[0-9]{1,18}$/;

const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self' http: https:; object-src 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

function send(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(payload.length), ...headers });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

function sendPage(req: IncomingMessage, res: ServerResponse, ctx: UiContext, title: string, nav: NavSection, mainHtml: string, page: ClientPage): void {
  const config: ClientConfig = {
    siteName: ctx.siteName,
    authorization: `Basic ${Buffer.from(`${ctx.admin.email}:${ctx.admin.apiToken}`, 'utf8').toString('base64')}`,
    page,
  };
  const html = renderLayout({ siteName: ctx.siteName, title, nav, mainHtml, config });
  send(req, res, 200, 'text/html; charset=utf-8', html, { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS });
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  send(req, res, status, 'application/json;charset=UTF-8', JSON.stringify(value), { 'Cache-Control': 'no-store' });
}

function serveAsset(req: IncomingMessage, res: ServerResponse, contentType: string, body: string, etag: string): void {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
    res.end();
    return;
  }
  send(req, res, 200, contentType, body, { ETag: etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
}

let stylesEtag: string | undefined;
function styles(): { body: string; etag: string } {
  stylesEtag ??= `"${createHash('sha256').update(STYLES).digest('base64url').slice(0, 27)}"`;
  return { body: STYLES, etag: stylesEtag };
}

function serveIssuePanelUrl(req: IncomingMessage, res: ServerResponse, url: URL, ctx: UiContext): void {
  const panel = ctx.extensions.issuePanel;
  if (panel === undefined) {
    sendJson(req, res, 404, { errorMessages: ['No app contributes an issue panel on this site.'], errors: {} });
    return;
  }
  const key = url.searchParams.get('key') ?? '';
  const id = url.searchParams.get('id') ?? '';
  if (!ISSUE_KEY.test(key) || !ISSUE_ID.test(id)) {
    sendJson(req, res, 400, { errorMessages: ['Query parameters key (an issue key) and id (an issue id) are required.'], errors: {} });
    return;
  }
  const iframeUrl = safeUrl(panel.iframeUrl(key, id));
  if (iframeUrl === null) {
    sendJson(req, res, 500, { errorMessages: ["The app's issue panel address is not an http(s) URL."], errors: {} });
    return;
  }
  sendJson(req, res, 200, { title: panel.title, iframeUrl });
}

/**
 * Serves the web UI's pages and assets. Returns true when it answered the request, false for a
 * path (or method) it does not serve, so the caller answers 404.
 */
export async function serveUi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: UiContext): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = url.pathname;

  if (path === '/' || path === '/issues' || path === '/issues/') {
    const jql = url.searchParams.get('jql') ?? DEFAULT_JQL;
    sendPage(req, res, ctx, 'Issues', 'issues', issueListHtml(jql), { kind: 'issues', jql });
    return true;
  }

  if (path.startsWith('/browse/')) {
    const key = path.slice('/browse/'.length);
    if (!ISSUE_KEY.test(key)) {
      // Jira accepts keys in any case and answers with the canonical one
      if (!ISSUE_KEY.test(key.toUpperCase())) return false;
      res.writeHead(302, { Location: `/browse/${key.toUpperCase()}${url.search}` });
      res.end();
      return true;
    }
    const panelTitle = ctx.extensions.issuePanel?.title ?? null;
    sendPage(req, res, ctx, key, 'issues', issueViewHtml(key, panelTitle), { kind: 'issue', key, panelTitle });
    return true;
  }

  if (path === ADMIN_PAGE_PATH || path === `${ADMIN_PAGE_PATH}/`) {
    const title = ctx.extensions.adminPage?.title ?? 'Apps';
    sendPage(req, res, ctx, title, 'apps', appAdminHtml(ctx.extensions.adminPage), { kind: 'admin' });
    return true;
  }

  if (path === ASSET_PATHS.script) {
    const bundle = clientBundle();
    serveAsset(req, res, 'text/javascript; charset=utf-8', bundle.code, bundle.etag);
    return true;
  }

  if (path === ASSET_PATHS.styles) {
    const css = styles();
    serveAsset(req, res, 'text/css; charset=utf-8', css.body, css.etag);
    return true;
  }

  if (path === '/_ui/issue-panel') {
    serveIssuePanelUrl(req, res, url, ctx);
    return true;
  }

  return false;
}
