import { ApiError, errorText, type Api } from './api';
import { textToAdf } from './adf-text';
import { byId, h, replaceChildren, showMessage } from './dom';
import { valueText } from './field-format';
import { listItems, parseLabels } from './form-values';
import { isRecord, rec, str } from './guards';

/** The issue list page `/`: JQL search with paging, and the create-issue form. */

const LIST_FIELDS = ['issuetype', 'summary', 'status', 'priority', 'updated'];
const PAGE_SIZE = 50;
/** JQL search accepts at most 50 reconcileIssues ids */
const MAX_RECONCILED = 50;

interface ListState {
  jql: string;
  nextPageToken: string | null;
  shown: number;
  /** bumps on every new search so answers of an older search are ignored */
  generation: number;
  /**
   * ids of the issues this page created, newest last: searched with `reconcileIssues` so they show at
   * once although JQL search sees new issues only after a lag (sandbox/jira/README.md)
   */
  created: number[];
}

function issueRow(issue: unknown): HTMLTableRowElement | null {
  const key = str(issue, 'key');
  if (key === undefined) return null;
  const fields = rec(issue, 'fields');
  const cell = (field: string): HTMLTableCellElement => h('td', { attrs: { 'data-field': field } }, [valueText(fields?.[field])]);
  const link = h('a', { testid: 'issue-link', attrs: { href: `/browse/${encodeURIComponent(key)}` } }, [key]);
  return h('tr', { testid: 'issue-row', attrs: { 'data-issue-key': key } }, [
    h('th', { attrs: { scope: 'row' } }, [link]),
    cell('issuetype'),
    cell('summary'),
    cell('status'),
    cell('priority'),
    cell('updated'),
  ]);
}

function fillSelect(select: HTMLSelectElement, items: unknown[], label: (item: unknown) => string | undefined, value: (item: unknown) => string | undefined, emptyLabel?: string): void {
  const options: HTMLOptionElement[] = [];
  if (emptyLabel !== undefined) options.push(h('option', { attrs: { value: '' } }, [emptyLabel]));
  for (const item of items) {
    const text = label(item);
    const v = value(item);
    if (text !== undefined && v !== undefined) options.push(h('option', { attrs: { value: v } }, [text]));
  }
  replaceChildren(select, options);
}

export function startIssueList(api: Api, initialJql: string): void {
  const form = byId('jql-form', HTMLFormElement);
  const input = byId('jql-input', HTMLInputElement);
  const errorEl = byId('jql-error', HTMLElement);
  const statusEl = byId('issue-list-status', HTMLElement);
  const table = byId('issue-table', HTMLTableElement);
  const rows = byId('issue-rows', HTMLElement);
  const loadMore = byId('load-more', HTMLButtonElement);
  const state: ListState = { jql: initialJql, nextPageToken: null, shown: 0, generation: 0, created: [] };

  const fetchPage = async (append: boolean): Promise<void> => {
    const generation = append ? state.generation : ++state.generation;
    const body: Record<string, unknown> = { jql: state.jql, fields: LIST_FIELDS, maxResults: PAGE_SIZE };
    if (append && state.nextPageToken !== null) body['nextPageToken'] = state.nextPageToken;
    if (state.created.length > 0) body['reconcileIssues'] = [...state.created];
    statusEl.textContent = 'Loading issues…';
    table.setAttribute('aria-busy', 'true');
    loadMore.disabled = true;
    try {
      const data = await api.post('/rest/api/3/search/jql', body);
      if (generation !== state.generation) return;
      const newRows = listItems(data, 'issues').map(issueRow).filter((r): r is HTMLTableRowElement => r !== null);
      if (append) rows.append(...newRows);
      else replaceChildren(rows, newRows);
      state.shown = (append ? state.shown : 0) + newRows.length;
      const token = str(data, 'nextPageToken');
      state.nextPageToken = token !== undefined && token !== '' && !(isRecord(data) && data['isLast'] === true) ? token : null;
      showMessage(errorEl, null);
      input.removeAttribute('aria-invalid');
      statusEl.textContent = state.shown === 0 ? 'No issues match.' : `${state.shown} issue${state.shown === 1 ? '' : 's'} shown.`;
      loadMore.hidden = state.nextPageToken === null;
    } catch (err) {
      if (generation !== state.generation) return;
      if (!append) replaceChildren(rows, []);
      showMessage(errorEl, errorText(err));
      if (err instanceof ApiError && err.status === 400) input.setAttribute('aria-invalid', 'true');
      statusEl.textContent = 'The search failed.';
      loadMore.hidden = true;
    } finally {
      loadMore.disabled = false;
      if (generation === state.generation) table.setAttribute('aria-busy', 'false');
    }
  };

  const search = (jql: string): Promise<void> => {
    state.jql = jql;
    state.nextPageToken = null;
    const url = new URL(window.location.href);
    url.searchParams.set('jql', jql);
    window.history.replaceState(null, '', url.toString());
    return fetchPage(false);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(input.value);
  });
  loadMore.addEventListener('click', () => void fetchPage(true));
  void search(initialJql);
  startCreateForm(api, (createdId) => {
    if (createdId !== null) state.created = [...state.created, createdId].slice(-MAX_RECONCILED);
    return fetchPage(false);
  });
}

