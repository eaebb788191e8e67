import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withoutAttribution } from '../parts/comments/comment-attribution';
import type { Clock } from '../../ports/clock';
import {
  JiraError, type AttachmentSettings, type ChangedIssue, type CreateIssueInput, type IssueFieldWrite, type IssueOrigin, type IssueRef, type JiraPort, type LocalAttachment,
  type LocalComment, type LocalIssue, type ProjectParts, type Transition, type TransitionFields,
} from '../../ports/jira';
import type { RulesMetadata } from '../../ports/rules';
import { AdfDocSchema, type AdfDoc, type JsonValue, type UserRef } from '../../model/replica';
import { CascadingValueSchema, OPTION_KINDS, missingOptions, type CustomFieldKind, type CustomFieldMeta, type FieldOption } from '../../model/custom-field';

export interface MemoryIssue extends LocalIssue {
  properties: Record<string, unknown>;
}

/**
 * A product event as the trigger gets it. An issue link's creation or deletion
 * (`avi:jira:created:issuelink`, `avi:jira:deleted:issuelink`) is one Jira event naming both issues;
 * here it is two events, one per issue of the link (the outward issue's first), each with
 * `changedFields` null: what the entry point is to make of Jira's one.
 */
export interface JiraEventOut {
  eventType: 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:commented:issue' | 'avi:jira:deleted:comment' | 'avi:jira:created:issuelink' | 'avi:jira:deleted:issuelink';
  issueId: string;
  changedFields: string[] | null;
}

/** A person of the site (an account), in the registry `addPerson` fills. */
export interface MemoryPerson {
  accountId: string;
  displayName: string;
  email: string | null;
  /** false: the person's profile hides the email (it is null wherever the app sees the person, and not found by it) */
  emailVisible: boolean;
}

/** the site's issue types: the standard ones (level 0), Epic (1) above them, Sub-task (-1) below */
export const ISSUE_TYPES = [
  { id: '1', name: 'Task', subtask: false, level: 0 },
  { id: '2', name: 'Bug', subtask: false, level: 0 },
  { id: '3', name: 'Story', subtask: false, level: 0 },
  { id: '4', name: 'Epic', subtask: false, level: 1 },
  { id: '5', name: 'Sub-task', subtask: true, level: -1 },
] as const;

