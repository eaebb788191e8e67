import * as z from 'zod/mini';
import { ReplicaSchema, JsonValueSchema, UserRefSchema } from './replica-result';
import { IsoTimeSchema } from './result-fields';

/**
 * What the rules functions of the admin page's resolver (getRules, validateRules, saveRules,
 * dryRun; src/rules/rules-admin.ts) answer on success, by function key. Strict objects, as in
 * admin-results.ts. A failure is `ResolverFailureSchema` (codes `not-found`, `conflict`, ...).
 */

const VersionSchema = z.int().check(z.minimum(0));

/** A problem in a script: which one, where (null when unknown), what. */
export const RuleErrorSchema = z.strictObject({
  script: z.enum(['outgoing', 'incoming']),
  line: z.nullable(z.int()),
  column: z.nullable(z.int()),
  message: z.string(),
});
export type RuleError = z.infer<typeof RuleErrorSchema>;

/** Resource limits of one script run; an absent field takes the default. */
export const RulesLimitsSchema = z.strictObject({ cpuMs: z.exactOptional(z.int()), memoryBytes: z.exactOptional(z.int()) });

/** A kept version: who saved it, when, and what it changed ("mappings: status", "incoming script", "restored version 3"). */
export const RulesVersionSchema = z.strictObject({ version: z.int().check(z.minimum(1)), savedAt: IsoTimeSchema, savedBy: z.nullable(z.string()), summary: z.nullable(z.string()) });

const DIRECTIONS = ['both', 'incoming', 'outgoing'] as const;
/** A mapping row: a value here, a value of the other site, and the way(s) it applies. */
export const MappingRowSchema = z.strictObject({ local: z.string(), remote: z.string(), direction: z.enum(DIRECTIONS) });
/** A custom field row: `local` null = the other site's field is not synced here; `remote` null = this field is not sent. */
export const FieldRowSchema = z.strictObject({ local: z.nullable(z.string()), remote: z.nullable(z.string()), direction: z.enum(DIRECTIONS) });
export const MAPPING_TABLES = ['project', 'issueType', 'status', 'priority', 'resolution', 'users', 'fields', 'options'] as const;
const TableSchema = z.enum(MAPPING_TABLES);
/** Every table of a connection's mappings (src/model/mappings.ts); `options` by the local field's name. */
export const MappingsSchema = z.strictObject({
  project: z.array(MappingRowSchema),
  issueType: z.array(MappingRowSchema),
  status: z.array(MappingRowSchema),
  priority: z.array(MappingRowSchema),
  resolution: z.array(MappingRowSchema),
  fields: z.array(FieldRowSchema),
  options: z.record(z.string(), z.array(MappingRowSchema)),
  users: z.array(MappingRowSchema),
});
export type Mappings = z.infer<typeof MappingsSchema>;
/** A row at fault: its table (and field, for option rows), its index (-1: the whole table), the side. */
export const MappingProblemSchema = z.strictObject({ table: TableSchema, field: z.nullable(z.string()), row: z.int(), side: z.nullable(z.enum(['local', 'remote'])), message: z.string() });
const LineChangeSchema = z.strictObject({ op: z.enum([' ', '-', '+']), text: z.string() });
const RowChangeSchema = z.strictObject({ table: z.string(), field: z.nullable(z.string()), op: z.enum(['-', '+']), local: z.nullable(z.string()), remote: z.nullable(z.string()), direction: z.string() });
const StringsSchema = z.array(z.string());

/** A line a script logged (`console.log`, `console.warn`, `console.error`). */
export const RulesLogSchema = z.strictObject({ level: z.enum(['log', 'warn', 'error']), message: z.string() });
export type RulesLog = z.infer<typeof RulesLogSchema>;

/** A field the incoming rules would change: `customFields.<name>`, `comments.<id>`, `comments.new`, `attachments.<id>`, `attachments.new` or the field's name. */
export const FieldChangeSchema = z.strictObject({ field: z.string(), from: JsonValueSchema, to: JsonValueSchema });

