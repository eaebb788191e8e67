import { z } from 'zod';

/** An envelope's text given back in an inbox's answer (a reply, an outcome, an attachment part), signed as a request would be. */
export const SignedReplySchema = z.strictObject({ timestamp: z.string().regex(/^\d{1,16}$/), signature: z.string().min(1).max(200), body: z.string().min(1) });
export type SignedReply = z.infer<typeof SignedReplySchema>;
