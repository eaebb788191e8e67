import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { MountedHandler, SiteUiExtensions } from '../../jira/contract';
import { BRIDGE_SCRIPT, CONTEXT_ELEMENT_ID } from './bridge-script';
import { invalidContentPermissions, pageCsp } from './page-csp';
import { contentTypeOf, readFileInside } from './static-file';
import { tokensCss } from './tokens-css';
import { readUiManifest, type UiModule } from './ui-modules';

/** Runs one resolver function of the app for a Custom UI page (see `createCustomUiHost`). */
export type CustomUiInvoke = (moduleKey: string, functionKey: string, payload: unknown, context: Record<string, unknown>) => Promise<unknown>;

export interface CustomUiHostOptions {
  /** the app's folder: manifest.yml and the built resources (static/<page>/build) are read from it */
  appRoot: string;
  /**
   * Runs resolver calls. Given: the host serves `POST <mountPath><site>/invoke` itself and the
   * pages' bridge posts there (the `context` it gets carries `siteName`). Omitted: the bridge
   * posts to the site's own `/_sandbox/invoke` (the Forge platform's route), same protocol.
   */
  invoke?: CustomUiInvoke;
  /** where the handler is mounted on each site; default '/_sandbox/ui/' */
  mountPath?: string;
  /** what `view.getContext()` reports for a site beyond its URL (cloudId, accountId of the viewer) */
  siteContext?: (siteName: string) => { cloudId?: string; accountId?: string } | undefined;
  /** 'en-US' unless given */
  locale?: string;
  /**
   * Gets the violation reports the pages' browsers send to `POST <mountPath>csp-report` (the
   * `report-uri` of the pages' Content-Security-Policy); without it they are accepted and dropped.
   */
  onCspReport?: (report: unknown) => void;
}

export interface CustomUiHost {
  /** mount on every site under `mountPath` ('/_sandbox/ui/') */
  handler: MountedHandler;
  /** the pages the site shows: its admin page and issue panel, in iframes served by `handler` */
  extensions: (siteName: string) => SiteUiExtensions;
  /** the Custom UI modules found in manifest.yml */
  modules: readonly UiModule[];
}

const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
const ISSUE_ID = /^[0-9]{1,18}$/;
const MAX_INVOKE_BODY = 5 * 1024 * 1024;
const MAX_CSP_REPORT_BODY = 64 * 1024;

const InvokeBody = z.strictObject({
  moduleKey: z.string().min(1),
  functionKey: z.string().min(1),
  payload: z.unknown().optional(),
  context: z.looseObject({}).optional(),
});

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(payload.length), 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  sendText(req, res, status, 'application/json; charset=utf-8', JSON.stringify(body), { 'Cache-Control': 'no-store' });
}

