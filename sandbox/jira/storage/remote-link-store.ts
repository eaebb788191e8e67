import { z } from 'zod';
import type { Counters, Db } from './db';

const linkRow = z.object({
  id: z.number(), issue_id: z.number(), global_id: z.string().nullable(), relationship: z.string().nullable(),
  object: z.string(), application: z.string().nullable(),
});
const jsonObject = z.record(z.string(), z.unknown());

export interface RemoteLinkRecord {
  id: number;
  issueId: number;
  globalId: string | null;
  relationship: string | null;
  /** RemoteObject: title, url, summary, icon, status */
  object: Record<string, unknown>;
  application: Record<string, unknown> | null;
}

export type RemoteLinkInput = Omit<RemoteLinkRecord, 'id' | 'issueId'>;

function toLink(r: unknown): RemoteLinkRecord {
  const l = linkRow.parse(r);
  return {
    id: l.id, issueId: l.issue_id, globalId: l.global_id, relationship: l.relationship,
    object: jsonObject.parse(JSON.parse(l.object)), application: l.application === null ? null : jsonObject.parse(JSON.parse(l.application)),
  };
}

/** Remote issue links (links from an issue to things outside the site), through prepared statements. */
export class RemoteLinkStore {
  private readonly s;

  constructor(db: Db, private readonly counters: Counters) {
    this.s = {
      list: db.prepare('SELECT * FROM remote_links WHERE issue_id = ? ORDER BY id'),
      byId: db.prepare('SELECT * FROM remote_links WHERE issue_id = ? AND id = ?'),
      byGlobalId: db.prepare('SELECT * FROM remote_links WHERE issue_id = ? AND global_id = ?'),
      insert: db.prepare('INSERT INTO remote_links (id, issue_id, global_id, relationship, object, application) VALUES (?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE remote_links SET global_id = ?, relationship = ?, object = ?, application = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM remote_links WHERE id = ?'),
    };
  }

  list(issueId: number): RemoteLinkRecord[] {
    return this.s.list.all(issueId).map(toLink);
  }
  byId(issueId: number, id: number): RemoteLinkRecord | undefined {
    const row = this.s.byId.get(issueId, id);
    return row === undefined ? undefined : toLink(row);
  }
  byGlobalId(issueId: number, globalId: string): RemoteLinkRecord | undefined {
    const row = this.s.byGlobalId.get(issueId, globalId);
    return row === undefined ? undefined : toLink(row);
  }
  /** inside a transaction */
  insert(issueId: number, link: RemoteLinkInput): RemoteLinkRecord {
    const id = this.counters.take('remotelink');
    this.s.insert.run(id, issueId, link.globalId, link.relationship, JSON.stringify(link.object), link.application === null ? null : JSON.stringify(link.application));
    return { id, issueId, ...link };
  }
  update(id: number, link: RemoteLinkInput): void {
    this.s.update.run(link.globalId, link.relationship, JSON.stringify(link.object), link.application === null ? null : JSON.stringify(link.application), id);
  }
  delete(id: number): void {
    this.s.delete.run(id);
  }
}
