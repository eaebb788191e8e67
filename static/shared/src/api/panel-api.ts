import type { z } from 'zod';
import type { panelPayloads } from '../../../../src/contracts/panel-payloads';
import { panelResults, type PanelResults } from '../../../../src/contracts/panel-results';
import { resolverClient, type InvokeFn } from './invoke-resolver';

/*
 * The issue panel's client of the `twin-sync-panel` resolver (the context issue is the platform's).
 * Every answer is checked with the function's result contract (src/contracts/panel-results.ts),
 * the schemas the resolver definitions answer by; payloads are typed by the payload schemas
 * (src/contracts/panel-payloads.ts, a type-only import).
 */

export type { TwinState } from '../../../../src/contracts/result-fields';
export type { SyncCandidate } from '../../../../src/contracts/panel-results';

/** The context issue's twins (one per connection it is linked on) and the connections it could be synced on. */
export type IssueTwins = PanelResults['getTwin'];

type PanelPayloads = { [K in keyof typeof panelPayloads]: z.input<(typeof panelPayloads)[K]> };

export function createPanelApi(invoke: InvokeFn) {
  const call = resolverClient<PanelPayloads, typeof panelResults>(invoke, panelResults);
  return {
    getTwin: () => call('getTwin', {}),
    /** syncs the issue on `connectionId` */
    syncNow: (connectionId: string) => call('syncNow', { connectionId }),
    /** stops syncing the issue on `connectionId` (both issues stay) */
    unlink: (connectionId: string) => call('unlink', { connectionId }),
    syncToRemote: (connectionId: string) => call('syncToRemote', { connectionId }),
    linkToExisting: (connectionId: string, remoteIssueKey: string) => call('linkToExisting', { connectionId, remoteIssueKey }),
    retry: (connectionId: string) => call('retry', { connectionId }),
  };
}
export type PanelApi = ReturnType<typeof createPanelApi>;
