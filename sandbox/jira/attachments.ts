import type { Db } from './storage/db';
import type { AttachmentRecord, ChangeItem } from './storage/records';

/**
 * What Jira Cloud documents about attachments, in one place (sandbox/jira/README.md, "Attachments").
 */

/**
 * "Attachment size … The default (per file) is 1 GB. The maximum attachment size (per file) is 2 GB"
 * (Configuring file attachments, Jira Cloud:
 * https://ja.confluence.atlassian.com/servicedeskcloud/configuring-file-attachments-1097176669.html; the
 * English page of the same name is https://confluence.atlassian.com/x/wIXKM, linked from the spec's
 * `addAttachment` 413). The page does not say how many bytes its GB are: the harsher reading, 10^9.
 */
export const DEFAULT_UPLOAD_LIMIT = 1_000_000_000;
export const MAX_UPLOAD_LIMIT = 2_000_000_000;
/** `addAttachment` 413: "more than 60 files are requested to be uploaded" */
export const MAX_FILES_PER_REQUEST = 60;
/**
 * `addAttachment` 413: "the per-issue limit for attachments has been breached"; the limit is the one
 * `GET /rest/api/3/issue/limit/report` shows in its example (`"limits": {"attachment": 2000, …}`).
 */
export const MAX_ATTACHMENTS_PER_ISSUE = 2000;
/**
 * Thumbnails are made for GIF, JPEG and PNG images (Configuring file attachments, "Enable Thumbnails":
 * https://ja.confluence.atlassian.com/spaces/JIRA044/pages/267257747/Configuring+File+Attachments);
 * only those attachments carry a `thumbnail` link.
 */
export const THUMBNAIL_MIME_TYPES: ReadonlySet<string> = new Set(['image/gif', 'image/jpeg', 'image/png']);

/** the site's attachment settings (`GET /rest/api/3/attachment/meta`, schema `AttachmentSettings`) */
export interface AttachmentSettings {
  enabled: boolean;
  /** bytes */
  uploadLimit: number;
}

/** a problem with settings given to the sandbox (the option, `setAttachmentSettings`, `/_sandbox/jira/attachments`) */
export function attachmentSettingsProblem(s: Partial<AttachmentSettings>): string | null {
  if (s.uploadLimit !== undefined && (!Number.isSafeInteger(s.uploadLimit) || s.uploadLimit < 1 || s.uploadLimit > MAX_UPLOAD_LIMIT)) {
    return `uploadLimit must be a whole number of bytes from 1 to ${MAX_UPLOAD_LIMIT} (Jira Cloud's maximum, 2 GB per file), got ${String(s.uploadLimit)}`;
  }
  if (s.enabled !== undefined && typeof s.enabled !== 'boolean') return `enabled must be true or false, got ${String(s.enabled)}`;
  return null;
}

/** The settings, kept in the site's database (`site_meta`): an admin's setting survives restarts, as on a real site. */
export class AttachmentSettingsStore {
  private readonly read;
  private readonly write;
  private cached: AttachmentSettings;

  constructor(db: Db, initial: Partial<AttachmentSettings> | undefined) {
    this.read = db.prepare<[string], { value: string }>('SELECT value FROM site_meta WHERE name = ?');
    this.write = db.prepare<[string, string]>('INSERT INTO site_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.cached = this.load();
    if (initial !== undefined) this.set(initial);
  }

  private load(): AttachmentSettings {
    const limit = Number(this.read.get('attachmentUploadLimit')?.value ?? DEFAULT_UPLOAD_LIMIT);
    const enabled = (this.read.get('attachmentsEnabled')?.value ?? 'true') === 'true';
    return { enabled, uploadLimit: Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_UPLOAD_LIMIT };
  }

  get(): AttachmentSettings {
    return { ...this.cached };
  }

  /** throws on a value Jira Cloud does not allow */
  set(s: Partial<AttachmentSettings>): AttachmentSettings {
    const problem = attachmentSettingsProblem(s);
    if (problem !== null) throw new Error(problem);
    if (s.uploadLimit !== undefined) this.write.run('attachmentUploadLimit', String(s.uploadLimit));
    if (s.enabled !== undefined) this.write.run('attachmentsEnabled', String(s.enabled));
    this.cached = this.load();
    return this.get();
  }
}

/** a few common types by extension, for parts sent as application/octet-stream or without a type */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  txt: 'text/plain', log: 'text/plain', csv: 'text/csv', md: 'text/markdown', html: 'text/html', json: 'application/json',
  xml: 'application/xml', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  har: 'application/json', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The `mimeType` an upload gets: the part's own Content-Type (without parameters), or, for parts sent
 * as `application/octet-stream` or without one, the type its file name's extension suggests (Jira
 * guesses a type from the name; the docs do not say how: the sandbox's small table), else
 * `application/octet-stream`.
 */
export function mimeTypeOf(filename: string, declared: string | null): string {
  const type = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/octet-stream' && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return type;
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return (ext !== undefined ? BY_EXTENSION[ext] : undefined) ?? 'application/octet-stream';
}

/**
 * The Media Services file ids an ADF document refers to: `attrs.id` of its `media` nodes (inside
 * `mediaSingle` and `mediaGroup`) and `mediaInline` nodes of `attrs.type` `file`. `link` and
 * `external` media name no file of the site.
 */
export function adfMediaFileIds(doc: unknown, into: Set<string> = new Set()): Set<string> {
  const walk = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 200) return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, depth + 1);
      return;
    }
    const n: { type?: unknown; attrs?: unknown; content?: unknown } = node;
    if ((n.type === 'media' || n.type === 'mediaInline') && typeof n.attrs === 'object' && n.attrs !== null) {
      const attrs: { type?: unknown; id?: unknown } = n.attrs;
      if ((attrs.type === undefined || attrs.type === 'file') && typeof attrs.id === 'string' && attrs.id !== '') into.add(attrs.id);
    }
    if (Array.isArray(n.content)) walk(n.content, depth + 1);
  };
  walk(doc, 0);
  return into;
}

/** the changelog item Jira writes for an added or removed attachment: field `Attachment`, the id and the file name */
export function attachmentChangeItem(a: AttachmentRecord, change: 'added' | 'removed'): ChangeItem {
  const id = String(a.id);
  return change === 'added'
    ? { field: 'Attachment', fieldId: 'attachment', fieldtype: 'jira', from: null, fromString: null, to: id, toString: a.filename }
    : { field: 'Attachment', fieldId: 'attachment', fieldtype: 'jira', from: id, fromString: a.filename, to: null, toString: null };
}

/** `2026-01-02 10:00:00.000`: the date of an attachment event, written without a zone, in UTC */
function eventDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The `attachment` of `avi:jira:created:attachment` / `avi:jira:deleted:attachment`. The events page
 * (https://developer.atlassian.com/platform/forge/events-reference/jira/#attachment-events) lists the
 * payload as `eventType` and `attachment` ("The attachment the event is related to") and nothing else:
 * no `atlassianId`, no `issue`. The members of `Attachment` are not on the stored copy of the page;
 * the sandbox sends the ones apps report receiving (`id`, `issueId`, `fileName`, `mimeType`, `size`,
 * `createDate` without a zone, `author.accountId`), no URL and no media file id (sandbox/jira/README.md).
 */
export function attachmentEventPayload(a: AttachmentRecord): Record<string, unknown> {
  return {
    id: String(a.id), issueId: String(a.issueId), fileName: a.filename, mimeType: a.mimeType, size: a.size,
    createDate: eventDate(a.created), author: { accountId: a.author },
  };
}
