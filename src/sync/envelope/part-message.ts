import { z } from 'zod';
import { envelopeBase } from './common';

/**
 * Messages whose text exceeds what one web trigger request and one KVS value can hold (a replica of
 * an issue with a long history) travel as parts: each part is a message of its own, signed,
 * timestamped and de-duplicated like any other, carrying a slice of the whole message's JSON text.
 * The receiver keeps the parts and takes the whole in once all have arrived, in any order, and its
 * SHA-256 matches.
 */
export const MAX_PARTS = 32;

export const PartMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('part'),
  whole: z.strictObject({
    /** the whole message's own messageId (de-duplicated like any message) */
    messageId: z.uuid(),
    /** 1-based */
    index: z.number().int().min(1).max(MAX_PARTS),
    count: z.number().int().min(2).max(MAX_PARTS),
    /** hex SHA-256 of the whole message's UTF-8 text */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  text: z.string().min(1),
});
export type PartMessage = z.infer<typeof PartMessageSchema>;
