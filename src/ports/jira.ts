import type { AdfDoc, IssueRef, JsonValue, UserRef } from '../model/replica';
import type { RulesMetadata } from './rules';

/**
 * Everything the sync engine needs from the local Jira site, in local terms (names, not ids).
 * The Forge adapter translates to Jira Cloud REST v3; tests use an in-memory fake.
 * Every method is one REST call unless it says otherwise (metadata is cached by the adapter).
 */

export interface LocalComment {
  id: string;
  author: UserRef | null;
  body: AdfDoc;
  created: string;
  updated: string;
}

export interface LocalAttachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  created: string;
  author: UserRef | null;
}

/** The site's attachment settings (`GET /rest/api/3/attachment/meta`). */
export interface AttachmentSettings {
  enabled: boolean;
  /** bytes; a file over it cannot be attached */
  uploadLimit: number;
}

/** An issue link of a local issue: its type's name, its direction from this issue, the issue at the other end. */
export interface LocalIssueLink {
  /** the link's id (`DELETE /rest/api/3/issueLink/{id}`) */
  id: string;
  type: string;
  /** 'outward': this issue is the link's outward issue ("this blocks the other") */
  direction: 'outward' | 'inward';
  issue: IssueRef;
}

export interface LocalIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description: AdfDoc | null;
  typeName: string;
  priority: string | null;
  labels: string[];
  status: { name: string; category: string | null };
  /** the resolution's name (Jira's `resolution` field), null when unresolved */
  resolution: string | null;
  dueDate: string | null;
  assignee: UserRef | null;
  reporter: UserRef | null;
  comments: LocalComment[];
  /** the issue's attachments (its `attachment` field), read with the issue */
  attachments: LocalAttachment[];
  /** the parent (an epic, or a sub-task's parent), or null */
  parent: IssueRef | null;
  /** the issue's links (its `issuelinks` field) */
  links: LocalIssueLink[];
  /** component names, sorted */
  components: string[];
  /** fix version names, sorted */
  fixVersions: string[];
  /** custom fields by display name, values by value (src/model/custom-field.ts) */
  customFields: Record<string, { value: JsonValue }>;
  created: string;
  updated: string;
  /**
   * The connection that created this issue as a twin (its `twinSync.origin` property), when the
   * app created it; read with the issue. A twin whose link is not written yet is not a new issue.
   */
  originConnectionId?: string | null | undefined;
}

export type { IssueRef };

export interface ChangedIssue {
  id: string;
  /** ISO time of the issue's last update */
  updated: string;
  /** the connection whose incoming sync created this issue as a twin, or null */
  originConnectionId: string | null;
}

export interface IssueOrigin {
  connectionId: string;
  remoteIssueId: string;
}

/** Field values to write, in local terms. Absent = leave unchanged. */
export interface IssueFieldWrite {
  summary?: string;
  description?: AdfDoc | null;
  typeName?: string;
  priority?: string | null;
  /**
   * The resolution by name. Jira Cloud takes it in an edit only when the edit screen has the field
   * (rarely): the sync writes it with a transition (`TransitionFields`) and tries an edit only when
   * the status stays; a refusal is a `JiraError` whose `fieldErrors` name `resolution`.
   */
  resolution?: string | null;
  labels?: string[];
  dueDate?: string | null;
  /** account id, or null to clear */
  assignee?: string | null;
  reporter?: string | null;
  /** the parent's issue id, or null to clear */
  parent?: string | null;
  /** component names (each must exist in the project) */
  components?: string[];
  /** fix version names (each must exist in the project) */
  fixVersions?: string[];
  /** by display name, values by value (src/model/custom-field.ts; people as account ids) */
  customFields?: Record<string, JsonValue>;
}

/** A project's components and versions, by name. */
export interface ProjectParts {
  components: string[];
  versions: string[];
}

export interface CreateIssueInput {
  projectKey: string;
  typeName: string;
  fields: IssueFieldWrite;
  /** stored as the `twinSync.origin` entity property in the same create call */
  origin: IssueOrigin;
}

export interface Transition {
  id: string;
  name: string;
  to: { name: string; category: string | null };
}

/** Fields a transition sets from its screen (`POST /rest/api/3/issue/{id}/transitions`). */
export interface TransitionFields {
  /** the resolution by name: taken when the transition's screen has the field, else a 400 naming it */
  resolution?: string;
}

