import * as z from 'zod/mini';
import { ReplicaSchema, JsonValueSchema } from './replica-result';
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

export const RulesVersionSchema = z.strictObject({ version: z.int().check(z.minimum(1)), savedAt: IsoTimeSchema, savedBy: z.nullable(z.string()) });

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
    savedAt: z.nullable(IsoTimeSchema),
    savedBy: z.nullable(z.string()),
    versions: z.array(RulesVersionSchema),
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
    outgoing: z.strictObject({ replica: z.nullable(ReplicaSchema), logs: z.array(RulesLogSchema), error: z.nullable(RuleErrorSchema) }),
    incoming: z.strictObject({
      source: z.nullable(z.enum(['last-received', 'own-replica'])),
      changes: z.array(FieldChangeSchema),
      syncBack: z.boolean(),
      unlink: z.boolean(),
      logs: z.array(RulesLogSchema),
      error: z.nullable(RuleErrorSchema),
    }),
  }),
};

/** The success answer of each rules function, by function key. */
export type RulesResults = { [K in keyof typeof rulesResults]: z.infer<(typeof rulesResults)[K]> };
