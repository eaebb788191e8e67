import { logActivity } from './activity';
import type { EngineDeps } from './deps';
import type { OutcomeMessage } from './envelope/outcome-message';
import type { ReplicaMessage } from './envelope/replica-message';
import { fromSite, sendToConnection, signedForAnswer, verifiedFromAnswer } from './send';
import type { SignedReply } from './outgoing';
import type { Connection, LinkState, RemoteOutcome } from './state/records';
import { Repo } from './state/repo';
import { releasing } from './issue-lock';
import { MAX_TRANSACTION_OPS } from '../ports/store';

/**
 * Outcomes (issue 12): the receiver of our replicas tells us, signed, whether it applied them or
 * why not, so our panel says "synced" only on the other side's word.
 *
 * - An apply made while the sender waits answers with the outcome in the answer (no message of its own).
 * - An apply made by the queue sends a message carrying its ack (a sync back), or else an `outcome`.
 * - A failure that stops the issue there (an error record) is sent as a `failed` outcome with its cause.
 * - A sender applying the reply in its own send's answer sends an `outcome` for that reply.
 */

export type OutcomeResult = OutcomeMessage['result'];

/** the outcome message for `message` applied (or failed) on the receiver's `localIssue` */
export async function outcomeFor(deps: EngineDeps, connection: Connection, message: ReplicaMessage, localIssue: { id: string; key: string } | null, result: OutcomeResult, reason: string | null): Promise<OutcomeMessage> {
  return {
    v: 1, type: 'outcome', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from: await fromSite(deps),
    issue: localIssue, twin: message.issue, seq: message.seq, result, reason: reason === null ? null : reason.slice(0, 2000),
  };
}

/** Posts an outcome to the sender. A failure to tell is noted, never thrown: the outcome is a report, the apply stands. */
export async function sendOutcome(deps: EngineDeps, connection: Connection, outcome: OutcomeMessage): Promise<boolean> {
  try {
    await sendToConnection(deps, connection, outcome);
    return true;
  } catch (error) {
    await logActivity(deps, {
      connectionId: connection.id, direction: 'out', type: 'outcome', issueKey: outcome.issue?.key ?? null, remoteIssueKey: outcome.twin.key, outcome: 'warning',
      message: `could not tell the remote site that seq ${outcome.seq} ${outcome.result === 'applied' ? 'was applied' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`,
    }).catch(() => undefined);
    return false;
  }
}

/** the outcome signed, to ride in an inbox's answer */
export async function signedOutcome(deps: EngineDeps, connection: Connection, outcome: OutcomeMessage): Promise<SignedReply> {
  return signedForAnswer(deps, connection, JSON.stringify(outcome));
}

/** A signed outcome in an answer, verified and checked against the send it answers; null when it is not one. */
export async function verifiedOutcome(deps: EngineDeps, connection: Connection, signed: SignedReply, localIssueId: string): Promise<OutcomeMessage | null> {
  const envelope = await verifiedFromAnswer(deps, connection, signed);
  return envelope?.type === 'outcome' && envelope.twin.id === localIssueId ? envelope : null;
}

/** The link's record of the remote's outcomes after `outcome` (monotone: a late applied outcome never hides a newer failure). */
export function withOutcome(remote: RemoteOutcome | null | undefined, outcome: Pick<OutcomeMessage, 'seq' | 'result' | 'reason' | 'sentAt'>): RemoteOutcome {
  const before: RemoteOutcome = remote ?? { appliedSeq: 0, failed: null };
  if (outcome.result === 'applied') {
    const appliedSeq = Math.max(before.appliedSeq, outcome.seq);
    return { appliedSeq, failed: before.failed !== null && before.failed.seq > appliedSeq ? before.failed : null };
  }
  if (outcome.seq <= before.appliedSeq) return before;
  return { appliedSeq: before.appliedSeq, failed: { seq: outcome.seq, reason: outcome.reason ?? 'failed', at: outcome.sentAt } };
}

/**
 * A received `outcome`, applied to the link of our issue it names. The caller holds the issue's lock
 * (or is the queue's consumer behind it). Unknown issues (unlinked since) are ignored.
 */
export async function applyOutcome(deps: EngineDeps, connection: Connection, outcome: OutcomeMessage): Promise<void> {
  const repo = new Repo(deps.store);
  const link = await repo.getLink(connection.id, outcome.twin.id);
  if (!link) return;
  if (outcome.issue !== null && link.remoteIssueId !== null && link.remoteIssueId !== outcome.issue.id) return;
  // the lock held for it goes back in the same write
  const { ops, release } = releasing(deps, repo.linkRecordOps({ ...link, remote: withOutcome(link.remote, outcome) }), MAX_TRANSACTION_OPS);
  await deps.store.transact(ops);
  release();
  if (outcome.result === 'failed') {
    await logActivity(deps, { connectionId: connection.id, direction: 'in', type: 'outcome', issueKey: link.localKey, remoteIssueKey: link.remoteKey, outcome: 'error', message: `the remote site could not apply seq ${outcome.seq}: ${outcome.reason ?? 'no reason given'}` });
  }
}

/** Of our seqs, the highest the remote is known to have applied (by its acks and its outcomes). */
export function appliedThere(link: LinkState): number {
  return Math.max(link.ackedSeq, link.remote?.appliedSeq ?? 0);
}

/** The remote's last failure on our messages, when no later one of them was applied. */
export function remoteFailure(link: LinkState): { seq: number; reason: string; at: string } | null {
  const failed = link.remote?.failed ?? null;
  return failed !== null && failed.seq > appliedThere(link) ? failed : null;
}
