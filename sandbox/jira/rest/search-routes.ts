import { createHash } from 'node:crypto';
import { z } from 'zod';
import { customFieldType } from '../custom-field-types';
import { JiraError } from '../http/jira-error';
import type { RouteContext, Router } from '../http/router';
import { FieldSelection, parseExpand } from '../issue-view';
import type { IndexedIssue } from '../issue-index';
import type { CompiledJql, JqlCatalog } from '../jql/types';
import { JqlError } from '../jql/types';
import type { Json } from '../render';
import { visibleEmail } from '../storage/accounts';
import { customFieldId } from '../storage/records';
import { intParam, type Services } from './services';

const searchBody = z.object({
  jql: z.string().optional(),
  nextPageToken: z.string().nullable().optional(),
  maxResults: z.number().int().nonnegative().optional(),
  fields: z.array(z.string()).optional(),
  expand: z.union([z.string(), z.array(z.string())]).optional(),
  properties: z.array(z.string()).optional(),
  fieldsByKeys: z.boolean().optional(),
  reconcileIssues: z.array(z.number().int().nonnegative()).optional(),
});

interface SearchRequest {
  jql: string;
  nextPageToken: string | null;
  maxResults: number | null;
  fields: string[];
  expand: string[];
  properties: string[];
  /** issue ids read as stored now, not as indexed (read-after-write) */
  reconcileIssues: number[];
}

/**
 * "Strong consistency issue ids to be reconciled with search results. Accepts max 50 ids. This list
 * of ids should be consistent with each paginated request across different pages." (the OpenAPI
 * description, `reconcileIssues` of GET and POST /search/jql). More than 50 is refused with 400, and
 * a page token is only valid with the list its first page had (the docs say neither: harsher reading).
 */
const MAX_RECONCILE_IDS = 50;

const countBody = z.object({ jql: z.string() });
const parseBody = z.object({ queries: z.array(z.string()) });
const tokenBody = z.object({ o: z.number().int().nonnegative(), h: z.string() });
const jqlHash = (jql: string, reconcile: readonly number[]): string =>
  createHash('sha256').update(`${jql}\n${[...new Set(reconcile)].sort((a, b) => a - b).join(',')}`).digest('hex').slice(0, 12);

function encodeToken(jql: string, reconcile: readonly number[], offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, h: jqlHash(jql, reconcile) })).toString('base64url');
}

function decodeToken(jql: string, reconcile: readonly number[], token: string | null): number {
  if (token === null || token === '') return 0;
  let parsed: z.ZodSafeParseResult<z.infer<typeof tokenBody>>;
  try {
    parsed = tokenBody.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw JiraError.badRequest('The nextPageToken is invalid.');
  }
  if (!parsed.success || parsed.data.h !== jqlHash(jql, reconcile)) throw JiraError.badRequest('The nextPageToken is invalid or belongs to another query (or another reconcileIssues list).');
  return parsed.data.o;
}

