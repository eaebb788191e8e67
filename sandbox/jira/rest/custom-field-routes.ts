import { z } from 'zod';
import { optionKind, customFieldType } from '../custom-field-types';
import { JiraError } from '../http/jira-error';
import type { RouteContext, Router } from '../http/router';
import { hasPermission } from '../permissions';
import type { AccountRecord } from '../storage/records';
import type { Json } from '../render';
import type { FieldContextRecord, FieldOptionRecord } from '../storage/field-config-store';
import type { CustomFieldRecord } from '../storage/records';
import { customFieldId } from '../storage/records';
import { intParam, type Services } from './services';

/**
 * Custom field contexts and options:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
 * (`getContextsForField`, `createCustomFieldContext`) and
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
 * (`getOptionsForContext`, `createCustomFieldOption`, `updateCustomFieldOption`, `getCustomFieldOption`).
 * Messages in quotes are the spec's own examples; the others are the sandbox's (sandbox/jira/README.md,
 * Custom fields).
 */

const FIELD_NOT_FOUND = 'The custom field was not found.';
const CONTEXT_NOT_FOUND = 'The context was not found.';
const NO_OPTIONS = "The custom field doesn't support options.";
const CONTEXTS_ADMIN_ONLY = 'Only Jira administrators can access custom field contexts.';
const OPTIONS_ADMIN_ONLY = 'Only Jira administrators can manage custom field options.';
const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
/** "The maximum number of options that can be created per request is 1000 and each field can have a maximum of 10000 options." */
const MAX_OPTIONS_PER_REQUEST = 1000;
const MAX_OPTIONS_PER_FIELD = 10000;
const MAX_NAME = 255;

// the request bodies' schemas are `additionalProperties: false`: unknown members are refused (the harsher reading)
const contextInput = z.strictObject({
  name: z.string(), description: z.string().optional(),
  projectIds: z.array(z.string()).optional(), issueTypeIds: z.array(z.string()).optional(),
});
const optionCreateInput = z.strictObject({
  options: z.array(z.strictObject({ value: z.string(), disabled: z.boolean().optional(), optionId: z.string().optional() })),
});
const optionUpdateInput = z.strictObject({
  options: z.array(z.strictObject({ id: z.string(), value: z.string().optional(), disabled: z.boolean().optional() })),
});

/** `{self, maxResults, startAt, total, isLast, nextPage?, values}` */
function page(all: readonly Json[], startAt: number, maxResults: number, self: string): Json {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  return { self, maxResults, startAt, total: all.length, isLast, ...(isLast ? {} : { nextPage: `${self}?startAt=${startAt + maxResults}&maxResults=${maxResults}` }), values };
}

/** a boolean query parameter: absent → undefined; anything but true/false → 400 (the harsher reading) */
function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw JiraError.badRequest(`The value '${raw}' of the query parameter '${name}' is not a boolean.`);
}

function idParam(raw: string, name: string): number {
  if (!/^\d+$/.test(raw)) throw JiraError.badRequest(`The value '${raw}' of the query parameter '${name}' is not an integer.`);
  return Number(raw);
}

