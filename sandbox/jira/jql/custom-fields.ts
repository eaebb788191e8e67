import type { JqlOperator } from './ast';
import { type FieldSpec, literalText, valueField } from './field-spec';
import { dateField, dateTimeField, epochDay } from './jql-dates';
import { scalarTexts } from './json-values';
import { JqlError, type JqlContext, type JqlCustomFieldInfo, type JqlIssue } from './types';

/**
 * Custom fields, by name (`"Remote issue key"`) or by id (`cf[10010]`), typed by the site's schema type:
 * `number`, `date`, `datetime`, and everything else (`string`, `option`, `array`, `user`, ...) compared as text.
 */

function numbersOf(value: unknown): number[] {
  return scalarTexts(value)
    .map(Number)
    .filter((n) => Number.isFinite(n));
}

function firstOrNull<T>(values: readonly T[]): T | null {
  return values[0] ?? null;
}

/** A spec over one or more custom fields that share a name (Jira searches them all). */
export function customField(fields: readonly JqlCustomFieldInfo[], displayName: string, ctx: JqlContext): FieldSpec {
  const ids = fields.map((f) => f.id);
  const type = fields.every((f) => f.type === fields[0]?.type) ? (fields[0]?.type ?? 'string') : 'string';
  const only = ids.length === 1 ? ids[0] : undefined;
  const raw = (issue: JqlIssue): unknown[] => (only !== undefined ? [issue.customFields[only]] : ids.map((id) => issue.customFields[id]));

  if (type === 'number') {
    const read = (i: JqlIssue): number[] => raw(i).flatMap(numbersOf);
    const number = (text: string): number => {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) {
        throw new JqlError(`The value '${text}' for field '${displayName}' is invalid: a number is expected.`, 'invalid-value');
      }
      return n;
    };
    return valueField<number>({
      name: displayName,
      operators: ['=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>='],
      read: { many: read },
      matcher: (operand) => {
        const n = number(literalText(operand, displayName));
        return (v) => v === n;
      },
      relational: (operator, operand) => {
        const n = number(literalText(operand, displayName));
        return operator === '<' ? (v) => v < n : operator === '<=' ? (v) => v <= n : operator === '>' ? (v) => v > n : (v) => v >= n;
      },
      sort: { key: (i) => firstOrNull(read(i)), defaultDirection: 'asc' },
    });
  }
  if (type === 'date') {
    const read = (i: JqlIssue): number[] => raw(i).flatMap((v) => {
      const day = typeof v === 'string' ? epochDay(v) : null;
      return day === null ? [] : [day];
    });
    return dateField(displayName, { many: read }, ctx, { key: (i) => firstOrNull(read(i)), defaultDirection: 'asc' });
  }
  if (type === 'datetime') {
    const read = (i: JqlIssue): number[] => raw(i).flatMap((v) => {
      const t = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
      return Number.isFinite(t) ? [t] : [];
    });
    return dateTimeField(displayName, { many: read }, ctx, { key: (i) => firstOrNull(read(i)), defaultDirection: 'desc' });
  }

  const read = (i: JqlIssue): string[] => (only !== undefined ? scalarTexts(i.customFields[only]) : raw(i).flatMap(scalarTexts));
  const operators: JqlOperator[] = ['=', '!=', 'in', 'not in', 'is', 'is not', '~', '!~'];
  return valueField<string>({
    name: displayName,
    operators,
    read: { many: read },
    // exact (case-insensitive) value match; Jira itself only offers ~ on free-text fields
    matcher: (operand) => {
      const lower = literalText(operand, displayName).toLowerCase();
      return (v) => v.length === lower.length && v.toLowerCase() === lower;
    },
    texts: read,
    sort: {
      key: (i) => {
        const first = firstOrNull(read(i));
        return first === null ? null : first.toLowerCase();
      },
      defaultDirection: 'asc',
    },
  });
}
