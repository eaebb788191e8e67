import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { adfProblem } from './adf';
import { adfMediaFileIds, attachmentChangeItem, attachmentEventPayload, MAX_ATTACHMENTS_PER_ISSUE } from './attachments';
import type { JiraIssueProductEvent, JiraProductEvent } from './contract';
import type { EventBus } from './event-bus';
import type { EventJournal } from './storage/event-journal';
import { JiraError } from './http/jira-error';
import type { FieldErrors, IssueDraft } from './issue-fields';
import { IssueFields } from './issue-fields';
import type { IssueIndex } from './issue-index';
import { jiraDate } from './jira-date';
import type { Renderer } from './render';
import type { Accounts } from './storage/accounts';
import type { AttachmentStore } from './storage/attachment-store';
import type { Catalog } from './storage/catalog';
import type { Db } from './storage/db';
import type { IssueStore } from './storage/issue-store';
import type { AccountRecord, AttachmentRecord, ChangeItem, CommentRecord, IssueRecord, StatusRecord } from './storage/records';
import { findLinkType, issueLinkEvent, linkChangeItems, MAX_LINKS_PER_ISSUE, parseLinkRequest } from './issue-links';
import type { IssueLinkStore } from './storage/link-store';
import type { ProjectPartsStore } from './storage/project-parts-store';

const record = z.record(z.string(), z.unknown());
const propertyInput = z.object({ key: z.string(), value: z.unknown() });
const issueInput = z.object({
  fields: record.optional(),
  update: record.optional(),
  properties: z.array(propertyInput).optional(),
  transition: z.object({ id: z.union([z.string(), z.number()]).optional() }).passthrough().optional(),
  historyMetadata: z.unknown().optional(),
}).passthrough();
export type IssueInput = z.infer<typeof issueInput>;

const bulkInput = z.object({ issueUpdates: z.array(z.unknown()) });
const projectRefInput = z.object({ id: z.union([z.string(), z.number()]).optional(), key: z.string().optional() });
const commentInput = z.object({ body: z.unknown() }).passthrough();
const resolutionRef = z.object({ id: z.union([z.string(), z.number()]).optional(), name: z.string().optional() }).passthrough();

const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
const MAX_PROPERTY_BYTES = 32768;

/** one file of an upload, as the attachment route read it from the multipart body */
export interface AttachmentUpload {
  filename: string;
  mimeType: string;
  bytes: Buffer;
}

interface TxResult<T> {
  value: T;
  events: JiraProductEvent[];
  touched: number[];
}

export function parseIssueInput(body: unknown): IssueInput {
  const parsed = issueInput.safeParse(body);
  if (!parsed.success) throw JiraError.badRequest(INVALID_PAYLOAD);
  return parsed.data;
}

export function propertyKeyProblem(key: string): string | null {
  if (key.length === 0) return 'The property key cannot be empty.';
  if (key.length > 255) return 'The property key cannot be longer than 255 characters.';
  return null;
}

export function propertyValueProblem(value: unknown): string | null {
  if (value === undefined) return 'The property value must be a valid JSON value.';
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_PROPERTY_BYTES) return `The property value cannot be longer than ${MAX_PROPERTY_BYTES} bytes.`;
  return null;
}

/** Every write to issues: validation, one transaction per request, index refresh, then events. */
export class IssueService {
  readonly fields: IssueFields;

  constructor(
    private readonly db: Db,
    private readonly store: IssueStore,
    private readonly catalog: Catalog,
    accounts: Accounts,
    private readonly index: IssueIndex,
    private readonly bus: EventBus,
    private readonly render: Renderer,
    private readonly now: () => number,
    private readonly journal: EventJournal,
    private readonly attachments: AttachmentStore,
    private readonly links: IssueLinkStore,
    parts: ProjectPartsStore,
  ) {
    this.fields = new IssueFields(catalog, accounts, store, parts);
  }

  /**
   * One request's writes: the change and its product events in the journal commit together (a kill
   * after the commit loses no event: a subscriber reads the journal), then the index and the events.
   */
  private run<T>(work: () => TxResult<T>): T {
    const result = this.db.transaction(() => {
      const r = work();
      return { ...r, journaled: this.journal.append(r.events) };
    })();
    this.journal.committed(result.journaled);
    for (const id of result.touched) this.index.refresh(id);
    this.bus.emit(result.journaled);
    return result.value;
  }

