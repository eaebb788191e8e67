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

export const twinSchema = z
  .looseObject({
    linked: z.boolean(),
    twinKey: z.string().nullish().transform((v) => v ?? null),
    twinUrl: z.string().nullish().transform((v) => v ?? null),
    connectionId: z.string().nullish().transform((v) => v ?? null),
    connectionName: z.string().nullish().transform((v) => v ?? null),
    remoteSiteName: z.string().nullish().transform((v) => v ?? null),
    lastSyncAt: timestamp,
    outcome: z.string().nullish().transform((v) => v ?? null),
    state: z.enum(twinStates).nullish().transform((v) => v ?? null),
    error: z.string().nullish().transform((v) => v ?? null),
    inScope: z.boolean().default(false),
    /** connections whose scope takes this unlinked issue */
    candidates: z.array(candidateSchema).default([]),
  })
  .transform((twin) => {
    // A resolver that names one connection for an unlinked issue in scope, without a list.
    if (!twin.linked && twin.inScope && twin.candidates.length === 0 && twin.connectionId !== null) {
      return {
        ...twin,
        candidates: [
          { connectionId: twin.connectionId, connectionName: twin.connectionName, remoteSiteName: twin.remoteSiteName },
        ],
      };
    }
    return twin;
  });
export type Twin = z.infer<typeof twinSchema>;

const ack = z.unknown();

export function createPanelApi(invoke: InvokeFn) {
  return {
    getTwin: () => invokeResolver(invoke, 'getTwin', {}, twinSchema),
    syncNow: () => invokeResolver(invoke, 'syncNow', {}, ack),
    unlink: () => invokeResolver(invoke, 'unlink', {}, ack),
    syncToRemote: (connectionId: string) => invokeResolver(invoke, 'syncToRemote', { connectionId }, ack),
  };
}
export type PanelApi = ReturnType<typeof createPanelApi>;
