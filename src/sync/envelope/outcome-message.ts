import { z } from 'zod';
import { envelopeBase, IssueRefSchema } from './common';

/**
 * What the receiver made of the sender's replicas of one issue (src/sync/outcome.ts): `seq` of the
 * sender's messages was applied, or failed with `reason` (an error the receiver's admin sees too).
 * Signed like every message: the sender's panel says "synced" only on the receiver's word.
 */
export const OutcomeMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('outcome'),
  /** the receiver's issue (the one the outcome is about), null when no twin exists there */
  issue: IssueRefSchema.nullable(),
  /** the sender's issue whose message it was: the outcome's recipient's own issue */
  twin: IssueRefSchema,
  seq: z.number().int().min(1),
  result: z.enum(['applied', 'failed']),
  reason: z.string().max(2000).nullable(),
});
export type OutcomeMessage = z.infer<typeof OutcomeMessageSchema>;
