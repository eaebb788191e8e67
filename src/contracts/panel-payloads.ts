import { z } from 'zod';
import { JiraIssueKeySchema } from '../sync/envelope/common';
import { StorageIdSchema } from '../sync/state/keys';
import { NoPayloadSchema } from './payload-fields';

/**
 * The payload of every function of the issue panel's resolver (`twin-sync-panel`), by function key.
 * The issue is the panel's (the module context), never the payload's. Strict objects: anything
 * else answers `invalid-payload` naming the field, and nothing runs.
 */
const OptionalConnectionSchema = z.strictObject({ connectionId: StorageIdSchema.optional() });

export const panelPayloads = {
  getTwin: NoPayloadSchema,
  syncNow: OptionalConnectionSchema,
  unlink: OptionalConnectionSchema,
  syncToRemote: z.strictObject({ connectionId: StorageIdSchema }),
  /** pair the panel's issue with an existing issue of the other site, by its key there */
  linkToExisting: z.strictObject({ connectionId: StorageIdSchema, remoteIssueKey: JiraIssueKeySchema }),
  /** retry the error that blocks the panel's issue on `connectionId` */
  retry: z.strictObject({ connectionId: StorageIdSchema }),
};
