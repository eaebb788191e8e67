import { z } from 'zod';
import { MappingValuesOfLinkSchema } from '../mapping-values';
import { GroupRefSchema } from '../../model/group-ref';
import { AdfDocSchema, IssueRefSchema, JsonValueSchema, ReplicaSchema, UserRefSchema } from '../../model/replica';
import { QueueEventSchema } from '../../model/queue-event';

/** Everything the engine keeps in storage. Every read is parsed with these schemas. */

export { DirectionSchema, ConflictPolicySchema, DefaultRulesConfigSchema, DEFAULT_RULES_CONFIG, ConnectionSchema } from '../../model/connection';
export type { Direction, ConflictPolicy, DefaultRulesConfig, Connection } from '../../model/connection';

export const InvitationSchema = z.strictObject({
  connectionId: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export type Invitation = z.infer<typeof InvitationSchema>;

/** Local values of the fields the merge compares, by field name ('summary', 'status', 'cf:Name', ...). */
export const FieldValuesSchema = z.record(z.string(), JsonValueSchema);
export type FieldValues = z.infer<typeof FieldValuesSchema>;

/**
 * What the link state remembers of field values: their hashes (`valueHash`), by field name. The
 * merge only ever asks "equal to the base?", so a hash answers it, and the record stays the same
 * size however long the description grows.
 */
export const FieldHashesSchema = z.record(z.string(), z.string());
export type FieldHashes = z.infer<typeof FieldHashesSchema>;

export const CommentLinkSchema = z.strictObject({
  localId: z.string(),
  remoteId: z.string(),
  /** which side wrote the original */
  owner: z.enum(['local', 'remote']),
  /** hash of the body both sides last agreed on */
  hash: z.string(),
  /** for a copy of a comment the remote had from a third site: where it was first written (absent: the remote's own) */
  origin: z.strictObject({ cloudId: z.string(), id: z.string() }).optional(),
});
export type CommentLink = z.infer<typeof CommentLinkSchema>;

const LocalCommentSchema = z.strictObject({ id: z.string(), author: UserRefSchema.nullable(), body: AdfDocSchema, created: z.string(), updated: z.string() });

/** A local issue as the engine last saw it (ports/jira LocalIssue). */
export const LocalAttachmentSchema = z.strictObject({
  id: z.string(), filename: z.string(), mimeType: z.string(), size: z.number().int().min(0), created: z.string(), author: UserRefSchema.nullable(),
});

/**
 * One attachment of a twin pair (src/sync/parts/attachments): which local attachment answers which
 * remote one, who made the original, and the local attachment's Media Services id once read (what
 * the `media` nodes of this site's descriptions and comments name).
 */
export const AttachmentLinkSchema = z.strictObject({
  localId: z.string(),
  /** null: a local attachment whose media id is known, not (yet) copied there */
  remoteId: z.string().nullable(),
  owner: z.enum(['local', 'remote']),
  mediaId: z.string().nullable(),
  /** for a copy of a file the remote had from a third site: where it was first attached (absent: the remote's own) */
  origin: z.strictObject({ cloudId: z.string(), id: z.string() }).optional(),
});
export type AttachmentLink = z.infer<typeof AttachmentLinkSchema>;

/** A remote attachment that could not be copied here, and why: not tried again until it changes or a person retries. */
export const AttachmentFailureSchema = z.strictObject({ remoteId: z.string(), filename: z.string(), size: z.number(), reason: z.string(), at: z.string() });
export type AttachmentFailure = z.infer<typeof AttachmentFailureSchema>;

export const LocalIssueSchema = z.strictObject({
  id: z.string(), key: z.string(), projectKey: z.string(), summary: z.string(), description: AdfDocSchema.nullable(), typeName: z.string(),
  priority: z.string().nullable(), labels: z.array(z.string()), status: z.strictObject({ name: z.string(), category: z.string().nullable() }),
  resolution: z.string().nullable(),
  dueDate: z.string().nullable(), assignee: UserRefSchema.nullable(), reporter: UserRefSchema.nullable(), comments: z.array(LocalCommentSchema),
  /** absent on snapshots from before attachments were synced: such a snapshot is read again */
  attachments: z.array(LocalAttachmentSchema).optional(),
  customFields: z.record(z.string(), z.strictObject({ value: JsonValueSchema })), created: z.string(), updated: z.string(),
  originConnectionId: z.string().nullable().optional(),
  /** absent on snapshots from before hierarchy, links, components and versions were synced: such a snapshot is read again */
  parent: IssueRefSchema.nullable().optional(),
  links: z.array(z.strictObject({ id: z.string(), type: z.string(), direction: z.enum(['outward', 'inward']), issue: IssueRefSchema })).optional(),
  components: z.array(z.string()).optional(),
  fixVersions: z.array(z.string()).optional(),
});

export const DirtySchema = z.strictObject({ at: z.number() });

/**
 * The last replica applied. Over the inline limit its comments are kept without their bodies
 * (`commentBodies: false`): ids, authors, times and origins are what the engine needs of them.
 */
/** a replica kept from before attachments were synced has none: read as an empty list */
const withAttachments = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? { attachments: [], parent: null, links: [], components: [], fixVersions: [], ...value }
    : value;
export const PreviousSchema = z.strictObject({ replica: z.preprocess(withAttachments, ReplicaSchema), commentBodies: z.boolean().optional() });

export const RemoteOutcomeSchema = z.strictObject({
  appliedSeq: z.number().int().min(0),
  failed: z.strictObject({ seq: z.number().int().min(1), reason: z.string(), at: z.string() }).nullable(),
});
export type RemoteOutcome = z.infer<typeof RemoteOutcomeSchema>;

export const LinkStateSchema = z.strictObject({
  connectionId: z.string(),
  localIssueId: z.string(),
  localKey: z.string(),
  /** null until the remote answered with its twin */
  remoteIssueId: z.string().nullable(),
  remoteKey: z.string().nullable(),
  /** when the twins were linked (the remote issue became known); absent on links from before it was kept */
  linkedAt: z.string().nullable().optional(),
  /** which side's issue came first */
  origin: z.enum(['local', 'remote']),
  /** the twin group of the issue (src/sync/groups.ts); absent until its first send or apply */
  group: GroupRefSchema.optional(),
  /** the group's members beyond the remote's twin, as the remote last told (site name, key): shown on the panel */
  groupMembers: z.array(z.strictObject({ site: z.string(), key: z.string(), state: z.enum(['synced', 'pending', 'error', 'remote-error']).optional(), at: z.string().optional() })).max(20).optional(),
  /** last seq reserved for outgoing messages */
  outSeq: z.number().int().min(0),
  /** hash of the last replica sent successfully */
  lastSentHash: z.string().nullable(),
  /** highest remote seq applied */
  inSeq: z.number().int().min(0),
  /** highest of our seqs the remote acknowledged */
  ackedSeq: z.number().int().min(0),
  /** local version counter: one step per send and per apply */
  version: z.number().int().min(0),
  /** local field values at each send the remote may still acknowledge */
  sent: z.array(z.strictObject({ seq: z.number().int(), version: z.number().int(), hashes: FieldHashesSchema, stamps: z.record(z.string(), z.string()) })),
  /** the remote's values (in local terms) at the last apply, with their stamps */
  applied: z.strictObject({ version: z.number().int(), hashes: FieldHashesSchema, stamps: z.record(z.string(), z.string()) }).nullable(),
  /**
   * Local values as the engine last read or wrote them; when a person last changed the issue; and
   * per field, when its current value was made (by a person here, or the remote's stamp when the
   * value came from there): the clock of "later change wins", travelling with the values.
   */
  known: z.strictObject({ hashes: FieldHashesSchema, editedAt: z.string().nullable(), stamps: z.record(z.string(), z.string()) }).nullable(),
  comments: z.array(CommentLinkSchema),
  /** the attachments' identities (absent on links from before attachments were synced: none) */
  attachments: z.array(AttachmentLinkSchema).optional(),
  /**
   * Ids of the local attachments the last replica sent offered: the only ones the other site may
   * fetch the content of (src/sync/parts/attachments/transfer.ts).
   */
  offeredAttachments: z.array(z.string()).optional(),
  /** remote attachments that could not be copied here (over the site's limit, say) */
  attachmentFailures: z.array(AttachmentFailureSchema).optional(),
  /** the remote's issue links at the last apply, in local terms (src/sync/parts/links): the base of their merge. Absent: none */
  issueLinks: z.array(z.string()).optional(),
  /** what the last apply could not carry (a person, an option, a component), one line each: shown on the issue. Absent: none */
  warnings: z.array(z.string()).optional(),
  /**
   * The other site's mappable values the last apply met, and those it could not place (no mapping
   * row, nothing of that name here): what the Mappings tab lists, gathered over the links
   * (src/sync/mapping-values.ts). Absent: none yet.
   */
  mappingValues: MappingValuesOfLinkSchema.optional(),
  lastSyncAt: z.string().nullable(),
  /**
   * Every change of the local issue up to this time is known to the engine (sent, or the basis of an
   * apply); a later Jira `updated` is a change the sweeper's search sends (src/sync/anti-entropy.ts).
   * An apply based on an older snapshot sees changes only up to that snapshot's read. Absent on
   * links from before it was kept: then `lastSyncAt` stands in.
   */
  seenThrough: z.string().nullable().optional(),
  /**
   * The local issue as last read (`at` = when that read started), kept current with the app's own
   * writes. An incoming message uses it instead of reading Jira again unless the trigger has seen a
   * person change the issue since (`dirty` marker newer than `at`).
   */
  snapshot: z.preprocess(
    // a snapshot from before the resolution was synced does not say it: dropped, the issue is read again
    (s) => (s !== null && typeof s === 'object' && 'issue' in s && s.issue !== null && typeof s.issue === 'object' && !('resolution' in s.issue) ? null : s),
    z.strictObject({ issue: LocalIssueSchema, at: z.number() }).nullable(),
  ),
  /**
   * Our last message when it went as a reply in an answer (src/sync/outgoing.ts): counted as sent
   * once the remote acknowledges `seq`, when `hash` becomes `lastSentHash`.
   */
  unconfirmed: z.strictObject({ seq: z.number().int().min(1), hash: z.string() }).nullable().optional(),
  /**
   * The last replica applied (`previous` of the rules): here while small (read with the link, no
   * storage operation of its own), 'apart' when kept under its own key, null before the first
   * apply. Absent on links from before it was kept here: then it is under its own key, if anywhere.
   */
  previous: z.union([PreviousSchema, z.literal('apart')]).nullable().optional(),
  /**
   * A person asked to pair this issue with an existing issue of the remote site (its key there), or
   * to sync it again after an unlink: sent with every message until the remote answers with its
   * twin (src/sync/unlink.ts). Absent or null: the remote creates the twin.
   */
  pairWith: z.string().nullable().optional(),
  /**
   * `sentAt` (the remote's clock) of the remote's message that paired the twins: an `unlink` the
   * remote sent before it belongs to an earlier pairing and is ignored.
   */
  pairedAt: z.string().nullable().optional(),
  /**
   * What the remote told us of applying our messages (signed outcomes, src/sync/outcome.ts): the
   * highest of our seqs it applied, and its last failure, until a later seq is applied.
   */
  remote: RemoteOutcomeSchema.nullable().optional(),
});
export type LinkState = z.infer<typeof LinkStateSchema>;

export const RemoteIndexSchema = z.strictObject({ localIssueId: z.string() });

/**
 * A twin creation in flight: written before the create; given the new issue's id and key (and the
 * comment copies made) when the attempt fails after creating it, so a retry finds the twin by id
 * (always consistent) instead of by a JQL search that Jira's index may not have caught up with.
 * A crash (no failure handler) leaves it without: the retry then waits for the index.
 */
export const CreatingMarkerSchema = z.strictObject({
  startedAt: z.string(),
  /** the twin, and the comment copies made on it, when an attempt failed after creating it */
  created: z.strictObject({ id: z.string(), key: z.string(), comments: z.array(CommentLinkSchema).optional() }).optional(),
});


export const InboxEntrySchema = z.strictObject({
  connectionId: z.string(),
  messageId: z.string(),
  receivedAt: z.string(),
  /** the verified envelope, as received (a message that came in parts: `parts` instead) */
  body: z.string().optional(),
  /** the message came in parts (inbox-part records): how many, and the SHA-256 of the whole text */
  parts: z.strictObject({ count: z.number().int().min(2), sha256: z.string() }).optional(),
});
export type InboxEntry = z.infer<typeof InboxEntrySchema>;

/** One part of a message that came in parts, kept until the whole is taken in (with a TTL for orphans). */
export const InboxPartSchema = z.strictObject({ t: z.string(), receivedAt: z.string() });

export const ErrorRecordSchema = z.strictObject({
  id: z.string(),
  connectionId: z.string(),
  lock: z.string(),
  direction: z.enum(['outgoing', 'incoming']),
  issueKey: z.string().nullable(),
  localIssueId: z.string().nullable(),
  remoteIssueKey: z.string().nullable(),
  cause: z.string(),
  /** transient = network/5xx/429 after the retry budget; permanent = rules, configuration, 4xx */
  kind: z.enum(['transient', 'permanent']),
  attempts: z.number().int(),
  firstAt: z.string(),
  lastAt: z.string(),
  /** the work item that failed, re-run by retryError */
  event: QueueEventSchema,
  /** work that arrived for the same issue while it was blocked, re-run after the retry succeeds */
  pending: z.array(QueueEventSchema),
  /** the sweeper retries transient errors automatically at this time */
  autoRetryAt: z.string().nullable(),
});
export type ErrorRecord = z.infer<typeof ErrorRecordSchema>;

export const BlockedSchema = z.strictObject({ errorId: z.string() });

export const ActivityEntrySchema = z.strictObject({
  id: z.string(),
  at: z.string(),
  connectionId: z.string().nullable(),
  direction: z.enum(['in', 'out', 'local']),
  type: z.string(),
  issueKey: z.string().nullable(),
  remoteIssueKey: z.string().nullable(),
  outcome: z.enum(['sent', 'skipped', 'applied', 'created', 'stale', 'duplicate', 'conflict', 'error', 'retry', 'warning', 'info']),
  message: z.string(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export { UserRefSchema };

/** A reserved send not yet posted (keys.outbox): what the sweeper re-drives when it is older than a run. */
export const OutboxEntrySchema = z.strictObject({ seq: z.number().int().min(1), syncBack: z.boolean(), at: z.number() });
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

/** The sweeper's search for changes not sent (keys.sweepMark): changes before `through` were looked at. */
export const SweepMarkSchema = z.strictObject({ through: z.number() });
export type SweepMark = z.infer<typeof SweepMarkSchema>;

/** An issue unlinked on a connection (keys.unlinked): from what, and when. */
export const UnlinkedSchema = z.strictObject({
  at: z.string(), remoteIssueId: z.string().nullable(), remoteKey: z.string().nullable(), localKey: z.string().optional(),
  /** the link's last seq: a pairing again numbers on from it, so the other side (which may still hold the link) takes it as new */
  outSeq: z.number().int().min(0).optional(),
  /**
   * The link's `known` at the unlink (values' hashes and when each was made): a pairing again
   * starts from it, so a field changed while unlinked carries that change's time, and one not
   * changed its old time, not the time the app's own unlink writes moved `updated` to.
   */
  known: z.strictObject({ hashes: FieldHashesSchema, editedAt: z.string().nullable(), stamps: z.record(z.string(), z.string()) }).nullable().optional(),
});
export type Unlinked = z.infer<typeof UnlinkedSchema>;
/** The remote issue's side of it (keys.unlinkedRemote): which local issue it was linked to. */
export const UnlinkedRemoteSchema = z.strictObject({ at: z.string(), localIssueId: z.string().nullable() });
