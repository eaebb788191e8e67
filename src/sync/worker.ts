import { logActivity } from './activity';
import { parseJsonOrNull } from './canonical-json';
import type { EngineDeps } from './deps';
import { classify, retryDelaySeconds } from './errors';
import { processIncoming } from './incoming';
import { processOutgoing } from './outgoing';
import { runBulkStep } from './bulk-sync';
import { QueueEventSchema, type IncomingEvent, type QueueEvent } from '../model/queue-event';
import { EnvelopeSchema } from './envelope/envelope';
import { outcomeFor, sendOutcome } from './outcome';
import { errorId, keys } from './state/keys';
import { MemoStore } from './state/memo-store';
import type { ErrorRecord } from './state/records';
import { Repo } from './state/repo';
import { releaseLock, tryLock } from './issue-lock';

/**
 * The queue consumer. Transient failures are re-queued with capped backoff (honouring Retry-After);
 * after the budget, or on a permanent failure, the item becomes an error record that blocks only its
 * issue (its lock). Work arriving for a blocked issue is folded into that record and re-run after a
 * successful retry: replicas are snapshots, so one outgoing sync stands for any number of events.
 */
export async function handleQueueEvent(invocationDeps: EngineDeps, body: unknown): Promise<void> {
  // One invocation: a record read by several steps (connection, link…) is read from storage once.
  const deps: EngineDeps = { ...invocationDeps, store: new MemoStore(invocationDeps.store) };
  const parsed = QueueEventSchema.safeParse(body);
  if (!parsed.success) {
    await logActivity(deps, { connectionId: null, direction: 'local', type: 'queue', issueKey: null, remoteIssueKey: null, outcome: 'error', message: `dropped an invalid queue event: ${parsed.error.issues[0]?.message ?? ''}` });
    return;
  }
  const event = parsed.data;
  try {
    try {
      // the inbox may be applying a message to this issue while its sender waits: one at a time
      if (event.kind !== 'bulk') {
        const got = await tryLock(deps, event.lock, 'worker');
        if (!('held' in got)) {
          await requeueBusy(deps, event, got.busyUntil);
          return;
        }
        deps.heldLock = got.held;
      }
      await run(deps, event);
    } catch (error) {
      try {
        await handleFailure(deps, event, error);
      } catch (second) {
        // recording the failure was itself throttled (KVS quota): wait and run the work again, rather
        // than fail the invocation into the platform's few retries and a dead letter
        const c = classify(second);
        if (!c.throttled) throw second;
        await requeueThrottled(deps, event, c);
      }
    }
  } finally {
    // a failed release leaves the lock to its lease; the next consumer of the issue takes it over
    await releaseLock(deps).catch(() => undefined);
  }
}

/** The issue is being applied by the inbox right now (seconds): the same work again shortly, attempts untouched. */
async function requeueBusy(deps: EngineDeps, event: QueueEvent, busyUntil: number): Promise<void> {
  const throttled = (event.throttled ?? 0) + 1;
  const left = Math.max(1, Math.ceil((busyUntil - deps.clock.now()) / 1000));
  await deps.queue.push([{ ...event, throttled }], { delaySeconds: Math.min(left, retryDelaySeconds(THROTTLE_POLICY, Math.min(throttled - 1, 10), null)) });
}

async function run(deps: EngineDeps, event: QueueEvent): Promise<void> {
  const repo = new Repo(deps.store);
  const blockedBy = await repo.blockedBy(event.lock);
  if (blockedBy !== undefined) {
    const record = await repo.getError(blockedBy);
    if (record) {
      await deps.store.set(keys.error(record.id), { ...record, pending: foldPending(record.pending, event) });
      return;
    }
    await deps.store.delete(keys.blocked(event.lock));
  }
  if (event.kind === 'outgoing') await processOutgoing(deps, event);
  else if (event.kind === 'incoming') await processIncoming(deps, event);
  else await runBulkStep(deps, event);
}

