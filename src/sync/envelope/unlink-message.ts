import { z } from 'zod';
import { envelopeBase, IssueRefSchema } from './common';

/** The sender stopped syncing its issue with the receiver's twin. */
export const UnlinkMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('unlink'),
  issue: IssueRefSchema,
});
export type UnlinkMessage = z.infer<typeof UnlinkMessageSchema>;
