import { z } from 'zod';

/**
 * The replica: the full synced state of one issue, as the sender's outgoing rules built it.
 * It travels inside a signed envelope (see envelope.ts) and is validated on arrival.
 * Snapshots, not deltas (architecture §5.1).
 */

/** An Atlassian Document Format document. Structure is checked by Jira itself on write. */
export const AdfDocSchema = z
  .object({ type: z.literal('doc'), version: z.literal(1), content: z.array(z.unknown()) })
  .passthrough();
export type AdfDoc = z.infer<typeof AdfDocSchema>;

export const UserRefSchema = z.object({
  accountId: z.string().min(1),
  displayName: z.string(),
  /** null when the user's email is not visible to the app */
  email: z.string().nullable(),
});
export type UserRef = z.infer<typeof UserRefSchema>;

export const NamedSchema = z.object({ name: z.string().min(1) });

export const ReplicaCommentSchema = z.object({
  /** the sender's comment id */
  id: z.string().min(1),
  author: UserRefSchema.nullable(),
  body: AdfDocSchema,
  created: z.string(),
  updated: z.string(),
  /**
   * Set when the sender's comment is itself a copy the app wrote of a comment from the receiver:
   * the receiver's original comment id. Lets the receiver recognise its own comments and never
   * create them again.
   */
  originId: z.string().nullable(),
  /**
   * Where the comment was first written, across a twin group of three or more sites (the site's
   * cloud id and the comment's id there; src/sync/group-identity.ts): a receiver that
   * holds that comment, or a copy of it made through another connection, takes this one for it and
   * makes no copy. Set by the engine after the rules; absent: the sender's own comment.
   */
  origin: z.strictObject({ cloudId: z.string().min(1).max(100), id: z.string().min(1).max(100) }).optional(),
});
export type ReplicaComment = z.infer<typeof ReplicaCommentSchema>;

/**
 * An attachment as the sender has it. The bytes do not travel in the replica: the receiver fetches
 * them from the sender in parts, by a signed request (src/sync/parts/attachments/transfer.ts).
 */
export const ReplicaAttachmentSchema = z.object({
  /** the sender's attachment id */
  id: z.string().min(1),
  filename: z.string().min(1),
  mimeType: z.string(),
  size: z.number().int().min(0),
  created: z.string(),
  author: UserRefSchema.nullable(),
  /**
   * The Media Services file id of the sender's attachment, when known: what the `media` nodes of
   * its description and comments name (`attrs.id`). Lets the receiver point them at its own copy.
   */
  mediaId: z.string().nullable(),
  /** set when the sender's attachment is a copy the app made of one of the receiver's: the receiver's attachment id */
  originId: z.string().nullable(),
  /**
   * Where the file was first attached, across a twin group of three or more sites (as for comments,
   * src/sync/group-identity.ts): a receiver holding it, or a copy of it made through another
   * connection, copies it no second time. Set by the engine after the rules; absent: the sender's own.
   */
  origin: z.strictObject({ cloudId: z.string().min(1).max(100), id: z.string().min(1).max(100) }).optional(),
});
export type ReplicaAttachment = z.infer<typeof ReplicaAttachmentSchema>;

/** An issue of the sender's, named by its id and key (a parent, the other end of a link). */
export const IssueRefSchema = z.object({ id: z.string().regex(/^[0-9]{1,18}$/, 'a Jira issue id (digits)'), key: z.string().min(1).max(255) });
export type IssueRef = z.infer<typeof IssueRefSchema>;

/**
 * An issue link of the sender's issue: its type's name, which way it points from this issue, and
 * the issue at its other end (the sender's). The receiver carries links only between issues that
 * are synced on both sides (src/sync/parts/links).
 */
export const ReplicaLinkSchema = z.object({
  type: z.string().min(1),
  /** 'outward': this issue <outward verb> the other ("blocks"); 'inward': the other <outward verb> this one */
  direction: z.enum(['outward', 'inward']),
  issue: IssueRefSchema,
});
export type ReplicaLink = z.infer<typeof ReplicaLinkSchema>;

/** JSON-serialisable value of a custom field. */
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const ReplicaSchema = z.object({
  /** the sender's issue key and id */
  key: z.string().min(1),
  id: z.string().min(1),
  projectKey: z.string().min(1),
  summary: z.string(),
  description: AdfDocSchema.nullable(),
  type: NamedSchema,
  priority: NamedSchema.nullable(),
  labels: z.array(z.string()),
  status: z.object({ name: z.string().min(1), category: z.string().nullable() }),
  /** the issue's resolution by name (Jira's `resolution` field), null when unresolved */
  resolution: NamedSchema.nullable(),
  /** 'YYYY-MM-DD' */
  dueDate: z.string().nullable(),
  assignee: UserRefSchema.nullable(),
  reporter: UserRefSchema.nullable(),
  comments: z.array(ReplicaCommentSchema),
  /** the sender's attachments the outgoing rules chose to send */
  attachments: z.array(ReplicaAttachmentSchema),
  /** the sender's parent issue (an epic, or a sub-task's parent), or null */
  parent: IssueRefSchema.nullable(),
  /** the sender's issue links the outgoing rules chose to send */
  links: z.array(ReplicaLinkSchema),
  /** component names, sorted */
  components: z.array(z.string()),
  /** fix version names, sorted */
  fixVersions: z.array(z.string()),
  /**
   * Custom fields by display name, their values by value, not by id (src/model/custom-field.ts):
   * an option is its value's text, a user a UserRef, a date 'YYYY-MM-DD'.
   */
  customFields: z.record(z.string(), z.object({ value: JsonValueSchema })),
  created: z.string(),
  updated: z.string(),
});
export type Replica = z.infer<typeof ReplicaSchema>;
