import { DAY, epochDay, parseAbsoluteDate, parsePeriod, resolveDate } from './jql-dates';
import { CTX, NOW } from './jql-fixture';
import { JqlError } from './types';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parsePeriod', () => {
  it.each<[string, number | null]>([
    ['-1d', -DAY],
    ['1d', DAY],
    ['+2w', 14 * DAY],
    ['-4h', -4 * HOUR],
    ['-30m', -30 * MIN],
    ['4w 2d', 30 * DAY],
    ['-1w 2d', -9 * DAY],
    [' -1h30m ', -90 * MIN],
    ['1y', null],
    ['-1', null],
    ['d', null],
    ['yesterday', null],
  ])('%j → %s', (text, expected) => {
    expect(parsePeriod(text)).toBe(expected);
  });
});

describe('parseAbsoluteDate', () => {
  it.each<[string, { start: number; end: number } | null]>([
    ['2026-01-31', { start: Date.UTC(2026, 0, 31), end: Date.UTC(2026, 1, 1) }],
    ['2026/01/31', { start: Date.UTC(2026, 0, 31), end: Date.UTC(2026, 1, 1) }],
    ['2026/1/5', { start: Date.UTC(2026, 0, 5), end: Date.UTC(2026, 0, 6) }],
    ['2026/01/31 10:00', { start: Date.UTC(2026, 0, 31, 10), end: Date.UTC(2026, 0, 31, 10, 1) }],
    ['2026-01-31 9:05', { start: Date.UTC(2026, 0, 31, 9, 5), end: Date.UTC(2026, 0, 31, 9, 6) }],
    ['2026-02-30', null],
    ['2026-13-01', null],
    ['2026-01-31 24:00', null],
    ['2026-01-31T10:00', null],
    ['31/01/2026', null],
  ])('%j', (text, expected) => {
    expect(parseAbsoluteDate(text)).toEqual(expected);
  });
});

describe('resolveDate (now = Sunday 2026-02-15 12:00 UTC)', () => {
  const fn = (name: string, ...args: string[]) => ({ kind: 'function' as const, name, args });
  const value = (text: string, isNumber = false) => ({ kind: 'value' as const, text, isNumber });

  it.each<[string, { kind: 'function'; name: string; args: string[] } | { kind: 'value'; text: string; isNumber: boolean }, number]>([
    ['now()', fn('now'), NOW],
    ['startOfDay()', fn('startOfDay'), Date.UTC(2026, 1, 15)],
    ['startOfDay(-1)', fn('startOfDay', '-1'), Date.UTC(2026, 1, 14)],
    ['startOfDay("+1d")', fn('startOfDay', '+1d'), Date.UTC(2026, 1, 16)],
    ['startOfDay("+2h")', fn('startOfDay', '+2h'), Date.UTC(2026, 1, 15, 2)],
    ['endOfDay()', fn('endOfDay'), Date.UTC(2026, 1, 16) - 1],
    ['endOfDay(-1)', fn('endOfDay', '-1'), Date.UTC(2026, 1, 15) - 1],
    ['startOfWeek()', fn('startOfWeek'), Date.UTC(2026, 1, 15)],
    ['startOfWeek("+1d")', fn('startOfWeek', '+1d'), Date.UTC(2026, 1, 16)],
    ['endOfWeek()', fn('endOfWeek'), Date.UTC(2026, 1, 22) - 1],
    ['startOfMonth()', fn('startOfMonth'), Date.UTC(2026, 1, 1)],
    ['startOfMonth(-1)', fn('startOfMonth', '-1'), Date.UTC(2026, 0, 1)],
    ['endOfMonth()', fn('endOfMonth'), Date.UTC(2026, 2, 1) - 1],
    ['endOfMonth(-1)', fn('ENDOFMONTH', '-1'), Date.UTC(2026, 1, 1) - 1],
    ['startOfYear()', fn('startOfYear'), Date.UTC(2026, 0, 1)],
    ['endOfYear("-1y")', fn('endOfYear', '-1y'), Date.UTC(2026, 0, 1) - 1],
    ['-1d', value('-1d'), NOW - DAY],
    ['"2026-01-31"', value('2026-01-31'), Date.UTC(2026, 0, 31)],
  ])('%s', (_label, operand, start) => {
    expect(resolveDate(operand, CTX, 'created').start).toBe(start);
  });

  it.each<[string, { kind: 'function'; name: string; args: string[] } | { kind: 'value'; text: string; isNumber: boolean }, JqlError['kind']]>([
    ['a number', value('5', true), 'invalid-value'],
    ['a word', value('soon'), 'invalid-value'],
    ['now(1)', fn('now', '1'), 'invalid-value'],
    ['startOfDay(1, 2)', fn('startOfDay', '1', '2'), 'invalid-value'],
    ['startOfDay("x")', fn('startOfDay', 'x'), 'invalid-value'],
    ['currentLogin()', fn('currentLogin'), 'unsupported'],
    ['currentUser()', fn('currentUser'), 'unsupported'],
  ])('rejects %s', (_label, operand, kind) => {
    let error: unknown;
    try {
      resolveDate(operand, CTX, 'created');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JqlError);
    expect(error instanceof JqlError && error.kind).toBe(kind);
  });
});

describe('epochDay', () => {
  it.each<[string | null, number | null]>([
    ['1970-01-02', 1],
    ['2026-02-15', Math.floor(Date.UTC(2026, 1, 15) / DAY)],
    ['2026-02-15T23:00:00.000Z', Math.floor(Date.UTC(2026, 1, 15) / DAY)],
    ['not a date', null],
    [null, null],
  ])('%j → %s', (text, expected) => {
    expect(epochDay(text)).toBe(expected);
  });
});
