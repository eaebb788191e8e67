import { z } from 'zod';
import { CustomFieldMetaSchema } from '../model/custom-field';
import { AdfDocSchema, IssueRefSchema, JsonValueSchema, ReplicaLinkSchema, UserRefSchema } from '../model/replica';
import type {
  RulesAttachment,
  RulesComment,
  RulesConnection,
  RulesIssue,
  RulesLog,
  RulesMetadata,
} from '../ports/rules';

/**
 * zod schemas for the values of the rules port (src/ports/rules.ts). Everything a script hands back
 * crosses the sandbox boundary as JSON and is checked against these before the engine sees it.
 */

export const RulesCommentSchema = z.object({
  id: z.string(),
  author: UserRefSchema.nullable(),
  body: AdfDocSchema,
  created: z.string(),
  updated: z.string(),
  originId: z.string().nullable(),
});

/** An attachment: in the incoming result, id '' is a copy to make of the remote attachment originId. */
export const RulesAttachmentSchema = z.object({
  id: z.string(),
  filename: z.string().min(1),
  mimeType: z.string(),
  size: z.number().int().min(0),
  created: z.string(),
  author: UserRefSchema.nullable(),
  originId: z.string().min(1).nullable(),
});

export const RulesIssueSchema = z.object({
  key: z.string().min(1).nullable(),
  id: z.string().min(1).nullable(),
  projectKey: z.string().min(1).nullable(),
  summary: z.string(),
  description: AdfDocSchema.nullable(),
  typeName: z.string().min(1).nullable(),
  priority: z.string().min(1).nullable(),
  labels: z.array(z.string()),
  status: z.string().min(1).nullable(),
  resolution: z.string().min(1).nullable(),
  dueDate: z.string().nullable(),
  assignee: UserRefSchema.nullable(),
  reporter: UserRefSchema.nullable(),
  comments: z.array(RulesCommentSchema),
  attachments: z.array(RulesAttachmentSchema),
  parent: IssueRefSchema.nullable(),
  links: z.array(ReplicaLinkSchema),
  components: z.array(z.string()),
  fixVersions: z.array(z.string()),
  customFields: z.record(z.string(), z.object({ value: JsonValueSchema })),
  created: z.string().exactOptional(),
  updated: z.string().exactOptional(),
});

export const RulesMetadataSchema = z.object({
  issueTypes: z.record(z.string(), z.array(z.object({ id: z.string(), name: z.string(), subtask: z.boolean() }))),
  priorities: z.array(z.object({ id: z.string(), name: z.string() })),
  resolutions: z.array(z.object({ id: z.string(), name: z.string() })),
  statuses: z.array(z.object({ id: z.string(), name: z.string(), category: z.string() })),
  users: z.array(UserRefSchema),
  customFields: z.array(CustomFieldMetaSchema),
  linkTypes: z.array(z.object({ name: z.string(), inward: z.string(), outward: z.string() })),
  twins: z.record(z.string(), IssueRefSchema).exactOptional(),
  mappedPeople: z.record(z.string(), z.object({ local: UserRefSchema.nullable(), how: z.enum(['table', 'same account', 'email', 'fallback', 'none']) })).exactOptional(),
});

export const RulesConnectionSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  remoteSiteName: z.string(),
  remoteBaseUrl: z.string().nullable(),
  direction: z.enum(['both', 'send-only', 'receive-only']),
});

export const RulesLogSchema = z.object({
  level: z.enum(['log', 'warn', 'error']),
  message: z.string(),
});

/** An empty metadata set: helpers answer null for everything. */
export const EMPTY_METADATA: RulesMetadata = { issueTypes: {}, priorities: [], resolutions: [], statuses: [], users: [], customFields: [], linkTypes: [] };

// Compile-time proof that the schemas describe exactly the port's interfaces.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proofs: [
  Same<z.infer<typeof RulesCommentSchema>, RulesComment>,
  Same<z.infer<typeof RulesAttachmentSchema>, RulesAttachment>,
  Same<z.infer<typeof RulesIssueSchema>, RulesIssue>,
  Same<z.infer<typeof RulesMetadataSchema>, RulesMetadata>,
  Same<z.infer<typeof RulesConnectionSchema>, RulesConnection>,
  Same<z.infer<typeof RulesLogSchema>, RulesLog>,
] = [true, true, true, true, true, true];
void proofs;
