import { isWrite, objectCount, requestCost, type CostedRequest } from './request-cost';

const req = (method: string, template: string, body: unknown, status = 200): CostedRequest => ({ method, template, status, body });
const issues = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ id: String(10000 + i), key: `INT-${i + 1}` }));

describe('the points a request costs (rate-limiting page, "How points work")', () => {
  it.each<[string, CostedRequest, number]>([
    // the page's own examples
    ['GET one issue: 1 (base) + 1 issue', req('GET', '/rest/api/3/issue/{issueIdOrKey}', { id: '10000', self: 'x', key: 'INT-1', fields: { reporter: {}, comment: { comments: [{}, {}] } } }), 2],
    ['POST /issue: a write is the base point only', req('POST', '/rest/api/3/issue', { id: '10000', key: 'INT-1', self: 'x' }, 201), 1],
    ['8 users: 1 + 8 × 2 (identity)', req('GET', '/rest/api/3/user/search', Array.from({ length: 8 }, () => ({ accountId: 'a' }))), 17],
    // reads
    ['a search page of 3 issues', req('GET', '/rest/api/3/search/jql', { issues: issues(3), isLast: true }), 4],
    ['a POST search is a read, charged per issue (harsher reading)', req('POST', '/rest/api/3/search/jql', { issues: issues(50), isLast: false, nextPageToken: 't' }), 51],
    ['an empty search page', req('POST', '/rest/api/3/search/jql', { issues: [], isLast: true }), 1],
    ['myself: 1 + 1 user × 2', req('GET', '/rest/api/3/myself', { accountId: 'a', self: 'x' }), 3],
    ['user by account id', req('GET', '/rest/api/3/user', { accountId: 'a', self: 'x' }), 3],
    ['my permissions: 2 per permission', req('GET', '/rest/api/3/mypermissions', { permissions: { BROWSE_PROJECTS: {}, EDIT_ISSUES: {} } }), 5],
    ['fields list: others, 1 each', req('GET', '/rest/api/3/field', [{ id: 'summary' }, { id: 'status' }, { id: 'labels' }]), 4],
    ['a page of projects (values)', req('GET', '/rest/api/3/project/search', { self: 'x', values: [{}, {}] }), 2],
    ['comments of an issue', req('GET', '/rest/api/3/issue/{issueIdOrKey}/comment', { startAt: 0, maxResults: 50, total: 2, comments: [{}, {}] }), 3],
    ['transitions', req('GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', { transitions: [{}, {}, {}] }), 4],
    ['property keys', req('GET', '/rest/api/3/issue/{issueIdOrKey}/properties', { keys: [{}] }), 2],
    ['approximate count: one answer object', req('POST', '/rest/api/3/search/approximate-count', { count: 12 }), 2],
    ['server info', req('GET', '/rest/api/3/serverInfo', { baseUrl: 'x' }), 2],
    // writes and errors
    ['edit', req('PUT', '/rest/api/3/issue/{issueIdOrKey}', undefined, 204), 1],
    ['delete', req('DELETE', '/rest/api/3/issue/{issueIdOrKey}', undefined, 204), 1],
    ['bulk create: 1 per issue, created or refused (harsher reading)', req('POST', '/rest/api/3/issue/bulk', { issues: issues(3), errors: [{}] }, 201), 4],
    ['bulk create, all refused', req('POST', '/rest/api/3/issue/bulk', { issues: [], errors: [{}, {}] }, 400), 2],
    ['a read answered 404: the base point', req('GET', '/rest/api/3/issue/{issueIdOrKey}', { errorMessages: ['x'], errors: {} }, 404), 1],
    ['a search answered 400: the base point', req('POST', '/rest/api/3/search/jql', { errorMessages: ['x'], errors: {} }, 400), 1],
  ])('%s → %i', (_name, request, points) => {
    expect(requestCost(request)).toBe(points);
  });

  it.each<[string, string, boolean]>([
    ['GET', '/rest/api/3/issue/{issueIdOrKey}', false],
    ['POST', '/rest/api/3/search/jql', false],
    ['POST', '/rest/api/3/search/approximate-count', false],
    ['POST', '/rest/api/3/jql/parse', false],
    ['POST', '/rest/api/3/issue', true],
    ['PUT', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', true],
    ['DELETE', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', true],
    ['POST', '/rest/api/3/issue/{issueIdOrKey}/transitions', true],
  ])('%s %s is a write: %s', (method, template, write) => {
    expect(isWrite(method, template)).toBe(write);
  });

  it.each<[string, unknown, number]>([
    ['nothing', undefined, 0],
    ['null', null, 0],
    ['an array', [1, 2, 3], 3],
    ['one entity with a list inside', { id: '1', self: 'x', comments: [{}, {}] }, 1],
    ['a list wrapper', { values: [{}, {}, {}, {}] }, 4],
    ['the issue link types', { issueLinkTypes: [{}, {}, {}, {}] }, 4],
    ['a plain object', { count: 3 }, 1],
  ])('counts %s as %i objects', (_name, body, n) => {
    expect(objectCount(body)).toBe(n);
  });
});
