import { errorText, type Api } from './api';
import { adfToRenderModel } from './adf-render';
import { isPlainTextAdf } from './adf-text';
import { byId, h, renderModelToDom, replaceChildren, showMessage } from './dom';
import { issueFieldRows, type FieldRow } from './field-format';
import { listItems } from './form-values';
import { arr, rec, str, type JsonRecord } from './guards';
import { startComments } from './issue-comments';
import { customTextFields, editPayload, editValuesOf, type EditValues, type TextFieldInfo } from './issue-edit';
import { loadIssuePanel } from './issue-panel';
import { loadIssueProperties } from './issue-properties';

/** The issue view `/browse/KEY`: fields, description, edit, transitions, comments, properties, app panel. */

interface LoadedIssue {
  id: string;
  fields: JsonRecord;
  names: JsonRecord;
}

function fieldRow(row: FieldRow): HTMLDivElement {
  let value: Node[];
  switch (row.display.kind) {
    case 'empty': value = [h('span', { className: 'muted' }, ['None'])]; break;
    case 'text': value = [document.createTextNode(row.display.text)]; break;
    case 'adf': value = [h('div', { className: 'adf' }, renderModelToDom(row.display.nodes))]; break;
  }
  return h('div', { testid: `field-${row.id}`, attrs: { 'data-field-name': row.name } }, [h('dt', {}, [row.name]), h('dd', {}, value)]);
}

