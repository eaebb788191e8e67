import { jiraDate } from './jira-date';
import type { Accounts } from './storage/accounts';
import { visibleEmail } from './storage/accounts';
import type { Catalog } from './storage/catalog';
import { THUMBNAIL_MIME_TYPES } from './attachments';
import { customFieldType } from './custom-field-types';
import type { AccountRecord, AttachmentRecord, CommentRecord, CustomFieldRecord, IssueTypeRecord, PriorityRecord, ProjectRecord, ResolutionRecord, StatusCategoryKey, StatusRecord } from './storage/records';
import { customFieldId } from './storage/records';

export const STATUS_CATEGORIES: Record<StatusCategoryKey | 'undefined', { id: number; key: string; colorName: string; name: string }> = {
  undefined: { id: 1, key: 'undefined', colorName: 'medium-gray', name: 'No Category' },
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
};

export type Json = Record<string, unknown>;

/** Turns stored records into Jira Cloud's JSON shapes; `self` links use the site's base URL. */
export class Renderer {
  constructor(private readonly base: () => string, private readonly catalog: Catalog, private readonly accounts: Accounts) {}

  get api(): string {
    return `${this.base()}/rest/api/3`;
  }

  avatarUrls(kind: 'user' | 'project' | 'issuetype', id: string): Record<'16x16' | '24x24' | '32x32' | '48x48', string> {
    const u = (size: number): string => `${this.base()}/secure/${kind}avatar?size=${size}&id=${encodeURIComponent(id)}`;
    return { '48x48': u(48), '24x24': u(24), '16x16': u(16), '32x32': u(32) };
  }

  /**
   * UserDetails as embedded in issues and comments. `emailAddress` only when the person's profile
   * visibility makes it public (`visibleEmail`). The spec says a hidden one "may be returned as null"
   * (User.emailAddress) but types the field as a non-nullable string, so the sandbox leaves it out.
   */
  userDetails(a: AccountRecord): Json {
    const email = visibleEmail(a);
    return {
      self: `${this.api}/user?accountId=${encodeURIComponent(a.accountId)}`, accountId: a.accountId,
      ...(email !== null ? { emailAddress: email } : {}),
      avatarUrls: this.avatarUrls('user', a.accountId), displayName: a.displayName, active: a.active,
      timeZone: 'Etc/UTC', accountType: a.accountType,
    };
  }
  userRef(accountId: string | null): Json | null {
    if (accountId === null) return null;
    const a = this.accounts.get(accountId);
    return a ? this.userDetails(a) : { accountId, active: false, displayName: 'Former user', accountType: 'unknown' };
  }
  /** User as answered by /myself, /user and /user/search */
  user(a: AccountRecord): Json {
    return {
      ...this.userDetails(a), locale: 'en_US',
      groups: { size: 0, items: [] }, applicationRoles: { size: 0, items: [] }, expand: 'groups,applicationRoles',
    };
  }

