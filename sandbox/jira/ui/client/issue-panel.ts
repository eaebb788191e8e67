import type { Api } from './api';
import { byId, h, replaceChildren } from './dom';
import { str } from './guards';

/** The app's issue panel: asks the server for the panel's address for this issue and embeds it. */
export async function loadIssuePanel(api: Api, key: string, id: string): Promise<void> {
  const slot = byId('issue-panel-slot', HTMLElement);
  const data = await api.get(`/_ui/issue-panel?key=${encodeURIComponent(key)}&id=${encodeURIComponent(id)}`);
  const src = str(data, 'iframeUrl');
  if (src === undefined) throw new Error('The issue panel has no address.');
  const frame = h('iframe', {
    id: 'issue-panel-frame',
    className: 'panel-frame',
    testid: 'issue-panel-frame',
    attrs: { title: str(data, 'title') ?? 'App panel', allow: 'clipboard-write', src },
  });
  replaceChildren(slot, [frame]);
}
