import { CharStreams, CommonTokenStream, type ANTLRErrorListener, type Token } from 'antlr4ts';
import { Interval } from 'antlr4ts/misc/Interval';
import type { ParseTree } from 'antlr4ts/tree/ParseTree';
import {
  JQLLexer,
  JQLParser,
  JqlAndClauseContext,
  JqlArgumentContext,
  JqlChangedClauseContext,
  JqlComparisonClauseContext,
  JqlCustomFieldContext,
  JqlEqualsClauseContext,
  JqlFieldContext,
  JqlFunctionContext,
  JqlInClauseContext,
  JqlIsClauseContext,
  JqlLikeClauseContext,
  JqlListContext,
  JqlNonNumberFieldContext,
  JqlNotClauseContext,
  JqlNumberContext,
  JqlNumberFieldContext,
  JqlOperandContext,
  JqlOrClauseContext,
  JqlStringContext,
  JqlTerminalClauseContext,
  JqlValueContext,
  JqlWasClauseContext,
  JqlWasInClauseContext,
} from '@atlassianlabs/jql-parser';
import type { JqlClause, JqlFieldRef, JqlOperand, JqlOperator, JqlQuery, JqlSortKey } from './ast';
import { unquoteJqlString } from './jql-string';
import { JqlError } from './types';

interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
  token: string | null;
  tokenType: number | null;
}

/** Jira's wording for the lexical problems the grammar marks with dedicated error tokens. */
function describe(problem: SyntaxProblem): string {
  const text = problem.token ?? '';
  switch (problem.tokenType) {
    case JQLParser.RESERVED_WORD:
      return `'${text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`;
    case JQLParser.ERROR_RESERVED: {
      const code = text.codePointAt(0)?.toString(16).padStart(4, '0') ?? '';
      return `The character '${text}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${code}' instead.`;
    }
    case JQLParser.UNCLOSED_QUOTE_STRING:
    case JQLParser.UNCLOSED_SQUOTE_STRING:
      return `The quoted string ${text} has not been completed.`;
    case JQLParser.INVALID_QUOTE_STRING:
    case JQLParser.INVALID_SQUOTE_STRING:
      return `The quoted string ${text} contains an invalid escape sequence.`;
    case JQLParser.ERRORCHAR:
      return `The character '${text}' is not valid in a JQL query.`;
    default:
      return problem.message;
  }
}

function syntaxError(problem: SyntaxProblem): JqlError {
  const where = `line ${problem.line}, character ${problem.column + 1}`;
  const friendly = describe(problem);
  const detail = friendly === problem.message ? where : `${where}; parser: ${problem.message}`;
  return new JqlError(`Error in the JQL Query: ${friendly} (${detail})`, 'syntax');
}

/**
 * Parses JQL with Atlassian's ANTLR grammar (`@atlassianlabs/jql-parser`) into the evaluator's AST.
 * Any lexer or parser error becomes `JqlError(kind 'syntax')` carrying the parser's message and position.
 */
export function parseJql(jql: string): JqlQuery {
  const problems: SyntaxProblem[] = [];
  const lexerListener: ANTLRErrorListener<number> = {
    syntaxError: (_recognizer, _symbol, line, column, message) => {
      problems.push({ line, column, message, token: null, tokenType: null });
    },
  };
  const parserListener: ANTLRErrorListener<Token> = {
    syntaxError: (_recognizer, symbol, line, column, message) => {
      problems.push({ line, column, message, token: symbol?.text ?? null, tokenType: symbol?.type ?? null });
    },
  };
  const lexer = new JQLLexer(CharStreams.fromString(jql));
  lexer.removeErrorListeners();
  lexer.addErrorListener(lexerListener);
  const parser = new JQLParser(new CommonTokenStream(lexer));
  parser.removeErrorListeners();
  parser.addErrorListener(parserListener);
  const tree = parser.jqlQuery();
  const first = problems[0];
  if (first) throw syntaxError(first);

  const where = tree.jqlWhere();
  const orderBy = tree.jqlOrderBy();
  return {
    where: where ? orClause(where.jqlOrClause()) : null,
    orderBy: orderBy
      ? orderBy.jqlSearchSort().map((sort): JqlSortKey => ({
          field: field(sort.jqlField()),
          direction: sort.ASC() ? 'asc' : sort.DESC() ? 'desc' : null,
        }))
      : null,
  };
}

