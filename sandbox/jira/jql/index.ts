import type { JqlFieldRef } from './ast';
import { compileOrder } from './compile-order';
import { compileWhere } from './compile-where';
import type { FieldSpec } from './field-spec';
import { ParseCache } from './parse-cache';
import { resolveField } from './resolve-field';
import type { CompiledJql, JqlContext } from './types';

export * from './types';
export { parseJql } from './parse-jql';
export type { JqlQuery, JqlClause, JqlOperand, JqlOperator, JqlFieldRef, JqlSortKey } from './ast';

const parseCache = new ParseCache();

/**
 * Compiles JQL once into closures: `matches` for one linear pass over the issues, `compare` for
 * `Array.prototype.sort`. Parsed trees of recently seen JQL texts are cached (see ParseCache); the
 * context (clock, user, custom fields, catalog) is applied on every call. Throws `JqlError` (kind
 * 'syntax' | 'unsupported' | 'unknown-field' | 'invalid-value') with a Jira-like message; the site
 * answers 400 with it. Evaluation itself never throws.
 */
export function compileJql(jql: string, ctx: JqlContext): CompiledJql {
  const query = parseCache.parse(jql);
  const resolve = (ref: JqlFieldRef): FieldSpec => resolveField(ref, ctx);
  const matches = query.where ? compileWhere(query.where, resolve) : () => true;
  const compare = compileOrder(query.orderBy, resolve);
  return { matches, compare };
}