/** The platform is pacing us: the same work again after what it says (or a backoff), attempts untouched. */
async function requeueThrottled(deps: EngineDeps, event: QueueEvent, c: ReturnType<typeof classify>): Promise<number> {
  const throttled = (event.throttled ?? 0) + 1;
  const delay = retryDelaySeconds(THROTTLE_POLICY, Math.min(throttled - 1, 10), c.retryAfterSeconds);
  await deps.queue.push([{ ...event, throttled }], { delaySeconds: delay });
  return delay;
}

/** backoff for throttled answers without Retry-After: 1, 2, 4 … s, at most 5 minutes */
const THROTTLE_POLICY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelaySeconds: 1, maxDelaySeconds: 300 };

function activityDirection(event: QueueEvent): 'out' | 'in' | 'local' {
  return event.kind === 'outgoing' ? 'out' : event.kind === 'incoming' ? 'in' : 'local';
}

function foldPending(pending: QueueEvent[], event: QueueEvent): QueueEvent[] {
  if (event.kind === 'outgoing') {
    const existing = pending.find((p) => p.kind === 'outgoing');
    if (existing && existing.kind === 'outgoing') {
      return pending.map((p) => (p === existing ? { ...existing, syncBack: existing.syncBack || event.syncBack } : p));
    }
    return [...pending, { ...event, attempt: 0 }];
  }
  if (event.kind === 'bulk') return pending.some((p) => p.kind === 'bulk' && p.jobId === event.jobId) ? pending : [...pending, { ...event, attempt: 0 }];
  if (pending.some((p) => p.kind === 'incoming' && p.messageId === event.messageId)) return pending;
  return [...pending, { ...event, attempt: 0 }].slice(-50);
}

async function handleFailure(deps: EngineDeps, event: QueueEvent, error: unknown): Promise<void> {
  const c = classify(error);
  const connectionId = event.connectionId;
  if (c.throttled) {
    // The platform is pacing us, not failing this issue: wait what it says and try again, as often as it takes.
    const delay = await requeueThrottled(deps, event, c);
    const throttled = (event.throttled ?? 0) + 1;
    if (throttled === 1 || throttled % 10 === 0) {
      await logActivity(deps, { connectionId, direction: activityDirection(event), type: event.kind, issueKey: null, remoteIssueKey: null, outcome: 'retry', message: `throttled (${c.message}); trying again in ${delay}s${throttled > 1 ? ` (${throttled} times so far)` : ''}` }).catch((logError: unknown) => {
        // the note of it may be throttled too: the retry is queued, the note is not worth failing for
        if (!classify(logError).throttled) throw logError;
      });
    }
    return;
  }
  const attempts = event.attempt + 1;
  if (c.kind === 'transient' && attempts < deps.settings.retry.maxAttempts) {
    const delay = retryDelaySeconds(deps.settings.retry, event.attempt, c.retryAfterSeconds);
    await deps.queue.push([{ ...event, attempt: attempts }], { delaySeconds: delay });
    // the activity names the issue, like the error it may become
    const about = await describeIssue(new Repo(deps.store), null, event);
    await logActivity(deps, { connectionId, direction: activityDirection(event), type: event.kind, issueKey: about.issueKey, remoteIssueKey: about.remoteIssueKey, outcome: 'retry', message: `attempt ${attempts} failed (${c.message}); retrying in ${delay}s` });
    return;
  }
  const repo = new Repo(deps.store);
  const now = new Date(deps.clock.now()).toISOString();
  const issue = await describeIssue(repo, deps.jira, event);
  const record: ErrorRecord = {
    id: errorId(connectionId, deps.ids.uuid()), connectionId, lock: event.lock, direction: event.kind === 'incoming' ? 'incoming' : 'outgoing', issueKey: issue.issueKey, localIssueId: issue.localIssueId,
    remoteIssueKey: issue.remoteIssueKey, cause: c.message, kind: c.kind, attempts, firstAt: now, lastAt: now, event: { ...event, attempt: 0 }, pending: [],
    // a transient failure stays visible, and the sweeper tries it again once the backoff has passed
    autoRetryAt: c.kind === 'transient' ? new Date(deps.clock.now() + retryDelaySeconds(deps.settings.retry, attempts, c.retryAfterSeconds) * 1000).toISOString() : null,
  };
  await deps.store.transact([
    { op: 'set', key: keys.error(record.id), value: record },
    { op: 'set', key: keys.blocked(event.lock), value: { errorId: record.id } },
  ]);
  await logActivity(deps, { connectionId, direction: activityDirection(event), type: event.kind, issueKey: issue.issueKey, remoteIssueKey: issue.remoteIssueKey, outcome: 'error', message: c.message });
  // the sender's panel says why its change did not arrive (src/sync/outcome.ts)
  if (event.kind === 'incoming') await tellFailure(deps, repo, event, issue, c.message);
}

