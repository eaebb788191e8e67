import { adoptedCopies, withoutUnrecordedCopies } from './unrecorded';
import { withAttribution } from './comment-attribution';
import { bodyHash } from './comment-merge';
import { adfText } from '../../../rules/sample-data';
import type { LocalComment } from '../../../ports/jira';
import type { ReplicaComment } from '../../../model/replica';
import type { CommentLink } from '../../state/records';

/** Copies an apply wrote and could not record: known by the app's attribution line and the body they copy. */

const rita = { accountId: 'rita', displayName: 'Rita', email: null };
const at = '2026-12-01T10:00:00.000Z';
const remote = (id: string, text: string, over: Partial<ReplicaComment> = {}): ReplicaComment => ({ id, author: rita, body: adfText(text), created: at, updated: at, originId: null, ...over });
const local = (id: string, text: string, attributed: boolean): LocalComment => ({ id, author: null, body: attributed ? withAttribution(adfText(text), rita, 'external') : adfText(text), created: at, updated: at });
const link = (localId: string, remoteId: string): CommentLink => ({ localId, remoteId, owner: 'remote', hash: 'h' });

describe('adoptedCopies', () => {
  it.each<[string, LocalComment[], ReplicaComment[], CommentLink[], [string, string][]]>([
    ['an unrecorded copy: taken for the copy of the comment it copies', [local('a-1', 'hello', true)], [remote('b-1', 'hello')], [], [['a-1', 'b-1']]],
    ['a person\'s comment with the same words: never', [local('a-1', 'hello', false)], [remote('b-1', 'hello')], [], []],
    ['another body: no', [local('a-1', 'hello', true)], [remote('b-1', 'goodbye')], [], []],
    ['a copy linked already: left as it is', [local('a-1', 'hello', true)], [remote('b-1', 'hello')], [link('a-1', 'b-1')], []],
    ['a remote comment linked already: not taken twice', [local('a-2', 'hello', true)], [remote('b-1', 'hello')], [link('a-1', 'b-1')], []],
    ['two copies of two equal comments: one each', [local('a-1', 'ok', true), local('a-2', 'ok', true)], [remote('b-1', 'ok'), remote('b-2', 'ok')], [], [['a-1', 'b-1'], ['a-2', 'b-2']]],
    ['a remote copy of ours is never an original', [local('a-1', 'hello', true)], [remote('b-1', 'hello', { originId: 'a-0' })], [], []],
  ])('%s', (_name, comments, replica, linked, expected) => {
    const adopted = adoptedCopies(comments, replica, linked);
    expect(adopted.map((l) => [l.localId, l.remoteId])).toEqual(expected);
    // each a copy of theirs, agreed on the body it holds (the attribution line compared away)
    for (const l of adopted) expect(l).toEqual({ localId: l.localId, remoteId: l.remoteId, owner: 'remote', hash: bodyHash(comments.find((c) => c.id === l.localId)!.body) });
  });
});

describe('withoutUnrecordedCopies', () => {
  const asSent = (c: LocalComment, originId: string | null = null) => ({ id: c.id, originId, body: c.body });
  it.each<[string, ReturnType<typeof asSent>[], CommentLink[], string[], string[]]>([
    ['a person\'s comment: sent', [asSent(local('a-1', 'mine', false))], [], [], ['a-1']],
    ['a copy this link recorded: sent (with its originId)', [asSent(local('a-1', 'copied', true), 'b-1')], [link('a-1', 'b-1')], [], ['a-1']],
    ['a copy another connection recorded: sent (its origin travels with it)', [asSent(local('a-1', 'copied', true))], [], ['a-1'], ['a-1']],
    ['a copy nobody recorded: held back until its apply records it', [asSent(local('a-1', 'copied', true)), asSent(local('a-2', 'mine', false))], [], [], ['a-2']],
  ])('%s', (_name, comments, linked, peerCopies, expected) => {
    expect(withoutUnrecordedCopies(comments, linked, new Set(peerCopies)).map((c) => c.id)).toEqual(expected);
  });
});
