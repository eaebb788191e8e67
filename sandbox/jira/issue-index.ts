import { adfText } from './adf';
import type { JqlIssue } from './jql/types';
import type { Catalog } from './storage/catalog';
import type { IssueStore } from './storage/issue-store';
import type { IssueRecord } from './storage/records';

/**
 * The JqlIssue row of every issue, kept in memory and in step with storage: the site rebuilds an
 * issue's row after each committed change, so searches never touch SQLite.
 */
export class IssueIndex {
  private readonly rows = new Map<number, JqlIssue>();

  constructor(private readonly store: IssueStore, private readonly catalog: Catalog) {}

  /** builds every row from storage (at start-up) */
  load(): void {
    this.rows.clear();
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
      this.rows.set(issue.id, this.build(issue, comments.get(issue.id) ?? [], props.get(issue.id) ?? {}));
    }
  }

  /** re-reads one issue from storage (or drops it when deleted) */
  refresh(issueId: number): void {
    const issue = this.store.issueById(issueId);
    if (!issue) {
      this.rows.delete(issueId);
      return;
    }
    const comments = this.store.comments(issueId).map((c) => adfText(c.body));
    const properties: Record<string, unknown> = {};
    for (const p of this.store.properties(issueId)) properties[p.key] = p.value;
    this.rows.set(issueId, this.build(issue, comments, properties));
  }

  all(): IterableIterator<JqlIssue> {
    return this.rows.values();
  }

  get size(): number {
    return this.rows.size;
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
      customFields: { ...i.custom }, properties,
    };
  }
}