/** GET/POST /search/jql, POST /search/approximate-count and POST /jql/parse (validation only: no `structure`) */
export function searchRoutes(router: Router, s: Services): void {
  const jqlCatalog = (): JqlCatalog => ({
    projects: s.catalog.projects.map((p) => ({ id: String(p.id), name: p.name, key: p.key })),
    issueTypes: s.catalog.issueTypes.map((t) => ({ id: String(t.id), name: t.name })),
    statuses: s.catalog.statuses.map((st) => ({ id: String(st.id), name: st.name })),
    priorities: s.catalog.priorities.map((p) => ({ id: String(p.id), name: p.name })),
    // JQL finds people by email only where the email is visible (the harsher reading: docs are silent)
    users: s.accounts.all().map((a) => ({ accountId: a.accountId, displayName: a.displayName, emailAddress: visibleEmail(a) })),
  });

  const compile = (jql: string, ctx: RouteContext): CompiledJql => {
    try {
      return s.compileJql(jql, {
        now: s.now(), currentAccountId: ctx.actor.accountId,
        // a field created without a searcher "isn't searchable" (createCustomField's searcherKey): JQL does not know it
        customFields: s.catalog.customFields.filter((f) => f.searcherKey !== '')
          .map((f) => ({ id: customFieldId(f.id), name: f.name, type: customFieldType(f.type)?.schema.type ?? 'string' })),
        catalog: jqlCatalog(),
      });
    } catch (e) {
      if (e instanceof JqlError || (e instanceof Error && e.name === 'JqlError')) throw JiraError.badRequest(e.message);
      throw e;
    }
  };

  /** over what the search index shows now (see IssueIndex: changes become visible one lag later) */
  const matching = (jql: string, ctx: RouteContext, reconcile: readonly number[], sorted = true): IndexedIssue[] => {
    const compiled = compile(jql, ctx);
    const found: IndexedIssue[] = [];
    for (const entry of s.index.searchable(new Set(reconcile))) if (compiled.matches(entry.row)) found.push(entry);
    return sorted ? found.sort((a, b) => compiled.compare(a.row, b.row)) : found;
  };

  const search = (req: SearchRequest, ctx: RouteContext): Json => {
    const selection = FieldSelection.parse(req.fields, 'id');
    const expand = parseExpand(req.expand);
    const limit = selection.idOnly ? 5000 : 100;
    const maxResults = Math.min(req.maxResults ?? 50, limit);
    if (req.reconcileIssues.length > MAX_RECONCILE_IDS) throw JiraError.badRequest(`The reconcileIssues list accepts at most ${MAX_RECONCILE_IDS} issue ids (got ${req.reconcileIssues.length}).`);
    const offset = decodeToken(req.jql, req.reconcileIssues, req.nextPageToken);
    const found = matching(req.jql, ctx, req.reconcileIssues);
    const slice = found.slice(offset, offset + maxResults);
    const issues = slice.map(({ row, record }) => {
      if (selection.idOnly && expand.size === 0 && req.properties.length === 0) return { id: row.id };
      // field values as indexed (stale until the lag passes); comments, properties, changelog and
      // sub-tasks are read from storage
      const bean = s.view.issue(record, selection, expand, req.properties);
      delete bean.names;
      delete bean.schema;
      return bean;
    });
    const isLast = offset + slice.length >= found.length;
    const body: Json = { issues };
    if (!isLast) body.nextPageToken = encodeToken(req.jql, req.reconcileIssues, offset + slice.length);
    body.isLast = isLast;
    if (expand.has('names') && issues.length > 0) {
      const names: Record<string, string> = {};
      for (const i of issues) if ('fields' in i && i.fields && typeof i.fields === 'object') for (const id of Object.keys(i.fields)) names[id] = s.render.fieldName(id);
      body.names = names;
    }
    return body;
  };

  router.add('GET', '/rest/api/3/search/jql', (ctx) => {
    const maxRaw = ctx.query.get('maxResults');
    return {
      status: 200,
      body: search({
        jql: ctx.query.get('jql') ?? '', nextPageToken: ctx.query.get('nextPageToken'),
        maxResults: maxRaw === null ? null : intParam(ctx.query, 'maxResults', 50),
        fields: ctx.query.getAll('fields'), expand: ctx.query.getAll('expand'), properties: ctx.query.getAll('properties'),
        reconcileIssues: reconcileParam(ctx.query),
      }, ctx),
    };
  });

  router.add('POST', '/rest/api/3/search/jql', (ctx) => {
    const parsed = searchBody.safeParse(ctx.body());
    if (!parsed.success) throw JiraError.badRequest(`Invalid search request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    const b = parsed.data;
    return {
      status: 200,
      body: search({
        jql: b.jql ?? '', nextPageToken: b.nextPageToken ?? null, maxResults: b.maxResults ?? null, fields: b.fields ?? [],
        expand: b.expand === undefined ? [] : Array.isArray(b.expand) ? b.expand : [b.expand], properties: b.properties ?? [],
        reconcileIssues: b.reconcileIssues ?? [],
      }, ctx),
    };
  });

  router.add('POST', '/rest/api/3/search/approximate-count', (ctx) => {
    const parsed = countBody.safeParse(ctx.body());
    if (!parsed.success) throw JiraError.badRequest("The request must have a 'jql' string.");
    // "Recent updates might not be immediately visible in the returned output" (countIssues); no reconcileIssues here
    return { status: 200, body: { count: matching(parsed.data.jql, ctx, [], false).length } };
  });

  router.add('POST', '/rest/api/3/jql/parse', (ctx) => {
    const parsed = parseBody.safeParse(ctx.body());
    if (!parsed.success) throw JiraError.badRequest("The request must have a 'queries' list of strings.");
    const queries = parsed.data.queries.map((query) => {
      try {
        compile(query, ctx);
        return { query };
      } catch (e) {
        if (e instanceof JiraError && e.status === 400) return { query, errors: e.errorMessages };
        throw e;
      }
    });
    return { status: 200, body: { queries } };
  });
}

/**
 * `reconcileIssues` of GET /search/jql: an int64 array in the query, sent as repeated parameters
 * (`reconcileIssues=10001&reconcileIssues=10002`, OpenAPI's default form style); anything but a
 * whole number is refused with 400, a comma list included (the harsher reading).
 */
function reconcileParam(query: URLSearchParams): number[] {
  return query.getAll('reconcileIssues').map((raw) => {
    if (!/^\d{1,18}$/.test(raw)) throw JiraError.badRequest(`The reconcileIssues parameter takes issue ids (whole numbers), one per parameter; got '${raw}'.`);
    return Number(raw);
  });
}
