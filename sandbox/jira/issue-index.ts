import { adfText } from './adf';
import { jqlCustomFieldValues } from './custom-field-values';
import type { JqlIssue } from './jql/types';
import type { Catalog } from './storage/catalog';
import type { IssueStore } from './storage/issue-store';
import type { IssueRecord } from './storage/records';

/** One issue as the search index holds it: its JQL row and the record its search results show. */
export interface IndexedIssue {
  row: JqlIssue;
  record: IssueRecord;
}

interface PendingVersion {
  issueId: number;
  /** site time (epoch ms) from which searches see this version */
  visibleAt: number;
  /** null: the issue was deleted */
  version: IndexedIssue | null;
}

/**
 * Jira's JQL search is eventually consistent: "The API doesn't provide read-after-write consistency
 * by default … subsequent search operations using the API without the reconcileIssues parameter may
 * return stale or outdated data … The delay might vary from a few seconds to minutes, depending on
 * the operation. The majority of modifications are shown within seconds."
 * (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/), and GET/POST
 * /search/jql and /search/approximate-count: "Recent updates might not be immediately visible"
 * (the OpenAPI description, searchAndReconsileIssuesUsingJql, countIssues).
 * The default is the harsher end of that range, one minute for every change; tests set it per site.
 */
export const DEFAULT_SEARCH_INDEX_LAG_MS = 60_000;

/**
 * The JqlIssue row of every issue, kept in memory so searches never touch SQLite. Two views:
 * `current` follows storage at once (each committed change rebuilds that issue's entry); what
 * searches see follows it one lag later, version by version, on the site clock. `reconcileIssues`
 * reads chosen issues from `current`.
 */
export class IssueIndex {
  private readonly current = new Map<number, IndexedIssue>();
  private readonly visible = new Map<number, IndexedIssue>();
  /** versions not yet visible, in visibleAt order */
  private pending: PendingVersion[] = [];
  private lagMs: number;

  constructor(private readonly store: IssueStore, private readonly catalog: Catalog, private readonly now: () => number, lagMs = DEFAULT_SEARCH_INDEX_LAG_MS) {
    this.lagMs = checkedLag(lagMs);
  }

  /** builds every entry from storage (at start-up: what is stored is already indexed) */
  load(): void {
    this.current.clear();
    this.visible.clear();
    this.pending = [];
    const comments = new Map<number, string[]>();
    for (const c of this.store.allComments()) {
      const list = comments.get(c.issueId) ?? [];
      list.push(adfText(c.body));
      comments.set(c.issueId, list);
    }
    const props = new Map<number, Record<string, unknown>>();
    for (const p of this.store.allProperties()) {
      const rec = props.get(p.issueId) ?? {};
      rec[p.key] = p.value;
      props.set(p.issueId, rec);
    }
    for (const issue of this.store.allIssues()) {
      const entry = { row: this.build(issue, comments.get(issue.id) ?? [], props.get(issue.id) ?? {}), record: issue };
      this.current.set(issue.id, entry);
      this.visible.set(issue.id, entry);
    }
  }

  /** the lag from a committed change to searches seeing it; 0 makes searches consistent (and shows what is pending now) */
  setLag(ms: number): void {
    this.lagMs = checkedLag(ms);
    if (this.lagMs === 0) this.settleAll();
  }

  get lag(): number {
    return this.lagMs;
  }

  /** re-reads one issue from storage after a commit (or notes its deletion); searches see it one lag later */
  refresh(issueId: number): void {
    const issue = this.store.issueById(issueId);
    let version: IndexedIssue | null = null;
    if (!issue) {
      this.current.delete(issueId);
    } else {
      const comments = this.store.comments(issueId).map((c) => adfText(c.body));
      const properties: Record<string, unknown> = {};
      for (const p of this.store.properties(issueId)) properties[p.key] = p.value;
      version = { row: this.build(issue, comments, properties), record: issue };
      this.current.set(issueId, version);
    }
    if (this.lagMs === 0) {
      this.show(issueId, version);
      return;
    }
    const visibleAt = this.now() + this.lagMs;
    let at = this.pending.length;
    while (at > 0 && (this.pending[at - 1]?.visibleAt ?? 0) > visibleAt) at -= 1;
    this.pending.splice(at, 0, { issueId, visibleAt, version });
  }

  /**
   * what a search sees now: the indexed entries, with the issues of `reconcile` (ids) as they are
   * stored now (absent when deleted, present when just created)
   */
  searchable(reconcile: ReadonlySet<number> = new Set()): IndexedIssue[] {
    this.settle(this.now());
    const out: IndexedIssue[] = [];
    for (const [id, entry] of this.visible) if (!reconcile.has(id)) out.push(entry);
    for (const id of reconcile) {
      const entry = this.current.get(id);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** makes every pending change visible now (tests: "wait until the index caught up") */
  settleAll(): void {
    for (const p of this.pending) this.show(p.issueId, p.version);
    this.pending = [];
  }

  /** changes not yet visible to searches */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** the number of stored issues */
  get size(): number {
    return this.current.size;
  }

  private settle(now: number): void {
    let done = 0;
    for (const p of this.pending) {
      if (p.visibleAt > now) break;
      this.show(p.issueId, p.version);
      done += 1;
    }
    if (done > 0) this.pending = this.pending.slice(done);
  }

  private show(issueId: number, version: IndexedIssue | null): void {
    if (version === null) this.visible.delete(issueId);
    else this.visible.set(issueId, version);
  }

  private build(i: IssueRecord, commentTexts: string[], properties: Record<string, unknown>): JqlIssue {
    const project = this.catalog.projectById(i.projectId);
    const type = this.catalog.issueTypeById(i.issueTypeId);
    const status = this.catalog.statusById(i.statusId);
    const priority = i.priorityId === null ? null : this.catalog.priorityById(i.priorityId);
    return {
      id: String(i.id), key: i.key, keyNumber: i.number, projectId: String(project.id), projectKey: project.key,
      projectName: project.name, issueTypeId: String(type.id), issueTypeName: type.name, statusId: String(status.id),
      statusName: status.name, statusCategoryKey: status.categoryKey, priorityId: priority ? String(priority.id) : null,
      priorityName: priority ? priority.name : null, labels: [...i.labels], summary: i.summary,
      descriptionText: i.description === null ? '' : adfText(i.description), commentTexts, created: i.created,
      updated: i.updated, dueDate: i.dueDate, reporterAccountId: i.reporter, assigneeAccountId: i.assignee,
      customFields: jqlCustomFieldValues(this.catalog, i.custom), properties,
    };
  }
}

function checkedLag(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`search index lag must be a non-negative number of milliseconds, got ${ms}`);
  return ms;
}
