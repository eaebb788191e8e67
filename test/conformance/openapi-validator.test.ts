import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SPEC_PATH, JiraOpenApi, SpecMissingError, isJiraOrRfc3339DateTime, specPath } from '../support/openapi';
import { toJsonSchema } from '../support/openapi-schema';
import { describeConformance, isCi } from './spec-gate';

/** The checker itself: it must reject what Jira would never send, or the suite proves nothing. */

describe('OpenAPI 3.0 to JSON Schema conversion', () => {
  it.each([
    ['nullable typed schema', { type: 'string', nullable: true }, { type: ['string', 'null'] }],
    ['nullable enum', { type: 'string', enum: ['a'], nullable: true }, { type: ['string', 'null'], enum: ['a', null] }],
    ['nullable untyped schema', { allOf: [{ $ref: '#/components/schemas/X' }], nullable: true }, { anyOf: [{ allOf: [{ $ref: 'doc#/definitions/X' }] }, { type: 'null' }] }],
    ['$ref siblings dropped', { $ref: '#/components/schemas/X', description: 'd' }, { $ref: 'doc#/definitions/X' }],
    ['annotations dropped', { type: 'object', example: 1, xml: { name: 'x' }, externalDocs: {} }, { type: 'object' }],
    ['property names kept', { properties: { example: { type: 'string', example: 'x' } } }, { properties: { example: { type: 'string' } } }],
    ['writeOnly not required', { properties: { a: { type: 'string', writeOnly: true }, b: { type: 'string' } }, required: ['a', 'b'] }, { properties: { a: { type: 'string', writeOnly: true }, b: { type: 'string' } }, required: ['b'] }],
  ])('%s', (_name, input, expected) => {
    expect(toJsonSchema(input, 'doc')).toEqual(expected);
  });

  it('rejects a $ref it cannot resolve', () => {
    expect(() => toJsonSchema({ $ref: 'other.json#/X' }, 'doc')).toThrow(/unsupported \$ref/);
  });
});

describe('locating the spec', () => {
  it('uses ../shared/jira-openapi beside the repository by default', () => {
    expect(specPath({})).toBe(DEFAULT_SPEC_PATH);
    expect(DEFAULT_SPEC_PATH.endsWith(join('shared', 'jira-openapi', 'swagger-v3.v3.json'))).toBe(true);
  });

  it('honours JIRA_OPENAPI_SPEC', () => {
    expect(specPath({ JIRA_OPENAPI_SPEC: '/x/spec.json' })).toBe('/x/spec.json');
  });

  it('says clearly when the file is absent', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'jira-openapi-')), 'absent.json');
    expect(() => JiraOpenApi.load(missing)).toThrow(SpecMissingError);
    expect(JiraOpenApi.tryLoad(missing)).toBeNull();
  });

  it('refuses a file that is not an OpenAPI 3.0 document', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jira-openapi-')), 'swagger.json');
    writeFileSync(file, JSON.stringify({ swagger: '2.0', paths: {} }));
    expect(() => JiraOpenApi.load(file)).toThrow(/not an OpenAPI 3\.0 document/);
  });

  it.each([
    ['', false],
    ['true', true],
    ['1', true],
    ['false', false],
  ])('CI=%j counts as CI: %s', (value, expected) => {
    expect(isCi({ CI: value })).toBe(expected);
  });
});

describe('timestamps', () => {
  it.each([
    ['2024-05-01T10:00:00.000+0000', true],
    ['2024-05-01T10:00:00.000+02:00', true],
    ['2024-05-01T10:00:00Z', true],
    ['2024-05-01 10:00:00', false],
    ['2024-13-01T10:00:00.000+0000', false],
    ['yesterday', false],
  ])('%s is a date-time: %s', (value, expected) => {
    expect(isJiraOrRfc3339DateTime(value)).toBe(expected);
  });
});

