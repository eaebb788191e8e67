import { asCopiesOfOurs, recognised, recognisedAttachments, unknownTo, withAttachmentOrigins, withOrigins, type PeerLink } from './group-identity';
import { adfText } from '../rules/sample-data';
import type { ReplicaAttachment, ReplicaComment } from '../model/replica';
import type { AttachmentLink, CommentLink } from './state/records';

/**
 * Comments and files known across a twin group (issue 16), on site "here" (cloud-a) holding links
 * to cloud-b (the sender) and cloud-c (a peer connection).
 */

const comment = (id: string, over: Partial<ReplicaComment> = {}): ReplicaComment => ({ id, author: null, body: adfText(`comment ${id}`), created: '2026-12-01T10:00:00.000Z', updated: '2026-12-01T10:00:00.000Z', originId: null, ...over });
const file = (id: string, over: Partial<ReplicaAttachment> = {}): ReplicaAttachment => ({ id, filename: `${id}.txt`, mimeType: 'text/plain', size: 10, created: '2026-12-01T10:00:00.000Z', author: null, mediaId: null, originId: null, ...over });
const copy = (localId: string, remoteId: string, origin?: { cloudId: string; id: string }): CommentLink => ({ localId, remoteId, owner: 'remote', hash: 'h', ...(origin ? { origin } : {}) });
const fileCopy = (localId: string, remoteId: string, origin?: { cloudId: string; id: string }): AttachmentLink => ({ localId, remoteId, owner: 'remote', mediaId: null, ...(origin ? { origin } : {}) });
const peer = (remoteCloudId: string, comments: CommentLink[], attachments: AttachmentLink[] = []): PeerLink => ({ connection: { id: `to-${remoteCloudId}`, remoteCloudId }, link: { comments, attachments } });
const context = (peers: PeerLink[], comments: CommentLink[] = [], attachments: AttachmentLink[] = []) => ({ sender: 'cloud-b', here: 'cloud-a', link: { comments, attachments }, peers });

describe('on the way out: a copy made through another connection names where it was first written', () => {
  it.each<[string, ReplicaComment[], PeerLink[], ReplicaComment[]]>([
    ['no other connection: as the rules made them', [comment('1')], [], [comment('1')]],
    ['our own comment: no origin (the sender is the origin)', [comment('1')], [peer('cloud-c', [])], [comment('1')]],
    ['a copy of a cloud-c comment: cloud-c and its id there', [comment('1')], [peer('cloud-c', [copy('1', 'c-9')])], [comment('1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })]],
    ['a copy cloud-c had from a fourth site: that site', [comment('1')], [peer('cloud-c', [copy('1', 'c-9', { cloudId: 'cloud-d', id: 'd-4' })])], [comment('1', { origin: { cloudId: 'cloud-d', id: 'd-4' } })]],
    ['a copy of the receiver\'s own comment: its originId says it all, no origin added', [comment('1', { originId: 'b-2' })], [peer('cloud-c', [copy('1', 'c-9')])], [comment('1', { originId: 'b-2' })]],
  ])('%s', (_name, comments, peers, expected) => {
    expect(withOrigins(comments, peers)).toEqual(expected);
  });

  it('files the same way: a hub offers its copies on, with their origin', () => {
    expect(withAttachmentOrigins([file('1'), file('2')], [peer('cloud-c', [], [fileCopy('2', 'c-7')])])).toEqual([file('1'), file('2', { origin: { cloudId: 'cloud-c', id: 'c-7' } })]);
  });
});

describe('on the way in: a relayed item standing for one of ours is taken for it', () => {
  it.each<[string, ReplicaComment[], ReturnType<typeof context>, ReplicaComment[]]>([
    ['the sender\'s own comment, known to nobody here: copied (unchanged)', [comment('b-1')], context([peer('cloud-c', [])]), [comment('b-1')]],
    ['a comment first written here, relayed back: our own, never copied back', [comment('b-1', { origin: { cloudId: 'cloud-a', id: 'a-5' } })], context([]), [comment('b-1', { origin: { cloudId: 'cloud-a', id: 'a-5' }, originId: 'a-5' })]],
    ['a cloud-c comment we copied through cloud-c already: that copy', [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })], context([peer('cloud-c', [copy('a-3', 'c-9')])]), [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' }, originId: 'a-3' })]],
    ['the sender\'s own comment that reached us first through cloud-c (its copy names cloud-b)', [comment('b-1')], context([peer('cloud-c', [copy('a-3', 'c-9', { cloudId: 'cloud-b', id: 'b-1' })])]), [comment('b-1', { originId: 'a-3' })]],
    ['a cloud-c comment we have no copy of: copied', [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })], context([peer('cloud-c', [copy('a-3', 'c-8')])]), [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })]],
    ['a comment this link knows already: as it came', [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })], context([peer('cloud-c', [copy('a-3', 'c-9')])], [copy('a-7', 'b-1')]), [comment('b-1', { origin: { cloudId: 'cloud-c', id: 'c-9' } })]],
  ])('%s', (_name, comments, ctx, expected) => {
    expect(recognised(comments, ctx)).toEqual(expected);
  });

  it('files the same way', () => {
    const relayed = file('b-1', { origin: { cloudId: 'cloud-c', id: 'c-7' } });
    expect(recognisedAttachments([relayed], context([peer('cloud-c', [], [fileCopy('a-2', 'c-7')])]))).toEqual([{ ...relayed, originId: 'a-2' }]);
  });
});

describe('what the link knows as a copy of ours stays one, whatever the sender says', () => {
  it.each<[string, ReplicaComment[], CommentLink[], ReplicaComment[]]>([
    ['nothing linked as ours: unchanged', [comment('b-1')], [copy('a-1', 'b-1')], [comment('b-1')]],
    ['their item linked as the copy of ours: named so', [comment('b-1')], [{ localId: 'a-1', remoteId: 'b-1', owner: 'local', hash: 'h' }], [comment('b-1', { originId: 'a-1' })]],
    ['an originId the sender gave stays', [comment('b-1', { originId: 'a-9' })], [{ localId: 'a-1', remoteId: 'b-1', owner: 'local', hash: 'h' }], [comment('b-1', { originId: 'a-9' })]],
  ])('%s', (_name, items, known, expected) => {
    expect(asCopiesOfOurs(items, known)).toEqual(expected);
  });

  it('unknownTo: only items with no originId that the link has not linked', () => {
    expect(unknownTo([comment('b-1'), comment('b-2', { originId: 'a-1' })], [copy('a-3', 'b-1')])).toBe(false);
    expect(unknownTo([comment('b-1'), comment('b-4')], [copy('a-3', 'b-1')])).toBe(true);
  });
});