async function readBody(req: IncomingMessage, limit = MAX_INVOKE_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON for a `<script type="application/json">` block: nothing in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * Hosts the app's Custom UI pages in the sandbox, as Jira hosts them for a Forge app: each page is
 * served from its built resource folder with a host bridge injected before the app's scripts, so
 * the unmodified `@forge/bridge` in the page works (`invoke` reaches the app's resolver,
 * `view.getContext()` answers the module and issue context, `view.theme.enable()` loads the
 * Atlassian design tokens).
 *
 * Each page is served with the Content-Security-Policy Forge derives from manifest.yml's
 * `permissions.content` / `permissions.external` and the page's HTML (`page-csp.ts`): no inline
 * styles unless the manifest declares `content.styles: ['unsafe-inline']`, for instance.
 *
 * Routes under `mountPath` (default `/_sandbox/ui/`):
 *   GET  <site>/<moduleKey>/[?issueKey=&issueId=]  the page (index.html with the bridge)
 *   GET  <site>/<moduleKey>/<file>                 the resource's files (assets, icon.svg…)
 *   GET  bridge.js, tokens.css                     the bridge script, the design-token CSS
 *   POST csp-report                                the pages' CSP violation reports (→ 204)
 *   POST <site>/invoke                             resolver calls, when `invoke` is given
 */
export function createCustomUiHost(options: CustomUiHostOptions): CustomUiHost {
  const mountPath = options.mountPath ?? '/_sandbox/ui/';
  if (!mountPath.startsWith('/') || !mountPath.endsWith('/')) throw new Error(`mountPath must start and end with '/': ${mountPath}`);
  const { modules, cspPermissions } = readUiManifest(options.appRoot);
  const invalid = invalidContentPermissions(cspPermissions);
  if (invalid.length > 0) {
    throw new Error(`manifest.yml permissions.content: ${invalid.map((v) => `'${v}'`).join(', ')} is not a source Forge allows (it would be dropped from the pages' Content-Security-Policy)`);
  }
  const byKey = new Map(modules.map((m) => [m.key, m]));
  const locale = options.locale ?? 'en-US';
  let tokens: string | null = null;

  const pageContext = (site: string, module: UiModule, siteUrl: string, issue: { key: string; id: string } | null): Record<string, unknown> => {
    const known = options.siteContext?.(site) ?? {};
    const extension: Record<string, unknown> = { type: module.type };
    if (issue !== null) {
      extension['issue'] = { key: issue.key, id: issue.id };
      extension['project'] = { key: issue.key.slice(0, issue.key.lastIndexOf('-')) };
    }
    return {
      ...(known.accountId === undefined ? {} : { accountId: known.accountId }),
      ...(known.cloudId === undefined ? {} : { cloudId: known.cloudId }),
      siteUrl,
      moduleKey: module.key,
      localId: `${module.key}-sandbox`,
      environmentType: 'DEVELOPMENT',
      locale,
      timezone: 'UTC',
      extension,
    };
  };

  const servePage = async (req: IncomingMessage, res: ServerResponse, url: URL, site: string, module: UiModule): Promise<void> => {
    const html = await readFileInside(module.resourceDir, 'index.html');
    if (html === null) {
      throw new HttpError(503, `The ${module.resourceKey} page is not built (${module.resourceDir}/index.html is missing): run npm run build:ui.`);
    }
    let issue: { key: string; id: string } | null = null;
    if (module.type === 'jira:issuePanel') {
      const key = url.searchParams.get('issueKey') ?? '';
      const id = url.searchParams.get('issueId') ?? '';
      if (!ISSUE_KEY.test(key) || !ISSUE_ID.test(id)) throw new HttpError(400, 'The issue panel needs issueKey (e.g. INT-1) and issueId (digits).');
      issue = { key, id };
    }
    const siteUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    const data = {
      context: pageContext(site, module, siteUrl, issue),
      invokeUrl: options.invoke === undefined ? '/_sandbox/invoke' : `${mountPath}${site}/invoke`,
      tokensUrl: `${mountPath}tokens.css`,
    };
    const injected =
      `<script type="application/json" id="${CONTEXT_ELEMENT_ID}">${scriptJson(data)}</script>` +
      `<script src="${mountPath}bridge.js"></script>`;
    const text = html.toString('utf8');
    const at = text.search(/<head[^>]*>/i);
    if (at < 0) throw new HttpError(500, `${module.resourceDir}/index.html has no <head>.`);
    const headEnd = text.indexOf('>', at) + 1;
    // Derived from the app's own HTML: the sandbox's additions (a JSON data block, which never
    // runs, and bridge.js from 'self') need nothing in the policy.
    const csp = pageCsp({ permissions: cspPermissions, html: text, siteOrigin: siteUrl, reportUri: `${mountPath}csp-report` });
    sendText(req, res, 200, 'text/html; charset=utf-8', text.slice(0, headEnd) + injected + text.slice(headEnd), {
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-cache',
    });
  };

  const serveCspReport = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req, MAX_CSP_REPORT_BODY);
    let report: unknown;
    try {
      report = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'a CSP report is JSON');
    }
    options.onCspReport?.(report);
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    res.end();
  };

  const serveInvoke = async (req: IncomingMessage, res: ServerResponse, site: string): Promise<void> => {
    const invoke = options.invoke;
    if (invoke === undefined) throw new HttpError(404, 'This host has no invoke route: pages call /_sandbox/invoke.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    let raw: unknown;
    const text = await readBody(req);
    try {
      raw = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'request body is not valid JSON');
    }
    const body = InvokeBody.safeParse(raw);
    if (!body.success) throw new HttpError(400, z.prettifyError(body.error));
    if (!byKey.has(body.data.moduleKey)) throw new HttpError(400, `module '${body.data.moduleKey}' is not a Custom UI module of manifest.yml`);
    try {
      const result = await invoke(body.data.moduleKey, body.data.functionKey, body.data.payload ?? {}, { ...body.data.context, siteName: site });
      sendJson(req, res, 200, { result: result === undefined ? null : result });
    } catch (e) {
      sendJson(req, res, 500, { error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } });
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const rest = url.pathname.slice(mountPath.length);
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (rest === 'bridge.js' && isRead) {
      sendText(req, res, 200, 'text/javascript; charset=utf-8', BRIDGE_SCRIPT, { 'Cache-Control': 'no-cache' });
      return;
    }
    if (rest === 'csp-report' && req.method === 'POST') return serveCspReport(req, res);
    if (rest === 'tokens.css' && isRead) {
      tokens ??= tokensCss();
      sendText(req, res, 200, 'text/css; charset=utf-8', tokens, { 'Cache-Control': 'max-age=3600' });
      return;
    }
    const [site = '', second = '', ...tail] = rest.split('/');
    if (!SITE_NAME.test(site)) throw new HttpError(404, `no Custom UI route ${url.pathname}`);
    if (second === 'invoke' && tail.length === 0) return serveInvoke(req, res, site);
    const module = byKey.get(second);
    if (module === undefined) throw new HttpError(404, `no Custom UI module '${second}' in manifest.yml`);
    if (!isRead) throw new HttpError(405, 'GET only');
    if (tail.length === 0) {
      // the page without its trailing slash: relative asset URLs need the slash
      res.writeHead(308, { Location: `${url.pathname}/${url.search}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const file = tail.map((part) => decodeURIComponent(part)).join('/');
    if (file === '' || file === 'index.html') return servePage(req, res, url, site, module);
    const content = await readFileInside(module.resourceDir, file);
    if (content === null) throw new HttpError(404, `no file ${file} in resource '${module.resourceKey}'`);
    sendText(req, res, 200, contentTypeOf(file), content, { 'Cache-Control': 'no-cache' });
  };

  const handler: MountedHandler = async (req, res, url) => {
    try {
      await route(req, res, url);
    } catch (e) {
      if (e instanceof HttpError) return sendJson(req, res, e.status, { error: { name: 'HttpError', message: e.message } });
      if (e instanceof URIError) return sendJson(req, res, 400, { error: { name: 'BadRequest', message: 'malformed path' } });
      throw e;
    }
  };

  const extensions = (siteName: string): SiteUiExtensions => {
    if (!SITE_NAME.test(siteName)) throw new Error(`not a usable site name for Custom UI routes: ${siteName}`);
    const admin = modules.find((m) => m.type === 'jira:adminPage');
    const panel = modules.find((m) => m.type === 'jira:issuePanel');
    const out: SiteUiExtensions = {};
    if (admin !== undefined) out.adminPage = { title: admin.title, iframeUrl: `${mountPath}${siteName}/${admin.key}/` };
    if (panel !== undefined) {
      out.issuePanel = {
        title: panel.title,
        iframeUrl: (issueKey, issueId) =>
          `${mountPath}${siteName}/${panel.key}/?issueKey=${encodeURIComponent(issueKey)}&issueId=${encodeURIComponent(issueId)}`,
      };
    }
    return out;
  };

  return { handler, extensions, modules };
}
