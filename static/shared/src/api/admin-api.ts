import * as z from 'zod/mini';
import { invokeResolver, type InvokeFn } from './invoke-resolver';
import { count, isRecord, optionalInt, optionalText, textOr } from './schema-helpers';
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
  name: z._default(z.string(), ''),
  remoteSiteName: optionalText(),
  /** 'active' (connected) | 'pending' (waiting for the other side) | 'failing'; other words are shown as they come */
  status: z.string(),
  /** 'inviter' | 'accepter' */
  role: optionalText(),
  direction: z.catch(z.enum(directions), 'both'),
  lastMessageAt: timestamp,
  scopeJql: textOr(''),
  conflictPolicy: textOr('later-wins'),
  lastError: optionalText(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const invitationSchema = z.looseObject({ code: z.string().check(z.minLength(1)), expiresAt: timestamp });
export type Invitation = z.infer<typeof invitationSchema>;

export const syncErrorSchema = z.pipe(
  z.looseObject({
    id: z.string(),
    issueKey: optionalText(),
    remoteIssueKey: optionalText(),
    connectionId: optionalText(),
    /** 'outgoing' | 'incoming' */
    direction: optionalText(),
    cause: z.string(),
    /** 'transient' (retried automatically) | 'permanent' */
    kind: optionalText(),
    attempts: count(),
    lastAttemptAt: timestamp,
    lastAt: timestamp,
    autoRetryAt: timestamp,
    /** work waiting behind this error */
    pending: z.pipe(z.nullish(z.int().check(z.nonnegative())), z.transform((v) => v ?? 0)),
  }),
  z.transform(({ lastAt, ...e }) => ({ ...e, lastAttemptAt: e.lastAttemptAt ?? lastAt })),
);
export type SyncError = z.infer<typeof syncErrorSchema>;

export const activitySchema = z.pipe(
  z.looseObject({
    at: timestamp,
    /** 'in' | 'out' | 'local' */
    direction: z.string(),
    /** message type: 'replica', 'hello', 'unlink'… */
    type: optionalText(),
    issueKey: optionalText(),
    remoteIssueKey: optionalText(),
    outcome: z.string(),
    durationMs: z.pipe(z.nullish(z.number()), z.transform((v) => v ?? null)),
    connectionId: optionalText(),
    detail: optionalText(),
    message: optionalText(),
  }),
  z.transform(({ message, ...a }) => ({ ...a, detail: a.detail ?? (message === '' ? null : message) })),
);
export type Activity = z.infer<typeof activitySchema>;

export const ruleErrorSchema = z.looseObject({
  script: z.enum(['outgoing', 'incoming']),
  line: optionalInt(),
  column: optionalInt(),
  message: z.string(),
});
export type RuleError = z.infer<typeof ruleErrorSchema>;

export const validationSchema = z.looseObject({
  ok: z.boolean(),
  errors: z._default(z.array(ruleErrorSchema), []),
});
export type Validation = z.infer<typeof validationSchema>;

export const rulesSchema = z.looseObject({
  outgoing: z.string(),
  incoming: z.string(),
  version: optionalInt(),
  versions: z._default(z.array(z.looseObject({ version: z.int(), savedAt: timestamp })), []),
});
export type Rules = z.infer<typeof rulesSchema>;

const logLine = z.union([
  z.string(),
  z.pipe(
    z.looseObject({ level: z._default(z.string(), 'log'), message: z.string() }),
    z.transform((l) => (l.level === 'log' ? l.message : `${l.level}: ${l.message}`)),
  ),
]);
const fieldChange = z.looseObject({ field: z.string(), from: z.optional(z.unknown()), to: z.optional(z.unknown()) });
const dryRunSide = z.looseObject({
  replica: z.optional(z.unknown()),
  changes: z.optional(z.array(fieldChange)),
  logs: z._default(z.array(logLine), []),
  error: z.pipe(z.nullish(ruleErrorSchema), z.transform((v) => v ?? null)),
});

/**
 * A dry run, flat: `{replica, localChanges, logs, errors}`. Read from the flat shape or from the
 * rules admin's `{outgoing: {replica, logs, error}, incoming: {changes, logs, error}}`.
 */
export const dryRunSchema = z.pipe(
  z.looseObject({
    replica: z.optional(z.unknown()),
    localChanges: z.optional(z.unknown()),
    logs: z.optional(z.array(logLine)),
    outgoing: z.optional(dryRunSide),
    incoming: z.optional(dryRunSide),
  }),
  z.transform((d) => ({
    replica: d.replica ?? d.outgoing?.replica,
    localChanges: d.localChanges ?? d.incoming?.changes,
    logs: [...(d.logs ?? []), ...(d.outgoing?.logs ?? []), ...(d.incoming?.logs ?? [])],
    errors: [d.outgoing?.error ?? null, d.incoming?.error ?? null].filter((e): e is RuleError => e !== null),
  })),
);
export type DryRun = z.infer<typeof dryRunSchema>;

export const bulkProgressSchema = z.looseObject({
  done: count(),
  total: count(),
  failed: count(),
  running: z._default(z.boolean(), false),
  /** the scope matched more issues than one run takes */
  truncated: z._default(z.boolean(), false),
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
const listOf = <T extends z.ZodMiniType>(item: T, key: string) =>
  z.pipe(
    z.transform((value: unknown) => (isRecord(value) && key in value ? value[key] : value)),
    z.array(item),
  );

/** saveRules answers with nothing (saved), or refuses as a value `{ok: false, errors}`. */
const saveReply = z.pipe(
  z.unknown(),
  z.transform((value): RuleError[] => {
    const refused = validationSchema.safeParse(value);
    return refused.success && !refused.data.ok ? refused.data.errors : [];
  }),
);

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
