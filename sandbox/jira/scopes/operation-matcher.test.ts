import { OperationMatcher, pathOnly } from './operation-matcher';
import { loadScopeTable, type ScopeTable } from './scope-table';

const small: ScopeTable = {
  source: 'test',
  operations: {
    'GET /rest/api/3/issue/{issueIdOrKey}': { classic: ['read:jira-work'] },
    'PUT /rest/api/3/issue/{issueIdOrKey}': { classic: ['write:jira-work'] },
    'GET /rest/api/3/issue/createmeta': { classic: ['write:jira-work'] },
    'GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}': { classic: ['read:jira-work'] },
    'GET /rest/api/3/issue/{issueIdOrKey}/comment/list': { classic: ['read:jira-work'], granular: ['read:comment:jira'] },
    'POST /rest/api/3/{a}/b': { classic: ['x'] },
    'GET /rest/api/3/x/{b}': { classic: ['y'] },
  },
};

describe('OperationMatcher over a small table', () => {
  const matcher = new OperationMatcher(small);
  it.each([
    ['GET', '/rest/api/3/issue/INT-1', 'GET /rest/api/3/issue/{issueIdOrKey}'],
    ['get', '/rest/api/3/issue/INT-1?fields=id', 'GET /rest/api/3/issue/{issueIdOrKey}'],
    ['PUT', '/rest/api/3/issue/10000?notifyUsers=false', 'PUT /rest/api/3/issue/{issueIdOrKey}'],
    ['GET', '/rest/api/3/issue/createmeta', 'GET /rest/api/3/issue/createmeta'],
    ['GET', '/rest/api/3/issue/INT-1/comment/10001', 'GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}'],
    ['GET', '/rest/api/3/issue/INT-1/comment/list', 'GET /rest/api/3/issue/{issueIdOrKey}/comment/list'],
    ['GET', '/rest/api/3/issue/a%2Fb', 'GET /rest/api/3/issue/{issueIdOrKey}'],
    ['GET', '/rest/api/3/issue/INT-1#frag', 'GET /rest/api/3/issue/{issueIdOrKey}'],
  ])('%s %s is %s', (method, path, key) => {
    expect(matcher.match(method, path)).toEqual(expect.objectContaining({ found: true, key }));
  });

  it.each([
    ['GET', '/rest/api/3/issue/', 'matches no path'],
    ['GET', '/rest/api/3/issue//comment/1', 'matches no path'],
    ['GET', '/rest/api/3/issue/INT-1/', 'matches no path'],
    ['GET', '/rest/api/3/Issue/INT-1', 'matches no path'],
    ['GET', '/rest/api/2/issue/INT-1', 'matches no path'],
    ['DELETE', '/rest/api/3/issue/INT-1', 'which has no DELETE operation'],
    // the literal template wins although only the parameter template has the method
    ['PUT', '/rest/api/3/issue/createmeta', 'matches /rest/api/3/issue/createmeta, which has no PUT operation'],
    // path first, method second: /x/{b} is more specific than /{a}/b at the first difference
    ['POST', '/rest/api/3/x/b', 'matches /rest/api/3/x/{b}, which has no POST operation'],
  ])('%s %s is no operation (%s)', (method, path, reason) => {
    const m = matcher.match(method, path);
    expect(m.found).toBe(false);
    if (!m.found) expect(m.reason).toContain(reason);
  });

  it.each([
    ['/a/b?c=d', '/a/b'],
    ['/a/b#x?y', '/a/b'],
    ['/a', '/a'],
  ])('pathOnly(%s) is %s', (input, out) => {
    expect(pathOnly(input)).toBe(out);
  });
});

describe('OperationMatcher over the committed table', () => {
  const matcher = new OperationMatcher(loadScopeTable());
  // the operations the app and the fixture app call, and a few neighbours with literal segments
  it.each([
    ['GET', '/rest/api/3/myself', 'GET /rest/api/3/myself'],
    ['GET', '/rest/api/3/mypermissions?permissions=ADMINISTER', 'GET /rest/api/3/mypermissions'],
    ['POST', '/rest/api/3/issue', 'POST /rest/api/3/issue'],
    ['POST', '/rest/api/3/issue/bulk', 'POST /rest/api/3/issue/bulk'],
    ['GET', '/rest/api/3/issue/createmeta/INT/issuetypes', 'GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes'],
    ['GET', '/rest/api/3/issue/INT-1', 'GET /rest/api/3/issue/{issueIdOrKey}'],
    ['PUT', '/rest/api/3/issue/INT-1', 'PUT /rest/api/3/issue/{issueIdOrKey}'],
    ['DELETE', '/rest/api/3/issue/INT-1', 'DELETE /rest/api/3/issue/{issueIdOrKey}'],
    ['GET', '/rest/api/3/issue/INT-1/transitions', 'GET /rest/api/3/issue/{issueIdOrKey}/transitions'],
    ['POST', '/rest/api/3/issue/INT-1/comment', 'POST /rest/api/3/issue/{issueIdOrKey}/comment'],
    ['PUT', '/rest/api/3/issue/INT-1/comment/10000', 'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}'],
    ['PUT', '/rest/api/3/issue/INT-1/properties/twinSync.origin', 'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
    ['GET', '/rest/api/3/field', 'GET /rest/api/3/field'],
    ['GET', '/rest/api/3/field/search?query=x', 'GET /rest/api/3/field/search'],
    ['GET', '/rest/api/3/project/INT', 'GET /rest/api/3/project/{projectIdOrKey}'],
    ['GET', '/rest/api/3/project/search', 'GET /rest/api/3/project/search'],
    ['POST', '/rest/api/3/search/jql', 'POST /rest/api/3/search/jql'],
    ['POST', '/rest/api/3/search/approximate-count', 'POST /rest/api/3/search/approximate-count'],
    ['GET', '/rest/api/3/user/search?query=a@b.test', 'GET /rest/api/3/user/search'],
    ['GET', '/rest/api/3/serverInfo', 'GET /rest/api/3/serverInfo'],
  ])('%s %s is %s', (method, path, key) => {
    expect(matcher.match(method, path)).toEqual(expect.objectContaining({ found: true, key }));
  });

  it.each([
    ['GET', '/rest/api/3/search/'],
    ['GET', '/rest/api/3/no-such-resource'],
    ['GET', '/rest/agile/1.0/board'],
    ['PATCH', '/rest/api/3/issue/INT-1'],
    ['GET', '/_sandbox/idle'],
  ])('%s %s is no operation', (method, path) => {
    expect(matcher.match(method, path).found).toBe(false);
  });
});
