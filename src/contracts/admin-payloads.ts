import { z } from 'zod';
import { DryRunPayloadSchema, GetRulesPayloadSchema, RestoreRulesPayloadSchema, SaveRulesPayloadSchema, ValidateRulesPayloadSchema } from '../rules/rules-admin';
import { GetMappingsPayloadSchema, ListMappingValuesPayloadSchema, ListUnmappedValuesPayloadSchema, SaveMappingsPayloadSchema, SearchPeoplePayloadSchema } from '../rules/mappings-admin';
import { DiffRulesPayloadSchema, PreviewRulesPayloadSchema } from '../rules/rules-preview';
import { UnlinkSchema } from '../sync/admin-api';
import { UpdateConnectionSchema } from '../sync/connections';
import { JiraIssueKeySchema } from '../sync/envelope/common';
import { DefaultRulesConfigSchema } from '../sync/state/records';
import { StorageIdSchema } from '../sync/state/keys';
import { DisplayNameSchema, FieldNameSchema, InvitationCodeTextSchema, JqlFilterSchema, NoPayloadSchema, ProjectKeySchema } from './payload-fields';

/**
 * The payload of every function of the admin page's resolver (`twin-sync-admin`), by function key.
 * Each is a strict object: a field of the wrong shape, a missing one or one too many answers
 * `invalid-payload` naming it, and nothing runs. The resolver definitions are built from these maps
 * (src/entry/admin), one definition per key.
 */

/** the built-in rules' configuration as an admin sets it: a project key, a field name */
const RulesConfigPayloadSchema = DefaultRulesConfigSchema.extend({
  targetProjectKey: ProjectKeySchema.nullable(),
  remoteKeyField: FieldNameSchema.nullable(),
});

/** updateConnection: the engine's schema, its free text held to names, JQL filters and project keys */
export const UpdateConnectionPayloadSchema = UpdateConnectionSchema.extend({
  name: DisplayNameSchema.optional(),
  scopeJql: JqlFilterSchema.nullable().optional(),
  rulesConfig: RulesConfigPayloadSchema.optional(),
});

/** a bulk sync of the connection's scope, narrowed by an optional JQL filter */
const BulkSyncPayloadSchema = z.strictObject({ connectionId: StorageIdSchema, jql: JqlFilterSchema.nullable().optional() });

export const adminPayloads = {
  /** `scopeJql`: what this site sends on the new connection (null or empty: nothing yet) */
  createInvitation: z.strictObject({ name: DisplayNameSchema, scopeJql: JqlFilterSchema.nullable().optional() }),
  acceptInvitation: z.strictObject({ code: InvitationCodeTextSchema, scopeJql: JqlFilterSchema.nullable().optional() }),
  listConnections: NoPayloadSchema,
  updateConnection: UpdateConnectionPayloadSchema,
  deleteConnection: z.strictObject({ id: StorageIdSchema }),
  syncIssue: z.strictObject({ issueKey: JiraIssueKeySchema, connectionId: StorageIdSchema }),
  listErrors: NoPayloadSchema,
  retryError: z.strictObject({ id: StorageIdSchema }),
  /** `issueKey`: only the entries of that issue (its key here, or the other site's key) */
  listActivity: z.strictObject({ limit: z.number().int().min(1).max(500).default(50), issueKey: JiraIssueKeySchema.optional() }),
  countBulkSync: BulkSyncPayloadSchema,
  startBulkSync: BulkSyncPayloadSchema,
  getBulkSyncProgress: z.strictObject({ connectionId: StorageIdSchema }),
  unlink: UnlinkSchema,
  getIssueSyncState: z.strictObject({ issueKey: JiraIssueKeySchema }),
  listProjects: NoPayloadSchema,
};

/** The rules functions of the same resolver (their logic and schemas: src/rules/rules-admin.ts). */
export const rulesPayloads = {
  getRules: GetRulesPayloadSchema,
  validateRules: ValidateRulesPayloadSchema,
  saveRules: SaveRulesPayloadSchema,
  dryRun: DryRunPayloadSchema,
  getMappings: GetMappingsPayloadSchema,
  saveMappings: SaveMappingsPayloadSchema,
  listMappingValues: ListMappingValuesPayloadSchema,
  listUnmappedValues: ListUnmappedValuesPayloadSchema,
  searchPeople: SearchPeoplePayloadSchema,
  previewRulesChange: PreviewRulesPayloadSchema,
  restoreRules: RestoreRulesPayloadSchema,
  diffRules: DiffRulesPayloadSchema,
};