function orClause(ctx: JqlOrClauseContext): JqlClause {
  const clauses = ctx.jqlAndClause().map(andClause);
  return clauses.length === 1 && clauses[0] ? clauses[0] : { kind: 'or', clauses };
}

function andClause(ctx: JqlAndClauseContext): JqlClause {
  const clauses = ctx.jqlNotClause().map(notClause);
  return clauses.length === 1 && clauses[0] ? clauses[0] : { kind: 'and', clauses };
}

function notClause(ctx: JqlNotClauseContext): JqlClause {
  const inner = ctx.jqlNotClause();
  if (inner) return { kind: 'not', clause: notClause(inner) };
  const sub = ctx.jqlSubClause();
  if (sub) return orClause(sub.jqlOrClause());
  const terminal = ctx.jqlTerminalClause();
  if (terminal) return terminalClause(terminal);
  throw new JqlError(`Error in the JQL Query: unexpected clause '${ctx.text}'`, 'syntax');
}

const OPERATORS: ReadonlySet<string> = new Set<JqlOperator>([
  '=', '!=', '~', '!~', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not', 'was', 'was not', 'was in', 'was not in', 'changed',
]);

function isOperator(text: string): text is JqlOperator {
  return OPERATORS.has(text);
}

/** The operator's keywords joined by single spaces, lower-cased: `IS NOT` → `is not`. */
function operatorText(ctx: ParseTree): JqlOperator {
  const words: string[] = [];
  for (let i = 0; i < ctx.childCount; i++) words.push(ctx.getChild(i).text.toLowerCase());
  const text = words.join(' ');
  if (!isOperator(text)) throw new JqlError(`Error in the JQL Query: unknown operator '${text}'`, 'syntax');
  return text;
}

function terminalClause(ctx: JqlTerminalClauseContext): JqlClause {
  const ref = field(ctx.jqlField());
  const rhs = ctx.jqlTerminalClauseRhs();
  const make = (operatorCtx: ParseTree, operand: JqlOperand | null, hasPredicates = false): JqlClause => ({
    kind: 'terminal',
    field: ref,
    operator: operatorText(operatorCtx),
    operand,
    hasPredicates,
  });
  if (rhs instanceof JqlEqualsClauseContext) return make(rhs.jqlEqualsOperator(), single(rhs));
  if (rhs instanceof JqlLikeClauseContext) return make(rhs.jqlLikeOperator(), single(rhs));
  if (rhs instanceof JqlComparisonClauseContext) return make(rhs.jqlComparisonOperator(), single(rhs));
  if (rhs instanceof JqlInClauseContext) {
    const list = rhs.jqlList();
    const fn = rhs.jqlFunction();
    return make(rhs.jqlInOperator(), list ? listOperand(list) : fn ? functionCall(fn) : null);
  }
  if (rhs instanceof JqlIsClauseContext) return make(rhs.jqlIsOperator(), { kind: 'empty' });
  if (rhs instanceof JqlWasClauseContext) return make(rhs.jqlWasOperator(), single(rhs), rhs.jqlWasPredicate().length > 0);
  if (rhs instanceof JqlWasInClauseContext) {
    const list = rhs.jqlList();
    const fn = rhs.jqlFunction();
    return make(rhs.jqlWasInOperator(), list ? listOperand(list) : fn ? functionCall(fn) : null, rhs.jqlWasPredicate().length > 0);
  }
  if (rhs instanceof JqlChangedClauseContext) return make(rhs.jqlChangedOperator(), null, rhs.jqlChangedPredicate().length > 0);
  throw new JqlError(`Error in the JQL Query: unexpected clause '${ctx.text}'`, 'syntax');
}

interface SingleOperandContext {
  jqlValue(): JqlValueContext | undefined;
  jqlFunction(): JqlFunctionContext | undefined;
}

