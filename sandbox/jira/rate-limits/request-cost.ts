/**
 * What one REST request costs in Jira Cloud's points-based quota
 * (https://developer.atlassian.com/cloud/jira/platform/rate-limiting, "How points work"):
 *
 * > Each request starts with a base cost of 1 point, and additional points are added for each object
 * > involved. Write requests are charged only the base cost, with no additional points.
 *
 * | operation | cost |
 * |---|---|
 * | core domain objects (GET): issues, projects, … | 1 point each |
 * | identity & access (GET): users, groups, project roles, permissions | 2 points each |
 * | write / modify / delete (POST, PUT, PATCH, DELETE) | 1 point |
 * | others: "read operations on uncategorized objects" | 1 point each |
 *
 * The page's examples: `GET /issue/ABC-123` = 1 + 1 issue = 2 (the issue's embedded reporter,
 * assignee and comments are not counted); a group's 8 members = 1 + 8 × 2 = 17; `POST /issue` = 1;
 * "50 issues in a batch, that's 50 points".
 *
 * Where the page is silent the sandbox reads it the harsher way:
 * - a POST that only reads (`/search/jql`, `/search/approximate-count`, `/jql/parse`) is charged as
 *   a read, per object returned, not as a 1-point write;
 * - a bulk create costs 1 point per issue in it, created or refused (at least 1);
 * - a request the site refuses with an error status still costs the base point;
 * - the objects of a response are its top-level items: an array's elements, `issues` of a search,
 *   `values` of a page, `comments`, `transitions`, `keys` (properties), `issueTypes`/`fields` of
 *   createmeta, `queries` of JQL parse, `issueLinkTypes` of the link type list, each permission of
 *   `mypermissions`; any other body is one object.
 */

/** the POST operations that read and write nothing */
export const READ_ONLY_POSTS: ReadonlySet<string> = new Set([
  'POST /rest/api/3/search/jql',
  'POST /rest/api/3/search/approximate-count',
  'POST /rest/api/3/jql/parse',
]);

/** identity & access objects: 2 points each */
const IDENTITY_PREFIXES = ['/rest/api/3/user', '/rest/api/3/users', '/rest/api/3/myself', '/rest/api/3/mypermissions', '/rest/api/3/group', '/rest/api/3/permissions', '/rest/api/3/role'];

const LIST_KEYS = ['issues', 'values', 'comments', 'transitions', 'keys', 'issueTypes', 'fields', 'queries', 'issueLinkTypes'] as const;

export interface CostedRequest {
  method: string;
  /** the route template, e.g. '/rest/api/3/issue/{issueIdOrKey}' */
  template: string;
  status: number;
  /** the JSON body answered (undefined: none) */
  body: unknown;
}

/** true for requests that create, change or delete something */
export function isWrite(method: string, template: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return false;
  return !READ_ONLY_POSTS.has(`${m} ${template}`);
}

export function requestCost(req: CostedRequest): number {
  if (req.method.toUpperCase() === 'POST' && req.template === '/rest/api/3/issue/bulk') return Math.max(1, bulkSize(req.body));
  if (req.status >= 400 || isWrite(req.method, req.template)) return 1;
  const weight = IDENTITY_PREFIXES.some((p) => req.template === p || req.template.startsWith(`${p}/`)) ? 2 : 1;
  return 1 + weight * objectCount(req.body);
}

/** the top-level objects of a read's answer (see the module comment) */
export function objectCount(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (Array.isArray(body)) return body.length;
  if (!isRecord(body)) return 1;
  const record = body;
  if (!('self' in record) && !('id' in record)) {
    for (const key of LIST_KEYS) {
      const list = record[key];
      if (Array.isArray(list)) return list.length;
    }
    const permissions = record.permissions;
    if (isRecord(permissions)) return Object.keys(permissions).length;
  }
  return 1;
}

function bulkSize(body: unknown): number {
  if (!isRecord(body)) return 0;
  const length = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
  return length(body.issues) + length(body.errors);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
