import { z } from 'zod';
import { envelopeBase, JiraIssueIdSchema } from './common';

/** Jira's attachment ids are decimal, like its issue ids. */
export const JiraAttachmentIdSchema = z.string().regex(/^[0-9]{1,18}$/, 'a Jira attachment id is a decimal number');

/**
 * A request for part of the content of one of the receiver's attachments (src/sync/parts/attachments/
 * transfer.ts): the bytes do not travel in replicas, whose messages stay small, but are fetched by
 * the site copying the file, a part at a time, each request signed, timestamped and expiring with
 * the skew window like any message. The answer carries the part, signed by the holder.
 */
export const FetchMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('fetch'),
  /** the holder's issue (the twin the requester syncs with) */
  issue: z.strictObject({ id: JiraIssueIdSchema }),
  attachmentId: JiraAttachmentIdSchema,
  offset: z.number().int().min(0),
  /** bytes asked for; the holder answers at most its own part size */
  length: z.number().int().min(1).max(8 * 1024 * 1024),
});
export type FetchMessage = z.infer<typeof FetchMessageSchema>;

/** The part, as the holder signs it into its answer. */
export const FetchedPartSchema = z.strictObject({
  connectionId: z.string().min(1),
  attachmentId: JiraAttachmentIdSchema,
  offset: z.number().int().min(0),
  /** base64 of the bytes */
  data: z.string(),
  /** SHA-256 (hex) of the bytes */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FetchedPart = z.infer<typeof FetchedPartSchema>;
