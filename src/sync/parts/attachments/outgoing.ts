import type { JiraPort, LocalIssue } from '../../../ports/jira';
import type { Replica } from '../../../model/replica';
import type { AttachmentLink, LinkState } from '../../state/records';
import { mediaIdsOf } from './media';

/**
 * The replica's attachments as they travel, after the outgoing rules chose them: only attachments
 * the issue has (a rule cannot offer another issue's file), each with the media id its ADF nodes
 * name, and the link told which ones it offered (the only ones the other site may fetch).
 * Media ids are read from Jira (one request per attachment, ports/jira.ts `attachmentMediaId`)
 * only when the description or a comment names a media id not known yet, and kept in the link.
 */
export async function offerAttachments(jira: JiraPort, replica: Replica, issue: LocalIssue, link: LinkState): Promise<Replica> {
  const present = new Set(issue.attachments.map((a) => a.id));
  const links: AttachmentLink[] = (link.attachments ?? []).filter((l) => present.has(l.localId) || l.remoteId !== null);
  await learnMediaIds(jira, [replica.description, ...replica.comments.map((c) => c.body)], issue.attachments.map((a) => a.id), links);
  link.attachments = links;
  const sent = offeredReplica(replica, issue, links);
  link.offeredAttachments = sent.attachments.map((a) => a.id);
  return sent;
}

/** the replica's attachments limited to the issue's own, with the media ids the links know (pure) */
export function offeredReplica(replica: Replica, issue: LocalIssue, links: readonly AttachmentLink[]): Replica {
  const present = new Set(issue.attachments.map((a) => a.id));
  const mediaOf = new Map(links.filter((l) => l.mediaId !== null).map((l) => [l.localId, l.mediaId]));
  return { ...replica, attachments: replica.attachments.filter((a) => present.has(a.id)).map((a) => ({ ...a, mediaId: mediaOf.get(a.id) ?? null })) };
}

/**
 * Reads the media ids of local attachments (of `candidates`, in order) until every media id the
 * documents name is known or none is left to read; records them in `links` (in place).
 */
export async function learnMediaIds(jira: JiraPort, docs: readonly (Replica['description'])[], candidates: readonly string[], links: AttachmentLink[]): Promise<void> {
  const named = new Set(docs.flatMap((d) => mediaIdsOf(d)));
  if (named.size === 0) return;
  const known = new Set(links.map((l) => l.mediaId).filter((m): m is string => m !== null));
  const missing = () => [...named].some((id) => !known.has(id));
  for (const localId of candidates) {
    if (!missing()) return;
    const entry = links.find((l) => l.localId === localId);
    if (entry?.mediaId) continue;
    const mediaId = await jira.attachmentMediaId(localId);
    if (mediaId === null) continue;
    known.add(mediaId);
    if (entry) entry.mediaId = mediaId;
    else links.push({ localId, remoteId: null, owner: 'local', mediaId });
  }
}
