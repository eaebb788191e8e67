import { JqlError } from './types';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  ' ': ' ',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * The text of a JQL string token: quotes removed (for `"…"` and `'…'`) and escapes resolved
 * (`\"`, `\'`, `\\`, `\ `, `\n`, `\r`, `\t`, `\uXXXX`), as Jira's lexer defines them.
 */
export function unquoteJqlString(token: string): string {
  const first = token[0];
  const quoted = token.length >= 2 && (first === '"' || first === "'") && token[token.length - 1] === first;
  const body = quoted ? token.slice(1, -1) : token;
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === 'u') {
      const hex = body.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new JqlError(`Error in the JQL Query: The escape sequence '\\u${hex}' in the string ${token} is invalid.`, 'syntax');
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
      continue;
    }
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple === undefined) {
      throw new JqlError(`Error in the JQL Query: The escape sequence '\\${next ?? ''}' in the string ${token} is invalid.`, 'syntax');
    }
    out += simple;
    i += 1;
  }
  return out;
}
