import { z } from 'zod';
import type { Counters, Db } from './db';
import type { CustomFieldRecord, IssueTypeRecord, PriorityRecord, ProjectRecord, ResolutionRecord, StatusRecord } from './records';
import { customFieldId } from './records';
import { FieldConfigStore } from './field-config-store';

const projectRow = z.object({ id: z.number(), key: z.string(), name: z.string(), lead_account_id: z.string() });
const issueTypeRow = z.object({ id: z.number(), name: z.string(), description: z.string(), subtask: z.number(), hierarchy_level: z.number() });
const priorityRow = z.object({ id: z.number(), name: z.string(), description: z.string(), status_color: z.string(), is_default: z.number() });
const resolutionRow = z.object({ id: z.number(), name: z.string(), description: z.string(), is_default: z.number() });
const statusRow = z.object({ id: z.number(), name: z.string(), description: z.string(), category_key: z.enum(['new', 'indeterminate', 'done']), transition_id: z.number() });
const numberRow = z.object({ n: z.number() });
const fieldRow = z.object({ id: z.number(), name: z.string(), description: z.string(), type: z.string(), searcher_key: z.string() });

/**
 * A new Jira Cloud site's resolutions, in order (the sandbox's reading: Atlassian's pages found do
 * not list them; "Done", "Won't Do", "Duplicate" and "Cannot Reproduce" are what new Cloud sites
 * show). None is the default: a transition into a done status without one sets the first (README).
 */
const DEFAULT_RESOLUTIONS: [string, string][] = [
  ['Done', 'Work has been completed on this issue.'],
  ["Won't Do", 'This issue won\'t be actioned.'],
  ['Duplicate', 'The problem is a duplicate of an existing issue.'],
  ['Cannot Reproduce', 'All attempts at reproducing this issue failed, or not enough information was available to reproduce the issue. Reading the code produces no clues as to why this behavior would occur. If more information appears later, please reopen the issue.'],
];

/**
 * The site's configuration: projects, issue types, priorities, statuses (one global workflow) and
 * custom fields. Small, so it is held in memory and reloaded after each change.
 */
export class Catalog {
  projects: ProjectRecord[] = [];
  issueTypes: IssueTypeRecord[] = [];
  priorities: PriorityRecord[] = [];
  resolutions: ResolutionRecord[] = [];
  statuses: StatusRecord[] = [];
  customFields: CustomFieldRecord[] = [];
  /** custom field contexts and options; ids numbered from a base of the site's name */
  readonly fieldConfig: FieldConfigStore;

  private readonly readIssueNumber;
  private readonly writeIssueNumber;

  constructor(private readonly db: Db, private readonly counters: Counters, siteName = '') {
    this.fieldConfig = new FieldConfigStore(db, counters, siteName);
    this.readIssueNumber = db.prepare('SELECT next_issue_number AS n FROM projects WHERE id = ?');
    this.writeIssueNumber = db.prepare('UPDATE projects SET next_issue_number = ? WHERE id = ?');
    this.reload();
  }

  reload(): void {
    this.projects = this.db.prepare('SELECT * FROM projects ORDER BY key').all().map((r) => {
      const p = projectRow.parse(r);
      return { id: p.id, key: p.key, name: p.name, leadAccountId: p.lead_account_id };
    });
    this.issueTypes = this.db.prepare('SELECT * FROM issue_types ORDER BY id').all().map((r) => {
      const t = issueTypeRow.parse(r);
      return { id: t.id, name: t.name, description: t.description, subtask: t.subtask === 1, hierarchyLevel: t.hierarchy_level };
    });
    this.priorities = this.db.prepare('SELECT * FROM priorities ORDER BY id').all().map((r) => {
      const p = priorityRow.parse(r);
      return { id: p.id, name: p.name, description: p.description, statusColor: p.status_color, isDefault: p.is_default === 1 };
    });
    this.resolutions = this.db.prepare('SELECT * FROM resolutions ORDER BY id').all().map((r) => {
      const x = resolutionRow.parse(r);
      return { id: x.id, name: x.name, description: x.description, isDefault: x.is_default === 1 };
    });
    this.statuses = this.db.prepare('SELECT * FROM statuses ORDER BY id').all().map((r) => {
      const s = statusRow.parse(r);
      return { id: s.id, name: s.name, description: s.description, categoryKey: s.category_key, transitionId: s.transition_id };
    });
    this.customFields = this.db.prepare('SELECT * FROM custom_fields ORDER BY id').all().map((r) => {
      const f = fieldRow.parse(r);
      return { id: f.id, name: f.name, description: f.description, type: f.type, searcherKey: f.searcher_key };
    });
    this.fieldConfig.reload();
  }

