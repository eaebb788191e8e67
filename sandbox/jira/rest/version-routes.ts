import { z } from 'zod';
import { JiraError } from '../http/jira-error';
import type { RouteContext, Router } from '../http/router';
import { isIsoDay } from '../jira-date';
import { hasPermission } from '../permissions';
import type { ProjectRecord } from '../storage/records';
import type { Services } from './services';

const versionInput = z.object({
  name: z.string().optional(),
  projectId: z.union([z.number(), z.string()]).optional(),
  project: z.string().optional(),
  description: z.string().nullable().optional(),
  released: z.boolean().optional(),
  archived: z.boolean().optional(),
  releaseDate: z.string().nullable().optional(),
  startDate: z.string().nullable().optional(),
}).passthrough();

const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
/** Version.name: "The maximum length is 255 characters"; Version.description: "The maximum size is 16,384 bytes" */
const MAX_NAME = 255;
const MAX_DESCRIPTION_BYTES = 16_384;

/**
 * /project/{projectIdOrKey}/versions, /version, /version/{id}: project versions
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/; README
 * "Components and versions"). Creating one needs "*Administer Jira* global permission or *Administer
 * Projects* project permission for the project the version is added to" (createVersion); without it
 * the answer is 404, the only refusal the operation declares ("the user does not have the required
 * permissions").
 */
export function versionRoutes(router: Router, s: Services): void {
  const can = (ctx: RouteContext, key: string): boolean => hasPermission(ctx.actor, ctx.actor.accountId === s.adminAccountId, key);
  const project = (ctx: RouteContext, idOrKey: string, by: 'id' | 'key'): ProjectRecord => {
    const p = can(ctx, 'BROWSE_PROJECTS') ? s.catalog.project(idOrKey) : undefined;
    if (!p) throw JiraError.notFound(`No project could be found with ${by} '${idOrKey}'.`);
    return p;
  };

  router.add('GET', '/rest/api/3/project/{projectIdOrKey}/versions', (ctx) => {
    const p = project(ctx, ctx.params.projectIdOrKey ?? '', 'key');
    return { status: 200, body: s.parts.versions(p.id).map((v) => s.partsView.version(v)) };
  });

  router.add('POST', '/rest/api/3/version', (ctx) => {
    const parsed = versionInput.safeParse(ctx.body());
    if (!parsed.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    const input = parsed.data;
    const name = (input.name ?? '').trim();
    const errors: Record<string, string> = {};
    if (name === '') errors.name = 'You must specify a valid version name';
    else if (name.length > MAX_NAME) errors.name = `The version name must not be longer than ${MAX_NAME} characters.`;
    if (input.description !== undefined && input.description !== null && Buffer.byteLength(input.description) > MAX_DESCRIPTION_BYTES) {
      errors.description = `The version description must not be longer than ${MAX_DESCRIPTION_BYTES} bytes.`;
    }
    // "projectId … Required when creating a version"; the deprecated `project` (its key) still names one
    const projectRef = input.projectId !== undefined ? String(input.projectId) : input.project;
    if (projectRef === undefined || projectRef === '') errors.projectId = 'The project of the version must be given as projectId.';
    for (const field of ['releaseDate', 'startDate'] as const) {
      const day = input[field];
      // "Expressed in ISO 8601 format (yyyy-mm-dd)"
      if (day !== undefined && day !== null && !isIsoDay(day)) errors[field] = `The ${field === 'releaseDate' ? 'release' : 'start'} date must be a date written yyyy-mm-dd.`;
    }
    const releaseDate = input.releaseDate ?? null;
    const startDate = input.startDate ?? null;
    if (!errors.releaseDate && !errors.startDate && releaseDate !== null && startDate !== null && startDate > releaseDate) errors.startDate = 'The start date must not be after the release date.';
    if (Object.keys(errors).length > 0 || projectRef === undefined) throw JiraError.fields(errors);
    const p = project(ctx, projectRef, input.projectId !== undefined ? 'id' : 'key');
    if (!can(ctx, 'ADMINISTER_PROJECTS') && !can(ctx, 'ADMINISTER')) throw JiraError.notFound(`You do not have permission to create versions in the project ${p.key}.`);
    const created = s.db.transaction(() => {
      if (s.parts.versionByName(p.id, name)) throw JiraError.fields({ name: 'A version with this name already exists in this project.' });
      return s.parts.insertVersion({
        projectId: p.id, name, description: input.description ?? null, released: input.released ?? false,
        archived: input.archived ?? false, releaseDate, startDate,
      });
    })();
    // the spec's 201 example also carries the deprecated `project` (the key)
    return { status: 201, body: { ...s.partsView.version(created), project: p.key } };
  });

  // 404 "the version is not found or the user does not have the necessary permission"
  router.add('GET', '/rest/api/3/version/{id}', (ctx) => {
    const raw = ctx.params.id ?? '';
    const v = /^\d+$/.test(raw) && can(ctx, 'BROWSE_PROJECTS') ? s.parts.version(Number(raw)) : undefined;
    if (!v) throw JiraError.notFound(`Could not find version for id '${raw}'`);
    return { status: 200, body: s.partsView.version(v) };
  });
}
