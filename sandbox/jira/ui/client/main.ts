import { createApi } from './api';
import { parseClientConfig } from './client-config';
import { listenForFrameResize } from './frame-resize';
import { startIssueList } from './issue-list';
import { startIssueView } from './issue-view';

/** Entry of the web UI's browser script: reads the page's configuration and starts that page. */

function start(): void {
  const configEl = document.getElementById('ui-config');
  const config = parseClientConfig(JSON.parse(configEl?.textContent ?? 'null'));
  const api = createApi(config.authorization);
  listenForFrameResize();
  switch (config.page.kind) {
    case 'issues':
      startIssueList(api, config.page.jql);
      break;
    case 'issue':
      startIssueView(api, config.page.key, config.siteName, config.page.panelTitle !== null);
      break;
    case 'admin':
      // server-rendered: the app's page lives in its iframe (resized on request, see frame-resize)
      break;
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
