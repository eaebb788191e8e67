/**
 * The subset of Jira expressions the sandbox evaluates for a trigger's `filter.expression`:
 * member paths from `event` (`event.issue.fields.project.key`), string / number / boolean / null
 * literals, `==`, `!=`, `!`, `&&`, `||`, `in [...]` and parentheses. Anything else is rejected at
 * start-up with the position of the problem, never silently ignored.
 */
export type FilterExpression = (event: unknown) => boolean;

type Token =
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'literal'; value: string | number | boolean | null; pos: number }
  | { kind: 'op'; value: string; pos: number };

const OPS = ['==', '!=', '&&', '||', '!', '(', ')', '.', '[', ']', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) { i++; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { out.push({ kind: 'op', value: op, pos: i }); i += op.length; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') j++;
        s += src[j] ?? '';
        j++;
      }
      if (j >= src.length) throw new Error(`unterminated string at ${i}`);
      out.push({ kind: 'literal', value: s, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) { out.push({ kind: 'literal', value: Number(num[0]), pos: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      if (w === 'true' || w === 'false') out.push({ kind: 'literal', value: w === 'true', pos: i });
      else if (w === 'null') out.push({ kind: 'literal', value: null, pos: i });
      else if (w === 'in') out.push({ kind: 'op', value: 'in', pos: i });
      else out.push({ kind: 'ident', value: w, pos: i });
      i += w.length;
      continue;
    }
    throw new Error(`unsupported character '${c}' at ${i}`);
  }
  return out;
}

type Node = (event: unknown) => unknown;

function get(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Compile a filter expression; throws `Error` naming the unsupported syntax. */
export function compileFilterExpression(src: string): FilterExpression {
  let tokens: Token[];
  try { tokens = tokenize(src); } catch (e) { throw new Error(`filter.expression "${src}": ${(e as Error).message}`); }
  let p = 0;
  const fail = (what: string): never => {
    const t = tokens[p];
    throw new Error(`filter.expression "${src}": ${what} at ${t ? `position ${t.pos}` : 'end'} (the sandbox supports paths from 'event', literals, ==, !=, !, &&, ||, in [...], parentheses)`);
  };
  const peekOp = (v: string): boolean => { const t = tokens[p]; return t?.kind === 'op' && t.value === v; };
  const expectOp = (v: string): void => { if (!peekOp(v)) fail(`expected '${v}'`); p++; };

  const primary = (): Node => {
    const t = tokens[p];
    if (!t) return fail('unexpected end');
    if (t.kind === 'literal') { p++; const v = t.value; return () => v; }
    if (t.kind === 'op' && t.value === '(') { p++; const e = or(); expectOp(')'); return e; }
    if (t.kind === 'op' && t.value === '!') { p++; const e = primary(); return (ev) => !e(ev); }
    if (t.kind === 'ident') {
      if (t.value !== 'event') return fail(`unknown name '${t.value}'`);
      p++;
      const path: string[] = [];
      while (peekOp('.')) {
        p++;
        const id = tokens[p];
        if (id?.kind !== 'ident') return fail('expected a property name');
        path.push(id.value);
        p++;
      }
      if (peekOp('(')) return fail('function calls are not supported');
      return (ev) => path.reduce<unknown>((o, k) => get(o, k), ev);
    }
    return fail(`unexpected '${String(t.value)}'`);
  };
  const comparison = (): Node => {
    const left = primary();
    if (peekOp('==') || peekOp('!=')) {
      const negate = tokens[p]?.value === '!=';
      p++;
      const right = primary();
      return (ev) => (left(ev) === right(ev)) !== negate;
    }
    if (peekOp('in')) {
      p++;
      expectOp('[');
      const items: Node[] = [];
      while (!peekOp(']')) {
        items.push(primary());
        if (!peekOp(']')) expectOp(',');
      }
      p++;
      return (ev) => { const v = left(ev); return items.some((it) => it(ev) === v); };
    }
    return left;
  };
  const and = (): Node => {
    let left = comparison();
    while (peekOp('&&')) { p++; const l = left; const r = comparison(); left = (ev) => Boolean(l(ev)) && Boolean(r(ev)); }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peekOp('||')) { p++; const l = left; const r = and(); left = (ev) => Boolean(l(ev)) || Boolean(r(ev)); }
    return left;
  };
  const root = or();
  if (p !== tokens.length) fail('unexpected token');
  return (event) => Boolean(root(event));
}
