import { JiraError } from '../../ports/jira';
import { MemoryJira, docMediaIds, mediaDoc, textDoc, type JiraEventOut } from './memory-jira';

const BYTES = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);

function site(name = 'internal'): { jira: MemoryJira; clock: { t: number; now: () => number }; events: JiraEventOut[] } {
  const clock = { t: Date.parse('2026-03-01T00:00:00.000Z'), now: () => clock.t };
  const jira = new MemoryJira(name, ['INT'], clock);
  jira.beforeUserAction = () => { clock.t += 1; };
  const events: JiraEventOut[] = [];
  jira.onEvent((e) => events.push(e));
  return { jira, clock, events };
}

async function rejection(promise: Promise<unknown>): Promise<JiraError> {
  const error: unknown = await promise.catch((e: unknown) => e);
  if (!(error instanceof JiraError)) throw new Error(`expected a JiraError, got ${String(error)}`);
  return error;
}

describe('MemoryJira attachments', () => {
  it('a person attaches a file: listed with the issue, its bytes kept, `updated` moved, an issue-updated event', async () => {
    const { jira, clock, events } = site();
    const issue = jira.userCreate('INT', 'With a file');
    clock.t += 1000;
    const attachment = jira.attach(issue.key, 'scan.pdf', BYTES, 'application/pdf');
    expect(attachment).toEqual({ id: expect.any(String), filename: 'scan.pdf', mimeType: 'application/pdf', size: 100, created: new Date(clock.t).toISOString(), author: { accountId: 'user-internal', displayName: 'User', email: null } });
    const read = await jira.getIssue(issue.id);
    expect(read?.attachments).toEqual([attachment]);
    expect(read?.updated).toBe(new Date(clock.t).toISOString());
    expect(jira.attachmentBytes(attachment.id)).toEqual(BYTES);
    expect(events.at(-1)).toEqual({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: ['Attachment'] });
    expect(jira.attach(issue.id, 'note.txt', 'hello').mimeType).toBe('application/octet-stream');
    expect(jira.attachmentBytes(jira.issues.get(issue.id)?.attachments[1]?.id ?? '')).toEqual(new TextEncoder().encode('hello'));
    expect(jira.attachmentBytes('99999')).toBeNull();
  });

  it('keeps its own copy of the bytes: neither the caller\'s array nor what it answers changes them', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    const bytes = new Uint8Array(BYTES);
    const attachment = await jira.addAttachment(issue.id, { filename: 'a.bin', mimeType: 'application/octet-stream', bytes });
    bytes.fill(0);
    (await jira.readAttachment(attachment.id, 0, 10)).fill(0);
    jira.attachmentBytes(attachment.id)?.fill(0);
    expect(jira.attachmentBytes(attachment.id)).toEqual(BYTES);
  });

  it('readAttachment answers ranges (fewer bytes at the end), 416 past the end, 404 when gone, 400 for a bad range', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    const { id } = jira.attach(issue.id, 'a.bin', BYTES);
    const empty = jira.attach(issue.id, 'empty.bin', new Uint8Array(0));
    expect(await jira.readAttachment(id, 0, 10)).toEqual(BYTES.slice(0, 10));
    expect(await jira.readAttachment(id, 40, 25)).toEqual(BYTES.slice(40, 65));
    expect(await jira.readAttachment(id, 90, 64)).toEqual(BYTES.slice(90));
    expect(await jira.readAttachment(id, 0, 1_000_000)).toEqual(BYTES);
    expect((await rejection(jira.readAttachment(id, 100, 10))).status).toBe(416);
    expect((await rejection(jira.readAttachment(empty.id, 0, 10))).status).toBe(416);
    expect((await rejection(jira.readAttachment(id, 0, 0))).status).toBe(400);
    expect((await rejection(jira.readAttachment(id, -1, 5))).status).toBe(400);
    expect((await rejection(jira.readAttachment('99999', 0, 10))).status).toBe(404);
    expect(jira.calls.readAttachment).toBe(9);
  });

  it('gives every attachment a uuid-like media id, its own, different on another site; null when Jira does not tell', async () => {
    const a = site('internal');
    const b = site('external');
    const issueA = a.jira.userCreate('INT', 'x');
    const issueB = b.jira.userCreate('INT', 'x');
    const first = a.jira.attach(issueA.id, 'a', BYTES);
    const second = a.jira.attach(issueA.id, 'b', BYTES);
    const other = b.jira.attach(issueB.id, 'a', BYTES);
    const ids = [await a.jira.attachmentMediaId(first.id), await a.jira.attachmentMediaId(second.id), await b.jira.attachmentMediaId(other.id)];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toBe(a.jira.mediaIdOf(first.id));
    expect(a.jira.attachmentByMediaId(ids[1] ?? '')).toEqual({ issueId: issueA.id, attachment: second });
    // deterministic: the same site built again numbers the same way
    const again = site('internal');
    const againIssue = again.jira.userCreate('INT', 'x');
    expect(await again.jira.attachmentMediaId(again.jira.attach(againIssue.id, 'a', BYTES).id)).toBe(ids[0]);
    a.jira.revealMediaIds = false;
    expect(await a.jira.attachmentMediaId(first.id)).toBeNull();
    expect((await rejection(a.jira.attachmentMediaId('99999'))).status).toBe(404);
    expect(a.jira.calls.attachmentMediaId).toBe(4);
  });

  it('addAttachment attaches as the app and moves `updated`; over the upload limit it is a 413 and nothing is attached', async () => {
    const { jira, clock } = site();
    const issue = jira.userCreate('INT', 'x');
    clock.t += 5000;
    const added = await jira.addAttachment(issue.id, { filename: 'copy.png', mimeType: 'image/png', bytes: BYTES });
    expect(added).toEqual({ id: expect.any(String), filename: 'copy.png', mimeType: 'image/png', size: 100, created: new Date(clock.t).toISOString(), author: jira.appUser });
    expect(jira.issues.get(issue.id)?.updated).toBe(new Date(clock.t).toISOString());
    expect(jira.issues.get(issue.id)?.attachments).toEqual([added]);
    jira.uploadLimit = 99;
    expect(await jira.getAttachmentSettings()).toEqual({ enabled: true, uploadLimit: 99 });
    const before = jira.issues.get(issue.id)?.updated;
    clock.t += 5000;
    const error = await rejection(jira.addAttachment(issue.id, { filename: 'big.png', mimeType: 'image/png', bytes: BYTES }));
    expect(error.status).toBe(413);
    expect(jira.issues.get(issue.id)?.attachments).toEqual([added]);
    expect(jira.issues.get(issue.id)?.updated).toBe(before);
    expect(() => jira.attach(issue.id, 'big.png', BYTES)).toThrow(JiraError);
    expect((await rejection(jira.addAttachment('99999', { filename: 'a', mimeType: 'a/b', bytes: BYTES }))).status).toBe(404);
    expect((await rejection(jira.addAttachment(issue.id, { filename: 'empty.txt', mimeType: 'text/plain', bytes: new Uint8Array(0) }))).status).toBe(400);
    expect(jira.calls.addAttachment).toBe(4);
  });

  it('refuses the 2001st attachment of an issue with a 413', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    for (let i = 0; i < 2000; i++) jira.attach(issue.id, `f${i}`, 'x');
    expect((await rejection(jira.addAttachment(issue.id, { filename: 'one more', mimeType: 'text/plain', bytes: BYTES }))).status).toBe(413);
    expect(jira.issues.get(issue.id)?.attachments).toHaveLength(2000);
  });

  it('the upload limit is large by default; the settings are not a counted REST call (the adapter caches them)', async () => {
    const { jira } = site();
    expect((await jira.getAttachmentSettings()).uploadLimit).toBe(1_000_000_000);
    expect(jira.totalCalls).toBe(0);
    expect(jira.attachmentSettingsReads).toBe(1);
  });

  it('deleteAttachment deletes and moves `updated`; a second time it is a 404', async () => {
    const { jira, clock } = site();
    const issue = jira.userCreate('INT', 'x');
    const { id } = jira.attach(issue.id, 'a.bin', BYTES);
    clock.t += 5000;
    await jira.deleteAttachment(id);
    expect(jira.issues.get(issue.id)?.attachments).toEqual([]);
    expect(jira.issues.get(issue.id)?.updated).toBe(new Date(clock.t).toISOString());
    expect(jira.attachmentBytes(id)).toBeNull();
    expect((await rejection(jira.deleteAttachment(id))).status).toBe(404);
    expect((await rejection(jira.readAttachment(id, 0, 1))).status).toBe(404);
    expect(jira.calls.deleteAttachment).toBe(2);
  });

  it('a person deletes an attachment: gone, `updated` moved, an issue-updated event', () => {
    const { jira, clock, events } = site();
    const issue = jira.userCreate('INT', 'x');
    const { id } = jira.attach(issue.id, 'a.bin', BYTES);
    jira.userDeleteAttachment(id);
    expect(jira.issues.get(issue.id)?.attachments).toEqual([]);
    expect(jira.issues.get(issue.id)?.updated).toBe(new Date(clock.t).toISOString());
    expect(events.at(-1)).toEqual({ eventType: 'avi:jira:updated:issue', issueId: issue.id, changedFields: ['Attachment'] });
    jira.userDeleteAttachment(id);
    expect(events).toHaveLength(3);
  });

  it('with attachments disabled: reads, media ids and deletions are 404s, an upload is refused', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    const { id } = jira.attach(issue.id, 'a.bin', BYTES);
    jira.attachmentsEnabled = false;
    expect(await jira.getAttachmentSettings()).toMatchObject({ enabled: false });
    expect((await rejection(jira.readAttachment(id, 0, 1))).status).toBe(404);
    expect((await rejection(jira.attachmentMediaId(id))).status).toBe(404);
    expect((await rejection(jira.deleteAttachment(id))).status).toBe(404);
    expect((await rejection(jira.addAttachment(issue.id, { filename: 'b', mimeType: 'a/b', bytes: BYTES }))).status).toBe(403);
  });

  it('counts each call under its name and runs the hooks with it', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    const seen: string[] = [];
    jira.beforeCall = (name) => seen.push(`before ${name}`);
    jira.afterCall = (name) => seen.push(`after ${name}`);
    const added = await jira.addAttachment(issue.id, { filename: 'a', mimeType: 'a/b', bytes: BYTES });
    await jira.readAttachment(added.id, 0, 1);
    await jira.attachmentMediaId(added.id);
    await jira.deleteAttachment(added.id);
    expect(jira.calls).toEqual({ addAttachment: 1, readAttachment: 1, attachmentMediaId: 1, deleteAttachment: 1 });
    expect(seen).toEqual(['addAttachment', 'readAttachment', 'attachmentMediaId', 'deleteAttachment'].flatMap((n) => [`before ${n}`, `after ${n}`]));
  });

  it('a failure injected after the upload leaves the attachment there (the work was done)', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'x');
    jira.afterCall = (name) => {
      if (name === 'addAttachment') throw new JiraError('died after the upload', 0);
    };
    await expect(jira.addAttachment(issue.id, { filename: 'a', mimeType: 'a/b', bytes: BYTES })).rejects.toThrow('died after the upload');
    expect(jira.issues.get(issue.id)?.attachments).toHaveLength(1);
  });
});

