import { z } from 'zod';
import { envelopeBase, IssueRefSchema } from './common';

/** The sender stopped syncing its issue with the receiver's twin. */
export const UnlinkMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('unlink'),
  issue: IssueRefSchema,
  /** the receiver's issue it was linked to, when the sender knows it (a receiver that never learned the sender's issue finds its link by it) */
  twin: IssueRefSchema.nullable().optional(),
});
export type UnlinkMessage = z.infer<typeof UnlinkMessageSchema>;
