import { adfHtml } from './adf';
import { customFieldType } from './custom-field-types';
import { renderCustomFieldValue } from './custom-field-values';
import { jiraDate } from './jira-date';
import type { Json, Renderer } from './render';
import { SYSTEM_FIELDS } from './render';
import type { IssueLinkView } from './issue-links';
import type { ProjectPartsView } from './project-parts';
import type { AttachmentStore } from './storage/attachment-store';
import type { Catalog } from './storage/catalog';
import type { IssueStore } from './storage/issue-store';
import type { IssueRecord } from './storage/records';
import { customFieldId } from './storage/records';

const ISSUE_EXPAND = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
const EXPANDS = new Set(['renderedFields', 'names', 'schema', 'transitions', 'operations', 'editmeta', 'changelog', 'versionedRepresentations']);

/** Which fields a request asked for (`*all`, `*navigable`, ids, `-id` exclusions). */
export class FieldSelection {
  private constructor(private readonly include: Set<string>, private readonly all: boolean, private readonly navigable: boolean, private readonly exclude: Set<string>) {}

  /** `raw`: the comma separated `fields` values; `fallback` when none are given */
  static parse(raw: readonly string[], fallback: string): FieldSelection {
    const items = (raw.length > 0 ? raw : [fallback]).flatMap((r) => r.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const include = new Set<string>();
    const exclude = new Set<string>();
    let all = false;
    let navigable = false;
    for (const item of items) {
      if (item === '*all') all = true;
      else if (item === '*navigable') navigable = true;
      else if (item.startsWith('-')) exclude.add(item.slice(1));
      else include.add(item);
    }
    // only exclusions means "the default set minus these" (navigable for search, all for get issue)
    if (!all && !navigable && include.size === 0 && exclude.size > 0) {
      if (fallback === '*all') all = true;
      else navigable = true;
    }
    return new FieldSelection(include, all, navigable, exclude);
  }

  wants(fieldId: string, navigable: boolean): boolean {
    if (this.exclude.has(fieldId)) return false;
    return this.all || (this.navigable && navigable) || this.include.has(fieldId);
  }

  /** true when the request asked for no field at all (search's default `id`) */
  get idOnly(): boolean {
    return !this.all && !this.navigable && [...this.include].every((f) => f === 'id');
  }
}

export function parseExpand(raw: readonly string[]): Set<string> {
  return new Set(raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter((s) => EXPANDS.has(s)));
}

/** Renders issues as Jira Cloud's IssueBean. */
export class IssueView {
  constructor(
    private readonly store: IssueStore, private readonly catalog: Catalog, private readonly render: Renderer, private readonly attachments: AttachmentStore,
    private readonly linkView: IssueLinkView, private readonly partsView: ProjectPartsView,
  ) {}

  /** every field of the issue, keyed by field id, with navigability; values are computed only when asked for */
  private fieldValues(i: IssueRecord): Map<string, { value: () => unknown; navigable: boolean }> {
    const r = this.render;
    const status = this.catalog.statusById(i.statusId);
    const values = new Map<string, { value: () => unknown; navigable: boolean }>();
    const put = (id: string, value: () => unknown, navigable = true): void => {
      values.set(id, { value, navigable });
    };
    put('summary', () => i.summary);
    put('description', () => i.description);
    put('issuetype', () => r.issueType(this.catalog.issueTypeById(i.issueTypeId)));
    put('project', () => r.projectRef(this.catalog.projectById(i.projectId)));
    put('status', () => r.status(status));
    put('statusCategory', () => r.statusCategory(status.categoryKey));
    put('priority', () => (i.priorityId === null ? null : r.priorityRef(this.catalog.priorityById(i.priorityId))));
    put('labels', () => [...i.labels]);
    put('duedate', () => i.dueDate);
    put('reporter', () => r.userRef(i.reporter));
    put('assignee', () => r.userRef(i.assignee));
    put('creator', () => r.userRef(i.creator));
    put('created', () => jiraDate(i.created));
    put('updated', () => jiraDate(i.updated));
    put('statuscategorychangedate', () => jiraDate(i.statusChanged));
    put('resolution', () => (i.resolutionId === null ? null : r.resolution(this.catalog.resolutionById(i.resolutionId))));
    put('resolutiondate', () => (i.resolutionId !== null ? jiraDate(i.statusChanged) : null));
    put('issuelinks', () => this.linkView.issueLinks(i.id));
    put('components', () => this.partsView.issueComponents(i.components));
    put('fixVersions', () => this.partsView.issueFixVersions(i.fixVersions));
    put('subtasks', () => this.store.childIds(i.id).map((id) => this.store.issueById(id)).filter((c): c is IssueRecord => c !== undefined).map((c) => this.issueLink(c)));
    if (i.parentId !== null) {
      const parent = this.store.issueById(i.parentId);
      if (parent) put('parent', () => this.issueLink(parent));
    }
    put('comment', () => {
      const comments = this.store.comments(i.id);
      return {
        comments: comments.map((c) => r.comment(i.id, c)), self: `${r.api}/issue/${i.id}/comment`,
        maxResults: comments.length, total: comments.length, startAt: 0,
      };
    }, false);
    // not navigable, as in Jira Cloud's field list: in `*all` and when named, not in `*navigable`
    put('attachment', () => this.attachments.ofIssue(i.id).map((a) => r.attachment(a)), false);
    for (const f of this.catalog.customFields) put(customFieldId(f.id), () => renderCustomFieldValue(r, this.catalog, f, i.custom[customFieldId(f.id)]));
    return values;
  }

