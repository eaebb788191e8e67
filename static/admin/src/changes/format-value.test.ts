import { formatValue } from './format-value';

describe('formatValue', () => {
  it.each<[string, unknown, string]>([
    ['text as it is', 'In Progress', 'In Progress'],
    ['empty text', '', '(empty)'],
    ['null', null, '(none)'],
    ['a number', 3, '3'],
    ['a boolean', false, 'false'],
    ['a list, joined', ['a', 'b'], 'a, b'],
    ['an empty list', [], '(none)'],
    ['a person by name', { accountId: 'acc-1', displayName: 'Ana Silva' }, 'Ana Silva'],
    ['a named thing', { name: 'High' }, 'High'],
    ['a custom field value', { value: 'S1' }, 'S1'],
    ['a list of options', [{ value: 'S1' }, { value: 'S2' }], 'S1, S2'],
    ['another object as compact JSON', { a: 1, b: 2, c: 3 }, '{"a":1,"b":2,"c":3}'],
  ])('shows %s', (_name, value, shown) => {
    expect(formatValue(value)).toBe(shown);
  });
});
