/**
 * The evaluator's own small syntax tree, built from Atlassian's ANTLR parse tree by `parse-jql.ts`.
 * Decoupling the evaluator from the generated parser's context classes keeps compilation simple.
 */

/** Operators as written in JQL, normalised to lower case with single spaces. */
export type JqlOperator =
  | '='
  | '!='
  | '~'
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | 'is'
  | 'is not'
  | 'was'
  | 'was not'
  | 'was in'
  | 'was not in'
  | 'changed';

/** A single literal: `INT`, `"In Progress"`, `10001`, `-1d`. */
export interface JqlLiteral {
  kind: 'value';
  /** the unquoted, unescaped text */
  text: string;
  /** true when written as a number token (POSNUMBER / NEGNUMBER) */
  isNumber: boolean;
}

export interface JqlEmpty {
  kind: 'empty';
}

export interface JqlFunctionCall {
  kind: 'function';
  /** as written, e.g. `currentUser` */
  name: string;
  args: string[];
}

export interface JqlList {
  kind: 'list';
  items: JqlOperand[];
}

export type JqlOperand = JqlLiteral | JqlEmpty | JqlFunctionCall | JqlList;

export type JqlFieldRef =
  /** a field named by its (case-insensitive) name, quoted or not: `status`, `"Remote issue key"` */
  | { kind: 'name'; name: string; text: string }
  /** `cf[10010]` */
  | { kind: 'cf'; id: number; text: string }
  /** `issue.property[key].a.b` (entity is `issue` for issue properties) */
  | { kind: 'property'; entity: string; key: string; path: string[]; text: string };

export type JqlClause =
  | { kind: 'and'; clauses: JqlClause[] }
  | { kind: 'or'; clauses: JqlClause[] }
  | { kind: 'not'; clause: JqlClause }
  | {
      kind: 'terminal';
      field: JqlFieldRef;
      operator: JqlOperator;
      /** absent only for `changed` */
      operand: JqlOperand | null;
      /** `was`/`changed` predicates such as `BY`, `DURING` were present */
      hasPredicates: boolean;
    };

export interface JqlSortKey {
  field: JqlFieldRef;
  /** null when the query leaves the direction to the field's default */
  direction: 'asc' | 'desc' | null;
}

export interface JqlQuery {
  where: JqlClause | null;
  orderBy: JqlSortKey[] | null;
}
