import { JiraError } from '../http/jira-error';
import type { Router } from '../http/router';
import { hasPermission, permissionDefinition, type PermissionDefinition } from '../permissions';
import type { Services } from './services';

/** `GET /rest/api/3/mypermissions` (Jira Cloud's "Get my permissions") over the sandbox's permission model. */
export function permissionRoutes(router: Router, s: Services): void {
  router.add('GET', '/rest/api/3/mypermissions', (ctx) => {
    const raw = ctx.query.get('permissions');
    const keys = (raw ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
    if (keys.length === 0) throw JiraError.badRequest("The 'permissions' query parameter is required: a comma-separated list of permission keys, e.g. BROWSE_PROJECTS,EDIT_ISSUES.");
    const defs: PermissionDefinition[] = [];
    for (const key of keys) {
      const d = permissionDefinition(key);
      if (!d) throw JiraError.badRequest(`Invalid permission key: ${key}.`);
      defs.push(d);
    }

    // the context must exist (the sandbox has no per-project restrictions, so it changes no answer)
    const commentId = ctx.query.get('commentId');
    if (commentId !== null && keys.some((k) => k !== 'BROWSE_PROJECTS')) {
      throw JiraError.badRequest('Only the BROWSE_PROJECTS permission is supported with commentId.');
    }
    const projectId = ctx.query.get('projectId');
    const projectKey = ctx.query.get('projectKey');
    const projectRef = projectId ?? projectKey;
    if (projectRef !== null && !s.catalog.project(projectRef)) {
      throw JiraError.notFound(projectId !== null ? `No project could be found with id '${projectId}'.` : `No project could be found with key '${projectRef}'.`);
    }
    const issueRef = ctx.query.get('issueId') ?? ctx.query.get('issueKey');
    const issue = issueRef !== null ? s.issues.find(issueRef) : undefined;
    if (commentId !== null) {
      const id = Number(commentId);
      const found = Number.isInteger(id) && (issue ? s.store.comment(issue.id, id) : s.store.allComments().find((c) => c.id === id));
      if (!found) throw JiraError.notFound(`Can not find a comment for the id: ${commentId}.`);
    }

    const isAdmin = ctx.actor.accountId === s.adminAccountId;
    const permissions: Record<string, PermissionDefinition & { havePermission: boolean }> = {};
    for (const d of defs) permissions[d.key] = { ...d, havePermission: hasPermission(ctx.actor, isAdmin, d.key) };
    return { status: 200, body: { permissions } };
  });
}