  statusCategory(key: StatusCategoryKey | 'undefined'): Json {
    const c = STATUS_CATEGORIES[key];
    return { self: `${this.api}/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name };
  }
  status(s: StatusRecord): Json {
    return {
      self: `${this.api}/status/${s.id}`, description: s.description, iconUrl: `${this.base()}/images/icons/statuses/generic.png`,
      name: s.name, untranslatedName: s.name, id: String(s.id), statusCategory: this.statusCategory(s.categoryKey),
    };
  }
  /** the newer JiraStatus shape of /statuses */
  jiraStatus(s: StatusRecord): Json {
    const category = s.categoryKey === 'new' ? 'TODO' : s.categoryKey === 'indeterminate' ? 'IN_PROGRESS' : 'DONE';
    return { id: String(s.id), name: s.name, description: s.description, statusCategory: category, scope: { type: 'GLOBAL' } };
  }
  issueType(t: IssueTypeRecord): Json {
    return {
      self: `${this.api}/issuetype/${t.id}`, id: String(t.id), description: t.description,
      iconUrl: `${this.base()}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.id}?size=medium`,
      name: t.name, subtask: t.subtask, avatarId: t.id, hierarchyLevel: t.hierarchyLevel,
    };
  }
  priority(p: PriorityRecord): Json {
    return {
      self: `${this.api}/priority/${p.id}`, statusColor: p.statusColor, description: p.description,
      iconUrl: `${this.base()}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: String(p.id), isDefault: p.isDefault,
    };
  }
  /** priority as embedded in an issue */
  priorityRef(p: PriorityRecord): Json {
    return { self: `${this.api}/priority/${p.id}`, iconUrl: `${this.base()}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: String(p.id) };
  }
  /** a resolution (`Resolution`: GET /rest/api/3/resolution, /resolution/{id}, and embedded in an issue) */
  resolution(r: ResolutionRecord): Json {
    return { self: `${this.api}/resolution/${r.id}`, id: String(r.id), description: r.description, name: r.name };
  }
  /** a resolution as /resolution/search lists it (`ResolutionJsonBean`) */
  resolutionBean(r: ResolutionRecord): Json {
    return { self: `${this.api}/resolution/${r.id}`, id: String(r.id), description: r.description, name: r.name, default: r.isDefault };
  }
  /** project as embedded in an issue or listed by /project/search */
  projectRef(p: ProjectRecord): Json {
    return {
      self: `${this.api}/project/${p.id}`, id: String(p.id), key: p.key, name: p.name,
      projectTypeKey: 'software', simplified: false, avatarUrls: this.avatarUrls('project', String(p.id)),
    };
  }
  project(p: ProjectRecord): Json {
    const lead = this.accounts.get(p.leadAccountId);
    return {
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
      ...this.projectRef(p), description: '', ...(lead ? { lead: this.userDetails(lead) } : {}),
      components: [], issueTypes: this.catalog.issueTypes.map((t) => this.issueType(t)), assigneeType: 'UNASSIGNED',
      versions: [], roles: {}, style: 'classic', isPrivate: false, properties: {},
    };
  }

  /** JsonTypeBean of a custom field: its type's schema (custom-field-types.ts), `custom` the type key, `customId` */
  customFieldSchema(f: CustomFieldRecord): Json {
    const schema = customFieldType(f.type)?.schema ?? { type: 'string' };
    return { type: schema.type, ...(schema.items !== undefined ? { items: schema.items } : {}), custom: f.type, customId: f.id };
  }

  comment(issueId: number, c: CommentRecord): Json {
    return {
      self: `${this.api}/issue/${issueId}/comment/${c.id}`, id: String(c.id), author: this.userRef(c.author),
      body: c.body, updateAuthor: this.userRef(c.updateAuthor), created: jiraDate(c.created),
      updated: jiraDate(c.updated), jsdPublic: true,
    };
  }

  /**
   * `Attachment` (the OpenAPI schema of `addAttachment`'s 200 and of an issue's `attachment` field): `id`
   * a string, `author` a UserDetails, `content` and (for GIF, JPEG and PNG) `thumbnail` links. `self` is
   * the attachment's metadata resource, `/rest/api/3/attachment/{id}` (the spec's example writes
   * `/attachments/`, which is no resource of the API). No media file id: the REST API names it only in
   * the `Location` of `GET /attachment/content/{id}` (media.ts).
   */
  attachment(a: AttachmentRecord): Json {
    return {
      self: `${this.api}/attachment/${a.id}`, id: String(a.id), filename: a.filename, author: this.userRef(a.author),
      created: jiraDate(a.created), size: a.size, mimeType: a.mimeType, content: `${this.api}/attachment/content/${a.id}`,
      ...(THUMBNAIL_MIME_TYPES.has(a.mimeType) ? { thumbnail: `${this.api}/attachment/thumbnail/${a.id}` } : {}),
    };
  }

  /**
   * `AttachmentMetadata` (`GET /attachment/{id}`): as the spec types it, `id` an integer (int64) and
   * `author` a User; `additionalProperties: false`, so nothing beyond its members.
   */
  attachmentMetadata(a: AttachmentRecord): Json {
    return {
      id: a.id, self: `${this.api}/attachment/${a.id}`, filename: a.filename, author: this.userRef(a.author),
      created: jiraDate(a.created), size: a.size, mimeType: a.mimeType, content: `${this.api}/attachment/content/${a.id}`,
      ...(THUMBNAIL_MIME_TYPES.has(a.mimeType) ? { thumbnail: `${this.api}/attachment/thumbnail/${a.id}` } : {}),
    };
  }

  /** a field's name, as `expand=names` answers it: every field an issue carries has one (Jira's issue view shows these) */
  fieldName(fieldId: string): string {
    const system = SYSTEM_FIELDS.find((f) => f.id === fieldId);
    if (system) return system.name;
    const unlisted = UNLISTED_FIELD_NAMES[fieldId];
    if (unlisted !== undefined) return unlisted;
    return this.catalog.customField(fieldId)?.name ?? fieldId;
  }

  /** FieldDetails for GET /field */
  fieldDetails(): Json[] {
    const system = SYSTEM_FIELDS.map((f) => ({
      id: f.id, key: f.id, name: f.name, custom: false, orderable: f.orderable, navigable: f.navigable,
      searchable: f.searchable, clauseNames: f.clauseNames, ...(f.schema ? { schema: f.schema } : {}),
    }));
    return [...system, ...this.catalog.customFields.map((f) => this.customFieldDetails(f))];
  }
  customFieldDetails(f: CustomFieldRecord): Json {
    const id = customFieldId(f.id);
    return {
      // "If no searcher is provided, the field isn't searchable" (createCustomField's searcherKey)
      id, key: id, name: f.name, custom: true, orderable: true, navigable: true, searchable: f.searcherKey !== '',
      clauseNames: [`cf[${f.id}]`, f.name], schema: this.customFieldSchema(f),
    };
  }
}

export interface SystemField {
  id: string;
  name: string;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema?: { type: string; system: string; items?: string };
  /** may be given when creating or editing an issue */
  editable: boolean;
}

const sys = (id: string, name: string, type: string | null, opts: Partial<SystemField> & { items?: string; clauses?: string[] } = {}): SystemField => ({
  id, name, orderable: opts.orderable ?? true, navigable: opts.navigable ?? true, searchable: opts.searchable ?? true,
  clauseNames: opts.clauses ?? [id], editable: opts.editable ?? false,
  ...(type ? { schema: { type, system: id, ...(opts.items ? { items: opts.items } : {}) } } : {}),
});

/**
 * Fields every issue carries (always empty or derived here) that the site does not list in GET /field
 * (`SYSTEM_FIELDS`, which it can create, edit or search by), with their names on Jira Cloud.
 */
const UNLISTED_FIELD_NAMES: Readonly<Record<string, string>> = {
  resolution: 'Resolution',
  resolutiondate: 'Resolved',
};

/** The system fields this site supports. */
export const SYSTEM_FIELDS: readonly SystemField[] = [
  sys('issuekey', 'Key', null, { orderable: false, clauses: ['id', 'issue', 'issuekey', 'key'] }),
  sys('summary', 'Summary', 'string', { editable: true }),
  sys('description', 'Description', 'string', { editable: true }),
  sys('issuetype', 'Issue Type', 'issuetype', { editable: true, clauses: ['issuetype', 'type'] }),
  sys('project', 'Project', 'project', { editable: true }),
  sys('parent', 'Parent', 'issuelink', { editable: true }),
  sys('status', 'Status', 'status', { orderable: false }),
  sys('statusCategory', 'Status Category', 'statusCategory', { orderable: false }),
  sys('priority', 'Priority', 'priority', { editable: true }),
  sys('labels', 'Labels', 'array', { editable: true, items: 'string' }),
  sys('duedate', 'Due date', 'date', { editable: true, clauses: ['due', 'duedate'] }),
  sys('reporter', 'Reporter', 'user', { editable: true }),
  sys('assignee', 'Assignee', 'user', { editable: true }),
  sys('creator', 'Creator', 'user', { orderable: false }),
  sys('created', 'Created', 'datetime', { orderable: false, clauses: ['created', 'createdDate'] }),
  sys('updated', 'Updated', 'datetime', { orderable: false, clauses: ['updated', 'updatedDate'] }),
  sys('statuscategorychangedate', 'Status Category Changed', 'datetime', { orderable: false, clauses: ['statusCategoryChangedDate'] }),
  sys('comment', 'Comment', 'comments-page', { navigable: false, clauses: ['comment'] }),
  // as Jira Cloud's GET /field lists it: not navigable (so `*navigable` leaves it out), clause `attachments`
  sys('attachment', 'Attachment', 'array', { navigable: false, items: 'attachment', clauses: ['attachments'] }),
  sys('subtasks', 'Sub-tasks', 'array', { orderable: false, items: 'issuelinks', clauses: ['subtasks'] }),
  // as Jira Cloud's GET /field lists them (issue-links.ts, project-parts.ts); not searchable by the sandbox's JQL (README)
  sys('issuelinks', 'Linked Issues', 'array', { items: 'issuelinks', clauses: ['issueLink'] }),
  sys('components', 'Components', 'array', { editable: true, items: 'component', clauses: ['component'] }),
  sys('fixVersions', 'Fix versions', 'array', { editable: true, items: 'version', clauses: ['fixVersion'] }),
];
