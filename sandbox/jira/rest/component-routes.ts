import { z } from 'zod';
import { JiraError } from '../http/jira-error';
import type { RouteContext, Router } from '../http/router';
import { hasPermission } from '../permissions';
import { ASSIGNEE_TYPES, type AssigneeType } from '../storage/project-parts-store';
import type { ProjectRecord } from '../storage/records';
import type { Services } from './services';

const componentInput = z.object({
  name: z.string().optional(),
  project: z.string().optional(),
  description: z.string().nullable().optional(),
  leadAccountId: z.string().nullable().optional(),
  leadUserName: z.string().optional(),
  assigneeType: z.string().optional(),
}).passthrough();

const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
/** ProjectComponent.name: "The maximum length is 255 characters" */
const MAX_NAME = 255;

const isAssigneeType = (t: string): t is AssigneeType => (ASSIGNEE_TYPES as readonly string[]).includes(t);

/**
 * /project/{projectIdOrKey}/components, /component, /component/{id}: project components
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/; README
 * "Components and versions"). Creating one needs "*Administer projects* project permission for the
 * project in which the component is created or *Administer Jira* global permission" (createComponent):
 * in the sandbox only the site admin has either (permissions.ts), app accounts included.
 */
export function componentRoutes(router: Router, s: Services): void {
  const can = (ctx: RouteContext, key: string): boolean => hasPermission(ctx.actor, ctx.actor.accountId === s.adminAccountId, key);
  /** 404 "the project is not found or the user does not have permission to view it" */
  const project = (ctx: RouteContext, idOrKey: string): ProjectRecord => {
    const p = can(ctx, 'BROWSE_PROJECTS') ? s.catalog.project(idOrKey) : undefined;
    if (!p) throw JiraError.notFound(`No project could be found with key '${idOrKey}'.`);
    return p;
  };

  router.add('GET', '/rest/api/3/project/{projectIdOrKey}/components', (ctx) => {
    const p = project(ctx, ctx.params.projectIdOrKey ?? '');
    return { status: 200, body: s.parts.components(p.id).map((c) => s.partsView.component(c)) };
  });

  router.add('POST', '/rest/api/3/component', (ctx) => {
    const parsed = componentInput.safeParse(ctx.body());
    if (!parsed.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    const input = parsed.data;
    const name = (input.name ?? '').trim();
    const errors: Record<string, string> = {};
    // 400 "`name` is not provided", "`name` is over 255 characters in length", "`projectId` is not provided"
    if (name === '') errors.name = 'The component name must not be empty.';
    else if (name.length > MAX_NAME) errors.name = `The component name must not be longer than ${MAX_NAME} characters.`;
    if (input.project === undefined || input.project === '') errors.project = 'The project key of the component must be given.';
    if (Object.keys(errors).length > 0 || input.project === undefined) throw JiraError.fields(errors);
    const p = project(ctx, input.project);
    // 403 "the user does not have permission to manage the project containing the component or does not have permission to administer Jira"
    if (!can(ctx, 'ADMINISTER_PROJECTS') && !can(ctx, 'ADMINISTER')) throw new JiraError(403, [`You cannot edit the configuration of the project ${p.key}.`]);
    // user names are gone from Jira Cloud's API (the property "is no longer available"): the harsher reading refuses it
    if (input.leadUserName !== undefined) errors.leadUserName = 'leadUserName is no longer available: give the lead as leadAccountId.';
    const lead = input.leadAccountId ?? null;
    // 400 "the user is not found"
    if (lead !== null && !s.accounts.get(lead)) errors.leadAccountId = `The user with account ID '${lead}' does not exist.`;
    const assigneeType = input.assigneeType ?? 'PROJECT_DEFAULT';
    // 400 "`assigneeType` is an invalid value"; "Default value: `PROJECT_DEFAULT`"
    if (!isAssigneeType(assigneeType)) errors.assigneeType = `The assignee type '${assigneeType}' is not valid; use one of ${ASSIGNEE_TYPES.join(', ')}.`;
    if (Object.keys(errors).length > 0 || !isAssigneeType(assigneeType)) throw JiraError.fields(errors);
    const created = s.db.transaction(() => {
      if (s.parts.componentByName(p.id, name)) throw JiraError.fields({ name: `A component with the name ${name} already exists in this project.` });
      return s.parts.insertComponent({ projectId: p.id, name, description: input.description ?? null, leadAccountId: lead, assigneeType });
    })();
    return { status: 201, body: s.partsView.component(created) };
  });

  // 404 "the component is not found or the user does not have permission to browse the project containing the component"
  router.add('GET', '/rest/api/3/component/{id}', (ctx) => {
    const raw = ctx.params.id ?? '';
    const c = /^\d+$/.test(raw) && can(ctx, 'BROWSE_PROJECTS') ? s.parts.component(Number(raw)) : undefined;
    if (!c) throw JiraError.notFound(`The component with id ${raw} does not exist.`);
    return { status: 200, body: s.partsView.component(c) };
  });
}
