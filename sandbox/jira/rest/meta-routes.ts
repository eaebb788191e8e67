import { z } from 'zod';
import { JiraError } from '../http/jira-error';
import type { Router } from '../http/router';
import { jiraDate } from '../jira-date';
import type { Json } from '../render';
import { SYSTEM_FIELDS } from '../render';
import { CUSTOM_FIELD_TYPE_PREFIX, CUSTOM_FIELD_TYPES, customFieldType } from '../custom-field-types';
import { mayConfigureFields } from './custom-field-routes';
import type { ProjectRecord } from '../storage/records';
import { customFieldId } from '../storage/records';
import { fieldMetadata } from './field-meta';
import { intParam, type Services } from './services';

/** `{startAt, maxResults, total, isLast, values}` of a list */
function page<T>(all: readonly T[], startAt: number, maxResults: number, self: string): Json {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  return {
    self, maxResults, startAt, total: all.length, isLast,
    ...(isLast ? {} : { nextPage: `${self.split('?')[0] ?? self}?startAt=${startAt + maxResults}&maxResults=${maxResults}` }), values,
  };
}

const customFieldInput = z.object({ name: z.string(), type: z.string(), description: z.string().optional(), searcherKey: z.string().optional() });

/** fields, issue types, projects, priorities, statuses, createmeta, users, server info */
export function metaRoutes(router: Router, s: Services): void {
  const api = (): string => s.render.api;
  const project = (idOrKey: string): ProjectRecord => {
    const p = s.catalog.project(idOrKey);
    if (!p) throw JiraError.notFound(`No project could be found with key '${idOrKey}'.`);
    return p;
  };

  router.add('GET', '/rest/api/3/field', () => ({ status: 200, body: s.render.fieldDetails() }));

  // createCustomField (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-post):
  // "Administer Jira" global permission (mayConfigureFields); the spec answers 400 "if the user does not have permission to create custom fields"
  router.add('POST', '/rest/api/3/field', (ctx) => {
    if (!mayConfigureFields(ctx.actor, s.adminAccountId)) throw JiraError.badRequest('Only Jira administrators can create custom fields.');
    const input = customFieldInput.safeParse(ctx.body());
    if (!input.success) {
      const errors: Record<string, string> = {};
      for (const issue of input.error.issues) errors[String(issue.path[0] ?? 'body')] = `The ${String(issue.path[0] ?? 'body')} is required and must be a string.`;
      throw JiraError.fields(errors);
    }
    const { name, type, description = '', searcherKey } = input.data;
    if (name.trim() === '') throw JiraError.fields({ name: 'The custom field name must not be empty.' });
    if (name.length > 255) throw JiraError.fields({ name: 'The custom field name must not be longer than 255 characters.' });
    const fieldType = customFieldType(type);
    if (!fieldType) {
      throw JiraError.fields({ type: `Custom field type '${type}' is not available in this sandbox; supported: ${CUSTOM_FIELD_TYPES.map((t) => t.short).join(', ')} (prefixed ${CUSTOM_FIELD_TYPE_PREFIX}).` });
    }
    // "You must specify a searcher that is valid for the field type … If no searcher is provided, the field isn't searchable."
    if (searcherKey !== undefined && !fieldType.searchers.includes(searcherKey)) {
      throw JiraError.fields({ searcherKey: `The searcher '${searcherKey}' is not valid for the field type '${fieldType.short}'; valid: ${fieldType.searchers.join(', ')}.` });
    }
    const field = s.db.transaction(() => s.catalog.insertCustomField(name.trim(), description, type, searcherKey ?? ''))();
    s.catalog.reload();
    return { status: 201, body: s.render.customFieldDetails(field) };
  });

  router.add('GET', '/rest/api/3/field/search', (ctx) => {
    const query = (ctx.query.get('query') ?? '').toLowerCase();
    const types = ctx.query.getAll('type').flatMap((t) => t.split(','));
    const ids = ctx.query.getAll('id').flatMap((t) => t.split(','));
    const system = SYSTEM_FIELDS.filter((f) => f.schema).map((f) => ({ id: f.id, key: f.id, name: f.name, schema: f.schema, custom: false, searcherKey: undefined, description: undefined }));
    const custom = s.catalog.customFields.map((f) => ({ id: customFieldId(f.id), key: customFieldId(f.id), name: f.name, schema: s.render.customFieldSchema(f), custom: true, searcherKey: f.searcherKey === '' ? undefined : f.searcherKey, description: f.description }));
    const all = [...system, ...custom].filter((f) =>
      (query === '' || f.name.toLowerCase().includes(query) || f.id.toLowerCase().includes(query))
      && (types.length === 0 || types.includes(f.custom ? 'custom' : 'system'))
      && (ids.length === 0 || ids.includes(f.id)));
    const values = all.map((f) => ({
      id: f.id, key: f.key, name: f.name, schema: f.schema, isLocked: false, stableId: `sfid:${f.id}`,
      ...(f.description !== undefined ? { description: f.description } : {}), ...(f.searcherKey !== undefined ? { searcherKey: f.searcherKey } : {}),
    }));
    return { status: 200, body: page(values, intParam(ctx.query, 'startAt', 0), Math.min(intParam(ctx.query, 'maxResults', 50), 1000), `${api()}/field/search`) };
  });

  router.add('GET', '/rest/api/3/issuetype', () => ({ status: 200, body: s.catalog.issueTypes.map((t) => s.render.issueType(t)) }));
  router.add('GET', '/rest/api/3/issuetype/project', (ctx) => {
    const projectId = ctx.query.get('projectId');
    if (projectId === null || !/^\d+$/.test(projectId)) throw JiraError.badRequest("The query parameter 'projectId' is required and must be a number.");
    const p = s.catalog.project(projectId);
    if (!p) throw JiraError.notFound(`No project could be found with id '${projectId}'.`);
    const level = ctx.query.get('level');
    return { status: 200, body: s.catalog.issueTypes.filter((t) => level === null || String(t.hierarchyLevel) === level).map((t) => s.render.issueType(t)) };
  });
  router.add('GET', '/rest/api/3/issuetype/{id}', (ctx) => {
    const t = s.catalog.issueTypes.find((x) => String(x.id) === ctx.params.id);
    if (!t) throw JiraError.notFound('The issue type with this ID does not exist.');
    return { status: 200, body: s.render.issueType(t) };
  });

  router.add('GET', '/rest/api/3/project', () => ({ status: 200, body: s.catalog.projects.map((p) => s.render.projectRef(p)) }));
  router.add('GET', '/rest/api/3/project/search', (ctx) => {
    const query = (ctx.query.get('query') ?? '').toLowerCase();
    const keys = ctx.query.getAll('keys').flatMap((k) => k.split(','));
    const ids = ctx.query.getAll('id').flatMap((k) => k.split(','));
    const all = s.catalog.projects.filter((p) =>
      (query === '' || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
      && (keys.length === 0 || keys.includes(p.key)) && (ids.length === 0 || ids.includes(String(p.id))));
    const values = all.map((p) => ({ expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight', ...s.render.projectRef(p), style: 'classic', isPrivate: false, properties: {} }));
    return { status: 200, body: page(values, intParam(ctx.query, 'startAt', 0), Math.min(intParam(ctx.query, 'maxResults', 50), 100), `${api()}/project/search`) };
  });
  router.add('GET', '/rest/api/3/project/{projectIdOrKey}', (ctx) => {
    const p = project(ctx.params.projectIdOrKey ?? '');
    // with its components and versions (project-parts.ts): the spec's Project lists both
    return { status: 200, body: { ...s.render.project(p), ...s.partsView.ofProject(p) } };
  });
  router.add('GET', '/rest/api/3/project/{projectIdOrKey}/statuses', (ctx) => {
    project(ctx.params.projectIdOrKey ?? '');
    const statuses = s.catalog.statuses.map((st) => s.render.status(st));
    return { status: 200, body: s.catalog.issueTypes.map((t) => ({ self: `${api()}/issuetype/${t.id}`, id: String(t.id), name: t.name, subtask: t.subtask, statuses })) };
  });

  router.add('GET', '/rest/api/3/priority', () => ({ status: 200, body: s.catalog.priorities.map((p) => s.render.priority(p)) }));
  router.add('GET', '/rest/api/3/priority/search', (ctx) => {
    const ids = ctx.query.getAll('id').flatMap((k) => k.split(','));
    const name = (ctx.query.get('priorityName') ?? '').toLowerCase();
    const onlyDefault = ctx.query.get('onlyDefault') === 'true';
    const all = s.catalog.priorities.filter((p) => (ids.length === 0 || ids.includes(String(p.id))) && (name === '' || p.name.toLowerCase().includes(name)) && (!onlyDefault || p.isDefault));
    return { status: 200, body: page(all.map((p) => s.render.priority(p)), intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 50), `${api()}/priority/search`) };
  });
  router.add('GET', '/rest/api/3/priority/{id}', (ctx) => {
    const p = s.catalog.priorities.find((x) => String(x.id) === ctx.params.id);
    if (!p) throw JiraError.notFound(`The priority with ID '${ctx.params.id ?? ''}' does not exist.`);
    return { status: 200, body: s.render.priority(p) };
  });

  // resolutions (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-resolutions/):
  // GET /resolution is deprecated for /resolution/search, "a paginated list of resolutions"
  router.add('GET', '/rest/api/3/resolution', () => ({ status: 200, body: s.catalog.resolutions.map((r) => s.render.resolution(r)) }));
  router.add('GET', '/rest/api/3/resolution/search', (ctx) => {
    const ids = ctx.query.getAll('id').flatMap((k) => k.split(',')).filter((k) => k !== '');
    const onlyDefault = ctx.query.get('onlyDefault') === 'true';
    const all = s.catalog.resolutions.filter((r) => (ids.length === 0 || ids.includes(String(r.id))) && (!onlyDefault || r.isDefault));
    return { status: 200, body: page(all.map((r) => s.render.resolutionBean(r)), intParam(ctx.query, 'startAt', 0), Math.min(intParam(ctx.query, 'maxResults', 50), 100), `${api()}/resolution/search`) };
  });
  router.add('GET', '/rest/api/3/resolution/{id}', (ctx) => {
    const r = s.catalog.resolutions.find((x) => String(x.id) === ctx.params.id);
    if (!r) throw JiraError.notFound(`The resolution with ID '${ctx.params.id ?? ''}' does not exist.`);
    return { status: 200, body: s.render.resolution(r) };
  });

  router.add('GET', '/rest/api/3/status', () => ({ status: 200, body: s.catalog.statuses.map((st) => s.render.status(st)) }));
  router.add('GET', '/rest/api/3/status/{idOrName}', (ctx) => {
    const st = s.catalog.status(ctx.params.idOrName ?? '');
    if (!st) throw JiraError.notFound(`The status with ID or name '${ctx.params.idOrName ?? ''}' does not exist.`);
    return { status: 200, body: s.render.status(st) };
  });
  router.add('GET', '/rest/api/3/statuscategory', () => ({
    status: 200, body: (['undefined', 'new', 'done', 'indeterminate'] as const).map((k) => s.render.statusCategory(k)),
  }));
  router.add('GET', '/rest/api/3/statuses', (ctx) => {
    const ids = ctx.query.getAll('id').flatMap((k) => k.split(','));
    return { status: 200, body: s.catalog.statuses.filter((st) => ids.length === 0 || ids.includes(String(st.id))).map((st) => s.render.jiraStatus(st)) };
  });
  router.add('GET', '/rest/api/3/statuses/search', (ctx) => {
    const text = (ctx.query.get('searchString') ?? '').toLowerCase();
    const category = ctx.query.get('statusCategory');
    const projectId = ctx.query.get('projectId');
    const all = s.catalog.statuses.map((st) => s.render.jiraStatus(st)).filter((st) =>
      (text === '' || String(st.name).toLowerCase().includes(text)) && (category === null || st.statusCategory === category) && (projectId === null || s.catalog.project(projectId)));
    return { status: 200, body: page(all, intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 200), `${api()}/statuses/search`) };
  });

  router.add('GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', (ctx) => {
    project(ctx.params.projectIdOrKey ?? '');
    const startAt = intParam(ctx.query, 'startAt', 0);
    const maxResults = Math.min(intParam(ctx.query, 'maxResults', 50), 200);
    const all = s.catalog.issueTypes.map((t) => s.render.issueType(t));
    return { status: 200, body: { maxResults, startAt, total: all.length, issueTypes: all.slice(startAt, startAt + maxResults) } };
  });
  router.add('GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', (ctx) => {
    const p = project(ctx.params.projectIdOrKey ?? '');
    const type = s.catalog.issueTypes.find((t) => String(t.id) === ctx.params.issueTypeId);
    if (!type) throw JiraError.badRequest(`The issue type with id '${ctx.params.issueTypeId ?? ''}' does not exist or is not valid for the project.`);
    const startAt = intParam(ctx.query, 'startAt', 0);
    const maxResults = Math.min(intParam(ctx.query, 'maxResults', 50), 200);
    const all = fieldMetadata(s, p, type.id);
    return { status: 200, body: { maxResults, startAt, total: all.length, fields: all.slice(startAt, startAt + maxResults) } };
  });

  router.add('GET', '/rest/api/3/myself', (ctx) => ({ status: 200, body: s.render.user(ctx.actor) }));
  router.add('GET', '/rest/api/3/user', (ctx) => {
    const accountId = ctx.query.get('accountId');
    if (accountId === null || accountId === '') throw JiraError.badRequest("The query parameter 'accountId' is required.");
    const a = s.accounts.get(accountId);
    if (!a) throw JiraError.notFound('Specified user does not exist or you do not have required permissions');
    return { status: 200, body: s.render.user(a) };
  });
  router.add('GET', '/rest/api/3/user/search', (ctx) => {
    const query = ctx.query.get('query');
    const accountId = ctx.query.get('accountId');
    if ((query === null || query === '') && (accountId === null || accountId === '')) {
      throw JiraError.badRequest("One of 'query' or 'accountId' query parameters must be provided.");
    }
    const found = accountId ? s.accounts.all().filter((a) => a.accountId === accountId) : s.accounts.search(query ?? '');
    const startAt = intParam(ctx.query, 'startAt', 0);
    const maxResults = Math.min(intParam(ctx.query, 'maxResults', 50), 1000);
    return { status: 200, body: found.slice(startAt, startAt + maxResults).map((a) => s.render.user(a)) };
  });

  router.add('GET', '/rest/api/3/serverInfo', () => ({
    status: 200,
    body: {
      baseUrl: s.baseUrl(), displayUrl: s.baseUrl(), version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0],
      deploymentType: 'Cloud', buildNumber: 100300, buildDate: '2026-11-01T00:00:00.000+0000', serverTime: jiraDate(s.now()),
      scmInfo: 'twin-sync-sandbox', serverTitle: `Jira (${s.siteName}, sandbox)`, serverTimeZone: 'Etc/UTC',
    },
  }));
}
