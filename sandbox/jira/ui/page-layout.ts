import { escapeHtml, jsonForScript } from './html-escape';
import type { ClientConfig } from './client/client-config';

/** Paths of the UI's own assets (served by serveUi). */
export const ASSET_PATHS = { script: '/_ui/app.js', styles: '/_ui/app.css' } as const;
export const ADMIN_PAGE_PATH = '/jira/settings/apps/twin-sync';

export type NavSection = 'issues' | 'apps';

export interface LayoutInput {
  siteName: string;
  /** page title without the site suffix */
  title: string;
  nav: NavSection;
  /** server-rendered HTML of `<main>`; every piece of data in it must already be escaped */
  mainHtml: string;
  /** configuration read by the client script */
  config: ClientConfig;
}

/** The site's display name, as in the header: "internal — Jira (sandbox)". */
export function siteDisplayName(siteName: string): string {
  return `${siteName} — Jira (sandbox)`;
}

function navLink(section: NavSection, current: NavSection, href: string, label: string): string {
  const currentAttr = section === current ? ' aria-current="page"' : '';
  return `<li><a href="${href}" data-testid="nav-${section}"${currentAttr}>${label}</a></li>`;
}

/** The whole HTML document: header, main content, boot configuration and the client script. */
export function renderLayout(input: LayoutInput): string {
  const site = escapeHtml(siteDisplayName(input.siteName));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} — ${site}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.styles}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header" data-testid="site-header">
<a class="site-name" href="/" data-testid="site-name">${site}</a>
<nav aria-label="Site">
<ul>
${navLink('issues', input.nav, '/', 'Issues')}
${navLink('apps', input.nav, ADMIN_PAGE_PATH, 'Apps')}
</ul>
</nav>
</header>
${input.mainHtml}
<script id="ui-config" type="application/json">${jsonForScript(input.config)}</script>
<script src="${ASSET_PATHS.script}" defer></script>
</body>
</html>
`;
}
