import { AdfDocSchema, type AdfDoc } from '../../../model/replica';

/**
 * Inline images and files in ADF: `media` nodes (inside `mediaSingle` / `mediaGroup`) and
 * `mediaInline` nodes name a Media Services file by `attrs.id`
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/media/). Jira's REST API
 * links that id to an attachment only through the attachment's download redirect (ports/jira.ts
 * `attachmentMediaId`), so each site knows the media ids of its own attachments, and a replica says
 * which of the sender's attachments each of its media ids is (`ReplicaAttachment.mediaId`).
 */

const MEDIA_NODES = new Set(['media', 'mediaInline']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** the `file` media ids a document names, in order, without repeats */
export function mediaIdsOf(doc: AdfDoc | null | undefined): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isRecord(node)) return;
    if (typeof node.type === 'string' && MEDIA_NODES.has(node.type) && isRecord(node.attrs)) {
      const { id, type } = node.attrs;
      if (typeof id === 'string' && id !== '' && (type === undefined || type === 'file')) out.add(id);
    }
    walk(node.content);
  };
  if (doc) walk(doc.content);
  return [...out];
}

/**
 * The document with each media id in `map` replaced (a copy: the input is not changed). Ids not in
 * the map stay as they are: a file of another issue, or one this sync does not carry.
 */
export function remapMedia(doc: AdfDoc | null, map: ReadonlyMap<string, string>): AdfDoc | null {
  if (doc === null || map.size === 0) return doc;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = { ...node };
    if (typeof node.type === 'string' && MEDIA_NODES.has(node.type) && isRecord(node.attrs) && typeof node.attrs.id === 'string') {
      const to = map.get(node.attrs.id);
      if (to !== undefined) out.attrs = { ...node.attrs, id: to, collection: '' };
    }
    if (node.content !== undefined) out.content = walk(node.content);
    return out;
  };
  return AdfDocSchema.parse(walk(doc));
}

/**
 * `next` with the block-level media of `current` that name one of `keep` and that `next` lost put
 * back at its end: a twin's own images (files the other site has not got) survive a description
 * taken from there.
 */
export function keepMedia(current: AdfDoc | null, next: AdfDoc | null, keep: ReadonlySet<string>): AdfDoc | null {
  if (current === null || keep.size === 0) return next;
  const present = new Set(mediaIdsOf(next));
  const lost = current.content.filter((block) => {
    if (!isRecord(block) || (block.type !== 'mediaSingle' && block.type !== 'mediaGroup')) return false;
    const ids = mediaIdsOf({ type: 'doc', version: 1, content: [block] });
    return ids.length > 0 && ids.every((id) => keep.has(id) && !present.has(id));
  });
  if (lost.length === 0) return next;
  const base: AdfDoc = next ?? { type: 'doc', version: 1, content: [] };
  return { ...base, content: [...base.content, ...lost] };
}

/** a media id standing for the copy of remote attachment `remoteId` that this apply is making */
export function pendingMediaId(remoteId: string): string {
  return `twin-sync-pending:${remoteId}`;
}
