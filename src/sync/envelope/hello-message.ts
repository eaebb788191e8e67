import { z } from 'zod';
import { envelopeBase } from './common';

/**
 * Sent by the accepting site to the inviting site's inbox, signed with the invitation's one-time
 * token. Both sides derive the connection secret from the token and `nonce`.
 */
export const HelloMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('hello'),
  /** the accepting site's inbox URL */
  inboxUrl: z.url(),
  /** the accepting site's base URL, for links to remote issues */
  siteUrl: z.url().nullable(),
  /** random, ≥ 128 bits, base64url */
  nonce: z.string().min(22).max(200),
});
export type HelloMessage = z.infer<typeof HelloMessageSchema>;