  find(idOrKey: string): IssueRecord {
    const issue = this.store.issue(idOrKey);
    if (!issue) throw JiraError.issueNotFound();
    return issue;
  }

  create(actor: AccountRecord, body: unknown): IssueRecord {
    const input = parseIssueInput(body);
    return this.run(() => this.createInTx(actor, input));
  }

  /** POST /issue/bulk: each issue is created (or refused) on its own */
  createBulk(actor: AccountRecord, body: unknown): { created: IssueRecord[]; failed: { index: number; error: JiraError }[] } {
    const parsed = bulkInput.safeParse(body);
    if (!parsed.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    if (parsed.data.issueUpdates.length > 50) throw JiraError.badRequest('You can create at most 50 issues in one request.');
    const created: IssueRecord[] = [];
    const failed: { index: number; error: JiraError }[] = [];
    parsed.data.issueUpdates.forEach((item, index) => {
      try {
        created.push(this.create(actor, item));
      } catch (e) {
        if (!(e instanceof JiraError)) throw e;
        failed.push({ index, error: e });
      }
    });
    return { created, failed };
  }

  private createInTx(actor: AccountRecord, input: IssueInput): TxResult<IssueRecord> {
    const errors: FieldErrors = {};
    const fields = input.fields ?? {};
    const update = input.update ?? {};
    const projectRef = projectRefInput.safeParse(fields.project);
    const project = projectRef.success ? this.catalog.project(String(projectRef.data.key ?? projectRef.data.id ?? '')) : undefined;
    if (!project) errors.project = 'Specify a valid project ID or key';
    if (fields.issuetype === undefined && !('issuetype' in update)) errors.issuetype = 'Specify an issue type';
    if (fields.summary === undefined && !('summary' in update)) errors.summary = 'You must specify a summary of the issue.';
    const at = this.now();
    const draft: IssueDraft = {
      issue: {
        id: 0, key: '', projectId: project?.id ?? 0, number: 0, issueTypeId: this.catalog.issueTypes[0]?.id ?? 0,
        statusId: this.catalog.initialStatus().id, priorityId: this.catalog.defaultPriority()?.id ?? null, resolutionId: null, parentId: null,
        summary: '', description: null, labels: [], dueDate: null, reporter: actor.accountId, assignee: null,
        creator: actor.accountId, created: at, updated: at, statusChanged: at, custom: {}, components: [], fixVersions: [],
      },
      newComments: [],
    };
    const { project: _project, ...rest } = fields;
    this.fields.apply(draft, rest, update, 'create', errors);
    if (project && !errors.issuetype && !errors.parent) this.fields.finish(draft.issue, errors);
    // no assignee asked for: the one its components name (ProjectComponent.assigneeType)
    if (fields.assignee === undefined && !('assignee' in update)) draft.issue.assignee = this.fields.componentAssignee(draft.issue) ?? draft.issue.assignee;
    const properties = input.properties ?? [];
    for (const p of properties) {
      const problem = propertyKeyProblem(p.key) ?? propertyValueProblem(p.value);
      if (problem) errors.properties = problem;
    }
    const transitionId = input.transition?.id;
    if (transitionId !== undefined) {
      // an initial transition: the issue is created straight into the transition's target status
      const target = this.catalog.statuses.find((st) => String(st.transitionId) === String(transitionId));
      if (!target) errors.transition = `Transition id '${String(transitionId)}' is not valid for this issue.`;
      else if (target.id !== draft.issue.statusId) {
        draft.issue.statusId = target.id;
        // straight into a done status: the workflow's resolution (as a transition there without one sets)
        if (target.categoryKey === 'done') draft.issue.resolutionId = this.catalog.doneResolution()?.id ?? null;
      }
    }
    if (Object.keys(errors).length > 0 || !project) throw JiraError.fields(errors);

    const issue = draft.issue;
    issue.id = this.store.newIssueId();
    issue.number = this.catalog.takeIssueNumber(project.id);
    issue.key = `${project.key}-${issue.number}`;
    this.store.insertIssue(issue);
    for (const p of properties) this.store.setProperty(issue.id, p.key, p.value);
    const events: JiraProductEvent[] = [this.issueEvent('avi:jira:created:issue', actor, issue, at)];
    for (const body of draft.newComments) {
      const c = this.store.insertComment(issue.id, actor.accountId, body, at);
      events.push(this.commentEvent('avi:jira:commented:issue', actor, issue, c, at));
    }
    return { value: issue, events, touched: [issue.id] };
  }

  edit(actor: AccountRecord, idOrKey: string, body: unknown): IssueRecord {
    const input = parseIssueInput(body);
    return this.run(() => {
      const before = this.find(idOrKey);
      return this.change(actor, before, input, null);
    });
  }

  transition(actor: AccountRecord, idOrKey: string, body: unknown): IssueRecord {
    const input = parseIssueInput(body);
    return this.run(() => {
      const before = this.find(idOrKey);
      const id = input.transition?.id;
      if (id === undefined) throw JiraError.badRequest("Missing 'transition' identifier");
      const target = this.catalog.statuses.find((s) => String(s.transitionId) === String(id));
      if (!target || target.id === before.statusId) throw JiraError.badRequest(`Transition id '${String(id)}' is not valid for this issue.`);
      const { fields, resolutionId } = this.transitionResolution(before, target, input.fields ?? {});
      return this.change(actor, before, { ...input, fields }, target.id, resolutionId);
    });
  }

  /**
   * The resolution a transition leaves, as the default workflows here read it (README, "Resolution"):
   * into a done status, the transition's screen takes `fields.resolution` (by id or name), and
   * without it the issue keeps its resolution, or gets the site's done resolution (a post function's);
   * into another status the resolution is cleared, and that transition has no screen for it (a
   * `fields.resolution` is refused as an edit's is: it is left in the fields, which refuse it).
   */
  private transitionResolution(before: IssueRecord, target: StatusRecord, fields: Record<string, unknown>): { fields: Record<string, unknown>; resolutionId: number | null } {
    if (target.categoryKey !== 'done') return { fields, resolutionId: null };
    if (!('resolution' in fields)) return { fields, resolutionId: before.resolutionId ?? this.catalog.doneResolution()?.id ?? null };
    const { resolution: given, ...rest } = fields;
    const ref = resolutionRef.safeParse(given);
    const found = ref.success ? this.catalog.resolution(String(ref.data.id ?? ref.data.name ?? '')) : undefined;
    if (!found) throw JiraError.fields({ resolution: given === null ? 'Resolution is required.' : 'The resolution selected is invalid.' });
    return { fields: rest, resolutionId: found.id };
  }

  private change(actor: AccountRecord, before: IssueRecord, input: IssueInput, statusId: number | null, resolutionId: number | null = before.resolutionId): TxResult<IssueRecord> {
    const draft: IssueDraft = { issue: structuredClone(before), newComments: [] };
    const errors: FieldErrors = {};
    this.fields.apply(draft, input.fields ?? {}, input.update ?? {}, 'edit', errors);
    if (Object.keys(errors).length === 0) this.fields.finish(draft.issue, errors);
    const properties = input.properties ?? [];
    for (const p of properties) {
      const problem = propertyKeyProblem(p.key) ?? propertyValueProblem(p.value);
      if (problem) errors.properties = problem;
    }
    if (Object.keys(errors).length > 0) throw JiraError.fields(errors);
    const after = draft.issue;
    const at = this.now();
    if (statusId !== null) {
      if (this.catalog.statusById(statusId).categoryKey !== this.catalog.statusById(before.statusId).categoryKey) after.statusChanged = at;
      after.statusId = statusId;
      after.resolutionId = resolutionId;
    }
    const items = this.fields.diff(before, after);
    for (const p of properties) this.store.setProperty(after.id, p.key, p.value);
    const events: JiraProductEvent[] = [];
    // an edit of the description that drops the last reference to an attachment's media file deletes it
    const described = items.some((i) => i.fieldId === 'description') && adfMediaFileIds(before.description).size > 0;
    const comments = described ? this.store.comments(after.id).map((c) => c.body) : [];
    const orphans = described ? this.orphaned(after.id, [before.description, ...comments], [after.description, ...comments, ...draft.newComments]) : [];
    for (const a of orphans) {
      this.attachments.delete(a.id);
      items.push(attachmentChangeItem(a, 'removed'));
      events.push(this.attachmentEvent('avi:jira:deleted:attachment', a, at));
    }
    if (items.length > 0 || draft.newComments.length > 0) {
      after.updated = at;
      this.store.updateIssue(after);
    }
    if (items.length > 0) {
      const log = this.store.insertChangelog(after.id, actor.accountId, at, items);
      events.push(this.issueEvent('avi:jira:updated:issue', actor, after, at, { id: String(log.id), items }));
    }
    for (const body of draft.newComments) {
      const c = this.store.insertComment(after.id, actor.accountId, body, at);
      events.push(this.commentEvent('avi:jira:commented:issue', actor, after, c, at));
    }
    return { value: after, events, touched: [after.id] };
  }

  /** sub-tasks go with their parent (only with deleteSubtasks); other children (of an epic) lose their parent */
  delete(actor: AccountRecord, idOrKey: string, deleteSubtasks: boolean): void {
    this.run(() => {
      const issue = this.find(idOrKey);
      const children = this.store.childIds(issue.id).map((id) => this.store.issueById(id)).filter((c): c is IssueRecord => c !== undefined);
      const subtasks = children.filter((c) => this.catalog.issueTypeById(c.issueTypeId).subtask);
      if (subtasks.length > 0 && !deleteSubtasks) {
        throw JiraError.badRequest(`The issue has subtasks. Delete them first or use deleteSubtasks=true to delete them with ${issue.key}.`);
      }
      const at = this.now();
      const events: JiraProductEvent[] = [];
      for (const child of children) {
        if (subtasks.includes(child)) {
          events.push(this.issueEvent('avi:jira:deleted:issue', actor, child, at));
          this.store.deleteIssue(child.id);
          continue;
        }
        const orphan: IssueRecord = { ...child, parentId: null, updated: at };
        const items = this.fields.diff(child, orphan);
        this.store.updateIssue(orphan);
        const log = this.store.insertChangelog(child.id, actor.accountId, at, items);
        events.push(this.issueEvent('avi:jira:updated:issue', actor, orphan, at, { id: String(log.id), items }));
      }
      events.push(this.issueEvent('avi:jira:deleted:issue', actor, issue, at));
      this.store.deleteIssue(issue.id);
      return { value: undefined, events, touched: [...children.map((c) => c.id), issue.id] };
    });
  }

  addComment(actor: AccountRecord, idOrKey: string, body: unknown): { issue: IssueRecord; comment: CommentRecord } {
    const adf = this.commentBody(body);
    return this.run(() => {
      const issue = this.find(idOrKey);
      const at = this.now();
      const comment = this.store.insertComment(issue.id, actor.accountId, adf, at);
      issue.updated = at;
      this.store.updateIssue(issue);
      return { value: { issue, comment }, events: [this.commentEvent('avi:jira:commented:issue', actor, issue, comment, at)], touched: [issue.id] };
    });
  }

  updateComment(actor: AccountRecord, idOrKey: string, commentId: string, body: unknown): { issue: IssueRecord; comment: CommentRecord } {
    const adf = this.commentBody(body);
    return this.run(() => {
      const issue = this.find(idOrKey);
      const comment = this.findComment(issue, commentId);
      const at = this.now();
      const changed: CommentRecord = { ...comment, body: adf, updateAuthor: actor.accountId, updated: at };
      const orphans = this.orphanedByComment(issue, comment, changed.body);
      this.store.updateComment(changed);
      issue.updated = at;
      this.store.updateIssue(issue);
      const events = [this.commentEvent('avi:jira:commented:issue', actor, issue, changed, at), ...this.removeAttachments(actor, issue, orphans, at)];
      return { value: { issue, comment: changed }, events, touched: [issue.id] };
    });
  }

  deleteComment(actor: AccountRecord, idOrKey: string, commentId: string): void {
    this.run(() => {
      const issue = this.find(idOrKey);
      const comment = this.findComment(issue, commentId);
      const at = this.now();
      const orphans = this.orphanedByComment(issue, comment, null);
      this.store.deleteComment(comment.id);
      // the deletion itself does not move `updated` (README); deleting the attachments it orphaned does
      if (orphans.length > 0) {
        issue.updated = at;
        this.store.updateIssue(issue);
      }
      const events = [this.commentEvent('avi:jira:deleted:comment', actor, issue, comment, at), ...this.removeAttachments(actor, issue, orphans, at)];
      return { value: undefined, events, touched: [issue.id] };
    });
  }

  /**
   * POST /issue/{issueIdOrKey}/attachments: each file becomes an attachment (id from the site's counter,
   * a new media file id), with its own `Attachment` changelog entry, `avi:jira:created:attachment` and
   * `avi:jira:updated:issue`; the issue's `updated` moves. All or nothing: over the per-issue limit → 413.
   */
  addAttachments(actor: AccountRecord, idOrKey: string, files: readonly AttachmentUpload[]): { issue: IssueRecord; attachments: AttachmentRecord[] } {
    return this.run(() => {
      const issue = this.find(idOrKey);
      const count = this.attachments.countOfIssue(issue.id);
      if (count + files.length > MAX_ATTACHMENTS_PER_ISSUE) {
        throw new JiraError(413, [`The issue ${issue.key} has ${count} attachments: adding ${files.length} would pass the limit of ${MAX_ATTACHMENTS_PER_ISSUE} attachments per issue.`]);
      }
      const at = this.now();
      issue.updated = at;
      this.store.updateIssue(issue);
      const events: JiraProductEvent[] = [];
      const added: AttachmentRecord[] = [];
      for (const f of files) {
        const a = this.attachments.insert({
          issueId: issue.id, filename: f.filename, mimeType: f.mimeType, size: f.bytes.length, created: at, author: actor.accountId,
          mediaFileId: randomUUID(),
        }, f.bytes);
        added.push(a);
        const items = [attachmentChangeItem(a, 'added')];
        const log = this.store.insertChangelog(issue.id, actor.accountId, at, items);
        events.push(this.attachmentEvent('avi:jira:created:attachment', a, at));
        events.push(this.issueEvent('avi:jira:updated:issue', actor, issue, at, { id: String(log.id), items }));
      }
      return { value: { issue, attachments: added }, events, touched: [issue.id] };
    });
  }

  /** DELETE /attachment/{id} (the route checked the permission): `avi:jira:deleted:attachment`, an `Attachment` changelog entry and `updated` */
  deleteAttachment(actor: AccountRecord, attachment: AttachmentRecord): void {
    this.run(() => {
      const issue = this.store.issueById(attachment.issueId);
      if (!issue || !this.attachments.get(String(attachment.id))) throw JiraError.notFound(`The attachment with id '${attachment.id}' does not exist.`);
      const at = this.now();
      issue.updated = at;
      this.store.updateIssue(issue);
      return { value: undefined, events: this.removeAttachments(actor, issue, [attachment], at), touched: [issue.id] };
    });
  }

  /**
   * The issue's attachments whose media file was referenced by one of the documents before (the
   * description and the comments) and by none after: Jira Cloud deletes those, as users report
   * (https://github.com/sooperset/mcp-atlassian/issues/1678, https://github.com/sooperset/mcp-atlassian/issues/1192,
   * https://github.com/open-cli-collective/atlassian-cli/issues/488); no Atlassian page documents it,
   * so this is the harsher reading (sandbox/jira/README.md, Attachments).
   */
  private orphaned(issueId: number, beforeDocs: readonly unknown[], afterDocs: readonly unknown[]): AttachmentRecord[] {
    const before = new Set<string>();
    for (const d of beforeDocs) adfMediaFileIds(d, before);
    if (before.size === 0) return [];
    const after = new Set<string>();
    for (const d of afterDocs) adfMediaFileIds(d, after);
    return this.attachments.ofIssue(issueId).filter((a) => before.has(a.mediaFileId) && !after.has(a.mediaFileId));
  }

  /** the orphans of replacing (or, with null, deleting) one comment's body */
  private orphanedByComment(issue: IssueRecord, comment: CommentRecord, newBody: unknown): AttachmentRecord[] {
    if (adfMediaFileIds(comment.body).size === 0) return [];
    const others = this.store.comments(issue.id).filter((c) => c.id !== comment.id).map((c) => c.body);
    return this.orphaned(issue.id, [issue.description, comment.body, ...others], [issue.description, newBody, ...others]);
  }

  /** deletes attachments in the running transaction: one `Attachment` changelog entry, their deleted events, then `avi:jira:updated:issue` */
  private removeAttachments(actor: AccountRecord, issue: IssueRecord, gone: readonly AttachmentRecord[], at: number): JiraProductEvent[] {
    if (gone.length === 0) return [];
    const events: JiraProductEvent[] = [];
    const items: ChangeItem[] = [];
    for (const a of gone) {
      this.attachments.delete(a.id);
      items.push(attachmentChangeItem(a, 'removed'));
      events.push(this.attachmentEvent('avi:jira:deleted:attachment', a, at));
    }
    const log = this.store.insertChangelog(issue.id, actor.accountId, at, items);
    events.push(this.issueEvent('avi:jira:updated:issue', actor, issue, at, { id: String(log.id), items }));
    return events;
  }

  findComment(issue: IssueRecord, commentId: string): CommentRecord {
    const comment = /^\d+$/.test(commentId) ? this.store.comment(issue.id, Number(commentId)) : undefined;
    if (!comment) throw JiraError.notFound(`Can not find a comment for the id: ${commentId}.`);
    return comment;
  }

  private commentBody(body: unknown): unknown {
    const parsed = commentInput.safeParse(body);
    if (!parsed.success || parsed.data.body === undefined || parsed.data.body === null) throw JiraError.fields({ comment: 'Comment body can not be empty!' });
    const problem = adfProblem(parsed.data.body);
    if (problem !== null) throw JiraError.fields({ comment: `Comment body must be an Atlassian Document (see the Atlassian Document Format): ${problem}` });
    return parsed.data.body;
  }

  /** PUT property: true when it was created, false when replaced */
  setProperty(idOrKey: string, key: string, value: unknown): boolean {
    const problem = propertyKeyProblem(key) ?? propertyValueProblem(value);
    if (problem) throw JiraError.badRequest(problem);
    return this.run(() => {
      const issue = this.find(idOrKey);
      const existed = this.store.property(issue.id, key) !== undefined;
      this.store.setProperty(issue.id, key, value);
      return { value: !existed, events: [], touched: [issue.id] };
    });
  }

  deleteProperty(idOrKey: string, key: string): void {
    this.run(() => {
      const issue = this.find(idOrKey);
      if (!this.store.deleteProperty(issue.id, key)) throw JiraError.notFound(`The property with key '${key}' does not exist.`);
      return { value: undefined, events: [], touched: [issue.id] };
    });
  }

  /**
   * POST /issueLink (the route checked the permissions): the link, a `Link` changelog entry on each
   * issue and `avi:jira:created:issuelink`; neither issue's `updated` moves and no
   * `avi:jira:updated:issue` fires (sandbox/jira/README.md, "Issue links": the harsher reading). A
   * link that exists already (same type, same direction) is not made again ("If the link request
   * duplicates a link, the response indicates that the issue link was created"); the comment is added
   * to the outward issue either way ("optionally add a comment to the from (outward) issue … If the
   * request included a comment, the comment is added", linkIssues). An invalid comment: nothing at
   * all ("The issue link is also not created").
   */
  linkIssues(actor: AccountRecord, body: unknown): void {
    const req = parseLinkRequest(body);
    const commentBody = req.comment === undefined ? undefined : this.commentBody(req.comment);
    this.run(() => {
      const inward = this.find(req.inwardIssue);
      const outward = this.find(req.outwardIssue);
      const type = findLinkType(this.links, req.type);
      // the pages do not say whether an issue may be linked to itself: the harsher reading refuses it
      if (inward.id === outward.id) throw JiraError.badRequest(`You cannot link the issue ${inward.key} to itself.`);
      const at = this.now();
      const events: JiraProductEvent[] = [];
      const touched: number[] = [];
      if (!this.links.same(type.id, inward.id, outward.id)) {
        for (const issue of [inward, outward]) {
          if (this.links.countOfIssue(issue.id) >= MAX_LINKS_PER_ISSUE) {
            throw new JiraError(413, [`The issue ${issue.key} has ${MAX_LINKS_PER_ISSUE} issue links: adding one would pass the limit of ${MAX_LINKS_PER_ISSUE} issue links per issue.`]);
          }
        }
        const link = this.links.insert(type.id, inward.id, outward.id, at);
        for (const { issue, item } of linkChangeItems(type, inward, outward, 'added')) this.store.insertChangelog(issue.id, actor.accountId, at, [item]);
        events.push(issueLinkEvent('avi:jira:created:issuelink', link, type, inward, outward, at));
      }
      if (commentBody !== undefined) {
        const c = this.store.insertComment(outward.id, actor.accountId, commentBody, at);
        outward.updated = at;
        this.store.updateIssue(outward);
        events.push(this.commentEvent('avi:jira:commented:issue', actor, outward, c, at));
        touched.push(outward.id);
      }
      return { value: undefined, events, touched };
    });
  }

  /**
   * DELETE /issueLink/{linkId} (the route checked the permissions): a `Link` changelog entry on each
   * issue and `avi:jira:deleted:issuelink`, nothing else (as for creating one). 400 for an id that is
   * not a number ("the issue link ID is invalid"), 404 for an unknown one.
   */
  deleteIssueLink(actor: AccountRecord, linkId: string): void {
    if (!/^\d+$/.test(linkId)) throw JiraError.badRequest(`The issue link id '${linkId}' is not valid.`);
    this.run(() => {
      const link = this.links.link(Number(linkId));
      const type = link ? this.links.typeById(link.typeId) : undefined;
      const inward = link ? this.store.issueById(link.inwardIssueId) : undefined;
      const outward = link ? this.store.issueById(link.outwardIssueId) : undefined;
      if (!link || !type || !inward || !outward) throw JiraError.notFound(`No issue link with id '${linkId}' exists.`);
      const at = this.now();
      this.links.delete(link.id);
      for (const { issue, item } of linkChangeItems(type, inward, outward, 'removed')) this.store.insertChangelog(issue.id, actor.accountId, at, [item]);
      return { value: undefined, events: [issueLinkEvent('avi:jira:deleted:issuelink', link, type, inward, outward, at)], touched: [] };
    });
  }

  /** the issue as Forge product events carry it */
  eventIssue(issue: IssueRecord): { id: string; key: string; fields: Record<string, unknown> } {
    const status = this.catalog.statusById(issue.statusId);
    const ref = (id: string | null): { accountId: string } | null => (id === null ? null : { accountId: id });
    return {
      id: String(issue.id), key: issue.key,
      fields: {
        summary: issue.summary, issuetype: this.render.issueType(this.catalog.issueTypeById(issue.issueTypeId)),
        creator: ref(issue.creator), created: jiraDate(issue.created), project: this.render.projectRef(this.catalog.projectById(issue.projectId)),
        reporter: ref(issue.reporter), assignee: ref(issue.assignee), updated: jiraDate(issue.updated), status: this.render.status(status),
        priority: issue.priorityId === null ? null : this.render.priorityRef(this.catalog.priorityById(issue.priorityId)),
        labels: [...issue.labels],
      },
    };
  }

  /** the page's payload: `eventType` and `attachment`, nothing else (contract.ts, JiraAttachmentProductEvent) */
  private attachmentEvent(eventType: 'avi:jira:created:attachment' | 'avi:jira:deleted:attachment', a: AttachmentRecord, at: number): JiraProductEvent {
    return { eventType, attachment: attachmentEventPayload(a), timestamp: new Date(at).toISOString() };
  }

  private issueEvent(eventType: JiraIssueProductEvent['eventType'], actor: AccountRecord, issue: IssueRecord, at: number, changelog?: { id: string; items: ChangeItem[] }): JiraProductEvent {
    return {
      eventType, atlassianId: actor.accountId, issue: this.eventIssue(issue),
      ...(changelog ? { changelog } : {}), timestamp: new Date(at).toISOString(),
      associatedUsers: [{ accountId: actor.accountId }],
    };
  }

  private commentEvent(eventType: 'avi:jira:commented:issue' | 'avi:jira:deleted:comment', actor: AccountRecord, issue: IssueRecord, c: CommentRecord, at: number): JiraProductEvent {
    return {
      eventType, atlassianId: actor.accountId, issue: this.eventIssue(issue),
      comment: {
        id: String(c.id), self: `${this.render.api}/issue/${issue.id}/comment/${c.id}`, body: c.body,
        author: { accountId: c.author }, updateAuthor: { accountId: c.updateAuthor },
        created: jiraDate(c.created), updated: jiraDate(c.updated), jsdPublic: true,
      },
      timestamp: new Date(at).toISOString(),
      associatedUsers: [{ accountId: actor.accountId }],
    };
  }
}
