import { errorText, type Api } from './api';
import { adfToRenderModel } from './adf-render';
import { adfToPlainText, textToAdf } from './adf-text';
import { byId, h, renderModelToDom, replaceChildren, showMessage } from './dom';
import { formatDateTime } from './field-format';
import { arr, num, rec, str } from './guards';

/** The comments of the issue view: list (all pages), add, edit in place, delete with confirmation. */

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

export interface CommentsView {
  reload(): Promise<void>;
}

async function fetchAllComments(api: Api, key: string): Promise<unknown[]> {
  const all: unknown[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await api.get(`/rest/api/3/issue/${encodeURIComponent(key)}/comment?startAt=${all.length}&maxResults=${PAGE_SIZE}&orderBy=created`);
    const comments = arr(data, 'comments');
    all.push(...comments);
    const total = num(data, 'total') ?? all.length;
    if (comments.length === 0 || all.length >= total) break;
  }
  return all;
}

export function startComments(api: Api, key: string, onChange: () => void): CommentsView {
  const list = byId('comment-list', HTMLOListElement);
  const form = byId('comment-form', HTMLFormElement);
  const input = byId('comment-add', HTMLTextAreaElement);
  const submit = byId('comment-add-submit', HTMLButtonElement);
  const errorEl = byId('comment-error', HTMLElement);
  const base = `/rest/api/3/issue/${encodeURIComponent(key)}/comment`;

  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      showMessage(errorEl, null);
      return true;
    } catch (err) {
      showMessage(errorEl, errorText(err));
      return false;
    }
  };

  const renderComment = (comment: unknown): HTMLLIElement | null => {
    const id = str(comment, 'id');
    if (id === undefined) return null;
    const author = str(rec(comment, 'author'), 'displayName') ?? 'Unknown';
    const created = str(comment, 'created');
    const updated = str(comment, 'updated');
    const body = rec(comment, 'body') ?? null;
    const bodyEl = h('div', { className: 'adf', testid: 'comment-body' }, renderModelToDom(adfToRenderModel(body)));
    const editButton = h('button', { testid: 'comment-edit', attrs: { type: 'button', 'aria-label': `Edit comment by ${author}` } }, ['Edit']);
    const deleteButton = h('button', { testid: 'comment-delete', attrs: { type: 'button', 'aria-label': `Delete comment by ${author}` } }, ['Delete']);
    const actions = h('div', { className: 'actions' }, [editButton, deleteButton]);
    const headerParts: (Node | string)[] = [h('strong', { testid: 'comment-author' }, [author])];
    if (created !== undefined) headerParts.push(h('time', { attrs: { datetime: created } }, [formatDateTime(created)]));
    if (updated !== undefined && created !== undefined && updated !== created) headerParts.push(h('span', {}, ['(edited)']));
    const item = h('li', { className: 'comment', testid: 'comment', attrs: { 'data-comment-id': id } }, [h('header', {}, headerParts), bodyEl, actions]);

    editButton.addEventListener('click', () => {
      const inputId = `comment-edit-${id}`;
      const textarea = h('textarea', { id: inputId, testid: 'comment-edit-input', attrs: { rows: '3' } });
      textarea.value = adfToPlainText(body);
      const save = h('button', { testid: 'comment-edit-save', attrs: { type: 'submit' } }, ['Save']);
      const cancel = h('button', { testid: 'comment-edit-cancel', attrs: { type: 'button' } }, ['Cancel']);
      const editForm = h('form', { className: 'comment-edit' }, [
        h('label', { attrs: { for: inputId } }, ['Edit comment']),
        textarea,
        h('div', { className: 'form-actions' }, [save, cancel]),
      ]);
      const close = (): void => {
        editForm.replaceWith(bodyEl);
        actions.hidden = false;
        editButton.focus();
      };
      cancel.addEventListener('click', close);
      editForm.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') close();
      });
      editForm.addEventListener('submit', (event) => {
        event.preventDefault();
        const adf = textToAdf(textarea.value);
        if (adf === null) {
          showMessage(errorEl, 'A comment cannot be empty.');
          return;
        }
        save.disabled = true;
        void run(() => api.put(`${base}/${encodeURIComponent(id)}`, { body: adf })).then((ok) => {
          save.disabled = false;
          if (ok) onChange();
        });
      });
      bodyEl.replaceWith(editForm);
      actions.hidden = true;
      textarea.focus();
    });

    deleteButton.addEventListener('click', () => {
      const confirmButton = h('button', { className: 'danger', testid: 'comment-delete-confirm', attrs: { type: 'button' } }, ['Delete comment']);
      const cancelButton = h('button', { testid: 'comment-delete-cancel', attrs: { type: 'button' } }, ['Cancel']);
      const confirmBox = h('div', { className: 'actions', attrs: { role: 'group', 'aria-label': 'Confirm deletion' } }, ['Delete this comment?', confirmButton, cancelButton]);
      actions.replaceWith(confirmBox);
      confirmButton.focus();
      cancelButton.addEventListener('click', () => {
        confirmBox.replaceWith(actions);
        deleteButton.focus();
      });
      confirmButton.addEventListener('click', () => {
        confirmButton.disabled = true;
        void run(() => api.del(`${base}/${encodeURIComponent(id)}`)).then((ok) => {
          confirmButton.disabled = false;
          if (ok) onChange();
        });
      });
    });
    return item;
  };

  const reload = async (): Promise<void> => {
    try {
      const comments = await fetchAllComments(api, key);
      const items = comments.map(renderComment).filter((c): c is HTMLLIElement => c !== null);
      replaceChildren(list, items.length > 0 ? items : [h('li', { className: 'muted', testid: 'comment-none' }, ['No comments yet.'])]);
    } catch (err) {
      showMessage(errorEl, `Comments: ${errorText(err)}`);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const adf = textToAdf(input.value);
    if (adf === null) {
      showMessage(errorEl, 'A comment cannot be empty.');
      input.focus();
      return;
    }
    submit.disabled = true;
    void run(() => api.post(base, { body: adf })).then((ok) => {
      submit.disabled = false;
      if (ok) {
        input.value = '';
        onChange();
      }
    });
  });

  return { reload };
}
