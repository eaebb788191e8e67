import { fieldHashes } from './link-state';
import { decideConflict, threeWayMerge, type MergeInput } from './merge';
import type { FieldValues } from './state/records';

/** the merge's input, with the base given as values (the link state keeps their hashes) */
function input(over: Partial<Omit<MergeInput, 'base'>> & { base?: FieldValues | null }): MergeInput {
  const { base, ...rest } = over;
  return {
    base: base === undefined ? fieldHashes({ summary: 'base' }) : base === null ? null : fieldHashes(base), mine: { summary: 'base' }, theirs: { summary: 'base' }, policy: 'later-wins',
    mineEditedAt: '2026-01-01T00:00:00.000Z', theirsEditedAt: '2026-01-01T00:00:00.000Z', mySiteId: 'a', theirSiteId: 'b', ...rest,
  };
}

describe('threeWayMerge', () => {
  it.each([
    ['nothing changed', { summary: 'base' }, { summary: 'base' }, { summary: 'base' }, {}, 0],
    ['only the remote changed → apply', { summary: 'base' }, { summary: 'base' }, { summary: 'theirs' }, { summary: 'theirs' }, 0],
    ['only mine changed → keep (theirs == base)', { summary: 'base' }, { summary: 'mine' }, { summary: 'base' }, {}, 0],
    ['both changed to the same value → nothing', { summary: 'base' }, { summary: 'same' }, { summary: 'same' }, {}, 0],
    ['no base → apply theirs (a new twin)', null, { summary: 'mine' }, { summary: 'theirs' }, { summary: 'theirs' }, 0],
    ['field missing from base → apply theirs', { other: 1 }, { summary: 'mine' }, { summary: 'theirs' }, { summary: 'theirs' }, 0],
    ['field the rules did not produce is left alone', { summary: 'b' }, { summary: 'b', status: 'x' }, { summary: 'b' }, {}, 0],
    ['labels compared as values', { labels: ['a'] }, { labels: ['a'] }, { labels: ['a', 'b'] }, { labels: ['a', 'b'] }, 0],
    ['null is a value', { dueDate: '2026-01-01' }, { dueDate: '2026-01-01' }, { dueDate: null }, { dueDate: null }, 0],
  ])('%s', (_name, base, mine, theirs, apply, conflicts) => {
    const result = threeWayMerge(input({ base, mine, theirs }));
    expect(result.apply).toEqual(apply);
    expect(result.conflicts).toHaveLength(conflicts);
  });

  it.each([
    ['later-wins, theirs later', 'later-wins', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'a', 'b', 'theirs'],
    ['later-wins, mine later', 'later-wins', '2026-01-03T00:00:00Z', '2026-01-02T00:00:00Z', 'a', 'b', 'mine'],
    ['later-wins, tie, my site id higher', 'later-wins', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'b', 'a', 'mine'],
    ['later-wins, tie, their site id higher', 'later-wins', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'a', 'b', 'theirs'],
    ['later-wins, mine unknown', 'later-wins', null, '2026-01-01T00:00:00Z', 'a', 'b', 'theirs'],
    ['local-wins', 'local-wins', null, '2026-01-01T00:00:00Z', 'a', 'b', 'mine'],
    ['remote-wins', 'remote-wins', '2026-01-09T00:00:00Z', '2026-01-01T00:00:00Z', 'b', 'a', 'theirs'],
  ] as const)('conflict: %s', (_name, policy, mineEditedAt, theirsEditedAt, mySiteId, theirSiteId, winner) => {
    const result = threeWayMerge(input({ base: { s: 'base' }, mine: { s: 'mine' }, theirs: { s: 'theirs' }, policy, mineEditedAt, theirsEditedAt, mySiteId, theirSiteId }));
    expect(result.conflicts).toEqual([{ field: 's', base: fieldHashes({ s: 'base' }).s, mine: 'mine', theirs: 'theirs', winner }]);
    expect(result.apply).toEqual(winner === 'theirs' ? { s: 'theirs' } : {});
  });

  it.each([
    ['theirs equal to base but made again later counts as changed (changed and changed back)', { s: '1' }, { s: '2' }, { s: '1' }, { s: 'b1' }, { s: 'm2' }, { s: 't9' }, { s: '1' }],
    ['theirs equal to base with the same stamp is unchanged', { s: '1' }, { s: '2' }, { s: '1' }, { s: 'b1' }, { s: 'm2' }, { s: 'b1' }, {}],
    ['mine equal to base but made again: both changed, the later stamp wins', { s: '1' }, { s: '1' }, { s: '3' }, { s: 'b1' }, { s: 'm5' }, { s: 't4' }, {}],
  ])('%s', (_name, base, mine, theirs, baseStamps, mineStamps, theirStamps, apply) => {
    const stamp = (x: Record<string, string>) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, `2026-01-0${v.slice(1)}T00:00:00.000Z`]));
    const result = threeWayMerge(input({ base, mine, theirs, baseStamps: stamp(baseStamps), mineFieldEditedAt: stamp(mineStamps), theirsFieldEditedAt: stamp(theirStamps) }));
    expect(result.apply).toEqual(apply);
  });

  it('without a base (forgotten), differing fields are conflicts decided by the stamps', () => {
    const result = threeWayMerge(input({ base: null, withoutBase: 'later-wins', mine: { s: 'mine' }, theirs: { s: 'theirs' }, mineFieldEditedAt: { s: '2026-01-05T00:00:00.000Z' }, theirsFieldEditedAt: { s: '2026-01-02T00:00:00.000Z' } }));
    expect(result).toEqual({ apply: {}, conflicts: [expect.objectContaining({ field: 's', winner: 'mine' })] });
  });

  it('decides the same winner from either side', () => {
    const cases: [string | null, string | null, string, string][] = [
      ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'x', 'y'],
      ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'x', 'y'],
      [null, null, 'y', 'x'],
    ];
    for (const [a, b, siteA, siteB] of cases) {
      const fromA = decideConflict({ policy: 'later-wins', mineEditedAt: a, theirsEditedAt: b, mySiteId: siteA, theirSiteId: siteB });
      const fromB = decideConflict({ policy: 'later-wins', mineEditedAt: b, theirsEditedAt: a, mySiteId: siteB, theirSiteId: siteA });
      expect(fromA === 'mine' ? siteA : siteB).toBe(fromB === 'mine' ? siteB : siteA);
    }
  });
});
