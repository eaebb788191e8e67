import type { JqlQuery } from './ast';
import { ParseCache } from './parse-cache';
import { parseJql } from './parse-jql';
import { JqlError } from './types';

describe('parseJql', () => {
  it.each<[string, JqlQuery]>([
    ['', { where: null, orderBy: null }],
    [
      'project = "INT" AND status in ("In Progress", Done) ORDER BY created DESC, key',
      {
        where: {
          kind: 'and',
          clauses: [
            { kind: 'terminal', field: { kind: 'name', name: 'project', text: 'project' }, operator: '=', operand: { kind: 'value', text: 'INT', isNumber: false }, hasPredicates: false },
            {
              kind: 'terminal',
              field: { kind: 'name', name: 'status', text: 'status' },
              operator: 'in',
              operand: { kind: 'list', items: [{ kind: 'value', text: 'In Progress', isNumber: false }, { kind: 'value', text: 'Done', isNumber: false }] },
              hasPredicates: false,
            },
          ],
        },
        orderBy: [
          { field: { kind: 'name', name: 'created', text: 'created' }, direction: 'desc' },
          { field: { kind: 'name', name: 'key', text: 'key' }, direction: null },
        ],
      },
    ],
    [
      'NOT (a = 1 OR b IS NOT EMPTY)',
      {
        where: {
          kind: 'not',
          clause: {
            kind: 'or',
            clauses: [
              { kind: 'terminal', field: { kind: 'name', name: 'a', text: 'a' }, operator: '=', operand: { kind: 'value', text: '1', isNumber: true }, hasPredicates: false },
              { kind: 'terminal', field: { kind: 'name', name: 'b', text: 'b' }, operator: 'is not', operand: { kind: 'empty' }, hasPredicates: false },
            ],
          },
        },
        orderBy: null,
      },
    ],
    [
      'issue.property[twinSync.origin].remoteIssueId = "10001"',
      {
        where: {
          kind: 'terminal',
          field: { kind: 'property', entity: 'issue', key: 'twinSync.origin', path: ['remoteIssueId'], text: 'issue.property[twinSync.origin].remoteIssueId' },
          operator: '=',
          operand: { kind: 'value', text: '10001', isNumber: false },
          hasPredicates: false,
        },
        orderBy: null,
      },
    ],
    [
      "cf[10010] !~ 'a \\'b\\''",
      {
        where: { kind: 'terminal', field: { kind: 'cf', id: 10010, text: 'cf[10010]' }, operator: '!~', operand: { kind: 'value', text: "a 'b'", isNumber: false }, hasPredicates: false },
        orderBy: null,
      },
    ],
    [
      'assignee NOT IN (currentUser(), EMPTY, "x\\u0041")',
      {
        where: {
          kind: 'terminal',
          field: { kind: 'name', name: 'assignee', text: 'assignee' },
          operator: 'not in',
          operand: { kind: 'list', items: [{ kind: 'function', name: 'currentUser', args: [] }, { kind: 'empty' }, { kind: 'value', text: 'xA', isNumber: false }] },
          hasPredicates: false,
        },
        orderBy: null,
      },
    ],
    [
      'created >= startOfDay(-1) order by "Remote issue key" asc',
      {
        where: { kind: 'terminal', field: { kind: 'name', name: 'created', text: 'created' }, operator: '>=', operand: { kind: 'function', name: 'startOfDay', args: ['-1'] }, hasPredicates: false },
        orderBy: [{ field: { kind: 'name', name: 'Remote issue key', text: '"Remote issue key"' }, direction: 'asc' }],
      },
    ],
    [
      'status WAS Open BY admin',
      {
        where: { kind: 'terminal', field: { kind: 'name', name: 'status', text: 'status' }, operator: 'was', operand: { kind: 'value', text: 'Open', isNumber: false }, hasPredicates: true },
        orderBy: null,
      },
    ],
  ])('%s', (jql, expected) => {
    expect(parseJql(jql)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['project =', /^Error in the JQL Query: mismatched input '<EOF>' expecting .* \(line 1, character 10\)$/],
    ['a = 1\nAND', /\(line 2, character 4\)$/],
    ['a = b c', /extraneous input 'c'/],
    ['a = "b', /The quoted string "b has not been completed/],
    ['a = @', /reserved JQL character|not valid|mismatched input/],
    ['select = 1', /'select' is a reserved JQL word/],
  ])('%j is a syntax error', (jql, message) => {
    let error: unknown;
    try {
      parseJql(jql);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JqlError);
    expect(error instanceof JqlError && error.kind).toBe('syntax');
    expect(error instanceof Error && error.message).toMatch(message);
  });
});

describe('ParseCache', () => {
  it('returns the same tree for the same text and evicts the least recently used', () => {
    const cache = new ParseCache(2);
    const a = cache.parse('a = 1');
    expect(cache.parse('a = 1')).toBe(a);
    cache.parse('b = 1');
    cache.parse('a = 1'); // a is now the most recent
    cache.parse('c = 1'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.parse('a = 1')).toBe(a);
  });

  it('does not cache errors', () => {
    const cache = new ParseCache(2);
    expect(() => cache.parse('a =')).toThrow(JqlError);
    expect(cache.size).toBe(0);
  });
});
