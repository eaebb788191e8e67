import * as z from 'zod/mini';

/*
 * Field schemas of resolver answers (src/contracts/*-results.ts). The answers are read by the
 * Custom UI pages (static/), so the result contracts use `zod/mini` (tree-shakable: the full `zod`
 * API costs about 30 kB gzipped in each page) and import nothing but zod: no engine code, no
 * `@forge/*`. The server side reads the same schemas (they are zod v4 schemas like any other).
 */

/** A time the app made (`new Date(...).toISOString()`): ISO 8601 in UTC, `2026-11-26T10:00:00.000Z`. */
export const IsoTimeSchema = z.iso.datetime();

/** A whole number ≥ 0. */
export const CountSchema = z.int().check(z.minimum(0));

export const DIRECTIONS = ['both', 'send-only', 'receive-only'] as const;
export const DirectionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof DirectionSchema>;

/** the engine's conflict policies ('later-wins' is the default) */
export const CONFLICT_POLICIES = ['later-wins', 'local-wins', 'remote-wins'] as const;
export const ConflictPolicySchema = z.enum(CONFLICT_POLICIES);
export type ConflictPolicy = z.infer<typeof ConflictPolicySchema>;

/**
 * The twin of a local issue on one connection, as the admin page (getIssueSyncState) and the issue
 * panel (getTwin) get it; also a connection whose sync of the issue failed before it had a twin
 * (`remoteIssueKey` null, state 'error'). `state`:
 * - 'synced': the other side applied our latest change (its ack or its signed outcome says so);
 * - 'pending': sent or being sent, not confirmed yet (also: the twin is not created yet);
 * - 'error': this side failed: an error record blocks the issue here, `error` says which;
 * - 'remote-error': the other side failed to apply our latest change, `remoteError` says why.
 */
export const TwinStateSchema = z.strictObject({
  connectionId: z.string(),
  connectionName: z.string(),
  remoteSiteName: z.nullable(z.string()),
  /** null until the other side has answered with its twin */
  remoteIssueKey: z.nullable(z.string()),
  /** the twin on the other site (its site URL and key), null until both are known */
  remoteIssueUrl: z.nullable(z.string()),
  lastSyncAt: z.nullable(IsoTimeSchema),
  state: z.enum(['synced', 'pending', 'error', 'remote-error']),
  error: z.nullable(z.strictObject({ id: z.string(), cause: z.string() })),
  /** the other side's reason, and when it said so */
  remoteError: z.nullable(z.strictObject({ reason: z.string(), at: IsoTimeSchema })),
  /** the other side's files that could not be copied to this issue, each with why (the rest of the issue syncs) */
  attachmentErrors: z.array(z.strictObject({ filename: z.string(), size: z.number(), reason: z.string(), at: IsoTimeSchema })),
  /** what the last apply could not carry here (a person, an option, a component), one line each */
  warnings: z.array(z.string()),
  /**
   * the twin group's members on further sites, as the other side told (three or more sites): site
   * name and key, and the state of the other side's sync with that member when it told (`at`)
   */
  groupMembers: z.array(z.strictObject({ site: z.string(), key: z.string(), state: z.optional(z.enum(['synced', 'pending', 'error', 'remote-error'])), at: z.optional(IsoTimeSchema) })),
});
export type TwinState = z.infer<typeof TwinStateSchema>;
