import { z } from 'zod';
import type { Counters, Db } from './db';
import type { AttachmentRecord } from './records';

const META_COLUMNS = 'id, issue_id, filename, mime_type, size, created, author, media_file_id';

const attachmentRow = z.object({
  id: z.number(), issue_id: z.number(), filename: z.string(), mime_type: z.string(), size: z.number(),
  created: z.number(), author: z.string(), media_file_id: z.string(),
});
const contentRow = z.object({ content: z.instanceof(Buffer) });
const countRow = z.object({ n: z.number() });

function toAttachment(r: unknown): AttachmentRecord {
  const a = attachmentRow.parse(r);
  return {
    id: a.id, issueId: a.issue_id, filename: a.filename, mimeType: a.mime_type, size: a.size, created: a.created,
    author: a.author, mediaFileId: a.media_file_id,
  };
}

/**
 * Attachments: metadata rows and their bytes (a BLOB in the same row, read only by `content`), through
 * prepared statements. Rows go with their issue (`ON DELETE CASCADE`).
 */
export class AttachmentStore {
  private readonly s;

  constructor(db: Db, private readonly counters: Counters) {
    this.s = {
      insert: db.prepare(`INSERT INTO attachments (${META_COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      byId: db.prepare(`SELECT ${META_COLUMNS} FROM attachments WHERE id = ?`),
      byMediaFileId: db.prepare(`SELECT ${META_COLUMNS} FROM attachments WHERE media_file_id = ?`),
      ofIssue: db.prepare(`SELECT ${META_COLUMNS} FROM attachments WHERE issue_id = ? ORDER BY id`),
      countOfIssue: db.prepare('SELECT COUNT(*) AS n FROM attachments WHERE issue_id = ?'),
      content: db.prepare('SELECT content FROM attachments WHERE id = ?'),
      delete: db.prepare('DELETE FROM attachments WHERE id = ?'),
    };
  }

  /** inside a transaction: takes the next id from the site's `attachment` counter (from 10000, never reused) */
  insert(a: Omit<AttachmentRecord, 'id'>, bytes: Buffer): AttachmentRecord {
    const id = this.counters.take('attachment');
    this.s.insert.run(id, a.issueId, a.filename, a.mimeType, a.size, a.created, a.author, a.mediaFileId, bytes);
    return { id, ...a };
  }

  /** by id ("10000"); anything but digits is no attachment */
  get(id: string): AttachmentRecord | undefined {
    if (!/^\d{1,15}$/.test(id)) return undefined;
    const row = this.s.byId.get(Number(id));
    return row === undefined ? undefined : toAttachment(row);
  }

  byMediaFileId(mediaFileId: string): AttachmentRecord | undefined {
    const row = this.s.byMediaFileId.get(mediaFileId);
    return row === undefined ? undefined : toAttachment(row);
  }

  /** the issue's attachments, oldest first (metadata only) */
  ofIssue(issueId: number): AttachmentRecord[] {
    return this.s.ofIssue.all(issueId).map(toAttachment);
  }

  countOfIssue(issueId: number): number {
    return countRow.parse(this.s.countOfIssue.get(issueId)).n;
  }

  /** the stored bytes, exactly as uploaded */
  content(id: number): Buffer | undefined {
    const row = this.s.content.get(id);
    return row === undefined ? undefined : contentRow.parse(row).content;
  }

  delete(id: number): void {
    this.s.delete.run(id);
  }
}