export function startIssueView(api: Api, key: string, siteName: string, hasPanel: boolean): void {
  const issuePath = `/rest/api/3/issue/${encodeURIComponent(key)}`;
  const loading = byId('issue-loading', HTMLElement);
  const issueError = byId('issue-error', HTMLElement);
  const view = byId('issue-view', HTMLElement);
  const summaryEl = byId('issue-summary', HTMLElement);
  const statusEl = byId('issue-status', HTMLElement);
  const transitionsEl = byId('transitions', HTMLElement);
  const actionError = byId('action-error', HTMLElement);
  const descriptionEl = byId('issue-description', HTMLElement);
  const fieldsEl = byId('issue-fields', HTMLElement);

  const editOpen = byId('edit-open', HTMLButtonElement);
  const editForm = byId('edit-form', HTMLFormElement);
  const editSummary = byId('edit-summary', HTMLInputElement);
  const editDescription = byId('edit-description', HTMLTextAreaElement);
  const editDescriptionWarning = byId('edit-description-warning', HTMLElement);
  const editPriority = byId('edit-priority', HTMLSelectElement);
  const editLabels = byId('edit-labels', HTMLInputElement);
  const editCustom = byId('edit-custom-fields', HTMLElement);
  const editSubmit = byId('edit-submit', HTMLButtonElement);
  const editCancel = byId('edit-cancel', HTMLButtonElement);
  const editError = byId('edit-error', HTMLElement);

  let current: LoadedIssue | null = null;
  let editing: { before: EditValues; customFields: TextFieldInfo[]; customInputs: Map<string, HTMLInputElement> } | null = null;
  let textFields: Promise<TextFieldInfo[]> | null = null;
  let priorities: Promise<unknown[]> | null = null;
  let panelShown = false;

  const loadIssue = async (): Promise<LoadedIssue> => {
    const data = await api.get(`${issuePath}?expand=names`);
    const id = str(data, 'id');
    const fields = rec(data, 'fields');
    if (id === undefined || fields === undefined) throw new Error('The site answered an issue without id or fields.');
    return { id, fields, names: rec(data, 'names') ?? {} };
  };

  const renderIssue = (issue: LoadedIssue): void => {
    const summary = str(issue.fields, 'summary') ?? '';
    summaryEl.textContent = summary;
    document.title = `[${key}] ${summary} — ${siteName} — Jira (sandbox)`;
    statusEl.textContent = str(rec(issue.fields, 'status'), 'name') ?? '';
    replaceChildren(descriptionEl, (() => {
      const nodes = renderModelToDom(adfToRenderModel(issue.fields['description']));
      return nodes.length > 0 ? nodes : [h('p', { className: 'muted' }, ['No description.'])];
    })());
    replaceChildren(fieldsEl, issueFieldRows(issue.fields, issue.names).map(fieldRow));
  };

  const renderTransitions = async (): Promise<void> => {
    const data = await api.get(`${issuePath}/transitions`);
    const buttons = arr(data, 'transitions').flatMap((t) => {
      const id = str(t, 'id');
      const name = str(t, 'name');
      if (id === undefined || name === undefined) return [];
      const to = str(rec(t, 'to'), 'name');
      const button = h('button', {
        testid: 'transition',
        attrs: { type: 'button', 'data-transition-id': id, 'data-transition-name': name, ...(to !== undefined && to !== name ? { title: `To ${to}` } : {}) },
      }, [name]);
      button.addEventListener('click', () => {
        for (const b of transitionsEl.querySelectorAll('button')) b.disabled = true;
        api
          .post(`${issuePath}/transitions`, { transition: { id } })
          .then(async () => {
            showMessage(actionError, null);
            await refresh();
            // the buttons were rebuilt: keep keyboard focus in the transitions group
            transitionsEl.querySelector('button')?.focus();
          })
          .catch((err: unknown) => {
            showMessage(actionError, errorText(err));
            for (const b of transitionsEl.querySelectorAll('button')) b.disabled = false;
          });
      });
      return [button];
    });
    replaceChildren(transitionsEl, buttons);
  };

  const comments = startComments(api, key, () => {
    void comments.reload();
    void refreshIssueOnly();
  });

  const refreshIssueOnly = async (): Promise<void> => {
    try {
      current = await loadIssue();
      renderIssue(current);
    } catch (err) {
      showMessage(actionError, errorText(err));
    }
  };

  /** Reloads everything but the comments. */
  const refresh = async (): Promise<void> => {
    try {
      current = await loadIssue();
    } catch (err) {
      loading.hidden = true;
      view.hidden = current === null;
      showMessage(current === null ? issueError : actionError, errorText(err));
      return;
    }
    renderIssue(current);
    loading.hidden = true;
    view.hidden = false;
    showMessage(issueError, null);
    const issue = current;
    const side: Promise<void>[] = [
      renderTransitions().catch((err: unknown) => showMessage(actionError, `Transitions: ${errorText(err)}`)),
      loadIssueProperties(api, key).catch((err: unknown) => showMessage(actionError, `Issue properties: ${errorText(err)}`)),
    ];
    if (hasPanel && !panelShown) {
      panelShown = true;
      side.push(loadIssuePanel(api, key, issue.id).catch((err: unknown) => showMessage(actionError, `App panel: ${errorText(err)}`)));
    }
    await Promise.all(side);
  };

  const closeEdit = (): void => {
    editForm.hidden = true;
    editing = null;
    editOpen.setAttribute('aria-expanded', 'false');
    editOpen.focus();
  };

  const openEdit = async (): Promise<void> => {
    if (current === null) return;
    editOpen.disabled = true;
    try {
      textFields ??= api.get('/rest/api/3/field').then((d) => customTextFields(listItems(d, 'values')));
      priorities ??= api.get('/rest/api/3/priority').then((d) => listItems(d, 'values'));
      const [customFields, priorityList] = await Promise.all([textFields, priorities]);
      const before = editValuesOf(current.fields, customFields);
      editSummary.value = before.summary;
      editDescription.value = before.description;
      editDescriptionWarning.hidden = isPlainTextAdf(current.fields['description']);
      editLabels.value = before.labels;
      const options = [h('option', { attrs: { value: '' } }, ['(none)'])];
      for (const p of priorityList) {
        const id = str(p, 'id');
        const name = str(p, 'name');
        if (id !== undefined && name !== undefined) options.push(h('option', { attrs: { value: id } }, [name]));
      }
      replaceChildren(editPriority, options);
      editPriority.value = before.priorityId;
      const customInputs = new Map<string, HTMLInputElement>();
      replaceChildren(editCustom, customFields.flatMap((f) => {
        const inputId = `edit-cf-${f.id}`;
        const input = h('input', { id: inputId, testid: inputId, attrs: { type: 'text', name: f.id, autocomplete: 'off' } });
        input.value = before.custom[f.id] ?? '';
        customInputs.set(f.id, input);
        return [h('label', { attrs: { for: inputId } }, [f.name]), input];
      }));
      editing = { before, customFields, customInputs };
      showMessage(editError, null);
      editForm.hidden = false;
      editOpen.setAttribute('aria-expanded', 'true');
      editSummary.focus();
    } catch (err) {
      showMessage(actionError, errorText(err));
    } finally {
      editOpen.disabled = false;
    }
  };

  editOpen.addEventListener('click', () => {
    if (editForm.hidden) void openEdit();
    else closeEdit();
  });
  editCancel.addEventListener('click', closeEdit);
  editForm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeEdit();
  });
  editForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (editing === null) return;
    const custom: Record<string, string> = {};
    for (const [id, input] of editing.customInputs) custom[id] = input.value;
    const after: EditValues = { summary: editSummary.value, description: editDescription.value, priorityId: editPriority.value, labels: editLabels.value, custom };
    const fields = editPayload(editing.before, after);
    if (fields === null) {
      closeEdit();
      return;
    }
    editSubmit.disabled = true;
    api
      .put(issuePath, { fields })
      .then(async () => {
        closeEdit();
        await refresh();
      })
      .catch((err: unknown) => showMessage(editError, errorText(err)))
      .finally(() => {
        editSubmit.disabled = false;
      });
  });

  const main = byId('main', HTMLElement);
  void refresh()
    .then(() => (current !== null ? comments.reload() : undefined))
    .finally(() => main.setAttribute('aria-busy', 'false'));
}

