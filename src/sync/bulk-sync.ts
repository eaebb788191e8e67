import { z } from 'zod';
import type { EngineDeps } from './deps';
import { UserError } from './errors';
import { bulkLock, localLock, type BulkEvent, type OutgoingEvent } from '../model/queue-event';
import { keys } from './state/keys';
import type { Connection, LinkState } from './state/records';
import { Repo } from './state/repo';
import { appliedThere } from './outcome';
import { readUnlinked } from './unlink';

/**
 * Bulk sync as a job that runs in the queue, one step at a time (its own concurrency key):
 * - a listing step takes the next page of the scope (the saved page token, so the job goes on past
 *   any size and after any interruption), queues an outgoing sync of each issue, keeps the page's
 *   ids in a page record, and schedules the next step so that at most `bulkPerMinute` syncs are
 *   queued per minute (Forge's event quota, https://developer.atlassian.com/platform/forge/limits-async-events/);
 * - confirming steps read the links of a few pages' open issues: an issue counts as done only when
 *   the other side confirmed our latest send (it applied it and answered, so its twin exists and its
 *   key was written back), and as failed when an error blocks it.
 * The job is done when no page has an open issue. Progress reads one record.
 */
export const BulkJobSchema = z.strictObject({
  id: z.string(),
  connectionId: z.string(),
  jql: z.string(),
  startedAt: z.string(),
  state: z.enum(['listing', 'confirming', 'done']),
  /** the search's token for the next page; null before the first page and after the last */
  nextPageToken: z.string().nullable(),
  pages: z.number().int().min(0),
  /** the approximate count of the scope when the job started */
  estimate: z.number().int().min(0).nullable(),
  queued: z.number().int().min(0),
  confirmed: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** created: twins that did not exist before the job; the rest were there already */
  created: z.number().int().min(0),
  /** the next page a confirming step reads */
  confirmCursor: z.number().int().min(1),
  lastStepAt: z.string(),
  finishedAt: z.string().nullable(),
  /** the live chain of steps; a kick (a second press, the sweeper) starts a new one */
  chainId: z.string().optional(),
});
export type BulkJob = z.infer<typeof BulkJobSchema>;

const BulkPageSchema = z.strictObject({
  ids: z.array(z.string()),
  /** issues neither confirmed nor failed yet */
  open: z.array(z.string()),
});

/** pages a confirming step reads at most (each read is one link per open issue) */
const CONFIRM_PAGES_PER_STEP = 2;
/** a job whose steps stopped for this long (a lost queue event) is picked up again by the next press */
const STALL_MS = 10 * 60 * 1000;
/** between confirming passes: soon while confirmations come in, slower once they stall */
const CONFIRM_DELAY_SECONDS = 5;
const CONFIRM_IDLE_DELAY_SECONDS = 30;
/**
 * Steps one chain takes before it hands over to the sweeper, which starts a new chain: Forge counts
 * the pushes of one invocation chain (at most 1,000: https://developer.atlassian.com/platform/forge/limits-async-events/),
 * and a step pushes at most three times (two batches of syncs and the next step).
 */
export const BULK_CHAIN_STEPS = 200;
// (deps.settings.bulkChainSteps holds it, so a test can shorten the chains)
/** a job whose last step is older than this has no live chain: the sweeper kicks it */
export const BULK_KICK_AFTER_MS = 2 * 60 * 1000;

export interface BulkStartAnswer {
  jobId: string;
  /** the approximate number of issues in scope */
  estimate: number | null;
  /** an unfinished job was taken up again instead of starting over */
  resumed: boolean;
}

function requireSending(connection: Connection | undefined, connectionId: string): Connection & { scopeJql: string } {
  if (!connection) throw new UserError('not-found', `No connection with id ${connectionId}.`);
  if (connection.status === 'closed') throw new UserError('closed', `Connection "${connection.name}" was ended by the other site: create a new invitation to connect again.`);
  if (connection.status !== 'active') throw new UserError('not-active', `Connection "${connection.name}" is not connected yet.`);
  if (connection.direction === 'receive-only') throw new UserError('receive-only', `Connection "${connection.name}" only receives: nothing can be sent on it.`);
  if (connection.scopeJql === null) throw new UserError('no-scope', `Connection "${connection.name}" has no scope: set its JQL first.`);
  return { ...connection, scopeJql: connection.scopeJql };
}

/** the job's JQL: the connection's scope, narrowed by the admin's filter when given */
export function bulkJql(scopeJql: string, narrow: string | null): string {
  return narrow === null || narrow.trim() === '' ? scopeJql : `(${scopeJql}) AND (${narrow.trim()})`;
}

