import { invoke, view } from '@forge/bridge';
import { createRoot } from 'react-dom/client';
import { createAdminApi } from '../../shared/src/api/admin-api';
import { FirstRenderMark } from '../../shared/src/ui/first-render-mark';
import '../../shared/src/ui/styles.css';
import { AdminApp } from './admin-app';

// The one place the admin page touches @forge/bridge; the views get the typed client.
// Design tokens come from the host (Jira, or the sandbox host) once theming is enabled.
view.theme.enable().catch((e: unknown) => console.warn('Theming is not available:', e));
const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element.');
createRoot(root).render(
  <FirstRenderMark name="twin-sync:first-render">
    <AdminApp api={createAdminApi((key, payload) => invoke(key, payload))} />
  </FirstRenderMark>,
);
