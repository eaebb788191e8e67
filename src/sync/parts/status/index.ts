import type { SyncedPart } from '../part';
import { moveToStatus } from './status-mover';

/**
 * The status as a synced part (part.ts): its value is merged with the fields (the fields part);
 * this part moves the issue there through the workflow, several transitions when no direct one
 * exists (status-mover.ts, status-path.ts). A move starts from the issue's current status, never
 * from a snapshot of it (`needsCurrentIssue`).
 */
interface Plan {
  target: string | null;
}

export const statusPart: SyncedPart<null, Plan, { writes: number }> = {
  name: 'status',
  phase: 'fields',
  prepare: async () => null,
  plan: (ctx) => {
    const target = ctx.values().merge.apply.status;
    return { target: typeof target === 'string' ? target : null };
  },
  rewrite: () => (doc) => doc,
  protect: () => (doc) => doc,
  resettle: () => undefined,
  // at least one transition; a path of several is found while moving
  writes: (plan) => (plan.target !== null ? 1 : 0),
  longRunning: () => false,
  needsCurrentIssue: (plan) => plan.target !== null,

  async execute({ deps, local }, plan) {
    if (plan.target === null) return { writes: 0 };
    return { writes: await moveToStatus(deps.jira, deps.store, { id: local.id, key: local.key, projectKey: local.projectKey, typeName: local.typeName, status: local.status.name }, plan.target) };
  },

  settle: () => (doc) => doc,
  commit: () => ({ writes: 0, copied: 0, unsent: false, notes: [], conflicts: [] }),

  after(issue, plan, _done, statuses) {
    const target = plan.target;
    if (target === null) return true;
    const known = statuses.find((s) => s.name.toLowerCase() === target.toLowerCase());
    issue.status = { name: known?.name ?? target, category: known?.category ?? null };
    return true;
  },
};
