import { JiraError } from '../http/jira-error';
import type { RouteContext, Router } from '../http/router';
import { hasPermission } from '../permissions';
import type { Services } from './services';

/**
 * /issueLinkType, /issueLinkType/{issueLinkTypeId}, /issueLink, /issueLink/{linkId}: issue link types
 * (seeded, read only) and issue links (sandbox/jira/issue-links.ts, README "Issue links"). Sources:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/ and
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-link-types/.
 */
export function linkRoutes(router: Router, s: Services): void {
  const can = (ctx: RouteContext, key: string): boolean => hasPermission(ctx.actor, ctx.actor.accountId === s.adminAccountId, key);
  /** the spec's 404s: "the user cannot view one or both of the issues", "the user does not have *link issues* project permission" */
  const mayLink = (ctx: RouteContext): void => {
    if (!can(ctx, 'BROWSE_PROJECTS')) throw JiraError.issueNotFound();
    if (!can(ctx, 'LINK_ISSUES')) throw JiraError.notFound('You do not have the permission to link issues (Link Issues).');
  };
  const linkId = (ctx: RouteContext): number => {
    const raw = ctx.params.linkId ?? '';
    // 400 "Returned if the issue link ID is invalid"
    if (!/^\d+$/.test(raw)) throw JiraError.badRequest(`The issue link id '${raw}' is not valid.`);
    return Number(raw);
  };

  // "Permissions required: Browse projects project permission for a project in the site"
  router.add('GET', '/rest/api/3/issueLinkType', (ctx) => {
    if (!can(ctx, 'BROWSE_PROJECTS')) throw JiraError.notFound('Issue linking is not available to you.');
    return { status: 200, body: { issueLinkTypes: s.links.types().map((t) => s.linkView.linkType(t)) } };
  });

  router.add('GET', '/rest/api/3/issueLinkType/{issueLinkTypeId}', (ctx) => {
    const raw = ctx.params.issueLinkTypeId ?? '';
    // 400 "Returned if the issue link type ID is invalid", 404 "the issue link type is not found"
    if (!/^\d+$/.test(raw)) throw JiraError.badRequest(`The issue link type id '${raw}' is not valid.`);
    const t = can(ctx, 'BROWSE_PROJECTS') ? s.links.typeById(Number(raw)) : undefined;
    if (!t) throw JiraError.notFound(`No issue link type with id '${raw}' found.`);
    return { status: 200, body: s.linkView.linkType(t) };
  });

  // "This resource returns nothing on the creation of an issue link": 201 without a body
  router.add('POST', '/rest/api/3/issueLink', (ctx) => {
    mayLink(ctx);
    s.issues.linkIssues(ctx.actor, ctx.body());
    return { status: 201 };
  });

  router.add('GET', '/rest/api/3/issueLink/{linkId}', (ctx) => {
    const id = linkId(ctx);
    const link = s.links.link(id);
    const body = link && can(ctx, 'BROWSE_PROJECTS') ? s.linkView.link(link) : undefined;
    if (!body) throw JiraError.notFound(`No issue link with id '${id}' exists.`);
    return { status: 200, body };
  });

  // "Link issues project permission for at least one of the projects containing issues in the link"; 204
  router.add('DELETE', '/rest/api/3/issueLink/{linkId}', (ctx) => {
    const id = linkId(ctx);
    mayLink(ctx);
    s.issues.deleteIssueLink(ctx.actor, String(id));
    return { status: 204 };
  });
}
