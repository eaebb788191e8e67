import { z } from 'zod';
import type { Counters, Db } from './db';
import type { ChangeItem, ChangelogRecord, CommentRecord, IssueRecord } from './records';

const issueRow = z.object({
  id: z.number(), key: z.string(), project_id: z.number(), number: z.number(), issue_type_id: z.number(),
  status_id: z.number(), priority_id: z.number().nullable(), parent_id: z.number().nullable(), summary: z.string(),
  description: z.string().nullable(), labels: z.string(), due_date: z.string().nullable(), reporter: z.string().nullable(),
  assignee: z.string().nullable(), creator: z.string(), created: z.number(), updated: z.number(),
  status_changed: z.number(), custom: z.string(), components: z.string(), fix_versions: z.string(), resolution_id: z.number().nullable(),
});
const commentRow = z.object({
  id: z.number(), issue_id: z.number(), author: z.string(), update_author: z.string(), body: z.string(),
  created: z.number(), updated: z.number(),
});
const propertyRow = z.object({ key: z.string(), value: z.string() });
const changelogRow = z.object({ id: z.number(), issue_id: z.number(), author: z.string(), created: z.number(), items: z.string() });
const changeItem = z.object({
  field: z.string(), fieldId: z.string(), fieldtype: z.string(), from: z.string().nullable(),
  fromString: z.string().nullable(), to: z.string().nullable(), toString: z.string().nullable(),
});
const changeItems = z.array(changeItem);
const idRow = z.object({ id: z.number() });
const issuePropertyRow = z.object({ issue_id: z.number(), key: z.string(), value: z.string() });
const labelsJson = z.array(z.string());
const customJson = z.record(z.string(), z.unknown());
const idsJson = z.array(z.number());

function toIssue(r: unknown): IssueRecord {
  const i = issueRow.parse(r);
  return {
    id: i.id, key: i.key, projectId: i.project_id, number: i.number, issueTypeId: i.issue_type_id,
    statusId: i.status_id, priorityId: i.priority_id, parentId: i.parent_id, summary: i.summary,
    description: i.description === null ? null : JSON.parse(i.description),
    labels: labelsJson.parse(JSON.parse(i.labels)), dueDate: i.due_date, reporter: i.reporter,
    assignee: i.assignee, creator: i.creator, created: i.created, updated: i.updated,
    statusChanged: i.status_changed, custom: customJson.parse(JSON.parse(i.custom)),
    components: idsJson.parse(JSON.parse(i.components)), fixVersions: idsJson.parse(JSON.parse(i.fix_versions)),
    resolutionId: i.resolution_id,
  };
}

function toComment(r: unknown): CommentRecord {
  const c = commentRow.parse(r);
  return { id: c.id, issueId: c.issue_id, author: c.author, updateAuthor: c.update_author, body: JSON.parse(c.body), created: c.created, updated: c.updated };
}

function issueParams(i: IssueRecord): unknown[] {
  return [i.key, i.projectId, i.number, i.issueTypeId, i.statusId, i.priorityId, i.parentId, i.summary,
    i.description === null ? null : JSON.stringify(i.description), JSON.stringify(i.labels), i.dueDate,
    i.reporter, i.assignee, i.creator, i.created, i.updated, i.statusChanged, JSON.stringify(i.custom),
    JSON.stringify(i.components), JSON.stringify(i.fixVersions), i.resolutionId, i.id];
}

/** Issues, comments, entity properties and change history, through prepared statements. */
export class IssueStore {
  private readonly s;

