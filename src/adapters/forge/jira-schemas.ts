import { z } from 'zod';
import { AdfDocSchema } from '../../model/replica';

/** The parts of Jira Cloud REST v3 responses the engine depends on; everything else passes through. */
export const JiraUserSchema = z.looseObject({
  accountId: z.string(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  /** "Whether the user is active" (User, https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get) */
  active: z.boolean().optional(),
});

export const JiraCommentSchema = z.looseObject({
  id: z.string(),
  author: JiraUserSchema.nullish(),
  body: AdfDocSchema,
  created: z.string(),
  updated: z.string(),
});

export const JiraCommentPageSchema = z.looseObject({
  comments: z.array(JiraCommentSchema),
  total: z.number().int(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
});

/**
 * An attachment as Jira describes it: an item of the issue's `attachment` field and of the answer of
 * `POST /rest/api/3/issue/{issueIdOrKey}/attachments` (the `Attachment` schema,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-issue-issueidorkey-attachments-post).
 * The published examples disagree on the types: `id` is a string there and a number in the
 * `AttachmentMetadata` example, `created` a date-time string in the schema and epoch milliseconds in
 * the add-attachment example; both forms are taken (the id as a string, the time as given).
 */
export const JiraAttachmentSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  filename: z.string(),
  /** optional in the schema: a file Jira did not type is octet-stream */
  mimeType: z.string().optional(),
  size: z.number().int().min(0),
  created: z.union([z.string(), z.number()]),
  author: JiraUserSchema.nullish(),
});
export type JiraAttachment = z.infer<typeof JiraAttachmentSchema>;

/** `POST /rest/api/3/issue/{issueIdOrKey}/attachments` answers the attachments it added (one per `file` part) */
export const AddedAttachmentsSchema = z.array(JiraAttachmentSchema).min(1);

/**
 * `GET /rest/api/3/attachment/meta` (the `AttachmentSettings` schema; neither property is marked
 * required there: an absent limit is taken as 0, nothing fits,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-meta-get)
 */
export const AttachmentSettingsSchema = z.looseObject({
  enabled: z.boolean(),
  uploadLimit: z.number().int().min(0).optional(),
});

/** a 206's `Content-Range: bytes <first>-<last>/<size or *>` (RFC 9110 §14.4) → the first byte's offset */
export const ContentRangeStartSchema = z.string().trim().regex(/^bytes\s+\d+-\d+\/(?:\d+|\*)$/i).transform((value) => Number(/\d+/.exec(value)?.[0]));

/**
 * The Media Services file id in the download URL Jira redirects an attachment's content to
 * (`…/file/<id>/binary?…`). The shape of that URL is what Jira Cloud answers, not a documented
 * contract: the REST page only says "See the `Location` header for the download URL"
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-content-id-get);
 * the id is what ADF `media` nodes name as `attrs.id`, "the Media Services ID"
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/media/).
 */
export const MediaFileIdFromUrlSchema = z.string().min(1).transform((value, ctx) => {
  let path = '';
  try {
    path = new URL(value, 'https://jira.invalid').pathname;
  } catch {
    // not a URL: no id
  }
  const id = /\/file\/([0-9A-Za-z][0-9A-Za-z-]{0,127})\//.exec(path)?.[1];
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: 'names no media file' });
    return z.NEVER;
  }
  return id;
});

const IssueRefSchema = z.looseObject({ id: z.string().min(1), key: z.string().min(1) });
const NamedSchema = z.looseObject({ name: z.string() });

/**
 * An item of an issue's `issuelinks` field: the link's id, its type and the issue at its other end,
 * under `outwardIssue` or `inwardIssue` ("inwardIssue or outwardIssue: {key, … linked issue data}",
 * https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/; the `IssueLink` schema,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/#api-rest-api-3-issuelink-linkid-get).
 */
export const JiraIssueLinkSchema = z.looseObject({
  id: z.string().min(1),
  type: z.looseObject({ name: z.string().min(1) }),
  outwardIssue: IssueRefSchema.optional(),
  inwardIssue: IssueRefSchema.optional(),
}).refine((l) => (l.outwardIssue === undefined) !== (l.inwardIssue === undefined), { message: 'an issue link names exactly one other issue' });

