import { z } from 'zod';
import type { Counters, Db } from './db';

/**
 * Issue link types and the links between issues (sandbox/jira/README.md, "Issue links"). An issue's
 * deletion takes its links along (ON DELETE CASCADE). A link is unique per type and direction: "If
 * the link request duplicates a link, the response indicates that the issue link was created"
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/, linkIssues),
 * and no second link is stored.
 */
export const LINK_SCHEMA = `
CREATE TABLE IF NOT EXISTS issue_link_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, inward TEXT NOT NULL, outward TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issue_links (
  id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL REFERENCES issue_link_types(id),
  inward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  outward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  created INTEGER NOT NULL, UNIQUE (inward_issue_id, type_id, outward_issue_id));
CREATE INDEX IF NOT EXISTS issue_links_by_outward ON issue_links(outward_issue_id, id);
`;

export interface IssueLinkTypeRecord {
  id: number;
  name: string;
  /** the description of the link seen from its outward issue, e.g. "is blocked by" */
  inward: string;
  /** the description of the link seen from its inward issue, e.g. "blocks" */
  outward: string;
}

/**
 * A link as `POST /issueLink` made it: the request's `inwardIssue` and `outwardIssue`. The inward
 * issue is the one the type's `outward` description speaks for ("INT-1 blocks INT-2" for
 * `{type: Blocks, inwardIssue: INT-1, outwardIssue: INT-2}`); the events call it the source.
 */
export interface IssueLinkRecord {
  id: number;
  typeId: number;
  inwardIssueId: number;
  outwardIssueId: number;
  created: number;
}

const typeRow = z.object({ id: z.number(), name: z.string(), inward: z.string(), outward: z.string() });
const linkRow = z.object({ id: z.number(), type_id: z.number(), inward_issue_id: z.number(), outward_issue_id: z.number(), created: z.number() });
const countRow = z.object({ n: z.number() });

function toLink(r: unknown): IssueLinkRecord {
  const l = linkRow.parse(r);
  return { id: l.id, typeId: l.type_id, inwardIssueId: l.inward_issue_id, outwardIssueId: l.outward_issue_id, created: l.created };
}

/** Jira Cloud's default issue link types, seeded on every site (also on older files: `ensureDefaultLinkTypes`). */
export const DEFAULT_LINK_TYPES: readonly IssueLinkTypeRecord[] = [
  // ids and the Blocks descriptions as the issue linking model guide shows them
  // (https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/: `"id": "10000", "name": "Blocks",
  // "inward": "is blocked by", "outward": "blocks"`); the other three follow on in name order
  { id: 10000, name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: 10001, name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { id: 10002, name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: 10003, name: 'Relates', inward: 'relates to', outward: 'relates to' },
];

/** Issue link types and issue links, through prepared statements. */
export class IssueLinkStore {
  private readonly s;

  constructor(db: Db, private readonly counters: Counters) {
    db.exec(LINK_SCHEMA);
    this.s = {
      types: db.prepare('SELECT * FROM issue_link_types ORDER BY name, id'),
      typeById: db.prepare('SELECT * FROM issue_link_types WHERE id = ?'),
      typeByName: db.prepare('SELECT * FROM issue_link_types WHERE name = ?'),
      insertType: db.prepare('INSERT OR IGNORE INTO issue_link_types (id, name, inward, outward) VALUES (?, ?, ?, ?)'),
      link: db.prepare('SELECT * FROM issue_links WHERE id = ?'),
      same: db.prepare('SELECT * FROM issue_links WHERE inward_issue_id = ? AND type_id = ? AND outward_issue_id = ?'),
      ofIssue: db.prepare('SELECT * FROM issue_links WHERE inward_issue_id = ? OR outward_issue_id = ? ORDER BY id'),
      countOfIssue: db.prepare('SELECT COUNT(*) AS n FROM issue_links WHERE inward_issue_id = ? OR outward_issue_id = ?'),
      insert: db.prepare('INSERT INTO issue_links (id, type_id, inward_issue_id, outward_issue_id, created) VALUES (?, ?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM issue_links WHERE id = ?'),
    };
  }

  /** adds the default link types the site lacks (by id); inside a transaction */
  ensureDefaultLinkTypes(): void {
    for (const t of DEFAULT_LINK_TYPES) this.s.insertType.run(t.id, t.name, t.inward, t.outward);
  }

  types(): IssueLinkTypeRecord[] {
    return this.s.types.all().map((r) => typeRow.parse(r));
  }
  typeById(id: number): IssueLinkTypeRecord | undefined {
    const row = this.s.typeById.get(id);
    return row === undefined ? undefined : typeRow.parse(row);
  }
  /** by the exact name (Jira's names are matched as written: harsher than a case-insensitive match) */
  typeByName(name: string): IssueLinkTypeRecord | undefined {
    const row = this.s.typeByName.get(name);
    return row === undefined ? undefined : typeRow.parse(row);
  }

  link(id: number): IssueLinkRecord | undefined {
    const row = this.s.link.get(id);
    return row === undefined ? undefined : toLink(row);
  }
  /** the link of this type from `inwardIssueId` to `outwardIssueId`, if there is one */
  same(typeId: number, inwardIssueId: number, outwardIssueId: number): IssueLinkRecord | undefined {
    const row = this.s.same.get(inwardIssueId, typeId, outwardIssueId);
    return row === undefined ? undefined : toLink(row);
  }
  /** every link the issue is an end of, oldest first */
  ofIssue(issueId: number): IssueLinkRecord[] {
    return this.s.ofIssue.all(issueId, issueId).map(toLink);
  }
  countOfIssue(issueId: number): number {
    return countRow.parse(this.s.countOfIssue.get(issueId, issueId)).n;
  }
  /** inside a transaction */
  insert(typeId: number, inwardIssueId: number, outwardIssueId: number, at: number): IssueLinkRecord {
    const id = this.counters.take('issuelink');
    this.s.insert.run(id, typeId, inwardIssueId, outwardIssueId, at);
    return { id, typeId, inwardIssueId, outwardIssueId, created: at };
  }
  delete(id: number): void {
    this.s.delete.run(id);
  }
}
