import { z } from 'zod';
import { JiraError } from '../http/jira-error';
import type { Router } from '../http/router';
import type { IssueRecord } from '../storage/records';
import type { RemoteLinkInput, RemoteLinkRecord, RemoteLinkStore } from '../storage/remote-link-store';
import type { Services } from './services';

const linkInput = z.object({
  globalId: z.string().max(255).optional(),
  relationship: z.string().max(255).optional(),
  application: z.record(z.string(), z.unknown()).optional(),
  object: z.record(z.string(), z.unknown()).optional(),
}).passthrough();

/** Validates a RemoteIssueLinkRequest; Jira's per-field messages on failure. */
function parseLink(body: unknown): RemoteLinkInput {
  const parsed = linkInput.safeParse(body);
  if (!parsed.success) throw JiraError.badRequest('Invalid request payload. Refer to the REST API documentation and try again.');
  const { object, globalId, relationship, application } = parsed.data;
  const errors: Record<string, string> = {};
  const title = object?.title;
  const url = object?.url;
  if (typeof title !== 'string' || title.trim() === '') errors.title = "'title' is required.";
  if (typeof url !== 'string' || url.trim() === '') errors.url = "'url' is required.";
  else if (!URL.canParse(url)) errors.url = `'${url}' is not a valid URL.`;
  if (Object.keys(errors).length > 0 || !object) throw JiraError.fields(errors);
  return { globalId: globalId ?? null, relationship: relationship ?? null, object, application: application ?? null };
}

/** /issue/{issueIdOrKey}/remotelink: list, get, create or update (by globalId), update, delete */
export function remoteLinkRoutes(router: Router, s: Services, links: RemoteLinkStore): void {
  const render = (issue: IssueRecord, l: RemoteLinkRecord): Record<string, unknown> => ({
    id: l.id, self: `${s.render.api}/issue/${issue.id}/remotelink/${l.id}`,
    ...(l.globalId !== null ? { globalId: l.globalId } : {}), application: l.application ?? {},
    ...(l.relationship !== null ? { relationship: l.relationship } : {}), object: l.object,
  });
  const find = (issue: IssueRecord, linkId: string): RemoteLinkRecord => {
    const link = /^\d+$/.test(linkId) ? links.byId(issue.id, Number(linkId)) : undefined;
    if (!link) throw JiraError.notFound(`No remote link with id '${linkId}' exists on issue ${issue.key}.`);
    return link;
  };
  const tx = <T>(work: () => T): T => s.db.transaction(work)();

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const globalId = ctx.query.get('globalId');
    if (globalId === null) return { status: 200, body: links.list(issue.id).map((l) => render(issue, l)) };
    const link = links.byGlobalId(issue.id, globalId);
    if (!link) throw JiraError.notFound(`No remote link with global id '${globalId}' exists on issue ${issue.key}.`);
    return { status: 200, body: render(issue, link) };
  });

  router.add('POST', '/rest/api/3/issue/{issueIdOrKey}/remotelink', (ctx) => {
    const input = parseLink(ctx.body());
    return tx(() => {
      const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
      const existing = input.globalId === null ? undefined : links.byGlobalId(issue.id, input.globalId);
      if (existing) links.update(existing.id, input);
      const link = existing ?? links.insert(issue.id, input);
      return { status: existing ? 200 : 201, body: { id: link.id, self: `${s.render.api}/issue/${issue.id}/remotelink/${link.id}` } };
    });
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    return { status: 200, body: render(issue, find(issue, ctx.params.linkId ?? '')) };
  });

  router.add('PUT', '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', (ctx) => {
    const input = parseLink(ctx.body());
    return tx(() => {
      const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
      const link = find(issue, ctx.params.linkId ?? '');
      const clash = input.globalId === null ? undefined : links.byGlobalId(issue.id, input.globalId);
      if (clash && clash.id !== link.id) throw JiraError.fields({ globalId: `Another remote link on ${issue.key} already has the global id '${input.globalId ?? ''}'.` });
      links.update(link.id, input);
      return { status: 204 };
    });
  });

  router.add('DELETE', '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', (ctx) => tx(() => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    links.delete(find(issue, ctx.params.linkId ?? '').id);
    return { status: 204 };
  }));

  router.add('DELETE', '/rest/api/3/issue/{issueIdOrKey}/remotelink', (ctx) => tx(() => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const globalId = ctx.query.get('globalId');
    if (globalId === null || globalId === '') throw JiraError.badRequest("The query parameter 'globalId' is required.");
    const link = links.byGlobalId(issue.id, globalId);
    if (!link) throw JiraError.notFound(`No remote link with global id '${globalId}' exists on issue ${issue.key}.`);
    links.delete(link.id);
    return { status: 204 };
  }));
}
