import { escapeHtml } from './html-escape';

/** `<main>` of the issue view `/browse/KEY` (filled by the client from the REST API). */
export function issueViewHtml(key: string, panelTitle: string | null): string {
  const k = escapeHtml(key);
  const panel =
    panelTitle === null
      ? ''
      : `<section id="issue-panel" class="card" data-testid="issue-panel" aria-labelledby="issue-panel-heading">
<h2 id="issue-panel-heading" data-testid="issue-panel-title">${escapeHtml(panelTitle)}</h2>
<div id="issue-panel-slot" data-testid="issue-panel-slot"></div>
</section>`;
  return `<main id="main" class="page page-issue" data-testid="page-issue" data-issue-key="${k}" aria-busy="true">
<p class="breadcrumb"><a href="/" data-testid="breadcrumb-issues">Issues</a> / <span data-testid="issue-key">${k}</span></p>
<p id="issue-error" class="error" data-testid="issue-error" role="alert" hidden></p>
<p id="issue-loading" class="muted" data-testid="issue-loading" aria-live="polite">Loading ${k}…</p>
<div id="issue-view" data-testid="issue-view" hidden>
<h1 id="issue-summary" data-testid="issue-summary"></h1>
<div class="toolbar">
<button type="button" id="edit-open" data-testid="edit-open" aria-controls="edit-form" aria-expanded="false">Edit</button>
<span class="muted">Status:</span> <span id="issue-status" class="status-lozenge" data-testid="issue-status" aria-live="polite"></span>
<div id="transitions" data-testid="transitions" role="group" aria-label="Transitions"></div>
</div>
<p id="action-error" class="error" data-testid="action-error" role="alert" hidden></p>
<form id="edit-form" class="card" data-testid="edit-form" aria-labelledby="edit-heading" hidden>
<h2 id="edit-heading">Edit ${k}</h2>
<label for="edit-summary">Summary</label>
<input id="edit-summary" name="summary" type="text" data-testid="edit-summary" required maxlength="255">
<label for="edit-description">Description</label>
<textarea id="edit-description" name="description" data-testid="edit-description" rows="6" aria-describedby="edit-description-hint"></textarea>
<p id="edit-description-hint" class="hint" data-testid="edit-description-hint">Plain text; blank lines separate paragraphs.</p>
<p id="edit-description-warning" class="hint warning" data-testid="edit-description-warning" hidden>This description has formatting the plain-text editor cannot keep: if you change it, it is saved as plain text.</p>
<label for="edit-priority">Priority</label>
<select id="edit-priority" name="priority" data-testid="edit-priority"></select>
<label for="edit-labels">Labels</label>
<input id="edit-labels" name="labels" type="text" data-testid="edit-labels" autocomplete="off" aria-describedby="edit-labels-hint">
<p id="edit-labels-hint" class="hint">Separated by spaces or commas.</p>
<div id="edit-custom-fields" data-testid="edit-custom-fields"></div>
<div class="form-actions">
<button type="submit" id="edit-submit" data-testid="edit-submit">Save</button>
<button type="button" id="edit-cancel" data-testid="edit-cancel">Cancel</button>
</div>
<p id="edit-error" class="error" data-testid="edit-error" role="alert" hidden></p>
</form>
<div class="issue-layout">
<div class="issue-main">
<section aria-labelledby="description-heading">
<h2 id="description-heading">Description</h2>
<div id="issue-description" class="adf" data-testid="issue-description"></div>
</section>
${panel}
<section aria-labelledby="comments-heading">
<h2 id="comments-heading">Comments</h2>
<ol id="comment-list" class="comments" data-testid="comment-list"></ol>
<form id="comment-form" data-testid="comment-form">
<label for="comment-add">Add a comment</label>
<textarea id="comment-add" name="comment" data-testid="comment-add-input" rows="3"></textarea>
<div class="form-actions"><button type="submit" id="comment-add-submit" data-testid="comment-add-submit">Add comment</button></div>
</form>
<p id="comment-error" class="error" data-testid="comment-error" role="alert" hidden></p>
</section>
</div>
<aside class="issue-side">
<section aria-labelledby="details-heading">
<h2 id="details-heading">Details</h2>
<dl id="issue-fields" class="fields" data-testid="issue-fields"></dl>
</section>
<section aria-labelledby="properties-heading">
<h2 id="properties-heading">Issue properties</h2>
<dl id="issue-properties" class="properties" data-testid="issue-properties"></dl>
<p id="issue-properties-empty" class="muted" data-testid="issue-properties-empty" hidden>No properties.</p>
</section>
</aside>
</div>
</div>
</main>`;
}