/** How many issues a bulk sync would take, before it starts (Jira's approximate count). */
export async function countBulkSync(deps: EngineDeps, connectionId: string, narrow: string | null): Promise<{ estimate: number; jql: string }> {
  const connection = requireSending(await new Repo(deps.store).getConnection(connectionId), connectionId);
  const jql = bulkJql(connection.scopeJql, narrow);
  const problem = narrow !== null && narrow.trim() !== '' ? await deps.jira.validateJql(jql) : null;
  if (problem !== null) throw new UserError('invalid-jql', `The filter is not valid on this site: ${problem}`);
  return { estimate: await deps.jira.countIssues(jql), jql };
}

/**
 * Starts a bulk sync of the connection's scope (narrowed by `narrow`), or, while one is unfinished,
 * takes it up again where it is: a second press never starts over.
 */
export async function startBulkSync(deps: EngineDeps, connectionId: string, narrow: string | null = null): Promise<BulkStartAnswer> {
  const repo = new Repo(deps.store);
  const connection = requireSending(await repo.getConnection(connectionId), connectionId);
  const existing = await repo.read(keys.bulkJob(connectionId), BulkJobSchema);
  const now = deps.clock.now();
  if (existing && existing.state !== 'done') {
    if (now - Date.parse(existing.lastStepAt) > STALL_MS) await kickBulkJob(deps, existing);
    return { jobId: existing.id, estimate: existing.estimate, resumed: true };
  }
  const { estimate, jql } = await countBulkSync(deps, connection.id, narrow);
  const at = new Date(now).toISOString();
  const job: BulkJob = {
    id: deps.ids.uuid(), connectionId, jql, startedAt: at, state: 'listing', nextPageToken: null, pages: 0, estimate, queued: 0, confirmed: 0, failed: 0,
    created: 0, confirmCursor: 1, lastStepAt: at, finishedAt: null, chainId: deps.ids.uuid(),
  };
  await deps.store.set(keys.bulkJob(connectionId), job);
  await pushStep(deps, job, 0, 0);
  return { jobId: job.id, estimate, resumed: false };
}

/** starts a new chain of steps for an unfinished job (the old chain's steps, if any remain, do nothing) */
export async function kickBulkJob(deps: EngineDeps, job: BulkJob): Promise<void> {
  const next = { ...job, chainId: deps.ids.uuid(), lastStepAt: new Date(deps.clock.now()).toISOString() };
  await deps.store.set(keys.bulkJob(job.connectionId), next);
  await pushStep(deps, next, 0, 0);
}

async function pushStep(deps: EngineDeps, job: BulkJob, delaySeconds: number, chainStep: number): Promise<void> {
  const event: BulkEvent = {
    kind: 'bulk', connectionId: job.connectionId, jobId: job.id, ...(job.chainId !== undefined ? { chainId: job.chainId } : {}), chainStep,
    lock: bulkLock(job.connectionId), attempt: 0,
  };
  await deps.queue.push([event], delaySeconds > 0 ? { delaySeconds } : undefined);
}

/** One step of a bulk job (the queue consumer calls it for a `bulk` event). */
export async function runBulkStep(deps: EngineDeps, event: BulkEvent): Promise<void> {
  const repo = new Repo(deps.store);
  const job = await repo.read(keys.bulkJob(event.connectionId), BulkJobSchema);
  if (!job || job.id !== event.jobId || job.state === 'done') return; // another job replaced it, or it is finished
  if (event.chainId !== undefined && job.chainId !== undefined && event.chainId !== job.chainId) return; // a superseded chain
  const connection = await repo.getConnection(job.connectionId);
  if (!connection || connection.status !== 'active') return;
  const settledBefore = job.confirmed + job.failed;
  let delay: number | null = null;
  if (job.state === 'listing') {
    const page = await deps.jira.searchIssueIds(job.jql, job.nextPageToken);
    const events: OutgoingEvent[] = page.ids.map((id) => ({ kind: 'outgoing', connectionId: job.connectionId, localIssueId: id, syncBack: false, reason: 'bulk', lock: localLock(job.connectionId, id), attempt: 0 }));
    if (events.length > 0) await deps.queue.push(events);
    job.pages += 1;
    await deps.store.set(keys.bulkPage(job.connectionId, job.id, job.pages), { ids: page.ids, open: page.ids });
    job.queued += page.ids.length;
    job.nextPageToken = page.nextPageToken;
    if (page.nextPageToken === null) job.state = 'confirming';
    // paced: this page's syncs spread over the minute share they are allowed
    delay = Math.max(1, Math.ceil((60 * page.ids.length) / Math.max(1, deps.settings.bulkPerMinute)));
  }
  await confirmSome(deps, repo, job);
  delay ??= job.confirmed + job.failed > settledBefore ? CONFIRM_DELAY_SECONDS : CONFIRM_IDLE_DELAY_SECONDS;
  job.lastStepAt = new Date(deps.clock.now()).toISOString();
  if (job.state === 'confirming' && job.confirmed + job.failed >= job.queued) {
    job.state = 'done';
    job.finishedAt = job.lastStepAt;
  }
  await deps.store.set(keys.bulkJob(job.connectionId), job);
  const chainStep = (event.chainStep ?? 0) + 1;
  // past its share of pushes the chain stops; the sweeper (a new chain) takes the job on
  if (job.state !== 'done' && chainStep < deps.settings.bulkChainSteps) await pushStep(deps, job, delay, chainStep);
}

