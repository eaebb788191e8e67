import { z } from 'zod';
import { FetchMessageSchema } from './fetch-message';
import { GoodbyeMessageSchema } from './goodbye-message';
import { HelloMessageSchema } from './hello-message';
import { OutcomeMessageSchema } from './outcome-message';
import { PartMessageSchema } from './part-message';
import { PingMessageSchema } from './ping-message';
import { ReplicaMessageSchema } from './replica-message';
import { UnlinkMessageSchema } from './unlink-message';

export { PROTOCOL_VERSION } from './common';

/** Every message between sites, discriminated on `type`. */
export const EnvelopeSchema = z.discriminatedUnion('type', [
  ReplicaMessageSchema,
  HelloMessageSchema,
  UnlinkMessageSchema,
  PingMessageSchema,
  GoodbyeMessageSchema,
  PartMessageSchema,
  OutcomeMessageSchema,
  FetchMessageSchema,
]);
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Request headers of the protocol. */
export const HEADER_SIGNATURE = 'x-twin-signature';
export const HEADER_TIMESTAMP = 'x-twin-timestamp';
export const HEADER_CONNECTION = 'x-twin-connection';
