import { type FieldSpec, literalText, valueField } from './field-spec';
import { valuesAtPath } from './json-values';
import type { JqlIssue } from './types';

const NO_VALUES: readonly unknown[] = [];

/**
 * `issue.property[key].path.to.value`: issue entity properties. Every property is searchable (a real
 * site needs an app-declared index; the sandbox indexes all). A string value matches exactly, a number
 * matches a numeric operand (`= 10001` and `= "10001"` both), a boolean matches `true`/`false`; arrays
 * match when any element does. `<`, `>` compare numbers numerically and strings lexically (ISO dates
 * sort correctly). With no path the property's own value is used (an object is "not EMPTY").
 */
export function propertyField(key: string, path: readonly string[], text: string): FieldSpec {
  const read = (issue: JqlIssue): readonly unknown[] =>
    Object.hasOwn(issue.properties, key) ? valuesAtPath(issue.properties[key], path) : NO_VALUES;
  const sortKey = (issue: JqlIssue): string | number | null => {
    const first = read(issue).find((v) => typeof v === 'string' || typeof v === 'number');
    if (typeof first === 'number') return first;
    return typeof first === 'string' ? first.toLowerCase() : null;
  };
  return valueField<unknown>({
    name: text,
    operators: ['=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>=', '~', '!~'],
    read: { many: read },
    matcher: (operand) => {
      const value = literalText(operand, text);
      const number = value.trim() === '' ? NaN : Number(value);
      const bool = value.toLowerCase();
      return (v) =>
        typeof v === 'string' ? v === value : typeof v === 'number' ? v === number : typeof v === 'boolean' ? String(v) === bool : false;
    },
    relational: (operator, operand) => {
      const value = literalText(operand, text);
      const number = value.trim() === '' ? NaN : Number(value);
      const test = <T extends number | string>(a: T, b: T): boolean =>
        operator === '<' ? a < b : operator === '<=' ? a <= b : operator === '>' ? a > b : a >= b;
      return (v) => (typeof v === 'number' ? Number.isFinite(number) && test(v, number) : typeof v === 'string' ? test(v, value) : false);
    },
    texts: (issue) => read(issue).flatMap((v) => (typeof v === 'string' ? [v] : [])),
    sort: { key: sortKey, defaultDirection: 'asc' },
  });
}
