import { RulesError, type RulesEngine } from '../ports/rules';
import { defaultRulesEngine } from '../rules/builtin/provider';
import { listErrors } from './admin-api';
import { World } from './testing/world';
import { retryError } from './worker';

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };
const rules = () => defaultRulesEngine({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' });
const keysOf = (world: World, prefix: string) => [...world.b.store.data.keys()].filter((k) => k.startsWith(prefix));

/**
 * An apply's bookkeeping is written together with the sync back's seq reservation; when the sync
 * back fails before reserving, the bookkeeping is written all the same (nothing lost, one twin).
 */
describe('apply bookkeeping carried by the sync back', () => {
  it('a sync back whose outgoing rules fail still leaves the twin linked and the message consumed', async () => {
    let broken = true;
    const failingOutgoing: RulesEngine = {
      outgoing: async (input) => {
        if (broken) throw new RulesError('outgoing broke', 'outgoing', 1, 1);
        return rules().outgoing(input);
      },
      incoming: (input) => rules().incoming(input),
    };
    const world = new World({ seed: 3, ...calm, rules: { b: { forConnection: async () => failingOutgoing } } });
    await world.connect();
    const issue = world.a.jira.userCreate('INT', 'carried');
    await world.quiesce();

    const twins = [...world.b.jira.issues.values()];
    expect(twins.map((t) => t.summary)).toEqual(['carried']);
    expect(keysOf(world, 'inbox:')).toEqual([]);
    expect(keysOf(world, 'creating:')).toEqual([]);
    expect(keysOf(world, 'rlink:')).toEqual([expect.stringMatching(new RegExp(`:${issue.id}$`))]);
    // the last applied replica is small: kept in the link record, not under a key of its own
    expect(keysOf(world, 'previous:')).toEqual([]);
    const [linkKey] = keysOf(world, 'link:');
    expect(linkKey).toBeDefined();
    expect(await world.b.store.get(linkKey ?? '')).toMatchObject({ previous: { replica: { summary: 'carried' } } });
    const errors = await listErrors(world.b.deps);
    expect(errors).toEqual([expect.objectContaining({ direction: 'outgoing', kind: 'permanent', cause: expect.stringMatching(/outgoing broke/) })]);

    broken = false;
    const posts = world.posts;
    await retryError(world.b.deps, errors[0]?.id ?? '');
    await world.quiesce();
    expect(await listErrors(world.b.deps)).toEqual([]);
    expect(world.posts - posts).toBe(1);
    expect([...world.b.jira.issues.values()]).toHaveLength(1);
  });
});
