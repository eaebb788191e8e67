import type { Json, Renderer } from './render';
import type { Accounts } from './storage/accounts';
import type { Catalog } from './storage/catalog';
import type { AssigneeType, ComponentRecord, ProjectPartsStore, VersionRecord } from './storage/project-parts-store';
import type { ChangeItem, ProjectRecord } from './storage/records';

/**
 * Project components and versions as Jira Cloud shows them (sandbox/jira/README.md, "Components and
 * versions"): the `ProjectComponent` and `Version` schemas of
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/ and
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/, and the
 * issue fields `components` and `fixVersions`.
 */

/** a project's default assignee in the sandbox: no one (`GET /project/{key}` answers `assigneeType: 'UNASSIGNED'`) */
const PROJECT_DEFAULT_ASSIGNEE: string | null = null;

/**
 * Who issues created with the component are assigned to (ProjectComponent.assigneeType,
 * realAssigneeType): the component lead for COMPONENT_LEAD (PROJECT_DEFAULT when it has no lead: "if
 * the `assigneeType` is set to `COMPONENT_LEAD` but the component lead is not set"), the project lead
 * for PROJECT_LEAD, nobody for UNASSIGNED, the project's default (nobody) for PROJECT_DEFAULT.
 */
export function componentAssignee(c: ComponentRecord, project: ProjectRecord): { realType: AssigneeType; nominal: string | null; real: string | null } {
  switch (c.assigneeType) {
    case 'COMPONENT_LEAD':
      return c.leadAccountId !== null
        ? { realType: 'COMPONENT_LEAD', nominal: c.leadAccountId, real: c.leadAccountId }
        : { realType: 'PROJECT_DEFAULT', nominal: null, real: PROJECT_DEFAULT_ASSIGNEE };
    case 'PROJECT_LEAD':
      return { realType: 'PROJECT_LEAD', nominal: project.leadAccountId, real: project.leadAccountId };
    case 'UNASSIGNED':
      return { realType: 'UNASSIGNED', nominal: null, real: null };
    case 'PROJECT_DEFAULT':
      return { realType: 'PROJECT_DEFAULT', nominal: null, real: PROJECT_DEFAULT_ASSIGNEE };
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2010-07-06` → `6/Jul/2010`, as the spec's Version examples write `userReleaseDate` */
export function userDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return `${d ?? ''}/${MONTHS[(m ?? 1) - 1] ?? ''}/${y ?? ''}`;
}

/** today on the site clock, yyyy-mm-dd (UTC) */
export function isoDayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Renders components and versions; `self` links from the site's base URL. */
export class ProjectPartsView {
  constructor(private readonly render: Renderer, private readonly catalog: Catalog, private readonly accounts: Accounts, private readonly parts: ProjectPartsStore, private readonly now: () => number) {}

  /** a component as an issue's `components` field lists it */
  componentRef(c: ComponentRecord): Json {
    return { self: `${this.render.api}/component/${c.id}`, id: String(c.id), name: c.name, ...(c.description !== null && c.description !== '' ? { description: c.description } : {}) };
  }

  /** ProjectComponent (GET /component/{id}, GET /project/{key}/components, POST /component) */
  component(c: ComponentRecord): Json {
    const project = this.catalog.projectById(c.projectId);
    const { realType, nominal, real } = componentAssignee(c, project);
    const user = (accountId: string | null): Json | undefined => {
      const a = accountId === null ? undefined : this.accounts.get(accountId);
      return a ? this.render.userDetails(a) : undefined;
    };
    const lead = user(c.leadAccountId);
    const assignee = user(nominal);
    const realAssignee = user(real);
    return {
      ...this.componentRef(c), ...(lead ? { lead } : {}), assigneeType: c.assigneeType, ...(assignee ? { assignee } : {}),
      realAssigneeType: realType, ...(realAssignee ? { realAssignee } : {}), isAssigneeTypeValid: assignee !== undefined,
      project: project.key, projectId: project.id,
    };
  }

  /** a version as an issue's `fixVersions` field lists it */
  versionRef(v: VersionRecord): Json {
    return {
      self: `${this.render.api}/version/${v.id}`, id: String(v.id), ...(v.description !== null && v.description !== '' ? { description: v.description } : {}),
      name: v.name, archived: v.archived, released: v.released, ...(v.releaseDate !== null ? { releaseDate: v.releaseDate } : {}),
    };
  }

  /** Version (GET /version/{id}, GET /project/{key}/versions, POST /version) */
  version(v: VersionRecord): Json {
    const today = isoDayOf(this.now());
    return {
      ...this.versionRef(v),
      ...(v.startDate !== null ? { startDate: v.startDate, userStartDate: userDate(v.startDate) } : {}),
      ...(v.releaseDate !== null ? { userReleaseDate: userDate(v.releaseDate), overdue: !v.released && v.releaseDate < today } : {}),
      projectId: v.projectId,
    };
  }

  /** the `components` and `versions` of GET /project/{projectIdOrKey} */
  ofProject(p: ProjectRecord): { components: Json[]; versions: Json[] } {
    return { components: this.parts.components(p.id).map((c) => this.component(c)), versions: this.parts.versions(p.id).map((v) => this.version(v)) };
  }

  /** an issue's `components` field */
  issueComponents(ids: readonly number[]): Json[] {
    return ids.map((id) => this.parts.component(id)).filter((c): c is ComponentRecord => c !== undefined).map((c) => this.componentRef(c));
  }

  /** an issue's `fixVersions` field */
  issueFixVersions(ids: readonly number[]): Json[] {
    return ids.map((id) => this.parts.version(id)).filter((v): v is VersionRecord => v !== undefined).map((v) => this.versionRef(v));
  }
}

/**
 * The changelog items of a change to an issue's components or fix versions: one per value removed,
 * then one per value added, as Jira writes them (field `Component` / `Fix Version`, the id in
 * `from`/`to`, the name in `fromString`/`toString`).
 */
export function partChangeItems(field: 'Component' | 'Fix Version', fieldId: 'components' | 'fixVersions', before: readonly number[], after: readonly number[], name: (id: number) => string | null): ChangeItem[] {
  const items: ChangeItem[] = [];
  for (const id of before) if (!after.includes(id)) items.push({ field, fieldId, fieldtype: 'jira', from: String(id), fromString: name(id), to: null, toString: null });
  for (const id of after) if (!before.includes(id)) items.push({ field, fieldId, fieldtype: 'jira', from: null, fromString: null, to: String(id), toString: name(id) });
  return items;
}
