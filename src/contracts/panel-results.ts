import * as z from 'zod/mini';
import { CountSchema, TwinStateSchema } from './result-fields';

/**
 * What every function of the issue panel's resolver (`twin-sync-panel`) answers on success, by
 * function key (the payloads: src/contracts/panel-payloads.ts). The issue is the panel's context
 * issue. Strict objects, as in admin-results.ts; a failure is `ResolverFailureSchema`.
 */

/** A connection the issue could start syncing on: active, sending, the issue not linked on it yet. */
export const SyncCandidateSchema = z.strictObject({ connectionId: z.string(), connectionName: z.string(), remoteSiteName: z.nullable(z.string()) });
export type SyncCandidate = z.infer<typeof SyncCandidateSchema>;

export const panelResults = {
  /** the issue's twins, one per connection it is linked on, and the connections it could be synced on */
  getTwin: z.strictObject({ issueId: z.string(), twins: z.array(TwinStateSchema), candidates: z.array(SyncCandidateSchema) }),
  /** syncs queued: one per active sending connection the issue is linked on (only `connectionId`'s when given) */
  syncNow: z.strictObject({ queued: CountSchema }),
  /** `unlinked`: a link was forgotten here; `remoteNotified`: every other site concerned was told */
  unlink: z.strictObject({ unlinked: z.boolean(), remoteNotified: z.boolean() }),
  syncToRemote: z.strictObject({ queued: z.literal(true) }),
  /** the pairing is queued: the first message names `remoteIssueKey`, the other side links it and merges */
  linkToExisting: z.strictObject({ queued: z.literal(true), remoteIssueKey: z.string() }),
  /** `retried`: the issue's error was found and its work queued again (with `events` items) */
  retry: z.strictObject({ retried: z.boolean(), events: CountSchema }),
};

/** The success answer of each panel function, by function key. */
export type PanelResults = { [K in keyof typeof panelResults]: z.infer<(typeof panelResults)[K]> };
