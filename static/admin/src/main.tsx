import { invoke, router, view } from '@forge/bridge';
import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createAdminApi } from '../../shared/src/api/admin-api';
import { FirstRenderMark } from '../../shared/src/ui/first-render-mark';
import type { LinkHost } from '../../shared/src/ui/issue-link';
import { storageTabMemory, type TabMemory } from '../../shared/src/ui/tab-memory';
import '../../shared/src/ui/styles.css';
import { AdminApp } from './admin-app';

// The one place the admin page touches @forge/bridge; the views get the typed client.
// Design tokens come from the host (Jira, or the sandbox host) once theming is enabled.
view.theme.enable().catch((e: unknown) => console.warn('Theming is not available:', e));

const api = createAdminApi((key, payload) => invoke(key, payload));

/** the frame's sessionStorage, or none where the browser refuses storage to the frame */
function sessionTabMemory(): TabMemory | undefined {
  try {
    return storageTabMemory(window.sessionStorage, 'twin-sync:admin-tab');
  } catch (error) {
    console.warn('The selected tab is not kept over a reload: no session storage here.', error);
    return undefined;
  }
}
const tabMemory = sessionTabMemory();

/** The page, with issue links opened through the host's router once the site's URL is known. */
function Root() {
  const [siteUrl, setSiteUrl] = useState<string | null>(null);
  useEffect(() => {
    view.getContext().then((context) => setSiteUrl(context.siteUrl)).catch((e: unknown) => console.warn('The page context is not available:', e));
  }, []);
  const links = useMemo((): LinkHost => ({
    siteUrl,
    openIssue: (issueKey) => router.open({ target: 'issue', issueKey }),
    openUrl: (url) => router.open(url),
  }), [siteUrl]);
  return <AdminApp api={api} links={links} {...(tabMemory === undefined ? {} : { tabMemory })} />;
}

const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element.');
createRoot(root).render(
  <FirstRenderMark name="twin-sync:first-render">
    <Root />
  </FirstRenderMark>,
);
