import type { ReplicaLink } from '../../../model/replica';
import { JiraError, type LocalIssue, type LocalIssueLink } from '../../../ports/jira';
import { Repo } from '../../state/repo';
import { keys } from '../../state/keys';

/** as long as the trigger keeps its dirty markers (src/sync/trigger.ts) */
const DIRTY_TTL_SECONDS = 7 * 24 * 3600;
import type { PartContext, SyncedPart } from '../part';

/**
 * Issue links between two synced issues, as a synced part (part.ts): the same link type and
 * direction on both sides. A three-way merge of sets, per link: base = the remote's links (in local
 * terms) at the last apply, kept in the link state; theirs = the links the incoming rules want (the
 * default rules: the replica's links whose other end has a twin here); mine = the issue's links.
 * Added there since the base and missing here → created; gone there since the base and still here →
 * deleted. A link never in the base nor in theirs (to an issue this connection does not sync, or
 * made here and not yet sent) is left alone.
 *
 * A link is one object between two issues: both issues' replicas carry it (outward on one, inward
 * on the other), and whichever arrives first creates or deletes it; the other finds it done.
 */

/** the links of one issue whose merge base is kept (a key is about 40 bytes) */
export const MAX_LINKS_KEPT = 1000;

/** one link in local terms, as a comparable key: `type|direction|other issue id` */
export type LinkKey = string;

export const linkKey = (l: Pick<ReplicaLink, 'type' | 'direction'> & { issue: { id: string } }): LinkKey => `${l.type.toLowerCase()}|${l.direction}|${l.issue.id}`;

export interface LinksPlan {
  theirs: ReplicaLink[];
  add: ReplicaLink[];
  remove: LocalIssueLink[];
  /** link types the rules named that this site lacks */
  unknownTypes: string[];
}

interface Done {
  writes: number;
  added: ReplicaLink[];
  removed: string[];
  /** the other ends of links that could not be made (gone here): their keys */
  gone: string[];
}

/**
 * The set merge, pure. `mayGo`: whether a link gone there may go here (its other end still synced
 * by the connection: a link to an issue unlinked since is no longer the sync's, left alone).
 */
export function planLinks(mine: readonly LocalIssueLink[], theirs: readonly ReplicaLink[], base: readonly LinkKey[], linkTypes: readonly { name: string }[], mayGo: (link: LocalIssueLink) => boolean = () => true): LinksPlan {
  const known = new Set(linkTypes.map((t) => t.name.toLowerCase()));
  const unknownTypes = [...new Set(theirs.filter((l) => !known.has(l.type.toLowerCase())).map((l) => l.type))];
  const wanted = dedupe(theirs.filter((l) => known.has(l.type.toLowerCase())));
  const baseSet = new Set(base);
  const theirKeys = new Set(wanted.map(linkKey));
  const mineKeys = new Set(mine.map(linkKey));
  const add = wanted.filter((l) => !baseSet.has(linkKey(l)) && !mineKeys.has(linkKey(l)));
  const remove = mine.filter((l) => baseSet.has(linkKey(l)) && !theirKeys.has(linkKey(l)) && mayGo(l));
  return { theirs: wanted, add, remove: dedupeBy(remove, (l) => l.id), unknownTypes };
}

function dedupe(links: ReplicaLink[]): ReplicaLink[] {
  return dedupeBy(links, linkKey);
}

function dedupeBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The other ends of the links the merge may delete that the connection still syncs, by their remote
 * issue id (one storage read each; none when nothing is to go).
 */
async function syncedEnds({ deps, connection, local, link, desired }: PartContext): Promise<Map<string, string | null>> {
  const base = new Set(link.issueLinks ?? []);
  const theirs = new Set(desired.links.map(linkKey));
  const candidates = [...new Set(local.links.filter((l) => base.has(linkKey(l)) && !theirs.has(linkKey(l))).map((l) => l.issue.id))];
  const repo = new Repo(deps.store);
  const synced = new Map<string, string | null>();
  for (const id of candidates) {
    const end = await repo.getLink(connection.id, id);
    if (end) synced.set(id, end.remoteIssueId);
  }
  return synced;
}

