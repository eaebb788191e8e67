import { createHash, randomBytes } from 'node:crypto';
import { getTwins } from '../../admin-api';
import { handleInbox } from '../../inbox';
import { signBody, directionKey } from '../../signing';
import { keys } from '../../state/keys';
import { Repo } from '../../state/repo';
import { mediaDoc, type MemoryIssue } from '../../testing/memory-jira';
import { World } from '../../testing/world';
import { mediaIdsOf } from './media';

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };
const sha = (bytes: Uint8Array | null) => createHash('sha256').update(bytes ?? new Uint8Array()).digest('hex');

async function connected(seed = 3) {
  const world = new World({ seed, ...calm });
  const connectionId = await world.connect();
  return { world, connectionId };
}

/** the twin of an INT issue on site b */
function twinOf(world: World, issue: MemoryIssue): MemoryIssue {
  const twin = [...world.b.jira.issues.values()].find((c) => {
    const origin = c.properties['twinSync.origin'];
    return typeof origin === 'object' && origin !== null && 'remoteIssueId' in origin && origin.remoteIssueId === issue.id;
  });
  if (!twin) throw new Error(`no twin of ${issue.key}`);
  return twin;
}

const files = (world: World, site: 'a' | 'b', issue: MemoryIssue) => {
  const jira = site === 'a' ? world.a.jira : world.b.jira;
  return issue.attachments.map((a) => ({ filename: a.filename, mimeType: a.mimeType, size: a.size, sha: sha(jira.attachmentBytes(a.id)) })).sort((x, y) => x.filename.localeCompare(y.filename));
};

