import { z } from 'zod';
import { envelopeBase } from './common';

/**
 * The sender's admin deleted the connection: the receiver marks it closed (it stays listed, with
 * when and by whom it was ended) and stops sending on it. Signed with the connection secret like
 * any message, sent before the sender forgets that secret.
 */
export const GoodbyeMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('goodbye'),
});
export type GoodbyeMessage = z.infer<typeof GoodbyeMessageSchema>;
