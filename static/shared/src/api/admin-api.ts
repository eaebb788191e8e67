import { z } from 'zod';
import { invokeResolver, type InvokeFn } from './invoke-resolver';
import { timestamp } from './timestamp';

/*
 * The admin page's view of the `twin-sync-admin` resolver. Every shape the page reads is parsed
 * here, so a change of the resolver contract is made in this file only. Objects are loose: fields
 * the page does not use pass through untouched.
 */

export const directions = ['both', 'send-only', 'receive-only'] as const;
export type Direction = (typeof directions)[number];

/** the engine's policies (architecture §5.3); the default is 'later-wins' */
export const conflictPolicies = ['later-wins', 'local-wins', 'remote-wins'] as const;

export const connectionSchema = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  remoteSiteName: z.string().nullish().transform((v) => v ?? null),
  /** 'active' (connected) | 'pending' (waiting for the other side) | 'failing'; other words are shown as they come */
  status: z.string(),
  /** 'inviter' | 'accepter' */
  role: z.string().nullish().transform((v) => v ?? null),
  direction: z.enum(directions).catch('both'),
  lastMessageAt: timestamp,
  scopeJql: z.string().nullish().transform((v) => v ?? ''),
  conflictPolicy: z.string().nullish().transform((v) => v ?? 'later-wins'),
  lastError: z.string().nullish().transform((v) => v ?? null),
});
export type Connection = z.infer<typeof connectionSchema>;

export const invitationSchema = z.looseObject({ code: z.string().min(1), expiresAt: timestamp });
export type Invitation = z.infer<typeof invitationSchema>;

export const syncErrorSchema = z
  .looseObject({
    id: z.string(),
    issueKey: z.string().nullish().transform((v) => v ?? null),
    remoteIssueKey: z.string().nullish().transform((v) => v ?? null),
    connectionId: z.string().nullish().transform((v) => v ?? null),
    /** 'outgoing' | 'incoming' */
    direction: z.string().nullish().transform((v) => v ?? null),
    cause: z.string(),
    /** 'transient' (retried automatically) | 'permanent' */
    kind: z.string().nullish().transform((v) => v ?? null),
    attempts: z.number().int().nonnegative().default(0),
    lastAttemptAt: timestamp,
    lastAt: timestamp,
    autoRetryAt: timestamp,
    /** work waiting behind this error */
    pending: z.number().int().nonnegative().nullish().transform((v) => v ?? 0),
  })
  .transform(({ lastAt, ...e }) => ({ ...e, lastAttemptAt: e.lastAttemptAt ?? lastAt }));
export type SyncError = z.infer<typeof syncErrorSchema>;

export const activitySchema = z
  .looseObject({
    at: timestamp,
    /** 'in' | 'out' | 'local' */
    direction: z.string(),
    /** message type: 'replica', 'hello', 'unlink'… */
    type: z.string().nullish().transform((v) => v ?? null),
    issueKey: z.string().nullish().transform((v) => v ?? null),
    remoteIssueKey: z.string().nullish().transform((v) => v ?? null),
    outcome: z.string(),
    durationMs: z.number().nullish().transform((v) => v ?? null),
    connectionId: z.string().nullish().transform((v) => v ?? null),
    detail: z.string().nullish().transform((v) => v ?? null),
    message: z.string().nullish().transform((v) => v ?? null),
  })
  .transform(({ message, ...a }) => ({ ...a, detail: a.detail ?? (message === '' ? null : message) }));
export type Activity = z.infer<typeof activitySchema>;

export const ruleErrorSchema = z.looseObject({
  script: z.enum(['outgoing', 'incoming']),
  line: z.number().int().nullish().transform((v) => v ?? null),
  column: z.number().int().nullish().transform((v) => v ?? null),
  message: z.string(),
});
export type RuleError = z.infer<typeof ruleErrorSchema>;

export const validationSchema = z.looseObject({
  ok: z.boolean(),
  errors: z.array(ruleErrorSchema).default([]),
});
export type Validation = z.infer<typeof validationSchema>;

export const rulesSchema = z.looseObject({
  outgoing: z.string(),
  incoming: z.string(),
  version: z.number().int().nullish().transform((v) => v ?? null),
  versions: z
    .array(z.looseObject({ version: z.number().int(), savedAt: timestamp }))
    .default([]),
});
export type Rules = z.infer<typeof rulesSchema>;

const logLine = z.union([
  z.string(),
  z.looseObject({ level: z.string().default('log'), message: z.string() }).transform((l) => (l.level === 'log' ? l.message : `${l.level}: ${l.message}`)),
]);
const fieldChange = z.looseObject({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() });
const dryRunSide = z.looseObject({
  replica: z.unknown().optional(),
  changes: z.array(fieldChange).optional(),
  logs: z.array(logLine).default([]),
  error: ruleErrorSchema.nullish().transform((v) => v ?? null),
});

