import { scalarTexts, valuesAtPath } from './json-values';

describe('valuesAtPath', () => {
  const doc = { a: { b: 1, c: [{ d: 'x' }, { d: 'y' }, { e: 1 }], n: null, s: '' }, list: [1, [2, 3]], t: true };
  it.each<[string[], unknown[]]>([
    [[], [doc]],
    [['a', 'b'], [1]],
    [['a', 'c', 'd'], ['x', 'y']],
    [['list'], [1, 2, 3]],
    [['t'], [true]],
    [['a', 'n'], []],
    [['a', 's'], []],
    [['a', 'missing'], []],
    [['a', 'b', 'deeper'], []],
    [['toString'], []],
  ])('%j', (path, expected) => {
    expect(valuesAtPath(doc, path)).toEqual(expected);
  });
});

describe('scalarTexts', () => {
  it.each<[unknown, string[]]>([
    ['CLOUD-1', ['CLOUD-1']],
    ['', []],
    [null, []],
    [undefined, []],
    [3, ['3']],
    [false, ['false']],
    [{ value: 'Production', id: '1' }, ['Production']],
    [{ accountId: 'u-1' }, ['u-1']],
    [[{ value: 'a' }, 'b', { other: 1 }], ['a', 'b']],
    [{ other: 1 }, []],
  ])('%j → %j', (value, expected) => {
    expect(scalarTexts(value)).toEqual(expected);
  });
});
