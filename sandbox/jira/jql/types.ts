/**
 * The contract between the emulated site's storage and the JQL evaluator.
 * The site turns each stored issue into a JqlIssue; the evaluator never touches SQLite.
 */
export interface JqlIssue {
  id: string;
  key: string;
  /** numeric part of the key, for ORDER BY key */
  keyNumber: number;
  projectId: string;
  projectKey: string;
  projectName: string;
  issueTypeId: string;
  issueTypeName: string;
  statusId: string;
  statusName: string;
  /** 'new' | 'indeterminate' | 'done' */
  statusCategoryKey: string;
  priorityId: string | null;
  priorityName: string | null;
  labels: string[];
  summary: string;
  /** plain text extracted from the ADF description */
  descriptionText: string;
  /** plain text of each comment body */
  commentTexts: string[];
  /** epoch milliseconds */
  created: number;
  updated: number;
  /** 'YYYY-MM-DD' or null */
  dueDate: string | null;
  reporterAccountId: string | null;
  assigneeAccountId: string | null;
  /** custom field values keyed by id, e.g. { customfield_10010: 'CLOUD-1' } */
  customFields: Record<string, unknown>;
  /** issue entity properties: key -> JSON value */
  properties: Record<string, unknown>;
}

export interface JqlCustomFieldInfo {
  /** e.g. 'customfield_10010' */
  id: string;
  name: string;
  /** schema type, e.g. 'string' */
  type: string;
}

/** A project, issue type, status or priority known to the site. */
export interface JqlCatalogEntry {
  id: string;
  name: string;
  /** project key (projects only) */
  key?: string;
}

export interface JqlUserInfo {
  accountId: string;
  displayName: string;
  emailAddress?: string | null;
}

/**
 * Optional (added by the JQL evaluator, backwards compatible): what the site knows. When a list is
 * given, a value that names nothing in it answers Jira's `The value 'X' does not exist for the field
 * 'project'.` (kind 'invalid-value'), user fields also accept display names and e-mail addresses,
 * `priorities` (highest first) ranks priority for `<`/`>`/ORDER BY and `statuses` orders ORDER BY status.
 */
export interface JqlCatalog {
  projects?: readonly JqlCatalogEntry[];
  issueTypes?: readonly JqlCatalogEntry[];
  statuses?: readonly JqlCatalogEntry[];
  /** highest first, as Jira lists them */
  priorities?: readonly JqlCatalogEntry[];
  users?: readonly JqlUserInfo[];
}

export interface JqlContext {
  /** epoch milliseconds used for relative dates like -1d and functions like now() */
  now: number;
  /** the calling user's account id, for currentUser() */
  currentAccountId: string | null;
  customFields: readonly JqlCustomFieldInfo[];
  /** optional: see JqlCatalog */
  catalog?: JqlCatalog;
}

export interface CompiledJql {
  matches(issue: JqlIssue): boolean;
  /** comparator from ORDER BY (default without ORDER BY: created DESC, then id DESC) */
  compare(a: JqlIssue, b: JqlIssue): number;
}

/** Thrown for malformed or unsupported JQL; the site answers 400 with `message` in errorMessages. */
export class JqlError extends Error {
  constructor(message: string, readonly kind: 'syntax' | 'unsupported' | 'unknown-field' | 'invalid-value') {
    super(message);
    this.name = 'JqlError';
  }
}