/**
 * A dry run, flat: `{replica, localChanges, logs, errors}`. Read from the flat shape or from the
 * rules admin's `{outgoing: {replica, logs, error}, incoming: {changes, logs, error}}`.
 */
export const dryRunSchema = z
  .looseObject({
    replica: z.unknown().optional(),
    localChanges: z.unknown().optional(),
    logs: z.array(logLine).optional(),
    outgoing: dryRunSide.optional(),
    incoming: dryRunSide.optional(),
  })
  .transform((d) => ({
    replica: d.replica ?? d.outgoing?.replica,
    localChanges: d.localChanges ?? d.incoming?.changes,
    logs: [...(d.logs ?? []), ...(d.outgoing?.logs ?? []), ...(d.incoming?.logs ?? [])],
    errors: [d.outgoing?.error ?? null, d.incoming?.error ?? null].filter((e): e is RuleError => e !== null),
  }));
export type DryRun = z.infer<typeof dryRunSchema>;

export const bulkProgressSchema = z.looseObject({
  done: z.number().int().nonnegative().default(0),
  total: z.number().int().nonnegative().default(0),
  failed: z.number().int().nonnegative().default(0),
  running: z.boolean().default(false),
});
export type BulkProgress = z.infer<typeof bulkProgressSchema>;

export interface ConnectionUpdate {
  id: string;
  direction: Direction;
  scopeJql: string;
  conflictPolicy: string;
}

/** Anything is accepted as an acknowledgement (`undefined`, `{ok: true}`, the updated object). */
const ack = z.unknown();

/** A list, sent bare or wrapped as `{[key]: [...]}`. */
const listOf = <T extends z.ZodType>(item: T, key: string) =>
  z.preprocess(
    (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) && key in value
      ? Object.getOwnPropertyDescriptor(value, key)?.value
      : value),
    z.array(item),
  );

/** saveRules answers with nothing (saved), or refuses as a value `{ok: false, errors}`. */
const saveReply = z.unknown().transform((value): RuleError[] => {
  const refused = validationSchema.safeParse(value);
  return refused.success && !refused.data.ok ? refused.data.errors : [];
});

export function createAdminApi(invoke: InvokeFn) {
  return {
    listConnections: () =>
      invokeResolver(invoke, 'listConnections', {}, listOf(connectionSchema, 'connections')),
    createInvitation: (name: string) =>
      invokeResolver(invoke, 'createInvitation', { name }, invitationSchema),
    acceptInvitation: (code: string) => invokeResolver(invoke, 'acceptInvitation', { code }, ack),
    updateConnection: (update: ConnectionUpdate) =>
      invokeResolver(invoke, 'updateConnection', { ...update }, ack),
    deleteConnection: (id: string) => invokeResolver(invoke, 'deleteConnection', { id }, ack),
    listErrors: () => invokeResolver(invoke, 'listErrors', {}, listOf(syncErrorSchema, 'errors')),
    retryError: (id: string) => invokeResolver(invoke, 'retryError', { id }, ack),
    listActivity: (limit: number) =>
      invokeResolver(invoke, 'listActivity', { limit }, listOf(activitySchema, 'activity')),
    getRules: (connectionId: string, version?: number) =>
      invokeResolver(
        invoke,
        'getRules',
        version === undefined ? { connectionId } : { connectionId, version },
        rulesSchema,
      ),
    validateRules: (connectionId: string, outgoing: string, incoming: string) =>
      invokeResolver(invoke, 'validateRules', { connectionId, outgoing, incoming }, validationSchema),
    /** resolves to the errors that made the resolver refuse the rules; empty when saved */
    saveRules: (connectionId: string, outgoing: string, incoming: string, baseVersion: number | null) =>
      invokeResolver(
        invoke,
        'saveRules',
        baseVersion === null ? { connectionId, outgoing, incoming } : { connectionId, outgoing, incoming, baseVersion },
        saveReply,
      ),
    /** runs the given (draft) scripts against an issue, writing nothing */
    dryRun: (connectionId: string, issueKey: string, scripts: { outgoing: string; incoming: string }) =>
      invokeResolver(invoke, 'dryRun', { connectionId, issueKey, ...scripts }, dryRunSchema),
    startBulkSync: (connectionId: string) =>
      invokeResolver(invoke, 'startBulkSync', { connectionId }, ack),
    getBulkSyncProgress: (connectionId: string) =>
      invokeResolver(invoke, 'getBulkSyncProgress', { connectionId }, bulkProgressSchema),
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