function single(ctx: SingleOperandContext): JqlOperand {
  const value = ctx.jqlValue();
  if (value) return literal(value);
  const fn = ctx.jqlFunction();
  if (fn) return functionCall(fn);
  return { kind: 'empty' };
}

function literal(ctx: JqlValueContext): JqlOperand {
  const str = ctx.jqlString();
  if (str) return { kind: 'value', text: stringText(str), isNumber: false };
  const num = ctx.jqlNumber();
  if (num) return { kind: 'value', text: num.text, isNumber: true };
  throw new JqlError(`Error in the JQL Query: unexpected value '${ctx.text}'`, 'syntax');
}

function operand(ctx: JqlOperandContext): JqlOperand {
  const value = ctx.jqlValue();
  if (value) return literal(value);
  const fn = ctx.jqlFunction();
  if (fn) return functionCall(fn);
  const list = ctx.jqlList();
  if (list) return listOperand(list);
  return { kind: 'empty' };
}

function listOperand(ctx: JqlListContext): JqlOperand {
  return { kind: 'list', items: ctx.jqlOperand().map(operand) };
}

function functionCall(ctx: JqlFunctionContext): JqlOperand {
  const nameCtx = ctx.jqlFunctionName();
  const nameString = nameCtx.jqlString();
  const name = nameString ? stringText(nameString) : nameCtx.text;
  const args = ctx.jqlArgumentList()?.jqlArgument().map(argumentText) ?? [];
  return { kind: 'function', name, args };
}

function argumentText(ctx: JqlArgumentContext): string {
  const str = ctx.jqlString();
  return str ? stringText(str) : ctx.text;
}

function stringText(ctx: JqlStringContext | JqlNumberContext): string {
  return ctx instanceof JqlStringContext ? unquoteJqlString(ctx.text) : ctx.text;
}

function field(ctx: JqlFieldContext): JqlFieldRef {
  const text = sourceText(ctx);
  if (ctx instanceof JqlNumberFieldContext) return { kind: 'name', name: ctx.jqlNumber().text, text };
  if (!(ctx instanceof JqlNonNumberFieldContext)) {
    throw new JqlError(`Error in the JQL Query: unexpected field '${text}'`, 'syntax');
  }
  const properties = ctx.jqlFieldProperty();
  const custom: JqlCustomFieldContext | undefined = ctx.jqlCustomField();
  if (custom) {
    if (properties.length > 0) {
      throw new JqlError(`Property searches on custom fields are not supported: '${text}'.`, 'unsupported');
    }
    return { kind: 'cf', id: Number(custom.POSNUMBER().text), text };
  }
  const nameCtx = ctx.jqlString();
  const name = nameCtx ? stringText(nameCtx) : text;
  if (properties.length === 0) return { kind: 'name', name, text };

  // entity.property[key].path.to.value (one bracketed key, then dotted path segments)
  const [prop, ...rest] = properties;
  const keyArg = prop?.LBRACKET() ? prop.jqlArgument() : undefined;
  if (!prop || !keyArg || rest.length > 0) {
    throw new JqlError(`The property reference '${text}' is not supported; use entity.property[key].path.`, 'unsupported');
  }
  const entityMatch = /^(.+)\.property$/i.exec(name);
  if (!entityMatch?.[1]) {
    throw new JqlError(`Field '${text}' does not exist or you do not have permission to view it.`, 'unknown-field');
  }
  const path = prop
    .jqlPropertyArgument()
    .map((p) => argumentText(p.jqlArgument()))
    .join('')
    .split('.')
    .filter((segment) => segment.length > 0);
  return { kind: 'property', entity: entityMatch[1].toLowerCase(), key: argumentText(keyArg), path, text };
}

/** The field exactly as the user wrote it (ANTLR's `text` drops the whitespace between tokens). */
function sourceText(ctx: JqlFieldContext): string {
  const start = ctx.start;
  const stop = ctx.stop;
  const input = start.inputStream;
  if (!input || !stop) return ctx.text;
  return input.getText(Interval.of(start.startIndex, stop.stopIndex));
}
