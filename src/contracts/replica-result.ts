import * as z from 'zod/mini';

/**
 * The replica (src/model/replica.ts) as a resolver answer carries it (the rules' dry run): the full
 * synced state of one issue, as the outgoing rules built it. Strict objects, but for the ADF
 * documents: a document is content the engine passes through as it read it (its `type`, `version`
 * and `content` are checked, anything else Jira keeps beside them goes along).
 */

export const AdfDocSchema = z.looseObject({ type: z.literal('doc'), version: z.literal(1), content: z.array(z.unknown()) });

export const UserRefSchema = z.strictObject({
  accountId: z.string().check(z.minLength(1)),
  displayName: z.string(),
  /** null when the user's email is not visible to the app */
  email: z.nullable(z.string()),
});

const NamedSchema = z.strictObject({ name: z.string().check(z.minLength(1)) });

export const ReplicaCommentSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  author: z.nullable(UserRefSchema),
  body: AdfDocSchema,
  created: z.string(),
  updated: z.string(),
  /** set when the comment is itself a copy of one of the receiver's: that comment's id */
  originId: z.nullable(z.string()),
  /** where the comment was first written, across a twin group (site cloud id, comment id) */
  origin: z.optional(z.strictObject({ cloudId: z.string(), id: z.string() })),
});

export const ReplicaAttachmentSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  filename: z.string().check(z.minLength(1)),
  mimeType: z.string(),
  size: z.number().check(z.int(), z.gte(0)),
  created: z.string(),
  author: z.nullable(UserRefSchema),
  /** the Media Services id the sender's ADF media nodes name, when known */
  mediaId: z.nullable(z.string()),
  /** set when the attachment is itself a copy of one of the receiver's: that attachment's id */
  originId: z.nullable(z.string()),
});

const IssueRefSchema = z.strictObject({ id: z.string().check(z.minLength(1)), key: z.string().check(z.minLength(1)) });

/** an issue link: its type's name, its direction from the issue, the issue at the other end */
export const ReplicaLinkSchema = z.strictObject({ type: z.string().check(z.minLength(1)), direction: z.enum(['outward', 'inward']), issue: IssueRefSchema });

/** A JSON value (custom field values, the fields a dry run would change). */
export const JsonValueSchema = z.json();

export const ReplicaSchema = z.strictObject({
  key: z.string().check(z.minLength(1)),
  id: z.string().check(z.minLength(1)),
  projectKey: z.string().check(z.minLength(1)),
  summary: z.string(),
  description: z.nullable(AdfDocSchema),
  type: NamedSchema,
  priority: z.nullable(NamedSchema),
  labels: z.array(z.string()),
  status: z.strictObject({ name: z.string().check(z.minLength(1)), category: z.nullable(z.string()) }),
  /** the resolution by name, null when unresolved */
  resolution: z.nullable(NamedSchema),
  /** 'YYYY-MM-DD' */
  dueDate: z.nullable(z.string()),
  assignee: z.nullable(UserRefSchema),
  reporter: z.nullable(UserRefSchema),
  comments: z.array(ReplicaCommentSchema),
  attachments: z.array(ReplicaAttachmentSchema),
  parent: z.nullable(IssueRefSchema),
  links: z.array(ReplicaLinkSchema),
  components: z.array(z.string()),
  fixVersions: z.array(z.string()),
  /** custom fields by display name, values by value */
  customFields: z.record(z.string(), z.strictObject({ value: JsonValueSchema })),
  created: z.string(),
  updated: z.string(),
});
export type Replica = z.infer<typeof ReplicaSchema>;
