import { z } from 'zod';
import type { Counters, Db } from './db';

/**
 * Custom field contexts and their options (tables `field_contexts`, `field_options`): small, so held
 * in memory like the rest of the catalog; writes go to SQLite only, and the caller reloads after the
 * commit (a refused request leaves memory as it was).
 *
 * Sources: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
 * ("If `projectIds` is empty, a global context is created … If `issueTypeIds` is empty, the context
 * applies to all issue types") and
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
 * (options of a context; cascading options name their parent in `optionId`).
 */

export interface FieldContextRecord {
  id: number;
  /** numeric part of the field's `customfield_NNNNN` */
  fieldId: number;
  name: string;
  description: string;
  /** empty: a global context */
  projectIds: number[];
  /** empty: every issue type */
  issueTypeIds: number[];
}

export interface FieldOptionRecord {
  id: number;
  contextId: number;
  /** the parent option of a cascading (child) option; null for a top-level option */
  parentId: number | null;
  value: string;
  disabled: boolean;
  /** display order among its siblings */
  position: number;
}

const contextRow = z.object({
  id: z.number(), field_id: z.number(), name: z.string(), description: z.string(), project_ids: z.string(), issue_type_ids: z.string(),
});
const optionRow = z.object({
  id: z.number(), context_id: z.number(), parent_id: z.number().nullable(), value: z.string(), disabled: z.number(), position: z.number(),
});
const idList = z.array(z.number());

/**
 * The first id of a site's context and option counters: 10000 plus an offset from the site's name
 * (FNV-1a), so that two sites (internal, external) number the same options differently, as two real
 * Jira Cloud sites with their own histories do. Deterministic: a site restarted on its file, or
 * created again under the same name, numbers the same way.
 */
export function fieldConfigIdBase(siteName: string): number {
  let h = 0x811c9dc5;
  for (const ch of siteName) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 10000 + (h % 900) * 10;
}

export class FieldConfigStore {
  contexts: FieldContextRecord[] = [];
  options: FieldOptionRecord[] = [];
  private optionsById = new Map<number, FieldOptionRecord>();
  private readonly idBase: number;

  constructor(private readonly db: Db, private readonly counters: Counters, siteName: string) {
    this.idBase = fieldConfigIdBase(siteName);
  }

  reload(): void {
    this.contexts = this.db.prepare('SELECT * FROM field_contexts ORDER BY id').all().map((r) => {
      const c = contextRow.parse(r);
      return {
        id: c.id, fieldId: c.field_id, name: c.name, description: c.description,
        projectIds: idList.parse(JSON.parse(c.project_ids)), issueTypeIds: idList.parse(JSON.parse(c.issue_type_ids)),
      };
    });
    this.options = this.db.prepare('SELECT * FROM field_options ORDER BY context_id, position, id').all().map((r) => {
      const o = optionRow.parse(r);
      return { id: o.id, contextId: o.context_id, parentId: o.parent_id, value: o.value, disabled: o.disabled === 1, position: o.position };
    });
    this.optionsById = new Map(this.options.map((o) => [o.id, o]));
  }

  contextsOf(fieldId: number): FieldContextRecord[] {
    return this.contexts.filter((c) => c.fieldId === fieldId);
  }

  context(fieldId: number, contextId: number): FieldContextRecord | undefined {
    return this.contexts.find((c) => c.id === contextId && c.fieldId === fieldId);
  }

  /**
   * The context of a field that applies to a project: the one naming the project, else the global one
   * (a project-specific context takes precedence over the global context); undefined when none does.
   */
  contextFor(fieldId: number, projectId: number): FieldContextRecord | undefined {
    const all = this.contextsOf(fieldId);
    return all.find((c) => c.projectIds.includes(projectId)) ?? all.find((c) => c.projectIds.length === 0);
  }

  /** a context's options: top-level options first, then cascading options, each in display order */
  optionsOf(contextId: number): FieldOptionRecord[] {
    const mine = this.options.filter((o) => o.contextId === contextId);
    const top = mine.filter((o) => o.parentId === null);
    const order = new Map(top.map((o, i) => [o.id, i]));
    const children = mine.filter((o) => o.parentId !== null)
      .sort((a, b) => (order.get(a.parentId ?? 0) ?? 0) - (order.get(b.parentId ?? 0) ?? 0) || a.position - b.position || a.id - b.id);
    return [...top, ...children];
  }

  option(id: number): FieldOptionRecord | undefined {
    return this.optionsById.get(id);
  }

  /** the number of options of every context of a field (Jira allows at most 10,000 per field) */
  optionCountOfField(fieldId: number): number {
    const contexts = new Set(this.contextsOf(fieldId).map((c) => c.id));
    return this.options.filter((o) => contexts.has(o.contextId)).length;
  }

  /** inside a transaction */
  insertContext(c: Omit<FieldContextRecord, 'id'>): FieldContextRecord {
    const id = this.counters.take('fieldcontext', this.idBase);
    this.db.prepare('INSERT INTO field_contexts (id, field_id, name, description, project_ids, issue_type_ids) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, c.fieldId, c.name, c.description, JSON.stringify(c.projectIds), JSON.stringify(c.issueTypeIds));
    return { id, ...c };
  }

  /** inside a transaction; placed after its last sibling */
  insertOption(o: Omit<FieldOptionRecord, 'id' | 'position'>): FieldOptionRecord {
    const id = this.counters.take('customfieldoption', this.idBase);
    const last = this.db.prepare<[number, number | null], { p: number | null }>('SELECT MAX(position) AS p FROM field_options WHERE context_id = ? AND parent_id IS ?').get(o.contextId, o.parentId);
    const position = (last?.p ?? -1) + 1;
    this.db.prepare('INSERT INTO field_options (id, context_id, parent_id, value, disabled, position) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, o.contextId, o.parentId, o.value, o.disabled ? 1 : 0, position);
    return { id, ...o, position };
  }

  /** inside a transaction */
  updateOption(id: number, value: string, disabled: boolean): void {
    this.db.prepare('UPDATE field_options SET value = ?, disabled = ? WHERE id = ?').run(value, disabled ? 1 : 0, id);
  }
}