export interface JiraPort {
  /** the issue, or null when it does not exist (or is not visible) */
  getIssue(issueId: string): Promise<LocalIssue | null>;
  /** the issue when it matches `jql` (the connection's scope), else null; one search call */
  getIssueInScope(issueId: string, jql: string): Promise<LocalIssue | null>;
  /** the issue created by this app for `origin`, if any (JQL on the origin entity property) */
  findIssueByOrigin(origin: IssueOrigin): Promise<IssueRef | null>;
  createIssue(input: CreateIssueInput): Promise<IssueRef>;
  updateIssue(issueId: string, fields: IssueFieldWrite): Promise<void>;
  getTransitions(issueId: string): Promise<Transition[]>;
  /** makes a transition, with the fields its screen takes (`fields`, when given) */
  transitionIssue(issueId: string, transitionId: string, fields?: TransitionFields): Promise<void>;
  addComment(issueId: string, body: AdfDoc): Promise<LocalComment>;
  updateComment(issueId: string, commentId: string, body: AdfDoc): Promise<void>;
  deleteComment(issueId: string, commentId: string): Promise<void>;
  /** the site's attachment settings (cached by the adapter) */
  getAttachmentSettings(): Promise<AttachmentSettings>;
  /**
   * `length` bytes of an attachment's content from `offset` (fewer at its end): one ranged read
   * (`GET /rest/api/3/attachment/content/{id}?redirect=false` with a `Range` header).
   */
  readAttachment(attachmentId: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * The Media Services file id of an attachment (what ADF `media` nodes name), or null when Jira
   * does not tell it: read from the download redirect of `GET /rest/api/3/attachment/content/{id}`.
   */
  attachmentMediaId(attachmentId: string): Promise<string | null>;
  /** attaches one file (`POST /rest/api/3/issue/{id}/attachments`, multipart) */
  addAttachment(issueId: string, file: { filename: string; mimeType: string; bytes: Uint8Array }): Promise<LocalAttachment>;
  /** deletes an attachment; a 404 (already gone) is a JiraError like any other */
  deleteAttachment(attachmentId: string): Promise<void>;
  /**
   * Metadata for the rules' helpers (cached by the adapter). `userEmails`, `accountIds`: the users
   * with these emails or account ids are looked up (cached per email and id) and listed in `users`,
   * for getUserByEmail and getUser (an account id that is nobody here is left out).
   * `customFields`: the custom fields (by name) and option values a replica names; when the cached
   * metadata lacks one, it is loaded again first (a field or option created since), once per
   * invocation.
   */
  getMetadata(options?: { userEmails?: string[]; accountIds?: string[]; customFields?: Record<string, string[]> }): Promise<RulesMetadata>;
  /** creates an issue link `outward <type's outward verb> inward` (`POST /rest/api/3/issueLink`) */
  createIssueLink(link: { type: string; outwardIssueId: string; inwardIssueId: string }): Promise<void>;
  /** deletes an issue link; a 404 (already gone) is a JiraError like any other */
  deleteIssueLink(linkId: string): Promise<void>;
  /** the project's components and versions (two calls, not cached: a name created since must be seen) */
  getProjectParts(projectKey: string): Promise<ProjectParts>;
  /** creates a component in the project (`POST /rest/api/3/component`) */
  createComponent(projectKey: string, name: string): Promise<void>;
  /** creates a version in the project (`POST /rest/api/3/version`) */
  createVersion(projectKey: string, name: string): Promise<void>;
  /** one page of the ids of the issues matching `jql` (for bulk sync) */
  searchIssueIds(jql: string, nextPageToken: string | null): Promise<{ ids: string[]; nextPageToken: string | null }>;
  /**
   * One page (at most 100) of the issues matching `jql`, with when each was last updated and the
   * connection that created it as a twin, if any (its origin property): the sweeper's search for
   * changes not sent (src/sync/anti-entropy.ts).
   */
  searchChanged(jql: string, nextPageToken: string | null): Promise<{ issues: ChangedIssue[]; nextPageToken: string | null }>;
  /** Jira's approximate count of the issues matching `jql` (what a bulk sync would take) */
  countIssues(jql: string): Promise<number>;
  /** null when the JQL is valid on this site, else the site's message */
  validateJql(jql: string): Promise<string | null>;
  /** base URL of the site, for links shown to users */
  siteUrl(): Promise<string | null>;
  /** active people whose name or email matches `query` (at most 20), for the admin's people table */
  searchUsers(query: string): Promise<UserRef[]>;
}

/** A Jira call failed. `status` 0 = network failure. */
export class JiraError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** seconds, from a 429/503 Retry-After header */
    readonly retryAfterSeconds: number | null = null,
    /** the answer's `errors`: a message per field Jira refused (`{ resolution: "Field 'resolution' cannot be set…" }`) */
    readonly fieldErrors: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'JiraError';
  }
}
