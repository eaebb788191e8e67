import { escapeHtml, safeUrl } from './html-escape';
import type { SiteUiExtensions } from '../contract';

/** `<main>` of the app's admin page `/jira/settings/apps/twin-sync`: the app's Custom UI in an iframe. */
export function appAdminHtml(adminPage: SiteUiExtensions['adminPage']): string {
  if (adminPage === undefined) {
    return `<main id="main" class="page page-apps" data-testid="page-apps">
<h1>Apps</h1>
<p class="muted" data-testid="app-not-installed" role="status">Twin Sync is not installed on this site, so it has no admin page here. Start the sandbox with the app (<code>npm start</code>) to install it.</p>
</main>`;
  }
  const src = safeUrl(adminPage.iframeUrl);
  const title = escapeHtml(adminPage.title);
  const frame =
    src === null
      ? `<p class="error" data-testid="admin-page-error" role="alert">The app's admin page address is not an http(s) URL, so it is not shown.</p>`
      : `<iframe id="admin-page-frame" class="admin-frame" data-testid="admin-page-frame" title="${title}" allow="clipboard-write" src="${escapeHtml(src)}"></iframe>`;
  return `<main id="main" class="page page-apps" data-testid="page-apps">
<h1 data-testid="admin-page-title">${title}</h1>
${frame}
</main>`;
}
