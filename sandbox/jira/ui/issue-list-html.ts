import { escapeHtml } from './html-escape';

export const DEFAULT_JQL = 'ORDER BY created DESC';

/** `<main>` of the issue list page `/`: JQL search, results table, create form (filled by the client). */
export function issueListHtml(jql: string): string {
  return `<main id="main" class="page page-issues" data-testid="page-issues">
<h1>Issues</h1>
<div class="issues-layout">
<section class="search" aria-labelledby="search-heading">
<h2 id="search-heading" class="visually-hidden">Search</h2>
<form id="jql-form" data-testid="jql-form" role="search">
<label for="jql-input">JQL</label>
<div class="inline-field">
<input id="jql-input" name="jql" type="text" data-testid="jql-input" value="${escapeHtml(jql)}" autocomplete="off" spellcheck="false" aria-describedby="jql-error">
<button type="submit" data-testid="jql-submit">Search</button>
</div>
</form>
<p id="jql-error" class="error" data-testid="jql-error" role="alert" hidden></p>
<p id="issue-list-status" class="muted" data-testid="issue-list-status" aria-live="polite">Loading issues…</p>
<table id="issue-table" class="issue-table" data-testid="issue-table" aria-busy="true">
<caption class="visually-hidden">Issues matching the JQL</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Summary</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Updated</th></tr></thead>
<tbody id="issue-rows" data-testid="issue-rows"></tbody>
</table>
<button type="button" id="load-more" data-testid="load-more" hidden>Load more</button>
</section>
<section class="create card" aria-labelledby="create-heading">
<h2 id="create-heading">Create issue</h2>
<form id="create-form" data-testid="create-form">
<label for="create-project">Project</label>
<select id="create-project" name="project" data-testid="create-project" required></select>
<label for="create-issuetype">Issue type</label>
<select id="create-issuetype" name="issuetype" data-testid="create-issuetype" required></select>
<label for="create-summary">Summary</label>
<input id="create-summary" name="summary" type="text" data-testid="create-summary" required maxlength="255">
<label for="create-description">Description</label>
<textarea id="create-description" name="description" data-testid="create-description" rows="5" aria-describedby="create-description-hint"></textarea>
<p id="create-description-hint" class="hint">Plain text; blank lines separate paragraphs.</p>
<label for="create-priority">Priority</label>
<select id="create-priority" name="priority" data-testid="create-priority"></select>
<label for="create-labels">Labels</label>
<input id="create-labels" name="labels" type="text" data-testid="create-labels" aria-describedby="create-labels-hint" autocomplete="off">
<p id="create-labels-hint" class="hint">Separated by spaces or commas.</p>
<button type="submit" id="create-submit" data-testid="create-submit">Create</button>
</form>
<p id="create-error" class="error" data-testid="create-error" role="alert" hidden></p>
<p id="create-result" class="success" data-testid="create-result" aria-live="polite" hidden></p>
</section>
</div>
</main>`;
}
