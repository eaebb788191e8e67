import type { LocalComment } from '../../../ports/jira';
import type { ReplicaComment } from '../../../model/replica';
import type { CommentLink } from '../../state/records';
import type { DocRewrite, PartContext, SyncedPart } from '../part';
import { withAttribution } from './comment-attribution';
import { bodyHash, planComments, type CommentPlan } from './comment-merge';

/**
 * Comments as a synced part (part.ts): merged by identity (comment-merge.ts), copies attributed to
 * who wrote them there (comment-attribution.ts), their link state the map local id ↔ remote id.
 */
interface Done {
  writes: number;
  comments: LocalComment[];
  /** links of the copies created */
  made: CommentLink[];
  /** the issue's `updated` moves with each edit: when they were made */
  at: string;
}

export const commentsPart: SyncedPart<null, CommentPlan, Done> = {
  name: 'comments',
  phase: 'after-fields',

  prepare: async () => null,

  plan({ deps, connection, message, local, link, desired }: PartContext): CommentPlan {
    // Our comments whose copies were deleted there go here too, whatever the rules kept.
    const deletedThere = new Set(message.deletedOrigins);
    const copies = new Set(link.comments.filter((l) => l.owner === 'remote').map((l) => l.localId));
    const kept = desired.comments.filter((d) => !(deletedThere.has(d.id) && !copies.has(d.id)));
    // Copies say who wrote them, and where (comment-attribution.ts; the connection's rules
    // configuration can turn it off). The line is compared away, so an existing copy is not rewritten for it.
    const remoteAuthors = new Map(message.replica.comments.map((c) => [c.id, c.author]));
    const siteThere = connection.remoteSiteName ?? message.from.siteName;
    const wanted = connection.rulesConfig.commentAttribution === false ? kept
      : kept.map((d) => (d.originId !== null ? { ...d, body: withAttribution(d.body, remoteAuthors.get(d.originId) ?? d.author, siteThere) } : d));
    return planComments({
      local: local.comments, desired: wanted, links: link.comments, replicaComments: message.replica.comments, remoteBases: message.commentBases,
      policy: connection.conflictPolicy, mySiteId: deps.site.cloudId, theirSiteId: message.from.cloudId,
    });
  },

  rewrite: () => (doc) => doc,
  protect: () => (doc) => doc,
  resettle(plan: CommentPlan, settle: DocRewrite) {
    for (const op of plan.ops) {
      if (op.op === 'create') op.body = settle(op.body, 'comment') ?? op.body;
      if (op.op === 'update') {
        op.body = settle(op.body, 'comment') ?? op.body;
        // the agreed body is the one written
        const link = plan.links.find((l) => l.localId === op.localId);
        if (link) link.hash = bodyHash(op.body);
      }
    }
  },
  writes: (plan) => plan.ops.length,
  longRunning: () => false,
  needsCurrentIssue: () => false,

  async execute({ deps, local, journal, message }: PartContext, plan: CommentPlan): Promise<Done> {
    // a copy of a comment the remote had from a third site remembers where it was first written
    const thirdParty = new Map(message.replica.comments.flatMap((c) => (c.origin !== undefined && c.origin.cloudId !== message.from.cloudId ? [[c.id, c.origin] as const] : [])));
    const done: Done = { writes: 0, comments: [...local.comments], made: [], at: '' };
    for (const op of plan.ops) {
      done.writes += 1;
      if (op.op === 'create') {
        const comment = await deps.jira.addComment(local.id, op.body);
        done.comments.push(comment);
        if (op.remoteId !== null) {
          const origin = thirdParty.get(op.remoteId);
          const copy: CommentLink = { localId: comment.id, remoteId: op.remoteId, owner: 'remote', hash: bodyHash(op.body), ...(origin ? { origin } : {}) };
          done.made.push(copy);
          // known to a retry even if this apply fails later (incoming.ts records it)
          journal.commentCopies.push(copy);
        }
      } else if (op.op === 'update') {
        await deps.jira.updateComment(local.id, op.localId, op.body);
        const at = new Date(deps.clock.now()).toISOString();
        done.comments = done.comments.map((c) => (c.id === op.localId ? { ...c, body: op.body, updated: at } : c));
      } else {
        await deps.jira.deleteComment(local.id, op.localId);
        done.comments = done.comments.filter((c) => c.id !== op.localId);
      }
    }
    return done;
  },

  settle: () => (doc) => doc,

  commit(link, plan, done, after, message) {
    link.comments = [...plan.links, ...done.made];
    return {
      writes: done.writes,
      copied: plan.ops.filter((op) => op.op === 'create').length,
      unsent: unsent(after.comments, link.comments, message.replica.comments),
      notes: [],
      conflicts: plan.conflicts.map((c) => `comment ${c.localId} → ${c.winner === 'mine' ? 'kept local' : 'took remote'}`),
    };
  },

  after(issue, _plan, done) {
    issue.comments = done.comments;
    return true;
  },
};

/** a comment of ours without its counterpart there (or with another body), or one of theirs without its copy here */
function unsent(comments: readonly LocalComment[], links: readonly CommentLink[], remoteComments: readonly ReplicaComment[]): boolean {
  const copyOf = new Map(links.filter((l) => l.owner === 'remote').map((l) => [l.localId, l.remoteId]));
  const localIds = new Set(comments.map((c) => c.id));
  const originalsHere = new Set([...copyOf.entries()].filter(([localId]) => localIds.has(localId)).map(([, remoteId]) => remoteId));
  const remoteById = new Map(remoteComments.map((rc) => [rc.id, rc]));
  const remoteCopyOf = new Map(remoteComments.filter((rc) => rc.originId !== null).map((rc) => [rc.originId, rc]));
  const oursMissingThere = comments.some((c) => {
    const original = copyOf.get(c.id);
    const counterpart = original !== undefined ? remoteById.get(original) : remoteCopyOf.get(c.id);
    return counterpart === undefined || bodyHash(counterpart.body) !== bodyHash(c.body);
  });
  const theirsMissingHere = remoteComments.some((rc) => (rc.originId !== null ? !localIds.has(rc.originId) : !originalsHere.has(rc.id)));
  return oursMissingThere || theirsMissingHere;
}