/** A replica that failed here for good (an error record now blocks its issue): its sender is told, with the cause. */
async function tellFailure(deps: EngineDeps, repo: Repo, event: IncomingEvent, issue: { issueKey: string | null; localIssueId: string | null }, cause: string): Promise<void> {
  const connection = await repo.getConnection(event.connectionId);
  if (!connection || connection.status !== 'active') return;
  const entry = await repo.getInbox(event.connectionId, event.messageId);
  const parsed = entry ? EnvelopeSchema.safeParse(parseJsonOrNull(await repo.inboxBody(entry))) : null;
  if (!parsed?.success || parsed.data.type !== 'replica') return;
  const local = issue.localIssueId !== null && issue.issueKey !== null ? { id: issue.localIssueId, key: issue.issueKey } : null;
  await sendOutcome(deps, connection, await outcomeFor(deps, connection, parsed.data, local, 'failed', cause));
}

async function describeIssue(repo: Repo, jira: EngineDeps['jira'] | null, event: QueueEvent): Promise<{ issueKey: string | null; localIssueId: string | null; remoteIssueKey: string | null }> {
  try {
    if (event.kind === 'outgoing') {
      const link = await repo.getLink(event.connectionId, event.localIssueId);
      // not linked yet (its first sync failed): the key from Jira, so the error names its issue
      // (for an error record only: a retry's note does without, it costs no Jira call)
      const issueKey = link?.localKey ?? (jira ? (await jira.getIssue(event.localIssueId).catch(() => null))?.key ?? null : null);
      return { issueKey, localIssueId: event.localIssueId, remoteIssueKey: link?.remoteKey ?? null };
    }
    if (event.kind === 'bulk') return { issueKey: null, localIssueId: null, remoteIssueKey: null };
    const entry = await repo.getInbox(event.connectionId, event.messageId);
    const parsed = entry ? parseJsonOrNull(await repo.inboxBody(entry)) : null;
    const remoteIssueKey = parsed && typeof parsed === 'object' && 'issue' in parsed && parsed.issue && typeof parsed.issue === 'object' && 'key' in parsed.issue && typeof parsed.issue.key === 'string' ? parsed.issue.key : null;
    const remoteIssueId = parsed && typeof parsed === 'object' && 'issue' in parsed && parsed.issue && typeof parsed.issue === 'object' && 'id' in parsed.issue && typeof parsed.issue.id === 'string' ? parsed.issue.id : null;
    const link = remoteIssueId !== null ? await repo.getLinkByRemote(event.connectionId, remoteIssueId) : undefined;
    return { issueKey: link?.localKey ?? null, localIssueId: link?.localIssueId ?? null, remoteIssueKey };
  } catch {
    return { issueKey: null, localIssueId: null, remoteIssueKey: null };
  }
}


/** Re-runs a recorded error and the work folded behind it; the issue is unblocked first. */
export async function retryError(deps: EngineDeps, id: string): Promise<{ retried: boolean; events: number }> {
  const repo = new Repo(deps.store);
  const record = await repo.getError(id);
  if (!record) return { retried: false, events: 0 };
  await deps.store.transact([
    { op: 'delete', key: keys.error(id) },
    { op: 'delete', key: keys.blocked(record.lock) },
  ]);
  const events = [record.event, ...record.pending].map((e) => ({ ...e, attempt: 0 }));
  await deps.queue.push(events);
  await logActivity(deps, { connectionId: record.connectionId, direction: 'local', type: 'retry', issueKey: record.issueKey, remoteIssueKey: record.remoteIssueKey, outcome: 'info', message: `retrying: ${record.cause}` });
  return { retried: true, events: events.length };
}
