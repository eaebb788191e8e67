import { valueHash } from '../../canonical-json';
import type { TransitionFields } from '../../../ports/jira';
import { HELD_STAMP } from '../fields';
import { editResolution, mergedResolution, resolutionNote, type ResolutionWrite } from '../fields/resolution';
import type { SyncedPart } from '../part';
import { moveToStatus } from './status-mover';

/**
 * The status as a synced part (part.ts): its value is merged with the fields (the fields part);
 * this part moves the issue there through the workflow, several transitions when no direct one
 * exists (status-mover.ts, status-path.ts). A move starts from the issue's current status, never
 * from a snapshot of it (`needsCurrentIssue`).
 *
 * The resolution goes with the move (src/sync/parts/fields/resolution.ts): the transition into a
 * done status carries the merged resolution (`fields.resolution`); one into another status clears
 * it, as Jira's default workflows do. What the issue's resolution is after a move into a done
 * status that did not carry one (none merged, or Jira refused it) is the workflow's (a post
 * function may set one): the issue is read again to learn it, and what it learns is not a change a
 * person made (it keeps the time of the value it replaced, else the held time), so it never goes
 * back over the remote's value.
 */
interface Plan {
  target: string | null;
  /** the target is a done status (the site's statuses say) */
  targetDone: boolean;
  /** the resolution the merge changes (to write with the move), or null */
  resolution: ResolutionWrite | null;
  /** the resolution the last transition carries, when the target is done and one is merged */
  carry: string | null;
  /** the issue's resolution before the apply, its hash and time in the link state */
  before: { value: string | null; hash: string | undefined; stamp: string | undefined };
}

interface Done {
  writes: number;
  /** the resolution after the move, null unresolved; undefined: no move, or not known (the issue could not be read) */
  resolution: string | null | undefined;
  /** how it came to be, for the warning when it is not the one wanted */
  why: 'transition' | 'workflow' | 'edit' | null;
}

export const statusPart: SyncedPart<null, Plan, Done> = {
  name: 'status',
  phase: 'fields',
  prepare: async () => null,
  plan: (ctx) => {
    const values = ctx.values();
    const apply = values.merge.apply.status;
    const target = typeof apply === 'string' ? apply : null;
    const targetDone = target !== null && ctx.statuses.some((s) => s.name.toLowerCase() === target.toLowerCase() && s.category === 'done');
    const resolution = values.resolution?.how === 'transition' ? values.resolution : null;
    const merged = mergedResolution(values.mine, values.resolution);
    const local = values.mine.resolution;
    return {
      target, targetDone, resolution,
      carry: targetDone && merged !== null ? merged : null,
      before: { value: typeof local === 'string' ? local : null, hash: values.known.hashes.resolution, stamp: values.known.stamps.resolution },
    };
  },
  rewrite: () => (doc) => doc,
  protect: () => (doc) => doc,
  resettle: () => undefined,
  // at least one transition; a path of several is found while moving
  writes: (plan) => (plan.target !== null ? 1 : 0),
  longRunning: () => false,
  needsCurrentIssue: (plan) => plan.target !== null,

  async execute({ deps, local }, plan) {
    if (plan.target === null) return { writes: 0, resolution: undefined, why: null };
    const arrival: TransitionFields = plan.carry !== null ? { resolution: plan.carry } : {};
    const moved = await moveToStatus(deps.jira, deps.store, { id: local.id, key: local.key, projectKey: local.projectKey, typeName: local.typeName, status: local.status.name }, plan.target, arrival);
    if (moved.steps === 0) {
      // already there (the issue moved meanwhile): a resolution wanted is tried in an edit
      if (plan.resolution === null) return { writes: 0, resolution: local.resolution, why: null };
      const accepted = await editResolution(deps.jira, local.id, plan.resolution.value);
      return { writes: 1, resolution: accepted ? plan.resolution.value : local.resolution, why: 'edit' };
    }
    if (!plan.targetDone) return { writes: moved.steps, resolution: null, why: 'workflow' };
    if (plan.carry !== null && !moved.refused) return { writes: moved.steps, resolution: plan.carry, why: 'transition' };
    // into a done status without the resolution: what the workflow made of it is read
    const now = await deps.jira.getIssue(local.id);
    return { writes: moved.steps, resolution: now?.resolution, why: moved.refused ? 'transition' : 'workflow' };
  },

  settle: () => (doc) => doc,

  commit(link, plan, done) {
    const nothing = { writes: 0, copied: 0, unsent: false, notes: [], conflicts: [] };
    const known = link.known;
    if (done.resolution === undefined || !known) return nothing;
    const hash = valueHash(done.resolution);
    const notes = plan.resolution !== null && done.resolution !== plan.resolution.value && done.why !== null ? [resolutionNote(plan.resolution, done.resolution, done.why)] : [];
    // the fields part recorded the merged value (with the remote's time): right when that is what the issue has
    if (known.hashes.resolution === hash) return { ...nothing, notes };
    // not what was merged: the workflow's or the local value, not a newer one than the remote's
    const stamp = hash === plan.before.hash ? plan.before.stamp ?? HELD_STAMP : HELD_STAMP;
    link.known = { ...known, hashes: { ...known.hashes, resolution: hash }, stamps: { ...known.stamps, resolution: stamp } };
    return { ...nothing, notes };
  },

  after(issue, plan, done, statuses) {
    const target = plan.target;
    if (target === null) return true;
    const known = statuses.find((s) => s.name.toLowerCase() === target.toLowerCase());
    issue.status = { name: known?.name ?? target, category: known?.category ?? null };
    if (done.resolution === undefined) return false;
    issue.resolution = done.resolution;
    return true;
  },
};
