import { z } from 'zod';
import { envelopeBase } from './common';

/** Checks that the connection works end to end; changes nothing but `lastMessageAt`. */
export const PingMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('ping'),
});
export type PingMessage = z.infer<typeof PingMessageSchema>;
