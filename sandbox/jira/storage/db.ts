import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The SQLite schema of one emulated site. Ids that Jira exposes as strings are stored as integers. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  account_id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  account_type TEXT NOT NULL, api_token TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, app_name TEXT UNIQUE,
  email_visibility TEXT NOT NULL DEFAULT 'public');
CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, lead_account_id TEXT NOT NULL,
  next_issue_number INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS issue_types (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, subtask INTEGER NOT NULL, hierarchy_level INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS priorities (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, status_color TEXT NOT NULL, is_default INTEGER NOT NULL);
-- the site's resolutions (storage/catalog.ts): Jira Cloud's defaults on every site, older files too
CREATE TABLE IF NOT EXISTS resolutions (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, is_default INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS statuses (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, category_key TEXT NOT NULL, transition_id INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS custom_fields (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, type TEXT NOT NULL, searcher_key TEXT NOT NULL);
-- custom field contexts and options (storage/field-config-store.ts); project/issue type ids as JSON arrays,
-- empty for a global context / every issue type; parent_id names a cascading option's parent
CREATE TABLE IF NOT EXISTS field_contexts (
  id INTEGER PRIMARY KEY, field_id INTEGER NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
  project_ids TEXT NOT NULL, issue_type_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS field_options (
  id INTEGER PRIMARY KEY, context_id INTEGER NOT NULL REFERENCES field_contexts(id), parent_id INTEGER REFERENCES field_options(id),
  value TEXT NOT NULL, disabled INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS field_options_by_context ON field_options(context_id, parent_id, position);
CREATE TABLE IF NOT EXISTS issues (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, project_id INTEGER NOT NULL REFERENCES projects(id),
  number INTEGER NOT NULL, issue_type_id INTEGER NOT NULL, status_id INTEGER NOT NULL, priority_id INTEGER,
  parent_id INTEGER, summary TEXT NOT NULL, description TEXT, labels TEXT NOT NULL, due_date TEXT,
  reporter TEXT, assignee TEXT, creator TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
  status_changed INTEGER NOT NULL, custom TEXT NOT NULL,
  -- component and fix version ids (storage/project-parts-store.ts) as JSON arrays
  components TEXT NOT NULL DEFAULT '[]', fix_versions TEXT NOT NULL DEFAULT '[]',
  -- the resolution's id (resolutions), null while unresolved
  resolution_id INTEGER);
CREATE INDEX IF NOT EXISTS issues_by_parent ON issues(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, author TEXT NOT NULL,
  update_author TEXT NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS comments_by_issue ON comments(issue_id, created);
CREATE TABLE IF NOT EXISTS issue_properties (
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (issue_id, key));
CREATE TABLE IF NOT EXISTS remote_links (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, global_id TEXT,
  relationship TEXT, object TEXT NOT NULL, application TEXT);
CREATE INDEX IF NOT EXISTS remote_links_by_issue ON remote_links(issue_id, global_id);
CREATE TABLE IF NOT EXISTS changelogs (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, author TEXT NOT NULL,
  created INTEGER NOT NULL, items TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changelogs_by_issue ON changelogs(issue_id, id);
CREATE TABLE IF NOT EXISTS site_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- attachments (storage/attachment-store.ts): the bytes live in the site's own database, as a BLOB, so a
-- sandbox restarted on the same file serves them again; an issue's deletion takes its attachments along
CREATE TABLE IF NOT EXISTS attachments (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, filename TEXT NOT NULL,
  mime_type TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL, author TEXT NOT NULL,
  media_file_id TEXT NOT NULL UNIQUE, content BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS attachments_by_issue ON attachments(issue_id, id);
-- product events of committed changes, written in the change's own transaction (storage/event-journal.ts);
-- AUTOINCREMENT: a sequence number is never reused, not even after the newest rows were pruned
CREATE TABLE IF NOT EXISTS event_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS event_journal_by_time ON event_journal(at);
`;

export type Db = Database.Database;

/** Opens (creating it and its folder when needed) the database of a site and applies the schema. */
export function openDb(file: string): Db {
  if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

/** Columns added since the first schema, for files written by an older sandbox. */
function migrate(db: Db): void {
  const columns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(accounts)').all().map((c) => c.name));
  // the people of older files keep the visibility they had then: their email was always answered
  if (!columns.has('email_visibility')) db.exec("ALTER TABLE accounts ADD COLUMN email_visibility TEXT NOT NULL DEFAULT 'public'");
  // issues of older files have no components and no fix versions
  const issueColumns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(issues)').all().map((c) => c.name));
  if (!issueColumns.has('components')) db.exec("ALTER TABLE issues ADD COLUMN components TEXT NOT NULL DEFAULT '[]'");
  if (!issueColumns.has('fix_versions')) db.exec("ALTER TABLE issues ADD COLUMN fix_versions TEXT NOT NULL DEFAULT '[]'");
  // issues of older files are unresolved
  if (!issueColumns.has('resolution_id')) db.exec('ALTER TABLE issues ADD COLUMN resolution_id INTEGER');
}

/** Jira ids are never reused: each kind of entity draws from its own counter, starting at `first`. */
export class Counters {
  private readonly read;
  private readonly write;
  constructor(db: Db) {
    this.read = db.prepare<[string], { next: number }>('SELECT next FROM counters WHERE name = ?');
    this.write = db.prepare<[string, number]>('INSERT INTO counters (name, next) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET next = excluded.next');
  }
  /** must be called inside a transaction */
  take(name: string, first = 10000): number {
    const next = this.read.get(name)?.next ?? first;
    this.write.run(name, next + 1);
    return next;
  }
}