export const rulesResults = {
  /**
   * The rules of a connection: the version asked for, or the current one. `version` 0 and
   * `isDefault` when nothing was saved (the default scripts); `versions`: the kept ones, newest first.
   */
  getRules: z.strictObject({
    connectionId: z.string(),
    version: VersionSchema,
    isDefault: z.boolean(),
    outgoing: z.string(),
    incoming: z.string(),
    limits: z.nullable(RulesLimitsSchema),
    mappings: MappingsSchema,
    savedAt: z.nullable(IsoTimeSchema),
    savedBy: z.nullable(z.string()),
    versions: z.array(RulesVersionSchema),
    /** the version in force (0: nothing saved), so the history can mark it */
    currentVersion: VersionSchema,
  }),
  /** `ok` exactly when `errors` is empty */
  validateRules: z.strictObject({ ok: z.boolean(), errors: z.array(RuleErrorSchema) }),
  /** refused rules are an answer too: `ok` false, the errors, and the version still in force */
  saveRules: z.strictObject({ ok: z.boolean(), version: VersionSchema, errors: z.array(RuleErrorSchema) }),
  /**
   * What the rules would do for one issue, writing nothing. `rulesVersion`: the saved version tried
   * (0 = the defaults), null for scripts given in the call. `incoming.source`: the replica applied,
   * the last one received for this issue or its own outgoing one (null when there was none).
   */
  dryRun: z.strictObject({
    issueKey: z.string(),
    rulesVersion: z.nullable(VersionSchema),
    outgoing: z.strictObject({ replica: z.nullable(ReplicaSchema), changes: z.array(FieldChangeSchema), logs: z.array(RulesLogSchema), error: z.nullable(RuleErrorSchema) }),
    incoming: z.strictObject({
      source: z.nullable(z.enum(['last-received', 'own-replica'])),
      changes: z.array(FieldChangeSchema),
      syncBack: z.boolean(),
      unlink: z.boolean(),
      warnings: z.array(z.string()),
      logs: z.array(RulesLogSchema),
      error: z.nullable(RuleErrorSchema),
    }),
  }),
  /** the tables of a version (the current one unless asked): `version` 0 when nothing was saved */
  getMappings: z.strictObject({ connectionId: z.string(), version: VersionSchema, ...MappingsSchema.shape }),
  /** refused tables are an answer: `ok` false, each row at fault, the version still in force */
  saveMappings: z.strictObject({ ok: z.boolean(), version: VersionSchema, errors: z.array(MappingProblemSchema) }),
  /** values to pick from: this site's (per table; options per field asked), the other site's as replicas carried them */
  listMappingValues: z.strictObject({
    local: z.strictObject({
      project: StringsSchema, issueType: StringsSchema, status: StringsSchema, priority: StringsSchema, resolution: StringsSchema, fields: StringsSchema,
      options: z.record(z.string(), z.nullable(StringsSchema)), optionFields: StringsSchema, users: z.array(UserRefSchema),
    }),
    remote: z.array(z.strictObject({ table: TableSchema, field: z.nullable(z.string()), value: z.string(), label: z.nullable(z.string()), lastAt: IsoTimeSchema })),
  }),
  /** the other site's values nothing places here, most met first */
  listUnmappedValues: z.strictObject({
    values: z.array(z.strictObject({ table: TableSchema, field: z.nullable(z.string()), value: z.string(), label: z.nullable(z.string()), count: z.int(), lastAt: IsoTimeSchema, lastIssueKey: z.nullable(z.string()) })),
  }),
  searchPeople: z.strictObject({ users: z.array(UserRefSchema) }),
  /**
   * A draft against the rules in force, per synced issue it changes: `remote` what the other site
   * would receive (from: now, to: with the draft), `local` what would change here, `error` where the
   * draft fails. `cursor`: the next page (null: all checked).
   */
  previewRulesChange: z.strictObject({
    issues: z.array(z.strictObject({ issueKey: z.string(), remoteIssueKey: z.nullable(z.string()), remote: z.array(FieldChangeSchema), local: z.array(FieldChangeSchema), error: z.nullable(RuleErrorSchema) })),
    checked: z.int(),
    cursor: z.nullable(z.string()),
    stoppedEarly: z.boolean(),
  }),
  /** a kept version (or the defaults) brought back as a new version */
  restoreRules: z.strictObject({ ok: z.boolean(), version: VersionSchema, errors: z.array(RuleErrorSchema) }),
  /** what a version changed against another (by default the one before it) */
  diffRules: z.strictObject({ version: VersionSchema, against: VersionSchema, outgoing: z.array(LineChangeSchema), incoming: z.array(LineChangeSchema), mappings: z.array(RowChangeSchema) }),
};

/** The success answer of each rules function, by function key. */
export type RulesResults = { [K in keyof typeof rulesResults]: z.infer<(typeof rulesResults)[K]> };
