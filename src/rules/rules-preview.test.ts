import { gatherMappingValues, mappingValuesOfApply } from '../sync/mapping-values';
import { lineDiff } from './rules-preview';

describe('lineDiff', () => {
  it.each([
    ['nothing changed', 'a\nb', 'a\nb', []],
    ['a line changed, with its context', 'a\nb\nc', 'a\nB\nc', [[' ', 'a'], ['-', 'b'], ['+', 'B'], [' ', 'c']]],
    ['a line added at the end', 'a', 'a\nb', [[' ', 'a'], ['+', 'b']]],
    ['a line removed at the start', 'x\na', 'a', [['-', 'x'], [' ', 'a']]],
    ['context cut to 3 lines each side', '1\n2\n3\n4\n5\n6\n7\n8\n9', '1\n2\n3\n4\nfive\n6\n7\n8\n9', [[' ', '2'], [' ', '3'], [' ', '4'], ['-', '5'], ['+', 'five'], [' ', '6'], [' ', '7'], [' ', '8']]],
  ])('%s', (_name, before, after, expected) => {
    expect(lineDiff(before, after).map((l) => [l.op, l.text])).toEqual(expected);
  });

  it('a change in the middle of 5,000 lines costs the changed part only', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const changed = [...lines];
    changed[2500] = 'changed';
    expect(lineDiff(lines.join('\n'), changed.join('\n')).filter((l) => l.op !== ' ')).toEqual([{ op: '-', text: 'line 2500' }, { op: '+', text: 'changed' }]);
  });
});

describe('the values of links gathered for the Mappings tab', () => {
  it('counts issues, not applies, and names the latest issue that could not place a value', () => {
    const status = { table: 'status' as const, field: null, value: 'Parked', label: null };
    const links = [
      { localKey: 'B-1', lastSyncAt: '2026-12-01T10:00:00.000Z', mappingValues: mappingValuesOfApply([status], [{ ...status }]) },
      { localKey: 'B-2', lastSyncAt: '2026-12-01T11:00:00.000Z', mappingValues: mappingValuesOfApply([status], [{ ...status }]) },
      { localKey: 'B-3', lastSyncAt: '2026-12-01T12:00:00.000Z', mappingValues: mappingValuesOfApply([{ ...status, value: 'parked' }], []) },
      { localKey: 'B-4', lastSyncAt: null },
    ];
    expect(gatherMappingValues(links)).toEqual([{ ...status, seen: 3, unmapped: 2, lastAt: '2026-12-01T12:00:00.000Z', lastIssueKey: 'B-2' }]);
  });

  it('keeps a link\'s values bounded and cut', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ table: 'fields' as const, field: null, value: `${'f'.repeat(200)}${i}`, label: null }));
    const kept = mappingValuesOfApply(many, many);
    expect(kept.seen).toHaveLength(40);
    expect(kept.unmapped).toHaveLength(40);
    expect(Math.max(...kept.seen.map((v) => v.value.length))).toBe(120);
  });
});