describe('MemoryJira: an update removing the last reference to an attachment deletes it', () => {
  async function withTwo() {
    const s = site();
    const issue = s.jira.userCreate('INT', 'x');
    const a = s.jira.attach(issue.id, 'a.png', BYTES, 'image/png');
    const b = s.jira.attach(issue.id, 'b.png', BYTES, 'image/png');
    const mediaA = s.jira.mediaIdOf(a.id) ?? '';
    const mediaB = s.jira.mediaIdOf(b.id) ?? '';
    return { ...s, issue, a, b, mediaA, mediaB };
  }
  const ids = async (jira: MemoryJira, issueId: string): Promise<string[]> => ((await jira.getIssue(issueId))?.attachments ?? []).map((x) => x.id);

  it('the description: dropping a media node deletes its attachment, the others stay', async () => {
    const { jira, clock, issue, a, b, mediaA, mediaB } = await withTwo();
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaA, mediaB], 'two images') });
    expect(await ids(jira, issue.id)).toEqual([a.id, b.id]);
    clock.t += 1000;
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaB]) });
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    expect(jira.attachmentBytes(a.id)).toBeNull();
    expect((await jira.getIssue(issue.id))?.updated).toBe(new Date(clock.t).toISOString());
    await jira.updateIssue(issue.id, { description: null });
    expect(await ids(jira, issue.id)).toEqual([]);
    expect(jira.calls.deleteAttachment).toBeUndefined();
  });

  it('an attachment never referenced stays whatever the description becomes; an update of other fields deletes nothing', async () => {
    const { jira, issue, a, b, mediaA } = await withTwo();
    await jira.updateIssue(issue.id, { description: textDoc('no images') });
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaA]) });
    await jira.updateIssue(issue.id, { summary: 'renamed', labels: ['x'] });
    expect(await ids(jira, issue.id)).toEqual([a.id, b.id]);
  });

  it('a reference left in a comment keeps it; the comment\'s update removing that last one deletes it', async () => {
    const { jira, issue, a, b, mediaA } = await withTwo();
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaA]) });
    const comment = await jira.addComment(issue.id, mediaDoc([mediaA], 'same image'));
    await jira.updateIssue(issue.id, { description: textDoc('moved to the comment') });
    expect(await ids(jira, issue.id)).toEqual([a.id, b.id]);
    await jira.updateComment(issue.id, comment.id, textDoc('no image'));
    expect(await ids(jira, issue.id)).toEqual([b.id]);
  });

  it('finds a media node at any depth (a table cell, a list item)', async () => {
    const { jira, issue, a, b, mediaA } = await withTwo();
    const nested = {
      type: 'doc', version: 1,
      content: [{ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: mediaDoc([mediaA]).content }] }] }] }] }],
    } as const;
    expect(docMediaIds(nested)).toEqual(new Set([mediaA]));
    await jira.updateIssue(issue.id, { description: { ...nested, content: [...nested.content] } });
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaA]) });
    expect(await ids(jira, issue.id)).toEqual([a.id, b.id]);
    await jira.updateIssue(issue.id, { description: textDoc('gone') });
    expect(await ids(jira, issue.id)).toEqual([b.id]);
  });

  it('a person\'s edits do the same (description, comment)', async () => {
    const { jira, issue, a, b, mediaA, mediaB } = await withTwo();
    jira.userEdit(issue.id, { description: mediaDoc([mediaA]) });
    jira.userCommentDoc(issue.id, mediaDoc([mediaB]));
    jira.userEdit(issue.id, { description: textDoc('none') });
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    jira.userEditCommentDoc(issue.id, 0, mediaDoc([mediaB], 'still here'));
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    jira.userEditComment(issue.id, 0, 'text only');
    expect(await ids(jira, issue.id)).toEqual([]);
    expect(a.id).not.toBe(b.id);
  });

  it('a reference to another issue\'s attachment deletes nothing there', async () => {
    const { jira, issue, a, b, mediaA } = await withTwo();
    const other = jira.userCreate('INT', 'other');
    await jira.updateIssue(other.id, { description: mediaDoc([mediaA]) });
    await jira.updateIssue(other.id, { description: null });
    expect(await ids(jira, issue.id)).toEqual([a.id, b.id]);
  });

  it('deleting the comment that held the last reference deletes the attachment and then moves `updated` (a plain deletion does not)', async () => {
    const { jira, clock, issue, a, b, mediaA, mediaB } = await withTwo();
    const plain = await jira.addComment(issue.id, textDoc('no image'));
    const withA = await jira.addComment(issue.id, mediaDoc([mediaA]));
    await jira.updateIssue(issue.id, { description: mediaDoc([mediaB]) });
    const updated = jira.issues.get(issue.id)?.updated;
    clock.t += 1000;
    await jira.deleteComment(issue.id, plain.id);
    expect(jira.issues.get(issue.id)?.updated).toBe(updated);
    await jira.deleteComment(issue.id, withA.id);
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    expect(jira.issues.get(issue.id)?.updated).toBe(new Date(clock.t).toISOString());
    jira.userDeleteComment(issue.id, 99);
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    jira.userCommentDoc(issue.id, mediaDoc([mediaB]));
    jira.userEdit(issue.id, { description: null });
    expect(await ids(jira, issue.id)).toEqual([b.id]);
    jira.userDeleteComment(issue.id, 0);
    expect(await ids(jira, issue.id)).toEqual([]);
    expect(a.id).not.toBe(b.id);
  });

  it('reads references as the sandbox\'s Jira does: media and mediaInline file nodes in content, not link media nor other attributes', () => {
    const doc = {
      type: 'doc', version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'mediaInline', attrs: { id: 'inline-1', type: 'file', collection: '' } }] },
        { type: 'mediaGroup', content: [{ type: 'media', attrs: { id: 'group-1', collection: '' } }, { type: 'media', attrs: { id: 'link-1', type: 'link', collection: '' } }] },
        { type: 'paragraph', attrs: { media: { type: 'media', attrs: { id: 'not-content' } } }, content: [{ type: 'text', text: 'x' }] },
        { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: '', type: 'file' } }] },
      ],
    };
    expect(docMediaIds(doc)).toEqual(new Set(['inline-1', 'group-1']));
    expect(docMediaIds(null)).toEqual(new Set());
  });
});
