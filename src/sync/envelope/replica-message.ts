import { z } from 'zod';
import { ReplicaSchema } from '../../model/replica';
import { envelopeBase, IssueRefSchema, JiraIssueKeySchema } from './common';
import { GroupRefSchema } from '../../model/group-ref';

/** The full synced state of one issue (architecture §4). */
export const ReplicaMessageSchema = z.strictObject({
  ...envelopeBase,
  type: z.literal('replica'),
  /** the sender's issue */
  issue: IssueRefSchema,
  /**
   * The twin group the sender's issue belongs to (its origin: a site and an issue there,
   * src/sync/groups.ts): a receiver that has a member of it links to that member instead of
   * creating a twin, whichever connection the replica came by.
   */
  group: GroupRefSchema,
  /**
   * The group's other members the sender knows (its twins on its other connections: site name and
   * key, and the state of the sender's sync with each as it sent this), for the receiver's issue
   * panel: in a hub a spoke is connected to the hub only.
   */
  members: z.array(z.strictObject({ site: z.string().max(200), key: JiraIssueKeySchema, state: z.enum(['synced', 'pending', 'error', 'remote-error']).optional() })).max(20).optional(),
  /** the receiver's issue linked to it, once the sender knows it (null until the twin exists) */
  twin: IssueRefSchema.nullable(),
  /** per (connection, sender issue), reserved in storage before sending */
  seq: z.number().int().min(1),
  /** highest seq of the receiver's messages the sender had applied */
  ack: z.number().int().min(0),
  /** this send was requested by syncBackAfterProcessing() */
  syncBack: z.boolean(),
  /**
   * When the sender's issue was last changed by a person (not by the app): the clock the
   * conflict policy "later change wins" compares, identical on both sides.
   */
  editedAt: z.iso.datetime().nullable(),
  /** per field of the sender's issue (its local names: 'summary', 'cf:Team'…), when its value was made */
  fieldEditedAt: z.record(z.string().max(300), z.iso.datetime()),
  /** for the sender's copies of the receiver's comments: sender comment id → hash of the body both sides last agreed on */
  commentBases: z.record(z.string().max(100), z.string().max(100)),
  /** the receiver's comments whose copies a person deleted on the sender's side: delete them there too */
  deletedOrigins: z.array(z.string().max(100)).max(1000),
  /**
   * The receiver's attachments whose copies the sender had and deleted: deleted there too, whatever
   * its rules keep (as for comments: a copy's deletion is the original's).
   */
  deletedAttachmentOrigins: z.array(z.string().max(100)).max(2000),
  replica: ReplicaSchema,
  /**
   * The receiver's issue (its key) a person chose to pair the sender's issue with, or the twin it
   * had before an unlink, when `twin` is not known yet: the receiver links to it (three-way merge
   * without a base) instead of creating a twin.
   */
  pairWith: JiraIssueKeySchema.optional(),
  /** a person asked for this sync (panel, admin page): it overrides an earlier unlink on the receiver's side */
  manual: z.literal(true).optional(),
});
export type ReplicaMessage = z.infer<typeof ReplicaMessageSchema>;