const sameValue = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Who may create custom fields and manage their contexts and options ("Administer Jira"): the site
 * admin, and app accounts. An app's requests reach the site only after the Forge runtime checked them
 * against the manifest's scopes (`manage:jira-configuration` for these operations, sandbox/jira/scopes/),
 * and "the system user provisioned for your app will be given the appropriate permissions tied to the
 * scopes defined in the permissions.scopes section of your app's manifest"
 * (https://community.developer.atlassian.com/t/forge-apps-can-now-access-restricted-resources/54999).
 * Everyone else (the seeded people) lacks it.
 */
export function mayConfigureFields(actor: AccountRecord, adminAccountId: string): boolean {
  return actor.accountType === 'app' ? actor.active : hasPermission(actor, actor.accountId === adminAccountId, 'ADMINISTER');
}

export function customFieldRoutes(router: Router, s: Services): void {
  const config = s.catalog.fieldConfig;
  const isAdmin = (ctx: RouteContext): boolean => mayConfigureFields(ctx.actor, s.adminAccountId);
  const requireAdmin = (ctx: RouteContext, message: string): void => {
    if (!isAdmin(ctx)) throw new JiraError(403, [message]);
  };
  /** `customfield_NNNNN` only: system fields have no contexts, and a bare number names no field (the harsher reading) */
  const field = (raw: string | undefined): CustomFieldRecord => {
    const f = raw === undefined ? undefined : s.catalog.customField(raw);
    if (!f) throw JiraError.notFound(FIELD_NOT_FOUND);
    return f;
  };
  const context = (f: CustomFieldRecord, raw: string | undefined): FieldContextRecord => {
    const c = raw !== undefined && /^\d+$/.test(raw) ? config.context(f.id, Number(raw)) : undefined;
    if (!c) throw JiraError.notFound(CONTEXT_NOT_FOUND);
    return c;
  };
  const optionField = (f: CustomFieldRecord): void => {
    if (optionKind(customFieldType(f.type)) === 'none') throw JiraError.badRequest(NO_OPTIONS);
  };
  const contextJson = (c: FieldContextRecord): Json => ({
    id: String(c.id), name: c.name, description: c.description, isGlobalContext: c.projectIds.length === 0, isAnyIssueType: c.issueTypeIds.length === 0,
  });
  const optionJson = (o: FieldOptionRecord): Json => ({
    id: String(o.id), value: o.value, disabled: o.disabled, ...(o.parentId !== null ? { optionId: String(o.parentId) } : {}),
  });
  /** the search index re-reads the issues holding a field whose options changed (JQL compares option values) */
  const reindexHolders = (f: CustomFieldRecord): void => {
    const id = customFieldId(f.id);
    for (const issue of s.store.allIssues()) if (issue.custom[id] !== undefined) s.index.refresh(issue.id);
  };

  router.add('GET', '/rest/api/3/field/{fieldId}/context', (ctx) => {
    requireAdmin(ctx, CONTEXTS_ADMIN_ONLY);
    const f = field(ctx.params.fieldId);
    const anyIssueType = boolParam(ctx.query, 'isAnyIssueType');
    const global = boolParam(ctx.query, 'isGlobalContext');
    const ids = ctx.query.getAll('contextId').map((raw) => idParam(raw, 'contextId'));
    const all = config.contextsOf(f.id).filter((c) =>
      (anyIssueType === undefined || (c.issueTypeIds.length === 0) === anyIssueType)
      && (global === undefined || (c.projectIds.length === 0) === global)
      && (ids.length === 0 || ids.includes(c.id)));
    return {
      status: 200,
      body: page(all.map(contextJson), intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 50), `${s.render.api}/field/${customFieldId(f.id)}/context`),
    };
  });

  router.add('POST', '/rest/api/3/field/{fieldId}/context', (ctx) => {
    requireAdmin(ctx, CONTEXTS_ADMIN_ONLY);
    const f = field(ctx.params.fieldId);
    const input = contextInput.safeParse(ctx.body());
    if (!input.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    const { name, description = '' } = input.data;
    if (name.trim() === '') throw JiraError.badRequest('The context name must not be empty.');
    if (name.length > MAX_NAME || description.length > MAX_NAME) throw JiraError.badRequest(`The context name and description must not be longer than ${MAX_NAME} characters.`);
    // "Returned if the field, project, or issue type is not found."
    const projectIds = [...new Set(input.data.projectIds ?? [])].map((raw) => {
      const p = /^\d+$/.test(raw) ? s.catalog.projects.find((x) => String(x.id) === raw) : undefined;
      if (!p) throw JiraError.notFound(`The project with ID '${raw}' was not found.`);
      return p.id;
    });
    const issueTypeIds = [...new Set(input.data.issueTypeIds ?? [])].map((raw) => {
      const t = s.catalog.issueTypes.find((x) => String(x.id) === raw);
      if (!t) throw JiraError.notFound(`The issue type with ID '${raw}' was not found.`);
      return t.id;
    });
    // a project belongs to one context of a field at most ("If any project in the request is assigned to any
    // context of the custom field, the operation fails", assignProjectsToCustomFieldContext); likewise one global context
    const existing = config.contextsOf(f.id);
    if (projectIds.length === 0 && existing.some((c) => c.projectIds.length === 0)) throw JiraError.badRequest('The custom field already has a global context.');
    const taken = projectIds.find((p) => existing.some((c) => c.projectIds.includes(p)));
    if (taken !== undefined) throw JiraError.badRequest(`The project with ID '${taken}' is already assigned to a context of the custom field.`);
    const created = s.db.transaction(() => config.insertContext({ fieldId: f.id, name, description, projectIds, issueTypeIds }))();
    s.catalog.reload();
    return {
      status: 201,
      body: { id: String(created.id), name: created.name, description: created.description, projectIds: created.projectIds.map(String), issueTypeIds: created.issueTypeIds.map(String) },
    };
  });

  router.add('GET', '/rest/api/3/field/{fieldId}/context/{contextId}/option', (ctx) => {
    requireAdmin(ctx, OPTIONS_ADMIN_ONLY);
    const f = field(ctx.params.fieldId);
    optionField(f);
    const c = context(f, ctx.params.contextId);
    const rawOption = ctx.query.get('optionId');
    const optionId = rawOption === null ? undefined : idParam(rawOption, 'optionId');
    const onlyOptions = boolParam(ctx.query, 'onlyOptions') ?? false;
    // "Options are returned first then cascading options, in the order they display in Jira"; `optionId`: that option and its cascading options
    const all = config.optionsOf(c.id).filter((o) =>
      (!onlyOptions || o.parentId === null) && (optionId === undefined || o.id === optionId || o.parentId === optionId));
    return {
      status: 200,
      body: page(all.map(optionJson), intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 100), `${s.render.api}/field/${customFieldId(f.id)}/context/${c.id}/option`),
    };
  });

  router.add('POST', '/rest/api/3/field/{fieldId}/context/{contextId}/option', (ctx) => {
    requireAdmin(ctx, OPTIONS_ADMIN_ONLY);
    const f = field(ctx.params.fieldId);
    optionField(f);
    const c = context(f, ctx.params.contextId);
    const input = optionCreateInput.safeParse(ctx.body());
    if (!input.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    const wanted = input.data.options;
    if (wanted.length === 0) throw JiraError.badRequest('At least one option is required.');
    if (wanted.length > MAX_OPTIONS_PER_REQUEST) throw JiraError.badRequest(`At most ${MAX_OPTIONS_PER_REQUEST} options can be created per request.`);
    if (config.optionCountOfField(f.id) + wanted.length > MAX_OPTIONS_PER_FIELD) throw JiraError.badRequest(`A custom field can have at most ${MAX_OPTIONS_PER_FIELD} options.`);
    const cascading = optionKind(customFieldType(f.type)) === 'cascading';
    const existing = config.optionsOf(c.id);
    const planned: { value: string; disabled: boolean; parentId: number | null }[] = [];
    for (const o of wanted) {
      if (o.value.trim() === '') throw JiraError.badRequest('The option value must not be empty.');
      if (o.value.length > MAX_NAME) throw JiraError.badRequest(`The option value must not be longer than ${MAX_NAME} characters.`);
      let parentId: number | null = null;
      if (o.optionId !== undefined) {
        if (!cascading) throw JiraError.badRequest('Cascading options (optionId) can only be created for a cascading select field.');
        // the parent: a top-level option of this context that exists before the request (the harsher reading)
        const parent = existing.find((x) => String(x.id) === o.optionId && x.parentId === null);
        if (!parent) throw JiraError.badRequest(`The parent option with ID '${o.optionId}' was not found in this context.`);
        parentId = parent.id;
      }
      // siblings' values are unique, whatever their case (the harsher reading: the docs give no rule)
      const clash = [...existing.map((x) => ({ value: x.value, parentId: x.parentId })), ...planned].some((x) => x.parentId === parentId && sameValue(x.value, o.value));
      if (clash) throw JiraError.badRequest(`The option value '${o.value}' already exists in this context.`);
      planned.push({ value: o.value, disabled: o.disabled ?? false, parentId });
    }
    const created = s.db.transaction(() => planned.map((p) => config.insertOption({ contextId: c.id, parentId: p.parentId, value: p.value, disabled: p.disabled })))();
    s.catalog.reload();
    return { status: 200, body: { options: created.map(optionJson) } };
  });

  router.add('PUT', '/rest/api/3/field/{fieldId}/context/{contextId}/option', (ctx) => {
    requireAdmin(ctx, OPTIONS_ADMIN_ONLY);
    const f = field(ctx.params.fieldId);
    optionField(f);
    const c = context(f, ctx.params.contextId);
    const input = optionUpdateInput.safeParse(ctx.body());
    if (!input.success) throw JiraError.badRequest(INVALID_PAYLOAD);
    const existing = config.optionsOf(c.id);
    // "If any of the options are not found, no options are updated."
    const targets = input.data.options.map((u) => {
      const o = existing.find((x) => String(x.id) === u.id);
      if (!o) throw JiraError.notFound(`The option with ID '${u.id}' was not found.`);
      return { o, value: u.value ?? o.value, disabled: u.disabled ?? o.disabled };
    });
    for (const t of targets) {
      if (t.value.trim() === '') throw JiraError.badRequest('The option value must not be empty.');
      if (t.value.length > MAX_NAME) throw JiraError.badRequest(`The option value must not be longer than ${MAX_NAME} characters.`);
      const after = (x: FieldOptionRecord): string => targets.find((y) => y.o.id === x.id)?.value ?? x.value;
      if (existing.some((x) => x.id !== t.o.id && x.parentId === t.o.parentId && sameValue(after(x), t.value))) {
        throw JiraError.badRequest(`The option value '${t.value}' already exists in this context.`);
      }
    }
    // "Options where the values in the request match the current values aren't updated and aren't reported in the response."
    const changed = targets.filter((t) => t.value !== t.o.value || t.disabled !== t.o.disabled);
    s.db.transaction(() => {
      for (const t of changed) config.updateOption(t.o.id, t.value, t.disabled);
    })();
    s.catalog.reload();
    if (changed.some((t) => t.value !== t.o.value)) reindexHolders(f);
    return { status: 200, body: { options: changed.map((t) => ({ id: String(t.o.id), value: t.value, disabled: t.disabled })) } };
  });

  // getCustomFieldOption: `{self, value}` (CustomFieldOption); every account browses every project here, so anyone sees it
  router.add('GET', '/rest/api/3/customFieldOption/{id}', (ctx) => {
    const raw = ctx.params.id ?? '';
    const o = /^\d+$/.test(raw) ? config.option(Number(raw)) : undefined;
    if (!o) throw JiraError.notFound(`The custom field option with ID '${raw}' was not found.`);
    return { status: 200, body: { self: `${s.render.api}/customFieldOption/${o.id}`, value: o.value } };
  });
}
