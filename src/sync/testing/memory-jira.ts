import { z } from 'zod';
import { withoutAttribution } from '../comment-attribution';
import type { Clock } from '../../ports/clock';
import {
  JiraError, type ChangedIssue, type CreateIssueInput, type IssueFieldWrite, type IssueOrigin, type IssueRef, type JiraPort, type LocalComment, type LocalIssue, type Transition,
} from '../../ports/jira';
import type { RulesMetadata } from '../../ports/rules';
import type { AdfDoc, JsonValue, UserRef } from '../../model/replica';

export interface MemoryIssue extends LocalIssue {
  properties: Record<string, unknown>;
}

export interface JiraEventOut {
  eventType: 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:commented:issue' | 'avi:jira:deleted:comment';
  issueId: string;
  changedFields: string[] | null;
}

export const STATUSES = [
  { name: 'Open', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
];

/**
 * An in-memory Jira site in local terms, implementing JiraPort for the app and offering user
 * operations that emit product events (the app's own writes emit none: `ignoreSelf`).
 * The workflow is a cycle Open → In Progress → Done → Open, so Open → Done needs two transitions.
 */
export class MemoryJira implements JiraPort {
  readonly issues = new Map<string, MemoryIssue>();
  readonly calls: Record<string, number> = {};
  private nextId = 10000;
  private nextComment = 50000;
  private readonly keyCounter = new Map<string, number>();
  private readonly listeners: ((event: JiraEventOut) => void)[] = [];
  /** called after each app call with its name; throw from it to simulate a failure after the work was done */
  afterCall: (name: string) => void = () => undefined;
  /** called before each person's action (the World moves its clock a millisecond: a person acts after the app's last write) */
  beforeUserAction: () => void = () => undefined;
  /** called before each app call; throw to fail before any work */
  beforeCall: (name: string) => void = () => undefined;
  readonly appUser: UserRef;
  /**
   * JQL searches without `reconcileIssues` see an issue only this long after it was created, as
   * Jira's search index lags ("recent updates might not be immediately visible"). A search by id with
   * reconcileIssues (`getIssueInScope`) is consistent.
   */
  searchLagMs = 0;

  constructor(
    readonly siteName: string,
    readonly projects: string[],
    private readonly clock: Clock,
    readonly customFieldNames: string[] = ['Remote issue key', 'Team'],
  ) {
    this.appUser = { accountId: `app-${siteName}`, displayName: 'Twin Sync', email: null };
  }

  onEvent(listener: (event: JiraEventOut) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: JiraEventOut): void {
    for (const l of this.listeners) l(event);
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    this.beforeCall(name);
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private copy(issue: MemoryIssue): LocalIssue {
    const { properties, ...rest } = structuredClone(issue);
    const origin = z.object({ connectionId: z.string() }).safeParse(properties['twinSync.origin']);
    return origin.success ? { ...rest, originConnectionId: origin.data.connectionId } : rest;
  }

  private find(idOrKey: string): MemoryIssue | undefined {
    return this.issues.get(idOrKey) ?? [...this.issues.values()].find((i) => i.key === idOrKey);
  }

  // ---- JiraPort (the app, asApp) ----
  async getIssue(issueId: string): Promise<LocalIssue | null> {
    this.count('getIssue');
    const issue = this.find(issueId);
    const result = issue ? this.copy(issue) : null;
    this.afterCall('getIssue');
    return result;
  }

  async getIssueInScope(issueId: string, jql: string): Promise<LocalIssue | null> {
    this.count('search');
    const match = /^project\s*=\s*"?([A-Z0-9]+)"?$/.exec(jql.trim());
    if (!match) throw new JiraError(`unsupported JQL in the memory site: ${jql}`, 400);
    const issue = this.find(issueId);
    const result = issue && issue.projectKey === match[1] ? this.copy(issue) : null;
    this.afterCall('search');
    return result;
  }

  async findIssueByOrigin(origin: IssueOrigin): Promise<IssueRef | null> {
    this.count('search');
    const indexedBefore = this.clock.now() - this.searchLagMs;
    const found = [...this.issues.values()].filter((i) => {
      if (Date.parse(i.created) > indexedBefore) return false;
      const p = i.properties['twinSync.origin'];
      return typeof p === 'object' && p !== null && 'remoteIssueId' in p && 'connectionId' in p && p.remoteIssueId === origin.remoteIssueId && p.connectionId === origin.connectionId;
    });
    this.afterCall('search');
    const first = found[0];
    return first ? { id: first.id, key: first.key } : null;
  }

  async createIssue(input: CreateIssueInput): Promise<IssueRef> {
    this.count('createIssue');
    if (!this.projects.includes(input.projectKey)) throw new JiraError(`project ${input.projectKey} does not exist`, 400);
    const issue = this.newIssue(input.projectKey, input.typeName, this.appUser);
    this.write(issue, input.fields);
    issue.properties['twinSync.origin'] = { ...input.origin };
    this.issues.set(issue.id, issue);
    this.afterCall('createIssue');
    return { id: issue.id, key: issue.key };
  }

  async updateIssue(issueId: string, fields: IssueFieldWrite): Promise<void> {
    this.count('updateIssue');
    const issue = this.must(issueId);
    this.write(issue, fields);
    issue.updated = this.now();
    this.afterCall('updateIssue');
  }

  async getTransitions(issueId: string): Promise<Transition[]> {
    this.count('getTransitions');
    const issue = this.must(issueId);
    const index = STATUSES.findIndex((s) => s.name === issue.status.name);
    const next = STATUSES[(index + 1) % STATUSES.length] ?? STATUSES[0];
    if (!next) return [];
    this.afterCall('getTransitions');
    return [{ id: `to-${next.name}`, name: `Move to ${next.name}`, to: { ...next } }];
  }

  async transitionIssue(issueId: string, transitionId: string): Promise<void> {
    this.count('transitionIssue');
    const issue = this.must(issueId);
    const index = STATUSES.findIndex((s) => s.name === issue.status.name);
    const next = STATUSES[(index + 1) % STATUSES.length];
    if (!next || transitionId !== `to-${next.name}`) throw new JiraError(`transition ${transitionId} is not available`, 400);
    issue.status = { ...next };
    issue.updated = this.now();
    this.afterCall('transitionIssue');
  }

  async addComment(issueId: string, body: AdfDoc): Promise<LocalComment> {
    this.count('addComment');
    const issue = this.must(issueId);
    const comment: LocalComment = { id: String(this.nextComment++), author: this.appUser, body: structuredClone(body), created: this.now(), updated: this.now() };
    issue.comments.push(comment);
    this.afterCall('addComment');
    return structuredClone(comment);
  }

  async updateComment(issueId: string, commentId: string, body: AdfDoc): Promise<void> {
    this.count('updateComment');
    const comment = this.must(issueId).comments.find((c) => c.id === commentId);
    if (!comment) throw new JiraError(`comment ${commentId} does not exist`, 404);
    comment.body = structuredClone(body);
    comment.updated = this.now();
    this.afterCall('updateComment');
  }

  async deleteComment(issueId: string, commentId: string): Promise<void> {
    this.count('deleteComment');
    const issue = this.must(issueId);
    const before = issue.comments.length;
    issue.comments = issue.comments.filter((c) => c.id !== commentId);
    if (issue.comments.length === before) throw new JiraError(`comment ${commentId} does not exist`, 404);
    this.afterCall('deleteComment');
  }

  async getMetadata(): Promise<RulesMetadata> {
    const types = ['Task', 'Bug', 'Story'].map((name, i) => ({ id: String(i + 1), name, subtask: false }));
    return {
      issueTypes: Object.fromEntries(this.projects.map((p) => [p, types])),
      priorities: ['Highest', 'High', 'Medium', 'Low', 'Lowest'].map((name, i) => ({ id: String(i + 1), name })),
      statuses: STATUSES.map((s, i) => ({ id: String(i + 1), name: s.name, category: s.category })),
      users: [],
      customFields: this.customFieldNames.map((name, i) => ({ id: `customfield_${10000 + i}`, name })),
    };
  }

  async searchIssueIds(jql: string, nextPageToken: string | null): Promise<{ ids: string[]; nextPageToken: string | null }> {
    this.count('search');
    const match = /^project\s*=\s*"?([A-Z0-9]+)"?$/.exec(jql.trim());
    if (!match) throw new JiraError(`unsupported JQL in the memory site: ${jql}`, 400);
    const all = [...this.issues.values()].filter((i) => i.projectKey === match[1]).map((i) => i.id);
    const start = nextPageToken === null ? 0 : Number(nextPageToken);
    const ids = all.slice(start, start + 2);
    return { ids, nextPageToken: start + 2 < all.length ? String(start + 2) : null };
  }

  /**
   * `(issue.property[twinSync.origin].connectionId = "C" OR (project = X)) AND updated >= "-Nm" ORDER BY updated ASC`,
   * the sweeper's search, as Jira answers
   * it: an issue changed within the search lag is not found yet.
   */
  async searchChanged(jql: string, nextPageToken: string | null): Promise<{ issues: ChangedIssue[]; nextPageToken: string | null }> {
    this.count('search');
    const match = /^\(issue\.property\[twinSync\.origin\]\.connectionId = "([^"]+)"(?: OR \(project\s*=\s*"?([A-Z0-9]+)"?\))?\) AND updated >= "-(\d+)m" ORDER BY updated ASC$/.exec(jql.trim());
    if (!match) throw new JiraError(`unsupported JQL in the memory site: ${jql}`, 400);
    const since = this.clock.now() - Number(match[3]) * 60_000;
    const originOf = (i: MemoryIssue): string | null => {
      const origin = i.properties['twinSync.origin'];
      return typeof origin === 'object' && origin !== null && 'connectionId' in origin && typeof origin.connectionId === 'string' ? origin.connectionId : null;
    };
    const all = [...this.issues.values()]
      .filter((i) => (originOf(i) === match[1] || (match[2] !== undefined && i.projectKey === match[2])) && Date.parse(i.updated) >= since && Date.parse(i.updated) <= this.clock.now() - this.searchLagMs)
      .sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated) || Number(a.id) - Number(b.id));
    const start = nextPageToken === null ? 0 : Number(nextPageToken);
    const issues = all.slice(start, start + 100).map((i) => ({ id: i.id, updated: i.updated, originConnectionId: originOf(i) }));
    return { issues, nextPageToken: start + 100 < all.length ? String(start + 100) : null };
  }

  async countIssues(jql: string): Promise<number> {
    this.count('count');
    let total = 0;
    let token: string | null = null;
    do {
      const page: { ids: string[]; nextPageToken: string | null } = await this.searchIssueIds(jql, token);
      total += page.ids.length;
      token = page.nextPageToken;
    } while (token !== null);
    return total;
  }

  async validateJql(jql: string): Promise<string | null> {
    this.count('validateJql');
    return /^project\s*=\s*"?[A-Z0-9]+"?$/.test(jql.trim()) ? null : `unsupported JQL: ${jql}`;
  }

  async siteUrl(): Promise<string | null> {
    return `https://${this.siteName}.test`;
  }

  // ---- helpers ----
  private must(idOrKey: string): MemoryIssue {
    const issue = this.find(idOrKey);
    if (!issue) throw new JiraError(`issue ${idOrKey} does not exist`, 404);
    return issue;
  }

  private newIssue(projectKey: string, typeName: string, reporter: UserRef): MemoryIssue {
    const n = (this.keyCounter.get(projectKey) ?? 0) + 1;
    this.keyCounter.set(projectKey, n);
    const now = this.now();
    return {
      id: String(this.nextId++), key: `${projectKey}-${n}`, projectKey, summary: '', description: null, typeName, priority: 'Medium', labels: [],
      status: { name: 'Open', category: 'new' }, dueDate: null, assignee: null, reporter, comments: [],
      customFields: Object.fromEntries(this.customFieldNames.map((n) => [n, { value: null }])), created: now, updated: now, properties: {},
    };
  }

  private write(issue: MemoryIssue, fields: IssueFieldWrite): void {
    if (fields.summary !== undefined) issue.summary = fields.summary;
    if (fields.description !== undefined) issue.description = structuredClone(fields.description);
    if (fields.priority !== undefined) issue.priority = fields.priority;
    if (fields.labels !== undefined) issue.labels = [...fields.labels];
    if (fields.dueDate !== undefined) issue.dueDate = fields.dueDate;
    if (fields.assignee !== undefined) issue.assignee = fields.assignee === null ? null : { accountId: fields.assignee, displayName: fields.assignee, email: null };
    for (const [name, value] of Object.entries(fields.customFields ?? {})) {
      if (!this.customFieldNames.includes(name)) throw new JiraError(`no custom field named ${name}`, 400);
      issue.customFields[name] = { value };
    }
  }

  // ---- user operations (emit events) ----
  userCreate(projectKey: string, summary: string): MemoryIssue {
    this.beforeUserAction();
    const issue = this.newIssue(projectKey, 'Task', { accountId: `user-${this.siteName}`, displayName: 'User', email: null });
    issue.summary = summary;
    this.issues.set(issue.id, issue);
    this.emit({ eventType: 'avi:jira:created:issue', issueId: issue.id, changedFields: null });
    return issue;
  }

  userEdit(idOrKey: string, fields: IssueFieldWrite): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    this.write(issue, fields);
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: Object.keys(fields).flatMap((f) => (f === 'customFields' ? Object.keys(fields.customFields ?? {}) : [f])) });
  }

  userSetStatus(idOrKey: string, status: string): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const target = STATUSES.find((s) => s.name === status);
    if (!target || issue.status.name === status) return;
    issue.status = { ...target };
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: ['status'] });
  }

  userComment(idOrKey: string, text: string): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    issue.comments.push({ id: String(this.nextComment++), author: { accountId: `user-${this.siteName}`, displayName: 'User', email: null }, body: textDoc(text), created: this.now(), updated: this.now() });
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:commented:issue', issueId: issue.id, changedFields: null });
  }

  userEditComment(idOrKey: string, index: number, text: string): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const comment = issue.comments[index % Math.max(1, issue.comments.length)];
    if (!comment) return;
    comment.body = textDoc(text);
    comment.updated = this.now();
    // an edited comment moves the issue's `updated`, as on the sandbox's Jira (a deletion does not)
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:commented:issue', issueId: issue.id, changedFields: null });
  }

  userDeleteComment(idOrKey: string, index: number): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const comment = issue.comments[index % Math.max(1, issue.comments.length)];
    if (!comment) return;
    issue.comments = issue.comments.filter((c) => c !== comment);
    this.emit({ eventType: 'avi:jira:deleted:comment', issueId: issue.id, changedFields: null });
  }
}

export function textDoc(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export function docText(doc: AdfDoc | null): string | null {
  return doc === null ? null : JSON.stringify(doc.content);
}

/** A comment's content as both sides must agree on it: a copy's attribution line aside (src/sync/comment-attribution.ts). */
export function commentText(body: AdfDoc | null): string | null {
  return body === null ? null : docText(withoutAttribution(body));
}

export type { JsonValue };
