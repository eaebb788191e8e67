import { z } from 'zod';

/** The protocol version. Bump it (and the recorded hash in envelope-schema-hash.test.ts) on any schema change. */
export const PROTOCOL_VERSION = 1;

export const SiteRefSchema = z.strictObject({ siteName: z.string().min(1).max(200), cloudId: z.string().min(1).max(200) });
/**
 * An issue of one of the sites, in Jira Cloud's shapes: a decimal id, and a key made of the
 * project key (a letter, then letters, digits or underscores) and the issue's number. Anything else
 * is refused at the inbox (422) before it is stored or becomes part of a storage key.
 */
export const JiraIssueIdSchema = z.string().regex(/^[0-9]{1,18}$/, 'a Jira issue id is a decimal number');
export const JiraIssueKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,99}-[0-9]{1,18}$/, 'a Jira issue key is PROJECT-123');
export const IssueRefSchema = z.strictObject({ id: JiraIssueIdSchema, key: JiraIssueKeySchema });

/** Fields every message carries. */
export const envelopeBase = {
  v: z.literal(PROTOCOL_VERSION),
  connectionId: z.string().min(1).max(100),
  messageId: z.uuid(),
  /** ISO timestamp at the sender */
  sentAt: z.iso.datetime(),
  from: SiteRefSchema,
};
