import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withoutAttribution } from '../parts/comments/comment-attribution';
import type { Clock } from '../../ports/clock';
import {
  JiraError, type AttachmentSettings, type ChangedIssue, type CreateIssueInput, type IssueFieldWrite, type IssueOrigin, type IssueRef, type JiraPort, type LocalAttachment,
  type LocalComment, type LocalIssue, type Transition,
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

/** "the per-issue limit for attachments" (sandbox/jira/attachments.ts: the example of GET /rest/api/3/issue/limit/report) */
export const MAX_ATTACHMENTS_PER_ISSUE = 2000;

export const STATUSES = [
  { name: 'Open', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
];

/** an attachment's content and its Media Services file id, beside its issue's `attachments` entry */
interface StoredFile {
  issueId: string;
  bytes: Uint8Array;
  mediaId: string;
}

/**
 * An in-memory Jira site in local terms, implementing JiraPort for the app and offering user
 * operations that emit product events (the app's own writes emit none: `ignoreSelf`).
 * The workflow is a cycle Open → In Progress → Done → Open, so Open → Done needs two transitions.
 *
 * Attachments, as the sandbox's Jira has them (sandbox/jira/attachments.ts, issue-service.ts): each
 * has its bytes and a Media Services id (uuid-like, from a counter and the site's name, so two sites
 * never share one). Adding or deleting one moves the issue's `updated`; the app's upload refuses an
 * empty file (400), one over `uploadLimit` and the 2001st of an issue (413). As on Jira Cloud (the
 * harsher reading taken), an update of the description or of a comment, or a comment's deletion,
 * that removes the last reference to an attachment (a `media` or `mediaInline` file node whose
 * `attrs.id` is its media id, in the description or a comment of the issue) deletes that attachment.
 * Call names counted: `readAttachment`, `attachmentMediaId`, `addAttachment`, `deleteAttachment`;
 * `getAttachmentSettings` is not counted, like `getMetadata` (the adapter caches both: no REST call
 * per use) — `attachmentSettingsReads` counts it apart.
 */
export class MemoryJira implements JiraPort {
  readonly issues = new Map<string, MemoryIssue>();
  readonly calls: Record<string, number> = {};
  private nextId = 10000;
  private nextComment = 50000;
  private nextAttachment = 70000;
  private nextMedia = 1;
  private readonly files = new Map<string, StoredFile>();
  /** the site's attachment settings (`GET /rest/api/3/attachment/meta`): settable */
  attachmentsEnabled = true;
  /** bytes; a file over it is refused with a 413 */
  uploadLimit = 1_000_000_000;
  /** false: `attachmentMediaId` answers null, as when Jira's answer names no media file */
  revealMediaIds = true;
  /** how often the app asked for the attachment settings (not a REST call: the adapter caches them) */
  attachmentSettingsReads = 0;
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
    const issue = this.must(issueId);
    const comment = issue.comments.find((c) => c.id === commentId);
    if (!comment) throw new JiraError(`comment ${commentId} does not exist`, 404);
    const before = docMediaIds(comment.body);
    comment.body = structuredClone(body);
    comment.updated = this.now();
    this.dropUnreferenced(issue, before);
    this.afterCall('updateComment');
  }

  async deleteComment(issueId: string, commentId: string): Promise<void> {
    this.count('deleteComment');
    const issue = this.must(issueId);
    const comment = issue.comments.find((c) => c.id === commentId);
    if (!comment) throw new JiraError(`comment ${commentId} does not exist`, 404);
    issue.comments = issue.comments.filter((c) => c !== comment);
    // the deletion itself does not move `updated`; deleting the attachments it orphaned does
    this.dropUnreferenced(issue, docMediaIds(comment.body));
    this.afterCall('deleteComment');
  }

  async getAttachmentSettings(): Promise<AttachmentSettings> {
    this.attachmentSettingsReads += 1;
    return { enabled: this.attachmentsEnabled, uploadLimit: this.uploadLimit };
  }

  async readAttachment(attachmentId: string, offset: number, length: number): Promise<Uint8Array> {
    this.count('readAttachment');
    const file = this.mustFile(attachmentId);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 1) throw new JiraError(`invalid range: offset ${offset}, length ${length}`, 400);
    // 416 when "unable to satisfy the range" (RFC 9110: a range starting at or past the end, an empty file's too)
    if (offset >= file.bytes.length) throw new JiraError(`range ${offset}-${offset + length - 1} not satisfiable (size ${file.bytes.length})`, 416);
    const part = file.bytes.slice(offset, offset + length);
    this.afterCall('readAttachment');
    return part;
  }

  async attachmentMediaId(attachmentId: string): Promise<string | null> {
    this.count('attachmentMediaId');
    const file = this.mustFile(attachmentId);
    this.afterCall('attachmentMediaId');
    return this.revealMediaIds ? file.mediaId : null;
  }

  async addAttachment(issueId: string, file: { filename: string; mimeType: string; bytes: Uint8Array }): Promise<LocalAttachment> {
    this.count('addAttachment');
    const issue = this.must(issueId);
    if (!this.attachmentsEnabled) throw new JiraError('attachments are disabled on this site', 403);
    // harsher, as the sandbox's Jira: the docs do not say an empty file is refused
    if (file.bytes.length === 0) throw new JiraError(`the file '${file.filename}' is empty`, 400);
    const attachment = this.storeAttachment(issue, file, this.appUser);
    this.afterCall('addAttachment');
    return attachment;
  }

  async deleteAttachment(attachmentId: string): Promise<void> {
    this.count('deleteAttachment');
    const file = this.mustFile(attachmentId);
    this.removeAttachment(this.must(file.issueId), attachmentId);
    this.afterCall('deleteAttachment');
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

  /** 404 when "the attachment is not found" or "attachments are disabled in the Jira settings" */
  private mustFile(attachmentId: string): StoredFile {
    const file = this.files.get(attachmentId);
    if (!file || !this.attachmentsEnabled) throw new JiraError(`attachment ${attachmentId} does not exist`, 404);
    return file;
  }

  private newMediaId(): string {
    const site = createHash('sha256').update(this.siteName).digest('hex');
    return `${site.slice(0, 8)}-${site.slice(8, 12)}-4${site.slice(12, 15)}-a${site.slice(15, 18)}-${(this.nextMedia++).toString(16).padStart(12, '0')}`;
  }

  private storeAttachment(issue: MemoryIssue, file: { filename: string; mimeType: string; bytes: Uint8Array }, author: UserRef): LocalAttachment {
    // what Jira says when attachments are off is not documented for the upload: a refusal
    if (!this.attachmentsEnabled) throw new JiraError('attachments are disabled on this site', 403);
    if (file.bytes.length > this.uploadLimit) throw new JiraError(`the attachment exceeds the maximum attachment size for issues (${this.uploadLimit} bytes)`, 413);
    if (issue.attachments.length >= MAX_ATTACHMENTS_PER_ISSUE) throw new JiraError('the per-issue limit for attachments has been breached', 413);
    const attachment: LocalAttachment = {
      id: String(this.nextAttachment++), filename: file.filename, mimeType: file.mimeType, size: file.bytes.length, created: this.now(), author: { ...author },
    };
    this.files.set(attachment.id, { issueId: issue.id, bytes: new Uint8Array(file.bytes), mediaId: this.newMediaId() });
    issue.attachments.push(attachment);
    issue.updated = this.now();
    return structuredClone(attachment);
  }

  private removeAttachment(issue: MemoryIssue, attachmentId: string): void {
    this.files.delete(attachmentId);
    issue.attachments = issue.attachments.filter((a) => a.id !== attachmentId);
    issue.updated = this.now();
  }

  /**
   * After an update of the description or of a comment (or a comment's deletion) whose old content
   * referenced `before`: each attachment of the issue among them that nothing in the issue
   * references any more is deleted (and `updated` moves).
   */
  private dropUnreferenced(issue: MemoryIssue, before: Set<string>): void {
    if (before.size === 0) return;
    const now = issueMediaIds(issue);
    for (const attachment of [...issue.attachments]) {
      const mediaId = this.files.get(attachment.id)?.mediaId;
      if (mediaId !== undefined && before.has(mediaId) && !now.has(mediaId)) this.removeAttachment(issue, attachment.id);
    }
  }

  private newIssue(projectKey: string, typeName: string, reporter: UserRef): MemoryIssue {
    const n = (this.keyCounter.get(projectKey) ?? 0) + 1;
    this.keyCounter.set(projectKey, n);
    const now = this.now();
    return {
      id: String(this.nextId++), key: `${projectKey}-${n}`, projectKey, summary: '', description: null, typeName, priority: 'Medium', labels: [],
      status: { name: 'Open', category: 'new' }, dueDate: null, assignee: null, reporter, comments: [], attachments: [],
      customFields: Object.fromEntries(this.customFieldNames.map((n) => [n, { value: null }])), created: now, updated: now, properties: {},
    };
  }

  private write(issue: MemoryIssue, fields: IssueFieldWrite): void {
    const before = fields.description !== undefined ? docMediaIds(issue.description) : new Set<string>();
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
    this.dropUnreferenced(issue, before);
  }

  // ---- user operations (emit events) ----
  userCreate(projectKey: string, summary: string): MemoryIssue {
    this.beforeUserAction();
    const issue = this.newIssue(projectKey, 'Task', this.person());
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
    this.userCommentDoc(idOrKey, textDoc(text));
  }

  /** a person's comment with this body (e.g. `mediaDoc` of an attachment) */
  userCommentDoc(idOrKey: string, body: AdfDoc): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    issue.comments.push({ id: String(this.nextComment++), author: this.person(), body: structuredClone(body), created: this.now(), updated: this.now() });
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:commented:issue', issueId: issue.id, changedFields: null });
  }

  userEditComment(idOrKey: string, index: number, text: string): void {
    this.userEditCommentDoc(idOrKey, index, textDoc(text));
  }

  /** a person's edit of a comment (by index, modulo the count) to this body */
  userEditCommentDoc(idOrKey: string, index: number, body: AdfDoc): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const comment = issue.comments[index % Math.max(1, issue.comments.length)];
    if (!comment) return;
    const before = docMediaIds(comment.body);
    comment.body = structuredClone(body);
    comment.updated = this.now();
    // an edited comment moves the issue's `updated`, as on the sandbox's Jira (a deletion does not)
    issue.updated = this.now();
    this.dropUnreferenced(issue, before);
    this.emit({ eventType: 'avi:jira:commented:issue', issueId: issue.id, changedFields: null });
  }

  userDeleteComment(idOrKey: string, index: number): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const comment = issue.comments[index % Math.max(1, issue.comments.length)];
    if (!comment) return;
    issue.comments = issue.comments.filter((c) => c !== comment);
    this.dropUnreferenced(issue, docMediaIds(comment.body));
    this.emit({ eventType: 'avi:jira:deleted:comment', issueId: issue.id, changedFields: null });
  }

  /**
   * A person attaches a file (413 over `uploadLimit`, like the app's upload; an empty file is taken:
   * one that exists however it came); the issue's `updated` moves and an issue-updated event names
   * the `Attachment` field (the changelog item Jira writes, sandbox/jira/attachments.ts). Answers the attachment.
   */
  attach(idOrKey: string, filename: string, bytes: Uint8Array | string, mimeType = 'application/octet-stream'): LocalAttachment {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const attachment = this.storeAttachment(issue, { filename, mimeType, bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes }, this.person());
    this.emit({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: ['Attachment'] });
    return attachment;
  }

  /** a person deletes an attachment (nothing when it is gone) */
  userDeleteAttachment(attachmentId: string): void {
    this.beforeUserAction();
    const file = this.files.get(attachmentId);
    const issue = file ? this.find(file.issueId) : undefined;
    if (!issue) return;
    this.removeAttachment(issue, attachmentId);
    this.emit({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: ['Attachment'] });
  }

  /** an attachment's content (a copy), null when it is gone */
  attachmentBytes(attachmentId: string): Uint8Array | null {
    const file = this.files.get(attachmentId);
    return file ? new Uint8Array(file.bytes) : null;
  }

  /** an attachment's Media Services id (what `media` nodes name), null when it is gone */
  mediaIdOf(attachmentId: string): string | null {
    return this.files.get(attachmentId)?.mediaId ?? null;
  }

  /** the attachment whose media id this is, with its issue, if any */
  attachmentByMediaId(mediaId: string): { issueId: string; attachment: LocalAttachment } | null {
    for (const [id, file] of this.files) {
      if (file.mediaId !== mediaId) continue;
      const attachment = this.find(file.issueId)?.attachments.find((a) => a.id === id);
      if (attachment) return { issueId: file.issueId, attachment: structuredClone(attachment) };
    }
    return null;
  }

  private person(): UserRef {
    return { accountId: `user-${this.siteName}`, displayName: 'User', email: null };
  }
}