function startCreateForm(api: Api, refreshList: (createdId: number | null) => Promise<void>): void {
  const form = byId('create-form', HTMLFormElement);
  const project = byId('create-project', HTMLSelectElement);
  const issueType = byId('create-issuetype', HTMLSelectElement);
  const summary = byId('create-summary', HTMLInputElement);
  const description = byId('create-description', HTMLTextAreaElement);
  const priority = byId('create-priority', HTMLSelectElement);
  const labels = byId('create-labels', HTMLInputElement);
  const submit = byId('create-submit', HTMLButtonElement);
  const errorEl = byId('create-error', HTMLElement);
  const resultEl = byId('create-result', HTMLElement);

  const loadIssueTypes = async (projectKey: string): Promise<void> => {
    issueType.disabled = true;
    let types: unknown[];
    try {
      types = listItems(await api.get(`/rest/api/3/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`), 'issueTypes', 'values');
    } catch {
      // older sites: every issue type of the site
      types = listItems(await api.get('/rest/api/3/issuetype'), 'values');
    }
    const creatable = types.filter((t) => !(isRecord(t) && t['subtask'] === true));
    fillSelect(issueType, creatable, (t) => str(t, 'name'), (t) => str(t, 'id'));
    issueType.disabled = false;
  };

  const loadMeta = async (): Promise<void> => {
    submit.disabled = true;
    try {
      let projects: unknown[];
      try {
        projects = listItems(await api.get('/rest/api/3/project/search?maxResults=100'), 'values');
      } catch {
        projects = listItems(await api.get('/rest/api/3/project'), 'values');
      }
      fillSelect(project, projects, (p) => {
        const name = str(p, 'name');
        const key = str(p, 'key');
        return name !== undefined && key !== undefined ? `${name} (${key})` : undefined;
      }, (p) => str(p, 'key'));
      const priorities = listItems(await api.get('/rest/api/3/priority'), 'values');
      fillSelect(priority, priorities, (p) => str(p, 'name'), (p) => str(p, 'id'), '(default)');
      if (project.value !== '') await loadIssueTypes(project.value);
      showMessage(errorEl, null);
      submit.disabled = false;
    } catch (err) {
      showMessage(errorEl, `Could not load projects and issue types: ${errorText(err)}`);
    }
  };

  project.addEventListener('change', () => {
    loadIssueTypes(project.value).catch((err: unknown) => showMessage(errorEl, errorText(err)));
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields: Record<string, unknown> = {
      project: { key: project.value },
      issuetype: { id: issueType.value },
      summary: summary.value,
    };
    const adf = textToAdf(description.value);
    if (adf !== null) fields['description'] = adf;
    if (priority.value !== '') fields['priority'] = { id: priority.value };
    const labelList = parseLabels(labels.value);
    if (labelList.length > 0) fields['labels'] = labelList;
    submit.disabled = true;
    showMessage(resultEl, null);
    api
      .post('/rest/api/3/issue', { fields })
      .then(async (created) => {
        const key = str(created, 'key') ?? '?';
        showMessage(errorEl, null);
        replaceChildren(resultEl, ['Created ', h('a', { testid: 'create-result-link', attrs: { href: `/browse/${encodeURIComponent(key)}` } }, [key]), '.']);
        resultEl.hidden = false;
        summary.value = '';
        description.value = '';
        labels.value = '';
        const id = Number(str(created, 'id'));
        await refreshList(Number.isInteger(id) ? id : null);
      })
      .catch((err: unknown) => showMessage(errorEl, errorText(err)))
      .finally(() => {
        submit.disabled = false;
      });
  });

  void loadMeta();
}
