import type { Api } from './api';
import { byId, h, replaceChildren } from './dom';
import { arr, isRecord, str } from './guards';

/** The issue's entity properties, read-only (useful to see what the sync stored on an issue). */
export async function loadIssueProperties(api: Api, key: string): Promise<void> {
  const list = byId('issue-properties', HTMLElement);
  const empty = byId('issue-properties-empty', HTMLElement);
  const base = `/rest/api/3/issue/${encodeURIComponent(key)}/properties`;
  const keys = arr(await api.get(base), 'keys')
    .map((k) => str(k, 'key'))
    .filter((k): k is string => k !== undefined)
    .sort();
  const values = await Promise.all(keys.map((k) => api.get(`${base}/${encodeURIComponent(k)}`)));
  const rows = keys.map((k, i) => {
    const property = values[i];
    const value = isRecord(property) && 'value' in property ? property['value'] : property;
    return h('div', { testid: 'issue-property', attrs: { 'data-property-key': k } }, [
      h('dt', {}, [k]),
      h('dd', {}, [h('pre', {}, [JSON.stringify(value, null, 2)])]),
    ]);
  });
  replaceChildren(list, rows);
  empty.hidden = rows.length > 0;
}
