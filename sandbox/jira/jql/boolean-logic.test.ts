import fc from 'fast-check';
import { compileJql } from './index';
import { CTX, ISSUES } from './jql-fixture';
import type { JqlIssue } from './types';

/**
 * Property: for clauses on fields that are never empty, a compiled query agrees with evaluating its
 * boolean structure by hand (AND/OR precedence, parentheses, NOT pushed down to the operators).
 * (Key comparisons are left out on purpose: `NOT key > INT-2` is `key <= INT-2`, which stays within
 * project INT, as Jira's push-down gives; compile-jql.test.ts covers it.)
 */

const ATOMS = [
  'project = "INT"',
  'project = CLOUD',
  'status = Open',
  'status in (Done, "In Progress")',
  'issuetype = Bug',
  'key in (INT-1, CLOUD-2)',
  'id > 10010',
  'created > -4d',
  'created <= "2026-01-31"',
  'summary ~ screen',
  'statusCategory != done',
  'updated >= startOfMonth()',
];

type Expr = { atom: number } | { not: Expr } | { and: [Expr, Expr] } | { or: [Expr, Expr] };

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ atom: fc.nat({ max: ATOMS.length - 1 }) }),
    fc.record({ not: tie('e') }),
    fc.record({ and: fc.tuple(tie('e'), tie('e')) }),
    fc.record({ or: fc.tuple(tie('e'), tie('e')) }),
  ),
})).e;

function atomText(index: number): string {
  const text = ATOMS[index];
  if (text === undefined) throw new Error(`no atom ${index}`);
  return text;
}

function toJql(e: Expr): string {
  if ('atom' in e) return atomText(e.atom);
  if ('not' in e) return `NOT (${toJql(e.not)})`;
  if ('and' in e) return `(${toJql(e.and[0])}) AND (${toJql(e.and[1])})`;
  return `(${toJql(e.or[0])}) OR (${toJql(e.or[1])})`;
}

const atomMatchers = ATOMS.map((a) => compileJql(a, CTX).matches);

function evaluate(e: Expr, issue: JqlIssue): boolean {
  if ('atom' in e) {
    const m = atomMatchers[e.atom];
    if (!m) throw new Error(`no atom ${e.atom}`);
    return m(issue);
  }
  if ('not' in e) return !evaluate(e.not, issue);
  if ('and' in e) return evaluate(e.and[0], issue) && evaluate(e.and[1], issue);
  return evaluate(e.or[0], issue) || evaluate(e.or[1], issue);
}

describe('boolean structure', () => {
  it('a compiled query equals its boolean structure evaluated by hand', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const compiled = compileJql(toJql(e), CTX);
        for (const issue of ISSUES) expect(compiled.matches(issue)).toBe(evaluate(e, issue));
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, string, string]>([
    // AND binds tighter than OR, with or without parentheses spelled out
    ['a OR b AND c', `${atomText(0)} OR ${atomText(2)} AND ${atomText(4)}`, `${atomText(0)} OR (${atomText(2)} AND ${atomText(4)})`],
    ['NOT a AND b', `NOT ${atomText(2)} AND ${atomText(0)}`, `(NOT ${atomText(2)}) AND ${atomText(0)}`],
    ['! is NOT', `!${atomText(1)}`, `NOT ${atomText(1)}`],
  ])('%s', (_name, left, right) => {
    const a = compileJql(left, CTX);
    const b = compileJql(right, CTX);
    for (const issue of ISSUES) expect(a.matches(issue)).toBe(b.matches(issue));
  });
});
