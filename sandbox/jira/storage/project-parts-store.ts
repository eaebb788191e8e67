import { z } from 'zod';
import type { Counters, Db } from './db';

/**
 * Project components and versions (sandbox/jira/README.md, "Components and versions"). Names are
 * unique per project, compared without case: "The unique name for the component in the project",
 * "The unique name of the version" (ProjectComponent.name, Version.name in
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/ and
 * .../api-group-project-versions/); the pages do not say whether case counts: the harsher reading,
 * "ui" clashes with "UI". An issue's components and fix versions are kept on the issue
 * (IssueRecord.components / fixVersions, by id).
 */
export const PROJECT_PARTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS components (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id), name TEXT NOT NULL, description TEXT,
  lead_account_id TEXT, assignee_type TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS components_by_name ON components(project_id, name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id), name TEXT NOT NULL, description TEXT,
  released INTEGER NOT NULL, archived INTEGER NOT NULL, release_date TEXT, start_date TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS versions_by_name ON versions(project_id, name COLLATE NOCASE);
`;

/** ProjectComponent.assigneeType */
export const ASSIGNEE_TYPES = ['PROJECT_DEFAULT', 'COMPONENT_LEAD', 'PROJECT_LEAD', 'UNASSIGNED'] as const;
export type AssigneeType = (typeof ASSIGNEE_TYPES)[number];

export interface ComponentRecord {
  id: number;
  projectId: number;
  name: string;
  description: string | null;
  leadAccountId: string | null;
  assigneeType: AssigneeType;
}

export interface VersionRecord {
  id: number;
  projectId: number;
  name: string;
  description: string | null;
  released: boolean;
  archived: boolean;
  /** yyyy-mm-dd */
  releaseDate: string | null;
  /** yyyy-mm-dd */
  startDate: string | null;
}

const componentRow = z.object({
  id: z.number(), project_id: z.number(), name: z.string(), description: z.string().nullable(),
  lead_account_id: z.string().nullable(), assignee_type: z.enum(ASSIGNEE_TYPES),
});
const versionRow = z.object({
  id: z.number(), project_id: z.number(), name: z.string(), description: z.string().nullable(),
  released: z.number(), archived: z.number(), release_date: z.string().nullable(), start_date: z.string().nullable(),
});

function toComponent(r: unknown): ComponentRecord {
  const c = componentRow.parse(r);
  return { id: c.id, projectId: c.project_id, name: c.name, description: c.description, leadAccountId: c.lead_account_id, assigneeType: c.assignee_type };
}

function toVersion(r: unknown): VersionRecord {
  const v = versionRow.parse(r);
  return {
    id: v.id, projectId: v.project_id, name: v.name, description: v.description, released: v.released === 1,
    archived: v.archived === 1, releaseDate: v.release_date, startDate: v.start_date,
  };
}

/** Components and versions of projects, through prepared statements. */
export class ProjectPartsStore {
  private readonly s;

  constructor(db: Db, private readonly counters: Counters) {
    db.exec(PROJECT_PARTS_SCHEMA);
    this.s = {
      component: db.prepare('SELECT * FROM components WHERE id = ?'),
      components: db.prepare('SELECT * FROM components WHERE project_id = ? ORDER BY name COLLATE NOCASE, id'),
      componentByName: db.prepare('SELECT * FROM components WHERE project_id = ? AND name = ? COLLATE NOCASE'),
      insertComponent: db.prepare('INSERT INTO components (id, project_id, name, description, lead_account_id, assignee_type) VALUES (?, ?, ?, ?, ?, ?)'),
      version: db.prepare('SELECT * FROM versions WHERE id = ?'),
      versions: db.prepare('SELECT * FROM versions WHERE project_id = ? ORDER BY id'),
      versionByName: db.prepare('SELECT * FROM versions WHERE project_id = ? AND name = ? COLLATE NOCASE'),
      insertVersion: db.prepare('INSERT INTO versions (id, project_id, name, description, released, archived, release_date, start_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    };
  }

  component(id: number): ComponentRecord | undefined {
    const row = this.s.component.get(id);
    return row === undefined ? undefined : toComponent(row);
  }
  /** a project's components, by name */
  components(projectId: number): ComponentRecord[] {
    return this.s.components.all(projectId).map(toComponent);
  }
  /** the project's component of this name, whatever its case */
  componentByName(projectId: number, name: string): ComponentRecord | undefined {
    const row = this.s.componentByName.get(projectId, name);
    return row === undefined ? undefined : toComponent(row);
  }
  /** inside a transaction */
  insertComponent(c: Omit<ComponentRecord, 'id'>): ComponentRecord {
    const id = this.counters.take('component');
    this.s.insertComponent.run(id, c.projectId, c.name, c.description, c.leadAccountId, c.assigneeType);
    return { id, ...c };
  }

  version(id: number): VersionRecord | undefined {
    const row = this.s.version.get(id);
    return row === undefined ? undefined : toVersion(row);
  }
  /** a project's versions, in the order they were created (Jira's version sequence) */
  versions(projectId: number): VersionRecord[] {
    return this.s.versions.all(projectId).map(toVersion);
  }
  versionByName(projectId: number, name: string): VersionRecord | undefined {
    const row = this.s.versionByName.get(projectId, name);
    return row === undefined ? undefined : toVersion(row);
  }
  /** inside a transaction */
  insertVersion(v: Omit<VersionRecord, 'id'>): VersionRecord {
    const id = this.counters.take('version');
    this.s.insertVersion.run(id, v.projectId, v.name, v.description, v.released ? 1 : 0, v.archived ? 1 : 0, v.releaseDate, v.startDate);
    return { id, ...v };
  }
}
