import { z } from 'zod';
import { invokeResolver, type InvokeFn } from './invoke-resolver';
import { timestamp } from './timestamp';

/* The issue panel's view of the `twin-sync-panel` resolver (the context issue is the platform's). */

export const twinStates = ['synced', 'pending', 'failed'] as const;

const candidateSchema = z.looseObject({
  connectionId: z.string(),
  connectionName: z.string().nullish().transform((v) => v ?? null),
  remoteSiteName: z.string().nullish().transform((v) => v ?? null),
});
export type SyncCandidate = z.infer<typeof candidateSchema>;

/** the engine's state words, in the panel's terms */
const stateWords: Record<string, (typeof twinStates)[number]> = {
  synced: 'synced',
  pending: 'pending',
  'waiting-for-twin': 'pending',
  failed: 'failed',
  error: 'failed',
};

const errorText = z
  .union([z.string(), z.looseObject({ cause: z.string() }), z.looseObject({ message: z.string() }), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : 'cause' in v ? String(v.cause) : String(v.message)));

const twinFields = z.looseObject({
  linked: z.boolean(),
  twinKey: z.string().nullish().transform((v) => v ?? null),
  twinUrl: z.string().nullish().transform((v) => v ?? null),
  connectionId: z.string().nullish().transform((v) => v ?? null),
  connectionName: z.string().nullish().transform((v) => v ?? null),
  remoteSiteName: z.string().nullish().transform((v) => v ?? null),
  lastSyncAt: timestamp,
  outcome: z.string().nullish().transform((v) => v ?? null),
  state: z.string().nullish().transform((v) => (v === null || v === undefined ? null : stateWords[v] ?? null)),
  error: errorText,
  /** null when the resolver does not say */
  inScope: z.boolean().nullish().transform((v) => v ?? null),
  /** connections whose scope takes this unlinked issue */
  candidates: z.array(candidateSchema).default([]),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The panel's twin. Read from either the flat shape `{linked, twinKey, twinUrl, …}` or the engine's
 * per-connection list `{twins: [{connectionId, remoteIssueKey, remoteIssueUrl, state, error…}]}`
 * (the first twin is shown; `candidates`/`inScope` beside it offer "Sync to <site>").
 */
export const twinSchema = z
  .preprocess((value) => {
    if (!isRecord(value) || !Array.isArray(value['twins'])) return value;
    const first: unknown = value['twins'][0];
    const { twins: _twins, ...rest } = value;
    if (!isRecord(first)) return { ...rest, linked: false };
    return {
      ...rest,
      ...first,
      linked: true,
      twinKey: first['remoteIssueKey'] ?? first['twinKey'],
      twinUrl: first['remoteIssueUrl'] ?? first['twinUrl'],
    };
  }, twinFields)
  .transform((twin) => {
    // A resolver that names one connection for an unlinked issue in scope, without a list.
    if (!twin.linked && twin.inScope === true && twin.candidates.length === 0 && twin.connectionId !== null) {
      return {
        ...twin,
        candidates: [{ connectionId: twin.connectionId, connectionName: twin.connectionName, remoteSiteName: twin.remoteSiteName }],
      };
    }
    return twin;
  });
export type Twin = z.infer<typeof twinSchema>;

const ack = z.unknown();

export function createPanelApi(invoke: InvokeFn) {
  return {
    getTwin: () => invokeResolver(invoke, 'getTwin', {}, twinSchema),
    syncNow: (connectionId: string | null) => invokeResolver(invoke, 'syncNow', connectionId === null ? {} : { connectionId }, ack),
    unlink: (connectionId: string | null) => invokeResolver(invoke, 'unlink', connectionId === null ? {} : { connectionId }, ack),
    syncToRemote: (connectionId: string) => invokeResolver(invoke, 'syncToRemote', { connectionId }, ack),
  };
}
export type PanelApi = ReturnType<typeof createPanelApi>;
