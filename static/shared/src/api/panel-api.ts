import * as z from 'zod/mini';
import { invokeResolver, type InvokeFn } from './invoke-resolver';
import { isRecord, optionalText } from './schema-helpers';
import { timestamp } from './timestamp';

/* The issue panel's view of the `twin-sync-panel` resolver (the context issue is the platform's). */

export const twinStates = ['synced', 'pending', 'failed'] as const;
type TwinState = (typeof twinStates)[number];

const candidateSchema = z.looseObject({
  connectionId: z.string(),
  connectionName: optionalText(),
  remoteSiteName: optionalText(),
});
export type SyncCandidate = z.infer<typeof candidateSchema>;

/** the engine's state words, in the panel's terms */
const stateWords: Readonly<Record<string, TwinState>> = {
  synced: 'synced',
  pending: 'pending',
  'waiting-for-twin': 'pending',
  failed: 'failed',
  error: 'failed',
};

const errorText = z.pipe(
  z.optional(z.union([z.string(), z.looseObject({ cause: z.string() }), z.looseObject({ message: z.string() }), z.null()])),
  z.transform((v): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : 'cause' in v ? String(v.cause) : String(v.message))),
);

const twinFields = z.looseObject({
  linked: z.boolean(),
  twinKey: optionalText(),
  twinUrl: optionalText(),
  connectionId: optionalText(),
  connectionName: optionalText(),
  remoteSiteName: optionalText(),
  lastSyncAt: timestamp,
  outcome: optionalText(),
  state: z.pipe(z.nullish(z.string()), z.transform((v): TwinState | null => (v === null || v === undefined ? null : stateWords[v] ?? null))),
  error: errorText,
  /** null when the resolver does not say */
  inScope: z.pipe(z.nullish(z.boolean()), z.transform((v) => v ?? null)),
  /** connections whose scope takes this unlinked issue */
  candidates: z._default(z.array(candidateSchema), []),
});

/**
 * The panel's twin. Read from either the flat shape `{linked, twinKey, twinUrl, …}` or the engine's
 * per-connection list `{twins: [{connectionId, remoteIssueKey, remoteIssueUrl, state, error…}]}`
 * (the first twin is shown; `candidates`/`inScope` beside it offer "Sync to <site>").
 */
export const twinSchema = z.pipe(
  z.pipe(
    z.transform((value: unknown) => {
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
    }),
    twinFields,
  ),
  z.transform((twin) => {
    // A resolver that names one connection for an unlinked issue in scope, without a list.
    if (!twin.linked && twin.inScope === true && twin.candidates.length === 0 && twin.connectionId !== null) {
      return {
        ...twin,
        candidates: [{ connectionId: twin.connectionId, connectionName: twin.connectionName, remoteSiteName: twin.remoteSiteName }],
      };
    }
    return twin;
  }),
);
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