export const JiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  /** asked for with `properties=twinSync.origin`: the app's mark on a twin it created */
  properties: z.looseObject({ 'twinSync.origin': z.looseObject({ connectionId: z.string() }).optional() }).optional(),
  fields: z.looseObject({
    summary: z.string().nullish(),
    description: AdfDocSchema.nullish(),
    issuetype: z.looseObject({ name: z.string() }),
    project: z.looseObject({ key: z.string() }),
    priority: z.looseObject({ name: z.string() }).nullish(),
    /** the resolution, null while unresolved (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-resolutions/) */
    resolution: z.looseObject({ name: z.string() }).nullish(),
    labels: z.array(z.string()).nullish(),
    status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).nullish() }),
    duedate: z.string().nullish(),
    assignee: JiraUserSchema.nullish(),
    reporter: JiraUserSchema.nullish(),
    comment: JiraCommentPageSchema.optional(),
    /** every attachment of the issue */
    attachment: z.array(JiraAttachmentSchema).nullish(),
    /** the parent (an epic, or a sub-task's parent): "consume the parent field" (https://community.developer.atlassian.com/t/deprecation-of-the-epic-link-parent-link-and-other-related-fields-in-rest-apis-and-webhooks/54048) */
    parent: IssueRefSchema.nullish(),
    issuelinks: z.array(JiraIssueLinkSchema).nullish(),
    components: z.array(NamedSchema).nullish(),
    fixVersions: z.array(NamedSchema).nullish(),
    created: z.string(),
    updated: z.string(),
  }),
});
export type JiraIssue = z.infer<typeof JiraIssueSchema>;

export const SearchResultSchema = z.looseObject({
  issues: z.array(JiraIssueSchema),
});

export const SearchRefsSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string(), key: z.string().optional() })),
});

export const SearchPageSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string() })),
  nextPageToken: z.string().nullish(),
});

/** a page of POST /search/jql with fields [updated] and properties [twinSync.origin] */
export const ChangedPageSchema = z.looseObject({
  issues: z.array(z.looseObject({
    id: z.string(),
    fields: z.looseObject({ updated: z.string() }),
    properties: z.looseObject({ 'twinSync.origin': z.looseObject({ connectionId: z.string() }).optional() }).optional(),
  })),
  nextPageToken: z.string().nullish(),
});

export const CreatedIssueSchema = z.looseObject({ id: z.string(), key: z.string() });

export const TransitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({
    id: z.string(),
    name: z.string(),
    to: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).nullish() }),
  })),
});

/** `GET /rest/api/3/field`: `schema.custom` is a custom field's type key ("If the field is a custom field, the URI of the field", the `JsonTypeBean` schema) */
export const FieldListSchema = z.array(z.looseObject({
  id: z.string(), name: z.string(), custom: z.boolean().optional(),
  schema: z.looseObject({ type: z.string().optional(), custom: z.string().optional() }).optional(),
}));
/** a page of `GET /rest/api/3/field/{fieldId}/context` (`PageBeanCustomFieldContext`) */
export const FieldContextPageSchema = z.looseObject({
  values: z.array(z.looseObject({ id: z.union([z.string().min(1), z.number().int()]).transform(String) })),
  isLast: z.boolean().optional(),
  total: z.number().int().optional(),
});
/** a page of `GET /rest/api/3/field/{fieldId}/context/{contextId}/option` (`PageBeanCustomFieldContextOption`; `disabled`, `id`, `value` required) */
export const FieldOptionPageSchema = z.looseObject({
  values: z.array(z.looseObject({
    id: z.union([z.string().min(1), z.number().int()]).transform(String),
    value: z.string(),
    /** "For cascading options, the ID of the custom field option containing the cascading option." */
    optionId: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
    disabled: z.boolean(),
  })),
  isLast: z.boolean().optional(),
  total: z.number().int().optional(),
});
/** `GET /rest/api/3/issueLinkType` (`IssueLinkTypes`) */
export const IssueLinkTypesSchema = z.looseObject({
  issueLinkTypes: z.array(z.looseObject({ name: z.string().min(1), inward: z.string(), outward: z.string() })),
});
/** `GET /rest/api/3/project/{projectIdOrKey}/components` (`ProjectComponent[]`) and `/versions` (`Version[]`): their names */
export const NamedListSchema = z.array(NamedSchema);
export const ProjectListSchema = z.array(z.looseObject({ id: z.string(), key: z.string() }));
export const ProjectSchema = z.looseObject({ id: z.string().optional(), key: z.string(), issueTypes: z.array(z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).optional() });
export const PriorityListSchema = z.array(z.looseObject({ id: z.string(), name: z.string() }));
/** `GET /rest/api/3/resolution/search` (`PageBeanResolutionJsonBean`): one page of the site's resolutions */
export const ResolutionPageSchema = z.looseObject({
  values: z.array(z.looseObject({ id: z.string(), name: z.string() })).optional(),
  isLast: z.boolean().optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
});
export const StatusListSchema = z.array(z.looseObject({ id: z.string(), name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }));
export const ServerInfoSchema = z.looseObject({ baseUrl: z.string(), serverTitle: z.string().optional() });
export const JiraErrorBodySchema = z.looseObject({ errorMessages: z.array(z.string()).optional(), errors: z.record(z.string(), z.string()).optional() });
