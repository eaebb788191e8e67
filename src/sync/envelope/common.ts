import { z } from 'zod';

/** The protocol version. Bump it (and the recorded hash in envelope-schema-hash.test.ts) on any schema change. */
export const PROTOCOL_VERSION = 1;

export const SiteRefSchema = z.strictObject({ siteName: z.string().min(1).max(200), cloudId: z.string().min(1).max(200) });
export const IssueRefSchema = z.strictObject({ id: z.string().min(1).max(100), key: z.string().min(1).max(100) });

/** Fields every message carries. */
export const envelopeBase = {
  v: z.literal(PROTOCOL_VERSION),
  connectionId: z.string().min(1).max(100),
  messageId: z.uuid(),
  /** ISO timestamp at the sender */
  sentAt: z.iso.datetime(),
  from: SiteRefSchema,
};
