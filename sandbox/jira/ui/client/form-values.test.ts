import { listItems, parseLabels } from './form-values';

describe('parseLabels', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['a', ['a']],
    ['a b,c ,, d', ['a', 'b', 'c', 'd']],
    ['  x\ty\nx ', ['x', 'y']],
  ])('%j → %j', (input, expected) => {
    expect(parseLabels(input)).toEqual(expected);
  });
});

describe('listItems', () => {
  it.each<[string, unknown, string[], unknown[]]>([
    ['a bare array', [1, 2], ['values'], [1, 2]],
    ['a page', { values: [1], total: 1 }, ['values'], [1]],
    ['the first key present', { issueTypes: [2] }, ['values', 'issueTypes'], [2]],
    ['nothing', { other: 1 }, ['values'], []],
    ['not JSON data', 'x', ['values'], []],
  ])('%s', (_name, data, keys, expected) => {
    expect(listItems(data, ...keys)).toEqual(expected);
  });
});
