import type { AttachmentSettings, LocalAttachment } from '../../../ports/jira';
import type { RulesAttachment } from '../../../ports/rules';
import type { ReplicaAttachment } from '../../../model/replica';
import type { AttachmentFailure, AttachmentLink } from '../../state/records';
import { pendingMediaId } from './media';

/**
 * Attachments merged by identity, like comments: the incoming rules say which attachments the
 * local issue should have (`desired`: ours to keep, and `{id: '', originId}` for a copy to make of
 * a remote one); the plan turns that into uploads and deletions, and keeps the map local id ↔
 * remote id, so a file is copied once per twin, whatever the number of syncs.
 * Pure: every input is read before, every write is made after (execute.ts).
 */
export interface AttachmentPlanInput {
  local: readonly LocalAttachment[];
  desired: readonly RulesAttachment[];
  links: readonly AttachmentLink[];
  failures: readonly AttachmentFailure[];
  replica: readonly ReplicaAttachment[];
  /** our attachments whose copies the remote deleted (its message says so): deleted here, whatever the rules keep */
  deletedThere?: readonly string[];
  settings: AttachmentSettings;
  /** the largest file this app carries (it is held whole in the function's memory for the upload) */
  maxTransferBytes: number;
  now: string;
}

export interface AttachmentPlan {
  /** remote attachments to copy here */
  uploads: ReplicaAttachment[];
  /** local attachments to delete (their counterpart is gone there) */
  deletes: string[];
  /** the links after the deletions; each upload adds its own */
  links: AttachmentLink[];
  /** remote attachments that cannot be copied here, with why (the new ones in `newFailures` too) */
  failures: AttachmentFailure[];
  newFailures: AttachmentFailure[];
}

export function planAttachments(input: AttachmentPlanInput): AttachmentPlan {
  const localIds = new Set(input.local.map((a) => a.id));
  const remoteById = new Map(input.replica.map((a) => [a.id, a]));
  let links = input.links.map((l) => ({ ...l }));
  // copies of ours there tell us their remote ids
  for (const remote of input.replica) {
    if (remote.originId === null || !localIds.has(remote.originId)) continue;
    const known = links.find((l) => l.localId === remote.originId);
    if (known) {
      known.remoteId = remote.id;
      known.owner = 'local';
    } else links.push({ localId: remote.originId, remoteId: remote.id, owner: 'local', mediaId: null });
  }
  const byRemote = new Map(links.filter((l) => l.remoteId !== null).map((l) => [l.remoteId, l]));
  const failures = input.failures.filter((f) => remoteById.has(f.remoteId));
  const failed = new Set(failures.map((f) => f.remoteId));
  const newFailures: AttachmentFailure[] = [];
  const uploads: ReplicaAttachment[] = [];
  const planned = new Set<string>();
  for (const wanted of input.desired) {
    if (wanted.id !== '' || wanted.originId === null) continue;
    const remote = remoteById.get(wanted.originId);
    // not there (any more), a copy of ours, copied already (or deleted here since), failed before, or asked twice
    if (!remote || remote.originId !== null || byRemote.has(remote.id) || failed.has(remote.id) || planned.has(remote.id)) continue;
    planned.add(remote.id);
    const refusal = whyNot(remote, input.settings, input.maxTransferBytes);
    if (refusal !== null) {
      newFailures.push({ remoteId: remote.id, filename: remote.filename, size: remote.size, reason: refusal, at: input.now });
      continue;
    }
    uploads.push(remote);
  }
  // what the rules no longer want, of what the other side knows: deleted here
  const keep = new Set(input.desired.filter((d) => d.id !== '').map((d) => d.id));
  const deletedThere = new Set(input.deletedThere ?? []);
  const deletes = input.local.filter((a) => deletedThere.has(a.id) || (!keep.has(a.id) && links.some((l) => l.localId === a.id && l.remoteId !== null))).map((a) => a.id);
  const deleted = new Set(deletes);
  links = links.filter((l) => {
    if (deleted.has(l.localId)) return false;
    if (localIds.has(l.localId)) return true;
    // gone here: kept while its counterpart is still there (so it is not copied again)
    return l.remoteId !== null && remoteById.has(l.remoteId);
  });
  return { uploads, deletes, links, failures: [...failures, ...newFailures], newFailures };
}

function whyNot(remote: ReplicaAttachment, settings: AttachmentSettings, maxTransferBytes: number): string | null {
  if (!settings.enabled) return `"${remote.filename}" not copied: attachments are turned off on this site`;
  if (remote.size > settings.uploadLimit) {
    return `"${remote.filename}" not copied: it is ${remote.size} bytes, over this site's attachment size limit of ${settings.uploadLimit} bytes`;
  }
  if (remote.size > maxTransferBytes) {
    return `"${remote.filename}" not copied: it is ${remote.size} bytes, over the ${maxTransferBytes} bytes Twin Sync carries per file`;
  }
  return null;
}

/**
 * The local media id answering each of the remote's (by the replica's attachments): our original
 * for a copy of ours there, our copy for one of theirs, or the pending id of a copy this apply makes.
 * A media id whose local counterpart is not known (not read yet) has no entry.
 */
export function incomingMediaMap(replica: readonly ReplicaAttachment[], links: readonly AttachmentLink[], uploads: readonly ReplicaAttachment[]): Map<string, string> {
  const map = new Map<string, string>();
  const uploading = new Set(uploads.map((u) => u.id));
  for (const remote of replica) {
    if (remote.mediaId === null) continue;
    const link = remote.originId !== null
      ? links.find((l) => l.localId === remote.originId)
      : links.find((l) => l.remoteId === remote.id && l.owner === 'remote');
    if (link?.mediaId) map.set(remote.mediaId, link.mediaId);
    else if (uploading.has(remote.id)) map.set(remote.mediaId, pendingMediaId(remote.id));
  }
  return map;
}