/** for the sweeper: unfinished jobs whose chain stopped (handed over, or lost) */
export async function kickStalledBulkJobs(deps: EngineDeps): Promise<number> {
  const repo = new Repo(deps.store);
  let kicked = 0;
  for (const job of await repo.listParsed(keys.bulkJobPrefix, BulkJobSchema)) {
    if (job.state === 'done' || deps.clock.now() - Date.parse(job.lastStepAt) < BULK_KICK_AFTER_MS) continue;
    // what is left of a deleted (or closed) connection's job is not taken up again: its purge removes it
    if ((await repo.getConnection(job.connectionId))?.status !== 'active') continue;
    await kickBulkJob(deps, job);
    kicked += 1;
  }
  return kicked;
}

/** the other side applied our latest send: the twin exists there and answered (its key is written back) */
function confirmed(link: LinkState | undefined): boolean {
  return link !== undefined && link.remoteIssueId !== null && link.outSeq > 0 && appliedThere(link) >= link.outSeq;
}

/** reads the open issues of the next pages (round robin over the pages listed so far) */
async function confirmSome(deps: EngineDeps, repo: Repo, job: BulkJob): Promise<void> {
  if (job.pages === 0) return;
  for (let n = 0; n < CONFIRM_PAGES_PER_STEP; n++) {
    const pageNo = job.confirmCursor > job.pages ? 1 : job.confirmCursor;
    job.confirmCursor = pageNo + 1;
    const key = keys.bulkPage(job.connectionId, job.id, pageNo);
    const page = await repo.read(key, BulkPageSchema);
    if (!page || page.open.length === 0) continue;
    const open: string[] = [];
    for (const id of page.open) {
      const link = await repo.getLink(job.connectionId, id);
      if (confirmed(link)) {
        job.confirmed += 1;
        // linked since the job started: its twin is new (else it was there and got updated)
        if (link?.linkedAt != null && link.linkedAt >= job.startedAt) job.created += 1;
      } else if ((await repo.blockedBy(localLock(job.connectionId, id))) !== undefined) {
        job.failed += 1;
      } else if (!link && (await readUnlinked(repo, job.connectionId, id)) !== undefined) {
        // a person unlinked it: a bulk sync does not start it again (nothing to wait for)
        job.confirmed += 1;
      } else {
        open.push(id);
      }
    }
    if (open.length !== page.open.length) await deps.store.set(key, { ...page, open });
  }
}

export interface BulkProgress {
  jobId: string | null;
  state: 'none' | BulkJob['state'];
  /** the issues the job has found so far in scope (the estimate while it is still listing, if larger) */
  total: number;
  queued: number;
  /** twins the other side confirmed */
  done: number;
  created: number;
  updated: number;
  failed: number;
  running: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  jql: string | null;
}

/** Progress of the connection's bulk job: one record read. */
export async function getBulkSyncProgress(deps: EngineDeps, connectionId: string): Promise<BulkProgress> {
  const job = await new Repo(deps.store).read(keys.bulkJob(connectionId), BulkJobSchema);
  if (!job) return { jobId: null, state: 'none', total: 0, queued: 0, done: 0, created: 0, updated: 0, failed: 0, running: false, startedAt: null, finishedAt: null, jql: null };
  const total = job.state === 'listing' ? Math.max(job.queued, job.estimate ?? 0) : job.queued;
  return {
    jobId: job.id, state: job.state, total, queued: job.queued, done: job.confirmed, created: job.created, updated: job.confirmed - job.created, failed: job.failed,
    running: job.state !== 'done', startedAt: job.startedAt, finishedAt: job.finishedAt, jql: job.jql,
  };
}