describeConformance('the response checker', (spec) => {
  const self = 'http://127.0.0.1:4000/rest/api/3/issue/10000';

  it.each([
    ['GET', '/rest/api/3/issue/INT-1', 'getIssue'],
    ['GET', '/rest/api/3/issue/10000?fields=summary', 'getIssue'],
    ['POST', '/rest/api/3/issue/bulk', 'createIssues'],
    ['POST', '/rest/api/3/issue', 'createIssue'],
    ['GET', '/rest/api/3/issue/createmeta/INT/issuetypes', 'getCreateIssueMetaIssueTypes'],
    ['PUT', '/rest/api/3/issue/INT-1/properties/twinSync.origin', 'setIssueProperty'],
    ['GET', '/rest/api/3/search/jql', 'searchAndReconsileIssuesUsingJql'],
    ['POST', '/rest/api/3/search/jql', 'searchAndReconsileIssuesUsingJqlPost'],
    ['GET', '/rest/api/3/issuetype/project', 'getIssueTypesForProject'],
  ])('maps %s %s to %s', (method, path, operationId) => {
    expect(spec.findOperation(method, path)?.operationId).toBe(operationId);
  });

  it('accepts a response that matches', () => {
    const result = spec.validateResponse({ method: 'POST', path: '/rest/api/3/issue', status: 201, body: { id: '10000', key: 'INT-1', self }, contentType: 'application/json;charset=UTF-8' });
    expect(result).toEqual({ ok: true, operationId: 'createIssue', pathTemplate: '/rest/api/3/issue', checkedAgainst: 'createIssue 201', errors: [] });
  });

  it.each([
    ['a number where the spec says string', { id: 10000, key: 'INT-1', self }, /\/id must be string/],
    ['an unknown property', { id: '10000', key: 'INT-1', self, extra: true }, /additional properties \(extra\)/],
    ['a missing-type value', { id: '10000', key: null, self }, /\/key must be string/],
  ])('rejects %s', (_name, body, error) => {
    const result = spec.validateResponse({ method: 'POST', path: '/rest/api/3/issue', status: 201, body });
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(error);
  });

  it('rejects a relative self link where the spec says uri', () => {
    const result = spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1', status: 200, body: { id: '1', key: 'INT-1', self: '/rest/api/3/issue/1' } });
    expect(result.errors).toEqual(['getIssue 200: /self must match format "uri"']);
  });

  it('rejects an undeclared status', () => {
    const result = spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1', status: 500, body: undefined });
    expect(result.errors).toEqual(['status 500 is not declared for getIssue (declared: 200, 401, 404)']);
  });

  it('rejects a path the spec does not have', () => {
    expect(spec.validateResponse({ method: 'GET', path: '/rest/api/3/nowhere', status: 200, body: {} }).ok).toBe(false);
  });

  it('rejects a JSON body answered as text/html', () => {
    const result = spec.validateResponse({ method: 'GET', path: '/rest/api/3/myself', status: 200, body: { accountId: 'a' }, contentType: 'text/html' });
    expect(result.errors).toEqual(['getCurrentUser 200: content-type text/html, expected application/json']);
  });

  it('rejects an empty body where one is declared', () => {
    expect(spec.validateResponse({ method: 'GET', path: '/rest/api/3/myself', status: 200, body: undefined }).ok).toBe(false);
  });

  it.each([
    ['PUT', '/rest/api/3/issue/INT-1', 204],
    ['PUT', '/rest/api/3/issue/INT-1/properties/p', 201],
    ['POST', '/rest/api/3/issue/INT-1/transitions', 204],
  ])('accepts no body for %s %s %i (declared with an empty schema)', (method, path, status) => {
    expect(spec.validateResponse({ method, path, status, body: undefined })).toMatchObject({ ok: true, checkedAgainst: 'no body' });
  });

  it('rejects a body where none is declared', () => {
    const result = spec.validateResponse({ method: 'DELETE', path: '/rest/api/3/issue/INT-1', status: 204, body: { ok: true } });
    expect(result.ok).toBe(false);
  });

  it('checks error statuses declared without a body against ErrorCollection', () => {
    const good = spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1', status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } });
    expect(good).toMatchObject({ ok: true, checkedAgainst: 'ErrorCollection' });
    const bad = spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1', status: 404, body: { message: 'not found' } });
    expect(bad).toMatchObject({ ok: false, checkedAgainst: 'ErrorCollection' });
    const empty = spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1', status: 404, body: undefined });
    expect(empty.ok).toBe(false);
  });

  it('applies the getRemoteIssueLinks patch (200 is an array)', () => {
    expect(spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1/remotelink', status: 200, body: [] }).ok).toBe(true);
    expect(spec.validateResponse({ method: 'GET', path: '/rest/api/3/issue/INT-1/remotelink', status: 200, body: {} }).ok).toBe(false);
  });

  it('applies the $ref-sibling patch (Fields.issuetype compiles)', () => {
    expect(spec.validateComponent('Fields', { issuetype: { id: '10001', name: 'Task', subtask: false } })).toEqual([]);
    expect(spec.validateComponent('Fields', { issuetype: { id: 10001 } })).not.toEqual([]);
  });

  it('applies the ChangeDetails patch (from/to may be null, as in the spec\'s own examples)', () => {
    expect(spec.validateComponent('ChangeDetails', { field: 'summary', from: null, fromString: 'a', to: null, toString: 'b' })).toEqual([]);
    expect(spec.validateComponent('ChangeDetails', { field: 'summary', from: 1 })).not.toEqual([]);
    expect(spec.validateComponent('ChangeDetails', { field: null })).not.toEqual([]);
  });

  it('honours nullable (Group.groupId is a nullable string, Group.name is not)', () => {
    expect(spec.validateComponent('Group', { groupId: null })).toEqual([]);
    expect(spec.validateComponent('Group', { groupId: 'g-1' })).toEqual([]);
    expect(spec.validateComponent('Group', { groupId: 7 })).not.toEqual([]);
    expect(spec.validateComponent('Group', { name: null })).not.toEqual([]);
  });

  it('records which operations it checked', () => {
    expect(spec.checked().has('createIssue')).toBe(true);
  });
});
