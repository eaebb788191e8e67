import { invoke, view } from '@forge/bridge';
import { createRoot } from 'react-dom/client';
import * as z from 'zod/mini';
import { createPanelApi } from '../../shared/src/api/panel-api';
import { FirstRenderMark } from '../../shared/src/ui/first-render-mark';
import '../../shared/src/ui/styles.css';
import { PanelApp } from './panel-app';

// The one place the issue panel touches @forge/bridge; the view gets the typed client.
const contextSchema = z.looseObject({
  extension: z.optional(z.looseObject({ issue: z.optional(z.looseObject({ key: z.string() })) })),
});

view.theme.enable().catch((e: unknown) => console.warn('Theming is not available:', e));
const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element.');
const api = createPanelApi((key, payload) => invoke(key, payload));
view
  .getContext()
  .then((context) => contextSchema.safeParse(context).data?.extension?.issue?.key ?? null)
  .catch((e: unknown) => {
    console.warn('No issue context:', e);
    return null;
  })
  .then((issueKey) =>
    createRoot(root).render(
      <FirstRenderMark name="twin-sync:first-render">
        <PanelApp api={api} issueKey={issueKey} />
      </FirstRenderMark>,
    ),
  );
