import type { JqlFunctionCall, JqlLiteral, JqlOperand, JqlOperator } from './ast';
import { compileTextQuery } from './text-query';
import { JqlError, type JqlIssue } from './types';

export type Predicate = (issue: JqlIssue) => boolean;
export type ScalarOperand = JqlLiteral | JqlFunctionCall;
export type RelationalOperator = '<' | '<=' | '>' | '>=';

export interface SortSpec {
  /** the sort key; null (empty) sorts last in both directions */
  key: (issue: JqlIssue) => string | number | null;
  defaultDirection: 'asc' | 'desc';
}

/** What the compiler needs from a field: compile one (already negation-free) operator + operand. */
export interface FieldSpec {
  /** the field's name in messages, e.g. `project` or `Remote issue key` */
  name: string;
  compile(operator: JqlOperator, operand: JqlOperand | null): Predicate;
  /** absent: the field cannot be used in ORDER BY */
  sort?: SortSpec;
}

export type ValueReader<T> = { one: (issue: JqlIssue) => T | null } | { many: (issue: JqlIssue) => readonly T[] };

/** Definition of a field whose values are compared one by one (everything except pure text fields). */
export interface ValueFieldDef<T> {
  name: string;
  operators: readonly JqlOperator[];
  read: ValueReader<T>;
  /** for =, !=, in, not in: a predicate on one value; throws JqlError for a value the field cannot hold */
  matcher?: (operand: ScalarOperand) => (value: T) => boolean;
  /** for <, <=, >, >= */
  relational?: (operator: RelationalOperator, operand: ScalarOperand) => (value: T) => boolean;
  /** for ~ and !~: the texts searched (all values of the field, as text) */
  texts?: (issue: JqlIssue) => readonly string[];
  sort?: SortSpec;
}

export function unsupportedOperator(operator: string, field: string): JqlError {
  return new JqlError(`The operator '${operator}' is not supported by the '${field}' field.`, 'unsupported');
}

export function unsupportedFunction(fn: JqlFunctionCall, field: string): JqlError {
  return new JqlError(`The function '${fn.name}()' is not supported for the '${field}' field by the emulated Jira site.`, 'unsupported');
}

/** The items of an `in` operand (a list, or a single function/literal), nested lists flattened. */
function listItems(operand: JqlOperand): (ScalarOperand | { kind: 'empty' })[] {
  if (operand.kind === 'list') return operand.items.flatMap(listItems);
  return [operand];
}

/** Builds a FieldSpec implementing Jira's operator semantics over a field's values. */
export function valueField<T>(def: ValueFieldDef<T>): FieldSpec {
  const allowed = new Set<JqlOperator>(def.operators);
  const read = def.read;
  const isEmpty: Predicate =
    'one' in read
      ? (issue) => read.one(issue) === null
      : (issue) => read.many(issue).length === 0;
  const some = (test: (value: T) => boolean): Predicate => {
    if ('one' in read) {
      return (issue) => {
        const value = read.one(issue);
        return value !== null && test(value);
      };
    }
    return (issue) => read.many(issue).some(test);
  };
  const notEmpty: Predicate = (issue) => !isEmpty(issue);

  const matcherFor = (operator: JqlOperator, operand: ScalarOperand): ((value: T) => boolean) => {
    if (!def.matcher) throw unsupportedOperator(operator, def.name);
    return def.matcher(operand);
  };
  /** a predicate for "some value equals one of these", EMPTY items meaning "or the field is empty" */
  const anyOf = (operator: JqlOperator, items: readonly (ScalarOperand | { kind: 'empty' })[]): { match: Predicate; withEmpty: boolean } => {
    const matchers = items.flatMap((item) => (item.kind === 'empty' ? [] : [matcherFor(operator, item)]));
    const withEmpty = items.some((item) => item.kind === 'empty');
    const first = matchers[0];
    const test: (value: T) => boolean =
      matchers.length === 1 && first ? first : (value) => matchers.some((m) => m(value));
    const match = matchers.length === 0 ? () => false : some(test);
    return { match, withEmpty };
  };

  return {
    name: def.name,
    ...(def.sort ? { sort: def.sort } : {}),
    compile(operator, operand) {
      if (!allowed.has(operator)) throw unsupportedOperator(operator, def.name);
      if (operand === null) throw unsupportedOperator(operator, def.name);
      switch (operator) {
        case 'is':
          return isEmpty;
        case 'is not':
          return notEmpty;
        case '=':
        case 'in': {
          const { match, withEmpty } = anyOf(operator, listItems(operand));
          return withEmpty ? (issue) => isEmpty(issue) || match(issue) : match;
        }
        case '!=':
        case 'not in': {
          // Jira: != and NOT IN never match an empty field
          const { match } = anyOf(operator, listItems(operand));
          return (issue) => !isEmpty(issue) && !match(issue);
        }
        case '<':
        case '<=':
        case '>':
        case '>=': {
          if (!def.relational || operand.kind === 'empty' || operand.kind === 'list') throw unsupportedOperator(operator, def.name);
          return some(def.relational(operator, operand));
        }
        case '~':
        case '!~': {
          const texts = def.texts;
          if (!texts) throw unsupportedOperator(operator, def.name);
          if (operand.kind === 'empty') return operator === '~' ? isEmpty : notEmpty;
          if (operand.kind === 'function') throw unsupportedFunction(operand, def.name);
          if (operand.kind === 'list') throw unsupportedOperator(`${operator} (...)`, def.name);
          const query = compileTextQuery(operand.text, def.name);
          if (operator === '~') return (issue) => query(texts(issue));
          return (issue) => !isEmpty(issue) && !query(texts(issue));
        }
        default:
          throw unsupportedOperator(operator, def.name);
      }
    },
  };
}

/** A literal's text, or an error when a function was given where the field takes none. */
export function literalText(operand: ScalarOperand, field: string): string {
  if (operand.kind === 'function') throw unsupportedFunction(operand, field);
  return operand.text;
}
