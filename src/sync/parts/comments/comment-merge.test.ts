import type { LocalComment } from '../../../ports/jira';
import type { RulesComment } from '../../../ports/rules';
import { bodyHash, planComments, type CommentMergeInput } from './comment-merge';
import type { AdfDoc, ReplicaComment } from '../../../model/replica';
import type { CommentLink } from '../../state/records';

const doc = (text: string): AdfDoc => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
const local = (id: string, text: string, updated = '2026-01-01T00:00:00.000Z'): LocalComment => ({ id, author: null, body: doc(text), created: updated, updated });
const desired = (id: string, text: string, originId: string | null, updated = '2026-01-01T00:00:00.000Z'): RulesComment => ({ id, author: null, body: doc(text), created: updated, updated, originId });
const rc = (id: string, text: string, originId: string | null = null): ReplicaComment => ({ id, author: null, body: doc(text), created: '', updated: '', originId });
const link = (localId: string, remoteId: string, owner: 'local' | 'remote', text: string): CommentLink => ({ localId, remoteId, owner, hash: bodyHash(doc(text)) });

function plan(over: Partial<CommentMergeInput>) {
  return planComments({ local: [], desired: [], links: [], replicaComments: [], policy: 'later-wins', mySiteId: 'a', theirSiteId: 'b', ...over });
}

describe('planComments', () => {
  it.each<[string, Partial<CommentMergeInput>, unknown[]]>([
    ['a new remote comment is created', { desired: [desired('', 'hi', 'r1')], replicaComments: [rc('r1', 'hi')] }, [{ op: 'create', body: doc('hi'), remoteId: 'r1' }]],
    ['a copy already linked is not created again', { local: [local('l1', 'hi')], links: [link('l1', 'r1', 'remote', 'hi')], desired: [desired('', 'hi', 'r1')] }, []],
    ['a remote edit is applied', { local: [local('l1', 'hi')], links: [link('l1', 'r1', 'remote', 'hi')], desired: [desired('', 'edited', 'r1')] }, [{ op: 'update', localId: 'l1', body: doc('edited') }]],
    ['a local edit is kept when the remote did not change', { local: [local('l1', 'mine')], links: [link('l1', 'r1', 'remote', 'hi')], desired: [desired('', 'hi', 'r1')] }, []],
    ['a copy the remote deleted is deleted', { local: [local('l1', 'hi')], links: [link('l1', 'r1', 'remote', 'hi')], desired: [] }, [{ op: 'delete', localId: 'l1' }]],
    ['a copy deleted here is not recreated', { local: [], links: [link('l1', 'r1', 'remote', 'hi')], desired: [desired('', 'hi', 'r1')], replicaComments: [rc('r1', 'hi')] }, []],
    ['our own comment kept as is', { local: [local('l1', 'mine')], desired: [desired('l1', 'mine', null)] }, []],
    ['our own comment edited on the remote', { local: [local('l1', 'mine')], links: [link('l1', 'r9', 'local', 'mine')], desired: [desired('l1', 'changed there', null)] }, [{ op: 'update', localId: 'l1', body: doc('changed there') }]],
  ])('%s', (_name, over, ops) => {
    expect(plan(over).ops).toEqual(ops);
  });

  it('learns the remote id of the copy of our comment, so it is never created back', () => {
    const result = plan({ local: [local('l1', 'mine')], desired: [desired('l1', 'mine', null)], replicaComments: [rc('r7', 'mine', 'l1')] });
    expect(result.ops).toEqual([]);
    expect(result.links).toEqual([link('l1', 'r7', 'local', 'mine')]);
  });

  it('a copy edited there before we learned of it: the later edit wins', () => {
    const edited: ReplicaComment = { ...rc('r7', 'edited there', 'l1'), created: '2026-01-01T00:00:00.000Z', updated: '2026-01-05T00:00:00.000Z' };
    const result = plan({ local: [local('l1', 'mine', '2026-01-02T00:00:00.000Z')], desired: [desired('l1', 'edited there', null, '2026-01-05T00:00:00.000Z')], replicaComments: [edited] });
    expect(result.ops).toEqual([{ op: 'update', localId: 'l1', body: doc('edited there') }]);
    expect(result.links).toEqual([link('l1', 'r7', 'local', 'edited there')]);
  });

  it('a conflicting edit goes to the later one', () => {
    const result = plan({
      local: [local('l1', 'mine', '2026-01-02T00:00:00.000Z')],
      links: [link('l1', 'r1', 'remote', 'hi')],
      desired: [desired('', 'theirs', 'r1', '2026-01-03T00:00:00.000Z')],
    });
    expect(result.conflicts).toEqual([{ localId: 'l1', winner: 'theirs' }]);
    expect(result.ops).toEqual([{ op: 'update', localId: 'l1', body: doc('theirs') }]);
  });
});
