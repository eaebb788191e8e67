import type { ReplicaLink } from '../../../model/replica';
import type { LocalIssueLink } from '../../../ports/jira';
import { linkKey, planLinks } from '.';

const TYPES = [{ name: 'Blocks' }, { name: 'Relates' }];
const theirs = (type: string, direction: 'outward' | 'inward', id: string): ReplicaLink => ({ type, direction, issue: { id, key: `K-${id}` } });
const mine = (linkId: string, type: string, direction: 'outward' | 'inward', id: string): LocalIssueLink => ({ id: linkId, ...theirs(type, direction, id) });
const key = (type: string, direction: 'outward' | 'inward', id: string): string => linkKey(theirs(type, direction, id));

describe('planLinks: the three-way merge of an issue\'s links', () => {
  const cases: [string, LocalIssueLink[], ReplicaLink[], string[], { add: string[]; remove: string[]; unknown?: string[] }][] = [
    ['a new link there is added', [], [theirs('Blocks', 'outward', '2')], [], { add: [key('Blocks', 'outward', '2')], remove: [] }],
    ['a link both have is left alone', [mine('L1', 'Blocks', 'outward', '2')], [theirs('Blocks', 'outward', '2')], [], { add: [], remove: [] }],
    ['a link gone there since the base is deleted here', [mine('L1', 'Blocks', 'outward', '2')], [], [key('Blocks', 'outward', '2')], { add: [], remove: ['L1'] }],
    ['a link deleted here and still in the base is not made again', [], [theirs('Blocks', 'outward', '2')], [key('Blocks', 'outward', '2')], { add: [], remove: [] }],
    ['a link here never in the base (made here, or to an issue not synced) stays', [mine('L9', 'Relates', 'inward', '7')], [], [], { add: [], remove: [] }],
    ['the direction counts: inward is another link than outward', [mine('L1', 'Blocks', 'inward', '2')], [theirs('Blocks', 'outward', '2')], [key('Blocks', 'inward', '2')], { add: [key('Blocks', 'outward', '2')], remove: ['L1'] }],
    ['types match case-insensitively', [mine('L1', 'blocks', 'outward', '2')], [theirs('Blocks', 'outward', '2')], [], { add: [], remove: [] }],
    ['a type this site lacks is reported, not added', [], [theirs('Cloners', 'outward', '2')], [], { add: [], remove: [], unknown: ['Cloners'] }],
    ['a link gone there to an issue no longer synced (unlinked since) stays', [mine('L1', 'Blocks', 'outward', '5')], [], [key('Blocks', 'outward', '5')], { add: [], remove: [] }],
    ['a link named twice is added once', [], [theirs('Blocks', 'outward', '2'), theirs('Blocks', 'outward', '2')], [], { add: [key('Blocks', 'outward', '2')], remove: [] }],
  ];
  it.each(cases)('%s', (_name, local, wanted, base, expected) => {
    const plan = planLinks(local, wanted, base, TYPES, (l) => l.issue.id !== '5');
    expect(plan.add.map(linkKey)).toEqual(expected.add);
    expect(plan.remove.map((l) => l.id)).toEqual(expected.remove);
    expect(plan.unknownTypes).toEqual(expected.unknown ?? []);
  });
});
