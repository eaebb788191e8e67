import { type FieldSpec, type RelationalOperator, type ScalarOperand, type SortSpec, type ValueReader, unsupportedFunction, valueField } from './field-spec';
import type { JqlOperator } from './ast';
import { JqlError, type JqlContext } from './types';

/**
 * Date and date-time values in JQL. All calendar arithmetic is in UTC (the emulated site has no
 * user time zones); weeks start on Sunday, as in Jira's default (en_US) locale.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** An operand resolved to the instants [start, end): a whole day for `2026-01-31`, a minute for `2026-01-31 10:00`. */
export interface DateBound {
  start: number;
  end: number;
}

const DATE_OPERATORS: readonly JqlOperator[] = ['=', '!=', 'in', 'not in', '<', '<=', '>', '>=', 'is', 'is not'];

const ABSOLUTE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;
const PERIOD = /^([-+]?)\s*((?:\d+\s*[wdhm]\s*)+)$/;

function invalidDate(text: string, field: string): JqlError {
  return new JqlError(
    `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    'invalid-value',
  );
}

const UNIT_MS: Readonly<Record<string, number>> = { w: WEEK, d: DAY, h: HOUR, m: MINUTE };

/** `-1d`, `4w 2d`, `+30m` → signed milliseconds, or null when the text is not a period. */
export function parsePeriod(text: string): number | null {
  const m = PERIOD.exec(text.trim());
  if (!m) return null;
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d+)\s*([wdhm])/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}

/** `2026-01-31`, `2026/01/31 10:00` → a day or minute bound (UTC), or null when not an absolute date. */
export function parseAbsoluteDate(text: string): DateBound | null {
  const m = ABSOLUTE.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const start = Date.UTC(year, month - 1, day, Number(m[4] ?? 0), Number(m[5] ?? 0));
  const check = new Date(start);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59)) return null;
  return { start, end: start + (m[4] === undefined ? DAY : MINUTE) };
}

type Period = 'Day' | 'Week' | 'Month' | 'Year';
const NATURAL_UNIT: Readonly<Record<Period, string>> = { Day: 'd', Week: 'w', Month: 'M', Year: 'y' };

function startOf(period: Period, t: number): number {
  const d = new Date(t);
  switch (period) {
    case 'Day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'Week':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - d.getUTCDay());
    case 'Month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'Year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

function addCalendar(t: number, amount: number, unit: string): number {
  const d = new Date(t);
  if (unit === 'M') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + amount, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  if (unit === 'y') return Date.UTC(d.getUTCFullYear() + amount, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return t + amount * (UNIT_MS[unit] ?? 0);
}

function nextStart(period: Period, t: number): number {
  return startOf(period, addCalendar(startOf(period, t), 1, NATURAL_UNIT[period]));
}

const PERIOD_FUNCTION = /^(start|end)Of(Day|Week|Month|Year)$/i;

function periodFunction(fn: ScalarOperand & { kind: 'function' }, now: number, field: string): number | null {
  const m = PERIOD_FUNCTION.exec(fn.name);
  if (!m) return null;
  const edge = (m[1] ?? '').toLowerCase();
  const word = (m[2] ?? '').toLowerCase();
  const period: Period = word === 'day' ? 'Day' : word === 'week' ? 'Week' : word === 'month' ? 'Month' : 'Year';
  const arg = fn.args[0];
  if (fn.args.length > 1) throw new JqlError(`Function '${fn.name}' expected between '0' and '1' arguments but received '${fn.args.length}'.`, 'invalid-value');
  let amount = 0;
  let unit = NATURAL_UNIT[period];
  if (arg !== undefined) {
    const inc = /^([-+]?)(\d+)([yMwdhm]?)$/.exec(arg.trim());
    if (!inc) {
      throw new JqlError(`Duration for function '${fn.name}' should have the format (+/-)n(y|M|w|d|h|m), but was '${arg}' (field '${field}').`, 'invalid-value');
    }
    amount = Number(inc[2]) * (inc[1] === '-' ? -1 : 1);
    if (inc[3]) unit = inc[3];
  }
  const natural = unit === NATURAL_UNIT[period];
  const reference = natural ? addCalendar(now, amount, unit) : now;
  const base = edge === 'start' ? startOf(period, reference) : nextStart(period, reference) - 1;
  return natural ? base : addCalendar(base, amount, unit);
}

/** Resolves a date operand (absolute date, period, or date function) against `ctx.now`. */
export function resolveDate(operand: ScalarOperand, ctx: JqlContext, field: string): DateBound {
  if (operand.kind === 'function') {
    if (/^(now|currentLogin|lastLogin)$/i.test(operand.name)) {
      if (operand.name.toLowerCase() !== 'now') throw unsupportedFunction(operand, field);
      if (operand.args.length > 0) throw new JqlError(`Function 'now' expected '0' arguments but received '${operand.args.length}'.`, 'invalid-value');
      return { start: ctx.now, end: ctx.now + 1 };
    }
    const t = periodFunction(operand, ctx.now, field);
    if (t === null) throw unsupportedFunction(operand, field);
    return { start: t, end: t + 1 };
  }
  if (!operand.isNumber) {
    const absolute = parseAbsoluteDate(operand.text);
    if (absolute) return absolute;
    const period = parsePeriod(operand.text);
    if (period !== null) return { start: ctx.now + period, end: ctx.now + period + 1 };
  }
  throw invalidDate(operand.text, field);
}

function compareWith(operator: RelationalOperator, bound: number): (value: number) => boolean {
  switch (operator) {
    case '<':
      return (v) => v < bound;
    case '<=':
      return (v) => v <= bound;
    case '>':
      return (v) => v > bound;
    case '>=':
      return (v) => v >= bound;
  }
}

/** A date-time field (created, updated, datetime custom fields): values are epoch milliseconds. */
export function dateTimeField(name: string, read: ValueReader<number>, ctx: JqlContext, sort?: SortSpec): FieldSpec {
  return valueField<number>({
    name,
    operators: DATE_OPERATORS,
    read,
    matcher: (operand) => {
      const b = resolveDate(operand, ctx, name);
      return (v) => v >= b.start && v < b.end;
    },
    relational: (operator, operand) => compareWith(operator, resolveDate(operand, ctx, name).start),
    ...(sort ? { sort } : {}),
  });
}

/** `YYYY-MM-DD` (or an ISO date-time) → days since the epoch (UTC), or null when unparseable. */
export function epochDay(text: string | null): number | null {
  if (text === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return null;
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY);
}

/** A date-only field (duedate, date custom fields): values are epoch days; operands compare by their day. */
export function dateField(name: string, read: ValueReader<number>, ctx: JqlContext, sort?: SortSpec): FieldSpec {
  const day = (operand: ScalarOperand): number => Math.floor(resolveDate(operand, ctx, name).start / DAY);
  return valueField<number>({
    name,
    operators: DATE_OPERATORS,
    read,
    matcher: (operand) => {
      const d = day(operand);
      return (v) => v === d;
    },
    relational: (operator, operand) => compareWith(operator, day(operand)),
    ...(sort ? { sort } : {}),
  });
}