/** the issue link types of a new Jira Cloud site */
export const LINK_TYPES = [
  { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { name: 'Relates', inward: 'relates to', outward: 'relates to' },
] as const;

/** an issue link: the outward issue <type's outward verb> the inward issue */
interface StoredLink {
  id: string;
  type: string;
  outwardId: string;
  inwardId: string;
}

/** "the per-issue limit for attachments" (sandbox/jira/attachments.ts: the example of GET /rest/api/3/issue/limit/report) */
export const MAX_ATTACHMENTS_PER_ISSUE = 2000;

export const STATUSES = [
  { name: 'Open', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
];

/** a new Jira Cloud site's resolutions (the sandbox's too: sandbox/jira/seed.ts) */
export const RESOLUTIONS = ['Done', "Won't Do", 'Duplicate', 'Cannot Reproduce'];

/** Jira Cloud's answer to a field the screen lacks (an edit or a create naming `resolution`, mostly) */
export const NOT_ON_SCREEN = (field: string): string => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

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
 *
 * Writes (`createIssue`, `updateIssue`, a person's `userEdit`) are checked as Jira checks an edit,
 * and one refused is a 400 that writes nothing (no field of it, no issue, no key used):
 * - `parent` (an issue id or key): it exists, is in the same project, is not the issue itself, and
 *   sits one level up the hierarchy (Jira Cloud's: a sub-task's parent is a standard issue — Task,
 *   Bug, Story —, a standard issue's parent an Epic, an Epic has none); a Sub-task must have one.
 *   The issue type is not checked otherwise (an unknown type is a standard issue) and is not changed
 *   by an update.
 * - `components`, `fixVersions`: each name is one of the project's (exactly, case included);
 *   stored sorted, without duplicates. `getProjectParts` (one count for the port's two REST calls),
 *   `createComponent`, `createVersion` (a name already there: 400); `addComponent`, `addVersion` for tests.
 * - `assignee`, `reporter`: an account of the site's people (`addPerson`; there are always
 *   `user-<site>`, the person acting in the `user…` operations, and the app, `app-<site>`); stored
 *   as the person's UserRef (email null when hidden).
 * - custom fields, by display name (exactly): the constructor's `customFieldNames` are text fields,
 *   `defineField` declares one of any kind (src/model/custom-field.ts), `addOption` gives an option
 *   field an option. A value is checked by kind as Jira does (an option the field does not offer, an
 *   unknown account, a value of the wrong type, a label with a space, a text over 255 characters:
 *   400 naming the field and the value) and stored as the table's portable value: option values as
 *   they are, multi values sorted without duplicates, people as UserRefs sorted by account id, a
 *   datetime in UTC, '' and null clearing (to [] for the multi kinds: labels, multiselect,
 *   checkboxes, users). Every issue has every field (a new field's value is empty on all of them).
 * `getMetadata` is the site as it is now (a field, option or person added since is in it: there is
 * no cache here); `users` lists the people asked for, by visible email or by account id.
 *
 * Issue links (`LINK_TYPES`, Jira Cloud's four): a link shows on both issues (on the outward issue
 * with direction 'outward' and the inward issue as `issue`; on the inward one 'inward'); the same
 * link twice is one link (Jira creates no second one, and no event); an unknown type, or an issue
 * linked to itself, is a 400, an issue that does not exist a 404. As Jira Cloud is read here (the
 * harsher reading for a sync app, the sandbox's Jira reads it the same), creating or deleting a link
 * does NOT move either issue's `updated` (a search by `updated` does not find the change), and a
 * person's link emits the two issuelink events of `JiraEventOut`, no issue-updated event.
 */
export class MemoryJira implements JiraPort {
  readonly issues = new Map<string, MemoryIssue>();
  readonly calls: Record<string, number> = {};
  /** the site's people by account id (`addPerson`) */
  readonly people = new Map<string, MemoryPerson>();
  /** the issue links by id */
  private readonly links = new Map<string, StoredLink>();
  private readonly linkTypes: { name: string; inward: string; outward: string }[] = LINK_TYPES.map((t) => ({ ...t }));
  /** the custom fields by display name, in the order they were made */
  private readonly fields = new Map<string, CustomFieldMeta>();
  /** each project's component and version names, in the order they were made */
  private readonly parts = new Map<string, { components: string[]; versions: string[] }>();
  /** how often the app read the metadata (not a REST call: the adapter caches it) */
  metadataReads = 0;
  private nextId = 10000;
  private nextLink = 90000;
  private nextField = 10000;
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
  /**
   * The resolution (by name, `RESOLUTIONS`), as Jira's default workflows read here: an edit or a create
   * naming it is refused (400, errors.resolution: the edit screen lacks it) unless `resolutionOnEditScreen`;
   * a transition to a done status takes it from `fields` (unless `resolutionOnTransitionScreen` is
   * false: the same 400), one without it leaves it as it was; a transition to another status clears it.
   */
  resolutionOnEditScreen = false;
  resolutionOnTransitionScreen = true;
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
    this.addPerson({ accountId: this.appUser.accountId, displayName: this.appUser.displayName, email: null, emailVisible: false });
    this.addPerson({ accountId: `user-${siteName}`, displayName: 'User', email: null, emailVisible: false });
    for (const name of customFieldNames) this.defineField(name, 'text');
    for (const key of projects) this.parts.set(key, { components: [], versions: [] });
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
    const write = this.check({ id: null, projectKey: input.projectKey, typeName: input.typeName, parentId: null }, input.fields);
    const issue = this.newIssue(input.projectKey, input.typeName, this.appUser);
    this.apply(issue, write);
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

  async transitionIssue(issueId: string, transitionId: string, fields: TransitionFields = {}): Promise<void> {
    this.count('transitionIssue');
    const issue = this.must(issueId);
    const index = STATUSES.findIndex((s) => s.name === issue.status.name);
    const next = STATUSES[(index + 1) % STATUSES.length];
    if (!next || transitionId !== `to-${next.name}`) throw new JiraError(`transition ${transitionId} is not available`, 400);
    issue.resolution = this.resolutionAfter(issue, next.category, fields.resolution);
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

  async getMetadata(options: { userEmails?: string[]; accountIds?: string[]; customFields?: Record<string, string[]> } = {}): Promise<RulesMetadata> {
    this.metadataReads += 1;
    const types = ISSUE_TYPES.map((t) => ({ id: t.id, name: t.name, subtask: t.subtask }));
    const emails = new Set((options.userEmails ?? []).map((e) => e.toLowerCase()));
    const ids = new Set(options.accountIds ?? []);
    const users = [...this.people.values()]
      .filter((p) => ids.has(p.accountId) || (p.emailVisible && p.email !== null && emails.has(p.email.toLowerCase())))
      .map((p) => this.userRef(p));
    return {
      issueTypes: Object.fromEntries(this.projects.map((p) => [p, types.map((t) => ({ ...t }))])),
      priorities: ['Highest', 'High', 'Medium', 'Low', 'Lowest'].map((name, i) => ({ id: String(i + 1), name })),
      resolutions: RESOLUTIONS.map((name, i) => ({ id: String(10000 + i), name })),
      statuses: STATUSES.map((s, i) => ({ id: String(i + 1), name: s.name, category: s.category })),
      users,
      customFields: [...this.fields.values()].map((f) => structuredClone(f)),
      linkTypes: this.linkTypes.map((t) => ({ ...t })),
    };
  }

  async createIssueLink(link: { type: string; outwardIssueId: string; inwardIssueId: string }): Promise<void> {
    this.count('createIssueLink');
    this.link(link.outwardIssueId, link.inwardIssueId, link.type);
    this.afterCall('createIssueLink');
  }

  async deleteIssueLink(linkId: string): Promise<void> {
    this.count('deleteIssueLink');
    if (!this.links.has(linkId)) throw new JiraError(`issue link ${linkId} does not exist`, 404);
    this.unlink(linkId);
    this.afterCall('deleteIssueLink');
  }

  async getProjectParts(projectKey: string): Promise<ProjectParts> {
    this.count('getProjectParts');
    const parts = this.mustParts(projectKey);
    const result = { components: [...parts.components].sort(), versions: [...parts.versions] };
    this.afterCall('getProjectParts');
    return result;
  }

  async createComponent(projectKey: string, name: string): Promise<void> {
    this.count('createComponent');
    this.addPart(projectKey, 'components', name, true);
    this.afterCall('createComponent');
  }

  async createVersion(projectKey: string, name: string): Promise<void> {
    this.count('createVersion');
    this.addPart(projectKey, 'versions', name, true);
    this.afterCall('createVersion');
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

  async searchUsers(query: string): Promise<UserRef[]> {
    const q = query.toLowerCase();
    return [...this.people.values()]
      .filter((p) => p.displayName.toLowerCase().includes(q) || (p.emailVisible && p.email !== null && p.email.toLowerCase().includes(q)))
      .slice(0, 20)
      .map((p) => this.userRef(p));
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
      status: { name: 'Open', category: 'new' }, resolution: null, dueDate: null, assignee: null, reporter, comments: [], attachments: [],
      parent: null, links: [], components: [], fixVersions: [],
      customFields: Object.fromEntries([...this.fields.values()].map((f) => [f.name, { value: emptyValue(f.kind) }])), created: now, updated: now, properties: {},
    };
  }

  /** the resolution a transition to a status of `category` leaves (`given`: its screen's), or a 400 naming it */
  private resolutionAfter(issue: MemoryIssue, category: string, given: string | undefined): string | null {
    if (category !== 'done') {
      if (given !== undefined) throw new JiraError(`resolution: ${NOT_ON_SCREEN('resolution')}`, 400, null, { resolution: NOT_ON_SCREEN('resolution') });
      return null;
    }
    if (given === undefined) return issue.resolution;
    if (!this.resolutionOnTransitionScreen) throw new JiraError(`resolution: ${NOT_ON_SCREEN('resolution')}`, 400, null, { resolution: NOT_ON_SCREEN('resolution') });
    return this.mustResolution(given);
  }

  /** the site's resolution of this name (case-insensitive), or a 400 naming the field */
  private mustResolution(name: string): string {
    const found = RESOLUTIONS.find((r) => r.toLowerCase() === name.toLowerCase());
    if (found === undefined) throw new JiraError(`resolution: the resolution '${name}' is not valid`, 400, null, { resolution: `The resolution '${name}' is not valid.` });
    return found;
  }

  /** checks `fields` for the issue and writes them, or writes nothing (a 400) */
  private write(issue: MemoryIssue, fields: IssueFieldWrite): void {
    this.apply(issue, this.check({ id: issue.id, projectKey: issue.projectKey, typeName: issue.typeName, parentId: issue.parent?.id ?? null }, fields));
  }

  /**
   * `fields` checked as Jira checks an edit of this issue (`id` null: one being created), in the
   * values to store: throws a 400 JiraError naming the first field refused, having changed nothing.
   */
  private check(target: { id: string | null; projectKey: string; typeName: string; parentId: string | null }, fields: IssueFieldWrite): CheckedWrite {
    const checked: CheckedWrite = { fields, custom: {} };
    if (fields.resolution !== undefined) {
      if (!this.resolutionOnEditScreen || target.id === null) throw new JiraError(`resolution: ${NOT_ON_SCREEN('resolution')}`, 400, null, { resolution: NOT_ON_SCREEN('resolution') });
      if (fields.resolution !== null) checked.resolution = this.mustResolution(fields.resolution);
      else checked.resolution = null;
    }
    const level = issueTypeLevel(target.typeName);
    if (fields.parent !== undefined && fields.parent !== null) {
      const parent = this.find(fields.parent);
      if (!parent || parent.id === target.id) throw new JiraError(`parent: could not find issue ${fields.parent}`, 400);
      if (parent.projectKey !== target.projectKey) throw new JiraError(`parent: ${parent.key} is in another project than ${target.projectKey}`, 400);
      if (issueTypeLevel(parent.typeName) !== level + 1) throw new JiraError(`parent: an issue of type ${target.typeName} cannot have a ${parent.typeName} parent (${parent.key})`, 400);
      checked.parent = { id: parent.id, key: parent.key };
    } else if (fields.parent === null) checked.parent = null;
    const parentAfter = checked.parent !== undefined ? checked.parent : target.parentId;
    if (level < 0 && parentAfter === null) throw new JiraError(`parent: ${target.typeName} issues must have a parent issue`, 400);
    const parts = this.parts.get(target.projectKey) ?? { components: [], versions: [] };
    if (fields.components !== undefined) checked.components = namesIn('components', fields.components, parts.components, target.projectKey);
    if (fields.fixVersions !== undefined) checked.fixVersions = namesIn('fixVersions', fields.fixVersions, parts.versions, target.projectKey);
    if (fields.assignee !== undefined) checked.assignee = fields.assignee === null ? null : this.mustPerson('assignee', fields.assignee);
    if (fields.reporter !== undefined) checked.reporter = fields.reporter === null ? null : this.mustPerson('reporter', fields.reporter);
    for (const [name, value] of Object.entries(fields.customFields ?? {})) {
      const field = this.fields.get(name);
      if (!field) throw new JiraError(`no custom field named ${name}`, 400);
      checked.custom[name] = this.fieldValue(field, value);
    }
    return checked;
  }

  private apply(issue: MemoryIssue, checked: CheckedWrite): void {
    const { fields } = checked;
    const before = fields.description !== undefined ? docMediaIds(issue.description) : new Set<string>();
    if (fields.summary !== undefined) issue.summary = fields.summary;
    if (fields.description !== undefined) issue.description = structuredClone(fields.description);
    if (fields.priority !== undefined) issue.priority = fields.priority;
    if (checked.resolution !== undefined) issue.resolution = checked.resolution;
    if (fields.labels !== undefined) issue.labels = [...fields.labels];
    if (fields.dueDate !== undefined) issue.dueDate = fields.dueDate;
    if (checked.assignee !== undefined) issue.assignee = checked.assignee;
    if (checked.reporter !== undefined) issue.reporter = checked.reporter;
    if (checked.parent !== undefined) issue.parent = checked.parent;
    if (checked.components !== undefined) issue.components = checked.components;
    if (checked.fixVersions !== undefined) issue.fixVersions = checked.fixVersions;
    for (const [name, value] of Object.entries(checked.custom)) issue.customFields[name] = { value };
    this.dropUnreferenced(issue, before);
  }

  /** a value for this field, by its kind, as stored (the table's portable value); a 400 when Jira would refuse it */
  private fieldValue(field: CustomFieldMeta, value: JsonValue): JsonValue {
    const refuse = (why: string): never => {
      throw new JiraError(`${field.name}: ${why} (${JSON.stringify(value)})`, 400);
    };
    const cleared = value === null || value === '';
    switch (field.kind) {
      case 'text':
        if (cleared) return null;
        if (typeof value !== 'string') return refuse('a text field takes a string');
        return value.length > 255 ? refuse('the text exceeds 255 characters') : value;
      case 'paragraph': {
        if (cleared) return null;
        const doc = AdfDocSchema.safeParse(value);
        return doc.success ? structuredClone(value) : refuse('a paragraph field takes an ADF document');
      }
      case 'url':
        if (cleared) return null;
        if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) return refuse('not a valid URL');
        return value;
      case 'number':
        if (value === null) return null;
        return typeof value === 'number' && Number.isFinite(value) ? value : refuse('a number field takes a number');
      case 'date':
        if (cleared) return null;
        return typeof value === 'string' && isDay(value) ? value : refuse('a date is YYYY-MM-DD');
      case 'datetime': {
        if (cleared) return null;
        const at = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
        return Number.isNaN(at) ? refuse('a datetime is ISO 8601') : new Date(at).toISOString();
      }
      case 'labels': {
        if (value === null) return [];
        if (!Array.isArray(value) || !value.every((l): l is string => typeof l === 'string')) return refuse('a labels field takes a list of strings');
        const bad = value.find((l) => l === '' || /\s/.test(l) || l.length > 255);
        return bad !== undefined ? refuse(`the label '${bad}' is not valid (empty, spaces, or over 255 characters)`) : sortedUnique(value);
      }
      case 'select':
      case 'radio':
      case 'multiselect':
      case 'checkboxes':
      case 'cascading': {
        const multi = field.kind === 'multiselect' || field.kind === 'checkboxes';
        if (value === null) return multi ? [] : null;
        const shaped = multi ? Array.isArray(value) && value.every((v) => typeof v === 'string')
          : field.kind === 'cascading' ? CascadingValueSchema.safeParse(value).success : typeof value === 'string';
        if (!shaped) return refuse(multi ? 'takes a list of option values' : field.kind === 'cascading' ? 'takes { value, child }' : 'takes an option value');
        const missing = missingOptions(field, value);
        if (missing.length > 0) return refuse(`the field does not offer ${missing.map((m) => `'${m}'`).join(', ')}`);
        return multi && Array.isArray(value) ? sortedUnique(value.filter((v): v is string => typeof v === 'string')) : structuredClone(value);
      }
      case 'user':
        return value === null ? null : this.mustPerson(field.name, value);
      case 'users': {
        if (value === null) return [];
        if (!Array.isArray(value)) return refuse('takes a list of people');
        const people = new Map(value.map((v) => this.mustPerson(field.name, v)).map((p) => [p.accountId, p]));
        return [...people.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
      }
      case 'other':
        return structuredClone(value);
    }
  }

  /** the person an account id (or a UserRef) names, as a UserRef; a 400 naming `field` when nobody here has it */
  private mustPerson(field: string, value: unknown): UserRef {
    const accountId = typeof value === 'string' ? value
      : typeof value === 'object' && value !== null && 'accountId' in value && typeof value.accountId === 'string' ? value.accountId : null;
    const person = accountId === null ? undefined : this.people.get(accountId);
    if (!person) throw new JiraError(`${field}: specified user does not exist (${JSON.stringify(value)})`, 400);
    return this.userRef(person);
  }

  private userRef(person: MemoryPerson): UserRef {
    return { accountId: person.accountId, displayName: person.displayName, email: person.emailVisible ? person.email : null };
  }

  private mustParts(projectKey: string): { components: string[]; versions: string[] } {
    const parts = this.parts.get(projectKey);
    if (!parts) throw new JiraError(`project ${projectKey} does not exist`, 404);
    return parts;
  }

  /** a component or version made in the project; one already there: a 400 (`strict`) or nothing */
  private addPart(projectKey: string, kind: 'components' | 'versions', name: string, strict: boolean): void {
    const parts = this.mustParts(projectKey);
    const what = kind === 'components' ? 'component' : 'version';
    if (name.trim() === '') throw new JiraError(`a ${what} needs a name`, 400);
    if (parts[kind].includes(name)) {
      if (strict) throw new JiraError(`a ${what} named '${name}' already exists in project ${projectKey}`, 400);
      return;
    }
    parts[kind].push(name);
  }

  /** links `outward` <type's outward verb> `inward`; the same link again: the one there. Answers its id. */
  private link(outwardIssueId: string, inwardIssueId: string, typeName: string): { id: string; created: boolean } {
    const type = this.linkTypes.find((t) => t.name === typeName);
    if (!type) throw new JiraError(`no issue link type named '${typeName}'`, 400);
    const outward = this.must(outwardIssueId);
    const inward = this.must(inwardIssueId);
    if (outward.id === inward.id) throw new JiraError(`you cannot link an issue to itself (${outward.key})`, 400);
    const existing = [...this.links.values()].find((l) => l.type === type.name && l.outwardId === outward.id && l.inwardId === inward.id);
    if (existing) return { id: existing.id, created: false };
    const id = String(this.nextLink++);
    this.links.set(id, { id, type: type.name, outwardId: outward.id, inwardId: inward.id });
    outward.links.push({ id, type: type.name, direction: 'outward', issue: { id: inward.id, key: inward.key } });
    inward.links.push({ id, type: type.name, direction: 'inward', issue: { id: outward.id, key: outward.key } });
    return { id, created: true };
  }

  private unlink(linkId: string): StoredLink | null {
    const link = this.links.get(linkId);
    if (!link) return null;
    this.links.delete(linkId);
    for (const issueId of [link.outwardId, link.inwardId]) {
      const issue = this.issues.get(issueId);
      if (issue) issue.links = issue.links.filter((l) => l.id !== linkId);
    }
    return link;
  }

  // ---- site set-up (tests; not app calls, not counted) ----
  /** adds (or replaces) a person of the site; answers the UserRef the app sees */
  addPerson(person: { accountId: string; displayName: string; email?: string | null; emailVisible?: boolean }): UserRef {
    const stored: MemoryPerson = { accountId: person.accountId, displayName: person.displayName, email: person.email ?? null, emailVisible: person.emailVisible ?? true };
    this.people.set(stored.accountId, stored);
    return this.userRef(stored);
  }

  /**
   * Declares a custom field of this kind (options: for the option kinds, strings or options with a
   * cascading option's children). Every issue gets it, empty. A name already taken: an Error.
   */
  defineField(name: string, kind: CustomFieldKind, options: (string | FieldOption)[] = []): CustomFieldMeta {
    if (this.fields.has(name)) throw new Error(`a custom field named ${name} exists already`);
    if (!OPTION_KINDS.has(kind) && options.length > 0) throw new Error(`a ${kind} field has no options`);
    const field: CustomFieldMeta = {
      id: `customfield_${this.nextField++}`, name, kind,
      options: OPTION_KINDS.has(kind) ? options.map((o) => (typeof o === 'string' ? { value: o, children: [] } : { value: o.value, children: [...o.children] })) : null,
    };
    this.fields.set(name, field);
    for (const issue of this.issues.values()) issue.customFields[name] ??= { value: emptyValue(kind) };
    return structuredClone(field);
  }

  /** gives an option field an option (or, when it has it, these children more) */
  addOption(fieldName: string, value: string, children: string[] = []): void {
    const field = this.fields.get(fieldName);
    if (!field || field.options === null) throw new Error(`no option field named ${fieldName}`);
    const option = field.options.find((o) => o.value === value);
    if (option) option.children.push(...children.filter((c) => !option.children.includes(c)));
    else field.options.push({ value, children: [...new Set(children)] });
  }

  /** adds an issue link type (beside Jira's four) */
  addLinkType(name: string, outward: string, inward: string): void {
    if (this.linkTypes.some((t) => t.name === name)) throw new Error(`a link type named ${name} exists already`);
    this.linkTypes.push({ name, inward, outward });
  }

  /** a component of the project (already there: nothing) */
  addComponent(projectKey: string, name: string): void {
    this.addPart(projectKey, 'components', name, false);
  }

  /** a version of the project (already there: nothing) */
  addVersion(projectKey: string, name: string): void {
    this.addPart(projectKey, 'versions', name, false);
  }

  // ---- user operations (emit events) ----
  /** a person creates an issue (a Task unless `fields.typeName` says otherwise), checked as the app's writes are */
  userCreate(projectKey: string, summary: string, fields: IssueFieldWrite = {}): MemoryIssue {
    this.beforeUserAction();
    const typeName = fields.typeName ?? 'Task';
    const checked = this.check({ id: null, projectKey, typeName, parentId: null }, { ...fields, summary });
    const issue = this.newIssue(projectKey, typeName, this.person());
    this.apply(issue, checked);
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

  /** a person sets the issue's parent (an issue id or key) or clears it */
  userSetParent(idOrKey: string, parentIdOrKey: string | null): void {
    this.userEditAs(idOrKey, { parent: parentIdOrKey }, ['parent']);
  }

  /** a person sets the issue's components (names of the project's) */
  userSetComponents(idOrKey: string, names: string[]): void {
    this.userEditAs(idOrKey, { components: names }, ['components']);
  }

  /** a person sets the issue's fix versions (names of the project's) */
  userSetFixVersions(idOrKey: string, names: string[]): void {
    this.userEditAs(idOrKey, { fixVersions: names }, ['fixVersions']);
  }

  private userEditAs(idOrKey: string, fields: IssueFieldWrite, changedFields: string[]): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    this.write(issue, fields);
    issue.updated = this.now();
    this.emit({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields });
  }

  /**
   * A person links `outward` <type's outward verb> `inward` ("A blocks B": `userLink(A, B, 'Blocks')`):
   * neither issue's `updated` moves; an issuelink event for each of the two issues. The same link
   * again: no second one, no event. Answers the link's id.
   */
  userLink(outwardIdOrKey: string, inwardIdOrKey: string, type: string): string {
    this.beforeUserAction();
    const { id, created } = this.link(outwardIdOrKey, inwardIdOrKey, type);
    const link = this.links.get(id);
    if (created && link) for (const issueId of [link.outwardId, link.inwardId]) this.emit({ eventType: 'avi:jira:created:issuelink', issueId, changedFields: null });
    return id;
  }

  /** a person deletes an issue link (nothing when it is gone): an issuelink event for each of its issues, `updated` unmoved */
  userUnlink(linkId: string): void {
    this.beforeUserAction();
    const link = this.unlink(linkId);
    if (link) for (const issueId of [link.outwardId, link.inwardId]) this.emit({ eventType: 'avi:jira:deleted:issuelink', issueId, changedFields: null });
  }

  /** a person moves the issue (with a resolution, when the status is done: the transition screen's) */
  userSetStatus(idOrKey: string, status: string, resolution?: string): void {
    this.beforeUserAction();
    const issue = this.must(idOrKey);
    const target = STATUSES.find((s) => s.name === status);
    if (!target || issue.status.name === status) return;
    issue.resolution = target.category === 'done' ? (resolution !== undefined ? this.mustResolution(resolution) : issue.resolution) : null;
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

  /** the person acting in the `user…` operations */
  private person(): UserRef {
    const person = this.people.get(`user-${this.siteName}`);
    return person ? this.userRef(person) : { accountId: `user-${this.siteName}`, displayName: 'User', email: null };
  }
}

/** a write checked: the values to store beside the fields stored as they are */
interface CheckedWrite {
  fields: IssueFieldWrite;
  parent?: IssueRef | null;
  resolution?: string | null;
  assignee?: UserRef | null;
  reporter?: UserRef | null;
  components?: string[];
  fixVersions?: string[];
  custom: Record<string, JsonValue>;
}

/** a type's level in the hierarchy (an unknown type: a standard issue) */
function issueTypeLevel(typeName: string): number {
  return ISSUE_TYPES.find((t) => t.name === typeName)?.level ?? 0;
}

/** an empty value of this kind: [] for the multi kinds, else null */
function emptyValue(kind: CustomFieldKind): JsonValue {
  return kind === 'labels' || kind === 'multiselect' || kind === 'checkboxes' || kind === 'users' ? [] : null;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
}

/** the names, sorted without duplicates, when each is one of `known`; else a 400 naming the first that is not */
function namesIn(field: 'components' | 'fixVersions', names: string[], known: readonly string[], projectKey: string): string[] {
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined) throw new JiraError(`${field}: ${field === 'components' ? 'component' : 'version'} '${unknown}' does not exist in project ${projectKey}`, 400);
  return sortedUnique(names);
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
