import * as z from 'zod/mini';
import { ConflictPolicySchema, CountSchema, DirectionSchema, IsoTimeSchema, TwinStateSchema } from './result-fields';

/**
 * What every engine function of the admin page's resolver (`twin-sync-admin`) answers on success,
 * by function key (the payloads: src/contracts/admin-payloads.ts; the rules functions of the same
 * resolver: src/contracts/rules-results.ts). Exactly what the server sends: strict objects, so a
 * field the server does not send cannot be read, and one it starts sending fails the contract test
 * (test/integration/contracts.test.ts). A failure is `ResolverFailureSchema` (resolver-failure.ts).
 */

/** The built-in rules' configuration of a connection. */
export const RulesConfigSchema = z.strictObject({
  /** project for new twins; null = the project with the remote's key if it exists here, else this site's first project */
  targetProjectKey: z.nullable(z.string()),
  syncBackOnFirstSync: z.boolean(),
  /** text custom field receiving the remote issue key; null = none */
  remoteKeyField: z.nullable(z.string()),
  /** copied comments start with "Ana Silva on external wrote:" (absent: on) */
  commentAttribution: z.optional(z.boolean()),
  /** who takes a person who could not be mapped; null or absent: nobody */
  unmappedUser: z.optional(z.nullable(z.string())),
  /** a component or fix version the project here lacks: 'create' (absent) or 'report' */
  missingComponents: z.optional(z.enum(['create', 'report'])),
});

/**
 * A connection. `status`: 'pending' (an invitation created here, the other site has not accepted
 * it), 'active', or 'closed' (the other site deleted it; `closedAt` says when).
 */
export const ConnectionSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** null until the other site is known (a pending invitation) */
  remoteSiteName: z.nullable(z.string()),
  /** the other site's base URL (links to its issues: `<url>/browse/KEY`), null until it is known */
  remoteSiteUrl: z.nullable(z.string()),
  status: z.enum(['pending', 'active', 'closed']),
  /** 'inviter': the invitation was created here; 'accepter': accepted here */
  role: z.enum(['inviter', 'accepter']),
  direction: DirectionSchema,
  /** issues in scope for outgoing sync; null = only issues already linked */
  scopeJql: z.nullable(z.string()),
  conflictPolicy: ConflictPolicySchema,
  rulesConfig: RulesConfigSchema,
  lastMessageAt: z.nullable(IsoTimeSchema),
  createdAt: IsoTimeSchema,
  closedAt: z.nullable(IsoTimeSchema),
});
export type Connection = z.infer<typeof ConnectionSchema>;

/** A sync error: the issue is blocked (later work for it waits behind the error) until it is retried. */
export const SyncErrorSchema = z.strictObject({
  id: z.string(),
  connectionId: z.string(),
  direction: z.enum(['outgoing', 'incoming']),
  /** the local issue; null when an incoming message failed before its twin existed here */
  issueKey: z.nullable(z.string()),
  remoteIssueKey: z.nullable(z.string()),
  cause: z.string(),
  /** 'transient' (network, 5xx, 429 after the retry budget: retried on its own at `autoRetryAt`) or 'permanent' (rules, configuration, 4xx) */
  kind: z.enum(['transient', 'permanent']),
  attempts: CountSchema,
  firstAt: IsoTimeSchema,
  lastAt: IsoTimeSchema,
  /** work waiting behind this error */
  pending: CountSchema,
  autoRetryAt: z.nullable(IsoTimeSchema),
});
export type SyncError = z.infer<typeof SyncErrorSchema>;

export const ACTIVITY_OUTCOMES = ['sent', 'skipped', 'applied', 'created', 'stale', 'duplicate', 'conflict', 'error', 'retry', 'warning', 'info'] as const;

/** One entry of the activity log: a message in or out, or something the app did here ('local'). */
export const ActivityEntrySchema = z.strictObject({
  id: z.string(),
  at: IsoTimeSchema,
  connectionId: z.nullable(z.string()),
  direction: z.enum(['in', 'out', 'local']),
  /** what happened: a message type ('replica', 'hello', 'unlink', 'goodbye'…) or a local step ('retry'…) */
  type: z.string(),
  issueKey: z.nullable(z.string()),
  remoteIssueKey: z.nullable(z.string()),
  outcome: z.enum(ACTIVITY_OUTCOMES),
  /** the detail, possibly empty */
  message: z.string(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

/** A connection's bulk sync as it is now (state 'none' and zeros when none ever ran). */
export const BulkProgressSchema = z.strictObject({
  jobId: z.nullable(z.string()),
  state: z.enum(['none', 'listing', 'confirming', 'done']),
  /** the issues the job has found so far in scope (the estimate while it is still listing, if larger) */
  total: CountSchema,
  queued: CountSchema,
  /** twins the other side confirmed */
  done: CountSchema,
  created: CountSchema,
  updated: CountSchema,
  failed: CountSchema,
  running: z.boolean(),
  startedAt: z.nullable(IsoTimeSchema),
  finishedAt: z.nullable(IsoTimeSchema),
  jql: z.nullable(z.string()),
});
export type BulkProgress = z.infer<typeof BulkProgressSchema>;

/** A project of this site, for scope suggestions (`project = "KEY"`). */
export const ProjectSchema = z.strictObject({
  key: z.string(),
  /** null while the site's metadata gives project keys only */
  name: z.nullable(z.string()),
});
export type Project = z.infer<typeof ProjectSchema>;

const UnlinkResultSchema = z.strictObject({ unlinked: z.boolean(), remoteNotified: z.boolean() });

export const adminResults = {
  /** the code to give the other site's admin; the pending connection's id */
  createInvitation: z.strictObject({ code: z.string().check(z.minLength(1)), expiresAt: IsoTimeSchema, connectionId: z.string() }),
  /** the new connection, active */
  acceptInvitation: ConnectionSchema,
  listConnections: z.array(ConnectionSchema),
  updateConnection: ConnectionSchema,
  /** `links`: issue links forgotten here; `remoteNotified`: the other site was told and closed its side */
  deleteConnection: z.strictObject({ deleted: z.boolean(), links: CountSchema, remoteNotified: z.boolean() }),
  syncIssue: z.strictObject({ queued: z.literal(true), issueKey: z.string(), issueId: z.string() }),
  listErrors: z.array(SyncErrorSchema),
  /** `retried` false (and no events) when the error was gone already */
  retryError: z.strictObject({ retried: z.boolean(), events: CountSchema }),
  listActivity: z.array(ActivityEntrySchema),
  /** Jira's approximate count of the issues a bulk sync would take, and the JQL it would run */
  countBulkSync: z.strictObject({ estimate: CountSchema, jql: z.string() }),
  /** `resumed`: an unfinished job was taken up again instead of starting over */
  startBulkSync: z.strictObject({ jobId: z.string(), estimate: z.nullable(CountSchema), resumed: z.boolean() }),
  getBulkSyncProgress: BulkProgressSchema,
  unlink: UnlinkResultSchema,
  getIssueSyncState: z.strictObject({ issueKey: z.string(), issueId: z.string(), twins: z.array(TwinStateSchema) }),
  /** the site's projects, by key */
  listProjects: z.array(ProjectSchema),
};

/** The success answer of each admin engine function, by function key. */
export type AdminResults = { [K in keyof typeof adminResults]: z.infer<(typeof adminResults)[K]> };
