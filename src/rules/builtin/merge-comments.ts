import type { RulesComment, RulesIssue } from '../../ports/rules';
import type { Replica } from '../../model/replica';

/**
 * The local comments after taking in the replica's, by identity (the default of
 * `commentHelper.mergeComments`): copies follow their remote original (edited, or gone when it was
 * deleted there); our own comments take the remote's edits of their copies and go when the remote
 * deleted the copy it had; remote comments without a copy here are added (id '' = to create).
 */
export function mergeComments(issue: Pick<RulesIssue, 'comments'>, replica: Replica, previous: Replica | null): RulesComment[] {
  const remoteById = new Map(replica.comments.map((c) => [c.id, c]));
  const copyOfOurs = new Map(replica.comments.filter((c) => c.originId !== null).map((c) => [c.originId, c]));
  const previouslyCopied = new Set((previous?.comments ?? []).map((c) => c.originId).filter((id): id is string => id !== null));
  const out: RulesComment[] = [];
  const haveCopy = new Set<string>();
  for (const local of issue.comments) {
    if (local.originId !== null) {
      const original = remoteById.get(local.originId);
      if (!original) continue;
      haveCopy.add(local.originId);
      out.push({ ...local, body: original.body, updated: original.updated });
      continue;
    }
    const copy = copyOfOurs.get(local.id);
    if (copy) out.push({ ...local, body: copy.body, updated: copy.updated });
    else if (!previouslyCopied.has(local.id)) out.push(local);
  }
  for (const remote of replica.comments) {
    if (remote.originId !== null || haveCopy.has(remote.id)) continue;
    out.push({ id: '', author: remote.author, body: remote.body, created: remote.created, updated: remote.updated, originId: remote.id });
  }
  return out;
}