/**
 * The media ids an ADF document references, as the sandbox's Jira reads them (adfMediaFileIds,
 * sandbox/jira/attachments.ts): `attrs.id` of its `media` and `mediaInline` nodes of `attrs.type`
 * `file` (or none), at any depth of `content`; `link` and `external` media name no file of the site.
 */
export function docMediaIds(doc: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 200) return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child, depth + 1);
      return;
    }
    const n: { type?: unknown; attrs?: unknown; content?: unknown } = node;
    if ((n.type === 'media' || n.type === 'mediaInline') && typeof n.attrs === 'object' && n.attrs !== null) {
      const attrs: { type?: unknown; id?: unknown } = n.attrs;
      if ((attrs.type === undefined || attrs.type === 'file') && typeof attrs.id === 'string' && attrs.id !== '') ids.add(attrs.id);
    }
    if (Array.isArray(n.content)) walk(n.content, depth + 1);
  };
  walk(doc, 0);
  return ids;
}

/** every media id the description and the comments of an issue reference */
export function issueMediaIds(issue: Pick<LocalIssue, 'description' | 'comments'>): Set<string> {
  const ids = docMediaIds(issue.description);
  for (const comment of issue.comments) for (const id of docMediaIds(comment.body)) ids.add(id);
  return ids;
}

/**
 * A document showing these media files (ADF `mediaSingle` > `media` of type file,
 * https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/media/), after a paragraph
 * of `text` when given.
 */
export function mediaDoc(mediaIds: string[], text?: string): AdfDoc {
  return {
    type: 'doc', version: 1,
    content: [
      ...(text === undefined ? [] : textDoc(text).content),
      ...mediaIds.map((id) => ({ type: 'mediaSingle', attrs: { layout: 'center' }, content: [{ type: 'media', attrs: { id, type: 'file', collection: '' } }] })),
    ],
  };
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
