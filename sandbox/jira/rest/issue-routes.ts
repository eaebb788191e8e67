import { JiraError } from '../http/jira-error';
import type { Router } from '../http/router';
import { FieldSelection, parseExpand } from '../issue-view';
import { jiraDate } from '../jira-date';
import { fieldMetadata } from './field-meta';
import { intParam, listParam, type Services } from './services';

/** /issue, /issue/bulk, /issue/{issueIdOrKey} and its transitions, comments and properties */
export function issueRoutes(router: Router, s: Services): void {
  const issueSelf = (id: number): string => `${s.render.api}/issue/${id}`;

  router.add('POST', '/rest/api/3/issue', (ctx) => {
    const body = ctx.body();
    const issue = s.issues.create(ctx.actor, body);
    const transition = typeof body === 'object' && body !== null && 'transition' in body ? { transition: { status: 200, errorCollection: { errorMessages: [], errors: {} } } } : {};
    return { status: 201, body: { id: String(issue.id), key: issue.key, self: issueSelf(issue.id), ...transition } };
  });

  router.add('POST', '/rest/api/3/issue/bulk', (ctx) => {
    const { created, failed } = s.issues.createBulk(ctx.actor, ctx.body());
    const body = {
      issues: created.map((i) => ({ id: String(i.id), key: i.key, self: issueSelf(i.id) })),
      errors: failed.map((f) => ({ status: f.error.status, elementErrors: f.error.body(), failedElementNumber: f.index })),
    };
    return { status: created.length === 0 && failed.length > 0 ? 400 : 201, body };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const selection = FieldSelection.parse(listParam(ctx.query, 'fields'), '*all');
    return { status: 200, body: s.view.issue(issue, selection, parseExpand(listParam(ctx.query, 'expand')), listParam(ctx.query, 'properties')) };
  });

  router.add('PUT', '/rest/api/3/issue/{issueIdOrKey}', (ctx) => {
    const issue = s.issues.edit(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.body());
    if (ctx.query.get('returnIssue') === 'true') {
      return { status: 200, body: s.view.issue(issue, FieldSelection.parse([], '*all'), parseExpand(listParam(ctx.query, 'expand'))) };
    }
    return { status: 204 };
  });

  router.add('DELETE', '/rest/api/3/issue/{issueIdOrKey}', (ctx) => {
    s.issues.delete(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.query.get('deleteSubtasks') === 'true');
    return { status: 204 };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/editmeta', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const fields: Record<string, unknown> = {};
    for (const { fieldId, ...meta } of fieldMetadata(s, s.catalog.projectById(issue.projectId), issue.issueTypeId)) {
      if (fieldId === 'project' || typeof fieldId !== 'string') continue;
      fields[fieldId] = meta;
    }
    return { status: 200, body: { fields } };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/changelog', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const startAt = intParam(ctx.query, 'startAt', 0);
    const maxResults = Math.min(intParam(ctx.query, 'maxResults', 100), 100);
    const all = s.store.changelogs(issue.id);
    const values = all.slice(startAt, startAt + maxResults).map((h) => ({
      id: String(h.id), author: s.render.userRef(h.author), created: jiraDate(h.created), items: h.items,
    }));
    return {
      status: 200,
      body: { self: `${issueSelf(issue.id)}/changelog?startAt=${startAt}&maxResults=${maxResults}`, maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, values },
    };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const only = ctx.query.get('transitionId');
    const transitions = s.view.transitions(issue).filter((t) => only === null || t.id === only);
    return { status: 200, body: { expand: 'transitions', transitions } };
  });

  router.add('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions', (ctx) => {
    s.issues.transition(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.body());
    return { status: 204 };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/comment', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const startAt = intParam(ctx.query, 'startAt', 0);
    const maxResults = Math.min(intParam(ctx.query, 'maxResults', 100), 5000);
    const orderBy = ctx.query.get('orderBy') ?? 'created';
    if (!['created', '+created', '-created'].includes(orderBy)) throw JiraError.badRequest(`Comments can only be ordered by created; '${orderBy}' is not supported.`);
    const all = s.store.comments(issue.id);
    if (orderBy === '-created') all.reverse();
    const page = all.slice(startAt, startAt + maxResults);
    return { status: 200, body: { startAt, maxResults, total: all.length, comments: page.map((c) => s.render.comment(issue.id, c)) } };
  });

  router.add('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', (ctx) => {
    const { issue, comment } = s.issues.addComment(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.body());
    return { status: 201, body: s.render.comment(issue.id, comment) };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    return { status: 200, body: s.render.comment(issue.id, s.issues.findComment(issue, ctx.params.id ?? '')) };
  });

  router.add('PUT', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (ctx) => {
    const { issue, comment } = s.issues.updateComment(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.params.id ?? '', ctx.body());
    return { status: 200, body: s.render.comment(issue.id, comment) };
  });

  router.add('DELETE', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (ctx) => {
    s.issues.deleteComment(ctx.actor, ctx.params.issueIdOrKey ?? '', ctx.params.id ?? '');
    return { status: 204 };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/properties', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const keys = s.store.properties(issue.id).map((p) => ({ key: p.key, self: `${issueSelf(issue.id)}/properties/${encodeURIComponent(p.key)}` }));
    return { status: 200, body: { keys } };
  });

  router.add('GET', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    const key = ctx.params.propertyKey ?? '';
    const p = s.store.property(issue.id, key);
    if (!p) throw JiraError.notFound(`The property with key '${key}' does not exist.`);
    return { status: 200, body: { key: p.key, value: p.value } };
  });

  router.add('PUT', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
    const created = s.issues.setProperty(ctx.params.issueIdOrKey ?? '', ctx.params.propertyKey ?? '', ctx.body());
    return { status: created ? 201 : 200, body: {} };
  });

  router.add('DELETE', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
    s.issues.deleteProperty(ctx.params.issueIdOrKey ?? '', ctx.params.propertyKey ?? '');
    return { status: 204 };
  });
}