  constructor(db: Db, private readonly counters: Counters) {
    const cols = 'key, project_id, number, issue_type_id, status_id, priority_id, parent_id, summary, description, labels, due_date, reporter, assignee, creator, created, updated, status_changed, custom, components, fix_versions, resolution_id, id';
    this.s = {
      insertIssue: db.prepare(`INSERT INTO issues (${cols}) VALUES (${cols.split(',').map(() => '?').join(', ')})`),
      updateIssue: db.prepare(`UPDATE issues SET ${cols.split(', ').filter((c) => c !== 'id').map((c) => `${c} = ?`).join(', ')} WHERE id = ?`),
      issueById: db.prepare('SELECT * FROM issues WHERE id = ?'),
      issueByKey: db.prepare('SELECT * FROM issues WHERE key = ?'),
      allIssues: db.prepare('SELECT * FROM issues'),
      deleteIssue: db.prepare('DELETE FROM issues WHERE id = ?'),
      childIds: db.prepare('SELECT id FROM issues WHERE parent_id = ?'),
      insertComment: db.prepare('INSERT INTO comments (id, issue_id, author, update_author, body, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      updateComment: db.prepare('UPDATE comments SET update_author = ?, body = ?, updated = ? WHERE id = ?'),
      deleteComment: db.prepare('DELETE FROM comments WHERE id = ?'),
      comment: db.prepare('SELECT * FROM comments WHERE id = ? AND issue_id = ?'),
      comments: db.prepare('SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id'),
      allComments: db.prepare('SELECT * FROM comments ORDER BY created, id'),
      properties: db.prepare('SELECT key, value FROM issue_properties WHERE issue_id = ? ORDER BY key'),
      allProperties: db.prepare('SELECT issue_id, key, value FROM issue_properties'),
      property: db.prepare('SELECT key, value FROM issue_properties WHERE issue_id = ? AND key = ?'),
      setProperty: db.prepare('INSERT INTO issue_properties (issue_id, key, value) VALUES (?, ?, ?) ON CONFLICT(issue_id, key) DO UPDATE SET value = excluded.value'),
      deleteProperty: db.prepare('DELETE FROM issue_properties WHERE issue_id = ? AND key = ?'),
      insertChangelog: db.prepare('INSERT INTO changelogs (id, issue_id, author, created, items) VALUES (?, ?, ?, ?, ?)'),
      changelogs: db.prepare('SELECT * FROM changelogs WHERE issue_id = ? ORDER BY id'),
    };
  }

  newIssueId(): number {
    return this.counters.take('issue');
  }

  issue(idOrKey: string): IssueRecord | undefined {
    const row = /^\d+$/.test(idOrKey) ? this.s.issueById.get(Number(idOrKey)) : this.s.issueByKey.get(idOrKey.toUpperCase());
    return row === undefined ? undefined : toIssue(row);
  }
  issueById(id: number): IssueRecord | undefined {
    const row = this.s.issueById.get(id);
    return row === undefined ? undefined : toIssue(row);
  }
  allIssues(): IssueRecord[] {
    return this.s.allIssues.all().map(toIssue);
  }
  insertIssue(i: IssueRecord): void {
    this.s.insertIssue.run(...issueParams(i));
  }
  updateIssue(i: IssueRecord): void {
    this.s.updateIssue.run(...issueParams(i));
  }
  deleteIssue(id: number): void {
    this.s.deleteIssue.run(id);
  }
  childIds(id: number): number[] {
    return this.s.childIds.all(id).map((r) => idRow.parse(r).id);
  }

  comments(issueId: number): CommentRecord[] {
    return this.s.comments.all(issueId).map(toComment);
  }
  allComments(): CommentRecord[] {
    return this.s.allComments.all().map(toComment);
  }
  comment(issueId: number, commentId: number): CommentRecord | undefined {
    const row = this.s.comment.get(commentId, issueId);
    return row === undefined ? undefined : toComment(row);
  }
  insertComment(issueId: number, author: string, body: unknown, at: number): CommentRecord {
    const id = this.counters.take('comment');
    this.s.insertComment.run(id, issueId, author, author, JSON.stringify(body), at, at);
    return { id, issueId, author, updateAuthor: author, body, created: at, updated: at };
  }
  updateComment(c: CommentRecord): void {
    this.s.updateComment.run(c.updateAuthor, JSON.stringify(c.body), c.updated, c.id);
  }
  deleteComment(id: number): void {
    this.s.deleteComment.run(id);
  }

  properties(issueId: number): { key: string; value: unknown }[] {
    return this.s.properties.all(issueId).map((r) => {
      const p = propertyRow.parse(r);
      return { key: p.key, value: JSON.parse(p.value) };
    });
  }
  allProperties(): { issueId: number; key: string; value: unknown }[] {
    return this.s.allProperties.all().map((r) => {
      const p = issuePropertyRow.parse(r);
      return { issueId: p.issue_id, key: p.key, value: JSON.parse(p.value) };
    });
  }
  property(issueId: number, key: string): { key: string; value: unknown } | undefined {
    const row = this.s.property.get(issueId, key);
    if (row === undefined) return undefined;
    const p = propertyRow.parse(row);
    return { key: p.key, value: JSON.parse(p.value) };
  }
  setProperty(issueId: number, key: string, value: unknown): void {
    this.s.setProperty.run(issueId, key, JSON.stringify(value));
  }
  deleteProperty(issueId: number, key: string): boolean {
    return this.s.deleteProperty.run(issueId, key).changes > 0;
  }

  insertChangelog(issueId: number, author: string, at: number, items: ChangeItem[]): ChangelogRecord {
    const id = this.counters.take('changelog');
    this.s.insertChangelog.run(id, issueId, author, at, JSON.stringify(items));
    return { id, issueId, author, created: at, items };
  }
  changelogs(issueId: number): ChangelogRecord[] {
    return this.s.changelogs.all(issueId).map((r) => {
      const c = changelogRow.parse(r);
      return { id: c.id, issueId: c.issue_id, author: c.author, created: c.created, items: changeItems.parse(JSON.parse(c.items)) };
    });
  }
}