  project(idOrKey: string): ProjectRecord | undefined {
    const upper = idOrKey.toUpperCase();
    return this.projects.find((p) => String(p.id) === idOrKey || p.key === upper);
  }
  projectById(id: number): ProjectRecord {
    const p = this.projects.find((x) => x.id === id);
    if (!p) throw new Error(`project ${id} missing from the catalog`);
    return p;
  }
  issueType(idOrName: string): IssueTypeRecord | undefined {
    const lower = idOrName.toLowerCase();
    return this.issueTypes.find((t) => String(t.id) === idOrName || t.name.toLowerCase() === lower);
  }
  issueTypeById(id: number): IssueTypeRecord {
    const t = this.issueTypes.find((x) => x.id === id);
    if (!t) throw new Error(`issue type ${id} missing from the catalog`);
    return t;
  }
  priority(idOrName: string): PriorityRecord | undefined {
    const lower = idOrName.toLowerCase();
    return this.priorities.find((p) => String(p.id) === idOrName || p.name.toLowerCase() === lower);
  }
  priorityById(id: number): PriorityRecord {
    const p = this.priorities.find((x) => x.id === id);
    if (!p) throw new Error(`priority ${id} missing from the catalog`);
    return p;
  }
  defaultPriority(): PriorityRecord | undefined {
    return this.priorities.find((p) => p.isDefault);
  }
  resolution(idOrName: string): ResolutionRecord | undefined {
    const lower = idOrName.toLowerCase();
    return this.resolutions.find((r) => String(r.id) === idOrName || r.name.toLowerCase() === lower);
  }
  resolutionById(id: number): ResolutionRecord {
    const r = this.resolutions.find((x) => x.id === id);
    if (!r) throw new Error(`resolution ${id} missing from the catalog`);
    return r;
  }
  /**
   * What the workflow's transition into a done status sets when its screen gave none: the site's
   * default resolution, else its first ("Done" on a new site).
   */
  doneResolution(): ResolutionRecord | undefined {
    return this.resolutions.find((r) => r.isDefault) ?? this.resolutions[0];
  }
  status(idOrName: string): StatusRecord | undefined {
    const lower = idOrName.toLowerCase();
    return this.statuses.find((s) => String(s.id) === idOrName || s.name.toLowerCase() === lower);
  }
  statusById(id: number): StatusRecord {
    const s = this.statuses.find((x) => x.id === id);
    if (!s) throw new Error(`status ${id} missing from the catalog`);
    return s;
  }
  initialStatus(): StatusRecord {
    const s = this.statuses.find((x) => x.categoryKey === 'new') ?? this.statuses[0];
    if (!s) throw new Error('the site has no statuses');
    return s;
  }
  customField(fieldId: string): CustomFieldRecord | undefined {
    return this.customFields.find((f) => customFieldId(f.id) === fieldId);
  }

  /** inside a transaction */
  insertProject(key: string, name: string, leadAccountId: string): void {
    const id = this.counters.take('project');
    this.db.prepare('INSERT INTO projects (id, key, name, lead_account_id) VALUES (?, ?, ?, ?)').run(id, key, name, leadAccountId);
  }
  insertIssueType(t: IssueTypeRecord): void {
    this.db.prepare('INSERT INTO issue_types (id, name, description, subtask, hierarchy_level) VALUES (?, ?, ?, ?, ?)')
      .run(t.id, t.name, t.description, t.subtask ? 1 : 0, t.hierarchyLevel);
  }
  insertPriority(p: PriorityRecord): void {
    this.db.prepare('INSERT INTO priorities (id, name, description, status_color, is_default) VALUES (?, ?, ?, ?, ?)')
      .run(p.id, p.name, p.description, p.statusColor, p.isDefault ? 1 : 0);
  }
  /**
   * Jira Cloud's resolutions of a new site, when the site has none (every open: older files and
   * sites seeded 'none' gain them). Inside a transaction.
   */
  ensureDefaultResolutions(): void {
    const count = numberRow.parse(this.db.prepare('SELECT COUNT(*) AS n FROM resolutions').get()).n;
    if (count > 0) return;
    const insert = this.db.prepare('INSERT INTO resolutions (id, name, description, is_default) VALUES (?, ?, ?, ?)');
    DEFAULT_RESOLUTIONS.forEach(([name, description], i) => insert.run(10000 + i, name, description, 0));
  }
  insertStatus(s: StatusRecord): void {
    this.db.prepare('INSERT INTO statuses (id, name, description, category_key, transition_id) VALUES (?, ?, ?, ?, ?)')
      .run(s.id, s.name, s.description, s.categoryKey, s.transitionId);
  }
  insertCustomField(name: string, description: string, type: string, searcherKey: string): CustomFieldRecord {
    const id = this.counters.take('customfield');
    this.db.prepare('INSERT INTO custom_fields (id, name, description, type, searcher_key) VALUES (?, ?, ?, ?, ?)')
      .run(id, name, description, type, searcherKey);
    return { id, name, description, type, searcherKey };
  }
  /** advances a project's issue counter; inside a transaction */
  takeIssueNumber(projectId: number): number {
    const row = numberRow.parse(this.readIssueNumber.get(projectId));
    this.writeIssueNumber.run(row.n + 1, projectId);
    return row.n;
  }
}
