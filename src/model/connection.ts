import { z } from 'zod';

/** A connection between this site and another, and its configuration: shared by ports and core. */

export const DirectionSchema = z.enum(['both', 'send-only', 'receive-only']);
export type Direction = z.infer<typeof DirectionSchema>;

export const ConflictPolicySchema = z.enum(['later-wins', 'local-wins', 'remote-wins']);
export type ConflictPolicy = z.infer<typeof ConflictPolicySchema>;

/** Configuration of the default rules (the default scripts, src/rules/default-scripts.ts), per connection. */
export const DefaultRulesConfigSchema = z.strictObject({
  /** project for new twins; null = the project with the remote's key if it exists here, else this site's first project */
  targetProjectKey: z.string().min(1).nullable(),
  /** call syncBackAfterProcessing() when a twin is created */
  syncBackOnFirstSync: z.boolean(),
  /** text custom field receiving the remote issue key; null = none (ignored when the site has no such field) */
  remoteKeyField: z.string().min(1).nullable(),
  /**
   * Copies of the other site's comments start with who wrote them and where ("Ana Silva on
   * external wrote:", src/sync/parts/comments/comment-attribution.ts). Absent: on.
   */
  commentAttribution: z.boolean().optional(),
  /** who takes a person who could not be mapped (an account id here); null or absent: nobody (unassigned), with a warning */
  unmappedUser: z.string().min(1).nullable().optional(),
  /**
   * A component or fix version the other side names that this project lacks: 'create' it here
   * (needs Administer Projects), or 'report' it as a warning on the issue and leave it out. Absent: 'create'.
   */
  missingComponents: z.enum(['create', 'report']).optional(),
});
export type DefaultRulesConfig = z.infer<typeof DefaultRulesConfigSchema>;

export const DEFAULT_RULES_CONFIG: DefaultRulesConfig = {
  targetProjectKey: null,
  syncBackOnFirstSync: true,
  remoteKeyField: 'Remote issue key',
};

export const ConnectionSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  /** 'pending' = invitation created, no hello received yet; 'closed' = the remote site deleted the connection */
  status: z.enum(['pending', 'active', 'closed']),
  role: z.enum(['inviter', 'accepter']),
  remoteSiteName: z.string().nullable(),
  remoteCloudId: z.string().nullable(),
  remoteInboxUrl: z.string().nullable(),
  remoteSiteUrl: z.string().nullable(),
  direction: DirectionSchema,
  /** issues in scope for outgoing sync; null = only issues already linked */
  scopeJql: z.string().nullable(),
  conflictPolicy: ConflictPolicySchema,
  rulesConfig: DefaultRulesConfigSchema,
  createdAt: z.string(),
  lastMessageAt: z.string().nullable(),
  /** when the remote site ended the connection (status 'closed'); absent on records written before it existed */
  closedAt: z.string().nullable().optional(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

