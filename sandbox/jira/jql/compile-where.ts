import type { JqlClause, JqlOperator } from './ast';
import type { FieldSpec, Predicate } from './field-spec';
import { JqlError } from './types';
import type { JqlFieldRef } from './ast';

/** Jira pushes NOT down to the operators (De Morgan), so `NOT a = b` behaves as `a != b` (empty excluded). */
const NEGATED: Readonly<Record<JqlOperator, JqlOperator>> = {
  '=': '!=',
  '!=': '=',
  '~': '!~',
  '!~': '~',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
  in: 'not in',
  'not in': 'in',
  is: 'is not',
  'is not': 'is',
  was: 'was not',
  'was not': 'was',
  'was in': 'was not in',
  'was not in': 'was in',
  changed: 'changed',
};

const HISTORY_OPERATORS: ReadonlySet<JqlOperator> = new Set<JqlOperator>(['was', 'was not', 'was in', 'was not in', 'changed']);

function all(predicates: Predicate[]): Predicate {
  const [a, b] = predicates;
  if (predicates.length === 1 && a) return a;
  if (predicates.length === 2 && a && b) return (issue) => a(issue) && b(issue);
  return (issue) => predicates.every((p) => p(issue));
}

function any(predicates: Predicate[]): Predicate {
  const [a, b] = predicates;
  if (predicates.length === 1 && a) return a;
  if (predicates.length === 2 && a && b) return (issue) => a(issue) || b(issue);
  return (issue) => predicates.some((p) => p(issue));
}

/** Compiles a WHERE clause to one predicate; field specs come from `resolve` (called once per clause). */
export function compileWhere(clause: JqlClause, resolve: (ref: JqlFieldRef) => FieldSpec, negated = false): Predicate {
  switch (clause.kind) {
    case 'and': {
      const parts = clause.clauses.map((c) => compileWhere(c, resolve, negated));
      return negated ? any(parts) : all(parts);
    }
    case 'or': {
      const parts = clause.clauses.map((c) => compileWhere(c, resolve, negated));
      return negated ? all(parts) : any(parts);
    }
    case 'not':
      return compileWhere(clause.clause, resolve, !negated);
    case 'terminal': {
      if (HISTORY_OPERATORS.has(clause.operator)) {
        throw new JqlError(
          `The operator '${clause.operator.toUpperCase()}' (history search, in '${clause.field.text} ${clause.operator.toUpperCase()} ...') is not supported by the emulated Jira site.`,
          'unsupported',
        );
      }
      const spec = resolve(clause.field);
      return spec.compile(negated ? NEGATED[clause.operator] : clause.operator, clause.operand);
    }
  }
}