  /** the small issue shape used for parent and subtasks */
  private issueLink(i: IssueRecord): Json {
    return {
      id: String(i.id), key: i.key, self: `${this.render.api}/issue/${i.id}`,
      fields: {
        summary: i.summary, status: this.render.status(this.catalog.statusById(i.statusId)),
        priority: i.priorityId === null ? null : this.render.priorityRef(this.catalog.priorityById(i.priorityId)),
        issuetype: this.render.issueType(this.catalog.issueTypeById(i.issueTypeId)),
      },
    };
  }

  issue(i: IssueRecord, selection: FieldSelection, expand: Set<string>, properties: readonly string[] = []): Json {
    const fields: Json = {};
    const names: Record<string, string> = {};
    const schema: Json = {};
    const rendered: Json = {};
    for (const [id, { value, navigable }] of this.fieldValues(i)) {
      if (!selection.wants(id, navigable)) continue;
      fields[id] = value();
      names[id] = this.render.fieldName(id);
      const system = SYSTEM_FIELDS.find((f) => f.id === id)?.schema;
      const custom = this.catalog.customField(id);
      if (system) schema[id] = system;
      else if (custom) schema[id] = this.render.customFieldSchema(custom);
      rendered[id] = id === 'description' ? (i.description === null ? null : adfHtml(i.description))
        : custom && customFieldType(custom.type)?.value === 'textarea' && i.custom[id] !== undefined ? adfHtml(i.custom[id]) : null;
    }
    const bean: Json = { expand: ISSUE_EXPAND, id: String(i.id), self: `${this.render.api}/issue/${i.id}`, key: i.key };
    if (expand.has('renderedFields')) bean.renderedFields = rendered;
    if (expand.has('names')) bean.names = names;
    if (expand.has('schema')) bean.schema = schema;
    if (expand.has('transitions')) bean.transitions = this.transitions(i);
    if (expand.has('changelog')) bean.changelog = this.changelog(i);
    const wantedProps = properties.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
    if (wantedProps.length > 0) {
      const props: Json = {};
      for (const p of this.store.properties(i.id)) if (wantedProps.includes('*all') || wantedProps.includes(p.key)) props[p.key] = p.value;
      bean.properties = props;
    }
    bean.fields = fields;
    return bean;
  }

  transitions(i: IssueRecord): Json[] {
    return this.catalog.statuses.filter((s) => s.id !== i.statusId).map((s) => ({
      id: String(s.transitionId), name: s.name, to: this.render.status(s), hasScreen: false, isGlobal: true,
      isInitial: false, isAvailable: true, isConditional: false, isLooped: false,
    }));
  }

  /** PageOfChangelogs, most recent first as `expand=changelog` answers */
  changelog(i: IssueRecord): Json {
    const histories = this.store.changelogs(i.id).reverse().map((h) => ({
      id: String(h.id), author: this.render.userRef(h.author), created: jiraDate(h.created), items: h.items,
    }));
    return { startAt: 0, maxResults: histories.length, total: histories.length, histories };
  }
}
