import { EMPTY_MAPPINGS, MappingsSchema, ambiguities, incomingUserRows, toLocal, toRemote, type Mappings } from './mappings';

const tables = (over: Partial<Mappings>): Mappings => ({ ...EMPTY_MAPPINGS, ...over });

describe('value mappings', () => {
  const status = [
    { local: 'Done', remote: 'Closed', direction: 'both' as const },
    { local: 'In Review', remote: 'Review', direction: 'incoming' as const },
    { local: 'Blocked', remote: 'On hold', direction: 'outgoing' as const },
  ];

  it.each([
    ['a both row, any case', 'closed', 'Done'],
    ['an incoming row', 'Review', 'In Review'],
    ['an outgoing row is not used for a replica received', 'On hold', undefined],
    ['no row', 'Open', undefined],
  ])('toLocal: %s', (_name, remote, expected) => {
    expect(toLocal(status, remote)).toBe(expected);
  });

  it.each([
    ['a both row, any case', 'DONE', 'Closed'],
    ['an outgoing row', 'Blocked', 'On hold'],
    ['an incoming row is not used for a replica sent', 'In Review', undefined],
    ['no row', 'Open', undefined],
  ])('toRemote: %s', (_name, local, expected) => {
    expect(toRemote(status, local)).toBe(expected);
  });

  it('a field row to none: not synced here (incoming), not sent (outgoing)', () => {
    const fields = [{ local: null, remote: 'Internal notes', direction: 'both' as const }, { local: 'Cost', remote: null, direction: 'both' as const }];
    expect(toLocal(fields, 'internal notes')).toBeNull();
    expect(toRemote(fields, 'cost')).toBeNull();
    expect(toLocal(fields, 'Cost')).toBeUndefined();
  });

  it('parses a payload\'s tables: absent tables empty, absent directions both, values trimmed', () => {
    expect(MappingsSchema.parse({ status: [{ local: ' Done ', remote: 'Closed' }] })).toEqual(tables({ status: [{ local: 'Done', remote: 'Closed', direction: 'both' }] }));
  });

  it.each([
    ['an empty value', { status: [{ local: '', remote: 'x' }] }],
    ['a field row naming no field', { fields: [{ local: null, remote: null }] }],
    ['501 rows', { priority: Array.from({ length: 501 }, (_, i) => ({ local: 'High', remote: `P${i}` })) }],
    ['an unknown table', { state: [] }],
    ['a line break in a value', { status: [{ local: 'Do\nne', remote: 'x' }] }],
  ])('refuses %s', (_name, input) => {
    expect(MappingsSchema.safeParse(input).success).toBe(false);
  });

  it('finds the rows that make a table ambiguous, naming the row at fault', () => {
    const problems = ambiguities(tables({
      status: [
        { local: 'Done', remote: 'Closed', direction: 'both' },
        { local: 'Resolved', remote: 'closed', direction: 'incoming' },
        { local: 'Done', remote: 'Finished', direction: 'outgoing' },
        { local: 'Done', remote: 'Closed', direction: 'both' },
      ],
      options: { Tier: [{ local: 'Gold', remote: 'T1', direction: 'both' }, { local: 'Silver', remote: 'T1', direction: 'both' }] },
    }));
    expect(problems.map((p) => [p.table, p.field, p.row, p.side])).toEqual([
      ['status', null, 1, 'remote'],
      ['status', null, 2, 'local'],
      ['options', 'Tier', 1, 'remote'],
    ]);
    expect(problems[0]?.message).toBe('status "closed" of the other site is already mapped by row 1');
  });

  it('the people table for the mapper: incoming rows only', () => {
    expect(incomingUserRows(tables({ users: [{ local: 'a', remote: 'x', direction: 'incoming' }, { local: 'b', remote: 'y', direction: 'outgoing' }, { local: 'c', remote: 'z', direction: 'both' }] }))).toEqual([
      { remote: 'x', local: 'a' },
      { remote: 'z', local: 'c' },
    ]);
  });
});