describe('attachments between two sites', () => {
  it('copies files both ways with the same name, type and bytes, fetched in parts, once, whatever the syncs after', async () => {
    const { world } = await connected();
    // parts of 1 KiB: a 5 KiB file travels in five signed fetches
    world.a.deps.settings = { ...world.a.deps.settings, attachmentPartBytes: 1024 };
    world.b.deps.settings = { ...world.b.deps.settings, attachmentPartBytes: 1024 };
    const issue = world.a.jira.userCreate('INT', 'With files');
    world.a.jira.attach(issue.id, 'notes.txt', 'ten bytes!', 'text/plain');
    world.a.jira.attach(issue.id, 'blob.bin', new Uint8Array(randomBytes(5 * 1024 + 3)), 'application/octet-stream');
    await world.quiesce();
    const twin = twinOf(world, issue);
    expect(files(world, 'b', twin)).toEqual(files(world, 'a', issue));
    expect(files(world, 'b', twin).map((f) => f.filename)).toEqual(['blob.bin', 'notes.txt']);
    expect(world.b.jira.calls.addAttachment).toBe(2);

    // edits on both sides, several syncs: no file copied twice
    for (const text of ['one', 'two', 'three']) {
      world.a.jira.userEdit(issue.id, { summary: text });
      world.b.jira.userEdit(twin.id, { labels: [text] });
      await world.quiesce();
    }
    expect(twin.attachments).toHaveLength(2);
    expect(issue.attachments).toHaveLength(2);
    expect(world.b.jira.calls.addAttachment).toBe(2);
    expect(world.a.jira.calls.addAttachment ?? 0).toBe(0);

    // a file added on the twin comes back; one deleted on the twin is deleted on the source
    world.b.jira.attach(twin.id, 'from-cloud.pdf', 'pdf bytes', 'application/pdf');
    await world.quiesce();
    expect(files(world, 'a', issue)).toEqual(files(world, 'b', twin));
    const copy = twin.attachments.find((a) => a.filename === 'notes.txt');
    if (!copy) throw new Error('no copy');
    world.b.jira.userDeleteAttachment(copy.id);
    await world.quiesce();
    expect(issue.attachments.map((a) => a.filename).sort()).toEqual(['blob.bin', 'from-cloud.pdf']);
    expect(files(world, 'a', issue)).toEqual(files(world, 'b', twin));
    expect(world.a.jira.calls.addAttachment).toBe(1);
    expect(world.b.jira.calls.addAttachment).toBe(2);
  });

  it('shows an inline image on the twin with the twin\'s copy of the file, and keeps the twin\'s own images', async () => {
    const { world } = await connected(5);
    const issue = world.a.jira.userCreate('INT', 'Screenshot');
    const shot = world.a.jira.attach(issue.id, 'shot.png', new Uint8Array(randomBytes(300)), 'image/png');
    world.a.jira.userEdit(issue.id, { description: mediaDoc([world.a.jira.mediaIdOf(shot.id) ?? ''], 'look:') });
    await world.quiesce();
    const twin = twinOf(world, issue);
    const copy = twin.attachments.find((a) => a.filename === 'shot.png');
    if (!copy) throw new Error('no copy of the image');
    expect(mediaIdsOf(twin.description)).toEqual([world.b.jira.mediaIdOf(copy.id)]);
    expect(sha(world.b.jira.attachmentBytes(copy.id))).toBe(sha(world.a.jira.attachmentBytes(shot.id)));

    // the twin gets an image of its own in its description while the source rewrites its text
    const own = world.b.jira.attach(twin.id, 'own.png', new Uint8Array(randomBytes(200)), 'image/png');
    const ownMedia = world.b.jira.mediaIdOf(own.id) ?? '';
    world.b.jira.userEdit(twin.id, { description: mediaDoc([...mediaIdsOf(twin.description), ownMedia], 'look:') });
    world.a.jira.userEdit(issue.id, { description: mediaDoc(mediaIdsOf(issue.description), 'look again:') });
    await world.quiesce();
    // not deleted by the description from there (Jira deletes a file nothing shows any more)
    expect(twin.attachments.map((a) => a.filename).sort()).toEqual(['own.png', 'shot.png']);
    expect(mediaIdsOf(twin.description)).toContain(ownMedia);
    // and both sides show both images, each its own copy
    const sourceOwn = issue.attachments.find((a) => a.filename === 'own.png');
    expect(sourceOwn).toBeDefined();
    expect(mediaIdsOf(issue.description).sort()).toEqual([world.a.jira.mediaIdOf(shot.id), world.a.jira.mediaIdOf(sourceOwn?.id ?? '')].sort());
    expect(mediaIdsOf(twin.description).sort()).toEqual([world.b.jira.mediaIdOf(copy.id), ownMedia].sort());
  });

  it('an image in a comment shows in the copy of the comment, from the twin\'s copy of the file', async () => {
    const { world } = await connected(6);
    const issue = world.a.jira.userCreate('INT', 'Comment with a picture');
    await world.quiesce();
    const pic = world.a.jira.attach(issue.id, 'pic.png', new Uint8Array(randomBytes(100)), 'image/png');
    world.a.jira.userCommentDoc(issue.id, mediaDoc([world.a.jira.mediaIdOf(pic.id) ?? ''], 'see'));
    await world.quiesce();
    const twin = twinOf(world, issue);
    const copy = twin.attachments.find((a) => a.filename === 'pic.png');
    if (!copy) throw new Error('no copy');
    expect(twin.comments).toHaveLength(1);
    expect(mediaIdsOf(twin.comments[0]?.body)).toEqual([world.b.jira.mediaIdOf(copy.id)]);
    // and the source's comment still names its own file
    expect(mediaIdsOf(issue.comments[0]?.body)).toEqual([world.a.jira.mediaIdOf(pic.id)]);
  });

  it('a file over the receiving site\'s limit is an error of that file only: the rest syncs, the panel names it', async () => {
    const { world } = await connected(7);
    world.b.jira.uploadLimit = 1000;
    const issue = world.a.jira.userCreate('INT', 'Big file');
    world.a.jira.attach(issue.id, 'big.bin', new Uint8Array(2000), 'application/octet-stream');
    world.a.jira.attach(issue.id, 'small.txt', 'small', 'text/plain');
    await world.quiesce();
    world.a.jira.userEdit(issue.id, { summary: 'Big file, renamed' });
    await world.quiesce();
    const twin = twinOf(world, issue);
    expect(twin.summary).toBe('Big file, renamed');
    expect(twin.attachments.map((a) => a.filename)).toEqual(['small.txt']);
    const [state] = await getTwins(world.b.deps, twin.id);
    expect(state?.state).toBe('synced');
    expect(state?.attachmentErrors).toEqual([expect.objectContaining({ filename: 'big.bin', size: 2000, reason: expect.stringContaining('over this site\'s attachment size limit of 1000 bytes') })]);
    // never fetched: refused before any byte travelled
    expect(world.a.jira.calls.readAttachment).toBe(1);
    // no error blocks the issue
    expect([...world.b.store.data.keys()].filter((k) => k.startsWith(keys.errorPrefix))).toEqual([]);
  });

  it('a consumer killed after uploading a copy, before recording it: the retry finds the copy (same name, type and bytes) and uploads nothing', async () => {
    const { world } = await connected(8);
    const issue = world.a.jira.userCreate('INT', 'Crash after upload');
    await world.quiesce();
    const before = world.b.jira.afterCall;
    let armed = false;
    world.b.jira.afterCall = (name) => {
      before?.(name);
      if (name === 'addAttachment' && !armed) {
        armed = true;
        // the apply's bookkeeping is the next transaction: the process dies before it
        world.killBefore(world.b, 'store', 'transact');
      }
    };
    world.a.jira.attach(issue.id, 'report.pdf', new Uint8Array(randomBytes(4000)), 'application/pdf');
    await world.quiesce();
    expect(armed).toBe(true);
    expect(world.crashes).toBeGreaterThan(0);
    const twin = twinOf(world, issue);
    expect(files(world, 'b', twin)).toEqual(files(world, 'a', issue));
    expect(world.b.jira.calls.addAttachment).toBe(1);
    // and the copy is known as the copy: a deletion of it reaches the source
    const copy = twin.attachments[0];
    if (!copy) throw new Error('no copy');
    world.b.jira.userDeleteAttachment(copy.id);
    await world.quiesce();
    expect(issue.attachments).toEqual([]);
  });

  it('serves only files of a linked issue that its replicas offered, to a signed request', async () => {
    const { world, connectionId } = await connected(9);
    const issue = world.a.jira.userCreate('INT', 'Offered');
    const offered = world.a.jira.attach(issue.id, 'a.txt', 'aaaa', 'text/plain');
    await world.quiesce();
    const other = world.a.jira.userCreate('OTHER', 'Not synced');
    const secret = world.a.jira.attach(other.id, 'secret.txt', 'secret', 'text/plain');
    const stored = await world.a.store.getSecret(keys.connectionSecret(connectionId));
    if (typeof stored !== 'string') throw new Error('no secret');
    const key = directionKey(stored, 'cloud-b', 'cloud-a');
    const ask = async (issueId: string, attachmentId: string, signWith = key) => {
      const body = JSON.stringify({ v: 1, type: 'fetch', connectionId, messageId: world.b.deps.ids.uuid(), sentAt: new Date(world.clock.now()).toISOString(), from: { siteName: 'external', cloudId: 'cloud-b' }, issue: { id: issueId }, attachmentId, offset: 0, length: 100 });
      const ts = String(world.clock.now());
      return handleInbox(world.a.deps, { method: 'POST', headers: { 'x-twin-connection': connectionId, 'x-twin-timestamp': ts, 'x-twin-signature': signBody(signWith, ts, body) }, body });
    };
    expect((await ask(issue.id, offered.id)).status).toBe(200);
    expect((await ask(issue.id, secret.id)).status).toBe(404);
    expect((await ask(other.id, secret.id)).status).toBe(404);
    // signed with the other direction's key (a message of a's own played back): refused
    expect((await ask(issue.id, offered.id, directionKey(stored, 'cloud-a', 'cloud-b'))).status).toBe(401);
    expect((await new Repo(world.a.store).getLink(connectionId, issue.id))?.offeredAttachments).toEqual([offered.id]);
  });
});
