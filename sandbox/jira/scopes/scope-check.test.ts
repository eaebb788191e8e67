import { checkAppRequest, describeMissing, satisfies } from './scope-check';
import type { ScopeRequirement } from './scope-table';

const both: ScopeRequirement = { classic: ['write:jira-work'], granular: ['read:issue:jira', 'write:issue:jira'] };

describe('satisfies: the full classic set or the full granular set', () => {
  it.each<[string, ScopeRequirement, string[], boolean]>([
    ['the classic set', both, ['write:jira-work'], true],
    ['the granular set', both, ['write:issue:jira', 'read:issue:jira'], true],
    ['part of the granular set', both, ['write:issue:jira'], false],
    ['a mix of both, neither complete', { classic: ['read:jira-work', 'read:jira-user'], granular: ['read:user:jira', 'read:avatar:jira'] }, ['read:jira-work', 'read:user:jira'], false],
    ['nothing', both, [], false],
    ['write without read (no scope implies another)', { classic: ['read:jira-work'] }, ['write:jira-work'], false],
    ['granular only, not held (harsher than getMissingScopes)', { granular: ['read:email-address:jira'] }, ['read:jira-user'], false],
    ['granular only, held', { granular: ['read:email-address:jira'] }, ['read:email-address:jira'], true],
    ['no OAuth 2.0 at all', {}, ['read:jira-work', 'write:jira-work'], false],
    ['empty alternatives (serverInfo)', { classic: [], granular: [] }, [], true],
  ])('%s', (_name, requirement, granted, allowed) => {
    expect(satisfies(requirement, granted)).toBe(allowed);
  });

  it('names what is missing from each alternative', () => {
    expect(describeMissing(both, ['read:issue:jira'])).toBe('needs classic [write:jira-work] or granular [write:issue:jira]');
    expect(describeMissing({}, [])).toBe('does not accept OAuth 2.0 (no scopes in the spec)');
  });
});

describe('checkAppRequest against the committed table', () => {
  const app = ['read:jira-work', 'write:jira-work', 'storage:app', 'read:jira-user'];
  it.each([
    ['GET', '/rest/api/3/issue/INT-1?fields=id', app, true],
    ['POST', '/rest/api/3/issue', ['read:jira-work'], false],
    ['GET', '/rest/api/3/myself', ['read:jira-work'], false],
    ['GET', '/rest/api/3/myself', ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira'], true],
    ['GET', '/rest/api/3/serverInfo', [], true],
    ['PUT', '/rest/api/3/mypreferences/locale', app, false],
    ['GET', '/rest/api/3/user/email?accountId=x', app, false],
    ['GET', '/rest/api/3/nothing-here', app, false],
  ])('%s %s with %j → %s', (method, path, granted, allowed) => {
    expect(checkAppRequest(method, path, granted).allowed).toBe(allowed);
  });

  it('explains a refusal', () => {
    expect(checkAppRequest('POST', '/rest/api/3/issue', ['read:jira-work'])).toEqual({
      allowed: false,
      operation: 'POST /rest/api/3/issue',
      reason: expect.stringContaining('POST /rest/api/3/issue needs classic [write:jira-work] or granular ['),
    });
    expect(checkAppRequest('GET', '/rest/api/3/issue/', [])).toEqual({ allowed: false, operation: null, reason: 'GET /rest/api/3/issue/ matches no path of Jira Cloud\'s REST API v3' });
  });
});