/**
 * A link here may go when its other end is still synced and the replica does not name that end's
 * twin in a link of that type and direction (the rules may have left it out unseen: a twin lookup
 * has a bound), as the remote spells the type.
 */
function removable(message: PartContext['message'], synced: ReadonlyMap<string, string | null>): (l: LocalIssueLink) => boolean {
  return (l) => {
    if (!synced.has(l.issue.id)) return false;
    const remoteId = synced.get(l.issue.id) ?? null;
    return !message.replica.links.some((r) => r.issue.id === remoteId && r.direction === l.direction && r.type.toLowerCase() === l.type.toLowerCase());
  };
}

export const linksPart: SyncedPart<Map<string, string | null>, LinksPlan, Done> = {
  name: 'links',
  phase: 'after-fields',
  prepare: syncedEnds,
  plan: ({ local, link, desired, metadata, message }: PartContext, synced) => planLinks(local.links, desired.links, link.issueLinks ?? [], metadata.linkTypes, removable(message, synced)),
  rewrite: () => (doc) => doc,
  protect: () => (doc) => doc,
  resettle: () => undefined,
  writes: (plan) => plan.add.length + plan.remove.length,
  longRunning: () => false,
  needsCurrentIssue: (plan) => plan.remove.length > 0,

  async execute({ deps, connection, local }, plan) {
    const removed: string[] = [];
    const gone: string[] = [];
    for (const l of plan.remove) {
      // gone already (the other issue's apply removed it first): done
      await deps.jira.deleteIssueLink(l.id).catch((error: unknown) => {
        if (!(error instanceof JiraError && error.status === 404)) throw error;
      });
      removed.push(l.id);
    }
    const added: ReplicaLink[] = [];
    for (const l of plan.add) {
      const [outwardIssueId, inwardIssueId] = l.direction === 'outward' ? [local.id, l.issue.id] : [l.issue.id, local.id];
      try {
        await deps.jira.createIssueLink({ type: l.type, outwardIssueId, inwardIssueId });
      } catch (error) {
        // the other issue is gone or out of reach here: that link is left out, the rest goes on
        if (!(error instanceof JiraError && error.status === 404)) throw error;
        gone.push(l.issue.key);
        continue;
      }
      added.push(l);
      // the other issue has the link now too, which its kept snapshot does not show (Jira fires no
      // issue event for it to the app's own write): its next apply reads it
      await deps.store.set(keys.dirty(connection.id, l.issue.id), { at: deps.clock.now() }, { ttlSeconds: DIRTY_TTL_SECONDS });
    }
    return { writes: plan.add.length + plan.remove.length, added, removed, gone };
  },

  settle: () => (doc) => doc,

  after(issue: LocalIssue, _plan, done) {
    issue.links = issue.links.filter((l) => !done.removed.includes(l.id));
    // a new link's id is Jira's (POST /issueLink answers none): the next sync reads the issue
    return done.added.length === 0;
  },

  commit(link, plan, done) {
    // bounded (a link state is one KVS value): an issue with more synced links keeps the first ones' base
    link.issueLinks = plan.theirs.map(linkKey).sort().slice(0, MAX_LINKS_KEPT);
    return {
      writes: 0,
      copied: 0,
      unsent: false,
      notes: [
        ...plan.unknownTypes.map((t) => `link type "${t}" does not exist here; links of that type not synced`),
        ...done.gone.map((key) => `the link to ${key} could not be made: the issue is gone here`),
      ],
      conflicts: [],
      // links made here: the remote hears at once that this side has them (the base of its merge), so
      // a removal here right after reaches it
      tell: done.added.length > 0,
    };
  },
};
