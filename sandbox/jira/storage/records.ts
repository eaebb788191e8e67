/** Rows of a site's storage, as the rest of the site uses them. */

export type AccountType = 'atlassian' | 'app';
/**
 * Who may see a person's email address, as set in their Atlassian account's profile visibility
 * ("Anyone" (Public) or hidden: "Only you" (Private), "Organization", "Only you and admins").
 * https://developer.atlassian.com/cloud/jira/platform/profile-visibility/
 */
export type EmailVisibility = 'public' | 'private';
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface AccountRecord {
  accountId: string;
  email: string;
  displayName: string;
  accountType: AccountType;
  apiToken: string;
  active: boolean;
  /** only 'public' emails are ever answered by the REST API (see render.ts) */
  emailVisibility: EmailVisibility;
  /** for app accounts: the app's name, which its hourly points quota is counted by */
  appName: string | null;
}

export interface ProjectRecord {
  id: number;
  key: string;
  name: string;
  leadAccountId: string;
}

export interface IssueTypeRecord {
  id: number;
  name: string;
  description: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface PriorityRecord {
  id: number;
  name: string;
  description: string;
  statusColor: string;
  isDefault: boolean;
}

export interface ResolutionRecord {
  id: number;
  name: string;
  description: string;
  isDefault: boolean;
}

export interface StatusRecord {
  id: number;
  name: string;
  description: string;
  categoryKey: StatusCategoryKey;
  /** the id of the global transition that leads to this status */
  transitionId: number;
}

export interface CustomFieldRecord {
  /** numeric part of `customfield_NNNNN` */
  id: number;
  name: string;
  description: string;
  /** e.g. com.atlassian.jira.plugin.system.customfieldtypes:textfield */
  type: string;
  searcherKey: string;
}

export interface IssueRecord {
  id: number;
  key: string;
  projectId: number;
  number: number;
  issueTypeId: number;
  statusId: number;
  priorityId: number | null;
  /** null while unresolved: set by a transition into a done status, cleared by one out of it (issue-service.ts) */
  resolutionId: number | null;
  parentId: number | null;
  summary: string;
  /** ADF document or null */
  description: unknown;
  labels: string[];
  dueDate: string | null;
  reporter: string | null;
  assignee: string | null;
  creator: string;
  created: number;
  updated: number;
  statusChanged: number;
  /** custom field values by field id (customfield_NNNNN) */
  custom: Record<string, unknown>;
  /** ids of the issue's components (storage/project-parts-store.ts), in component name order */
  components: number[];
  /** ids of the issue's fix versions, in version order */
  fixVersions: number[];
}

export interface CommentRecord {
  id: number;
  issueId: number;
  author: string;
  updateAuthor: string;
  /** ADF document */
  body: unknown;
  created: number;
  updated: number;
}

export interface ChangeItem {
  field: string;
  fieldId: string;
  fieldtype: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangelogRecord {
  id: number;
  issueId: number;
  author: string;
  created: number;
  items: ChangeItem[];
}

/** An attachment's metadata (its bytes are read on their own: AttachmentStore.content). */
export interface AttachmentRecord {
  /** from the site's `attachment` counter; answered as a string by `Attachment`, as an integer by `AttachmentMetadata` */
  id: number;
  issueId: number;
  filename: string;
  mimeType: string;
  /** bytes */
  size: number;
  created: number;
  /** account id of who uploaded it */
  author: string;
  /** the Media Services file id (a UUID) that ADF `media` nodes name in `attrs.id`; never in the REST metadata */
  mediaFileId: string;
}

export const customFieldId = (n: number): string => `customfield_${n}`;
