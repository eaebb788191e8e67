import { JiraError } from '../../ports/jira';
import { MemoryJira, docMediaIds, mediaDoc, textDoc, type JiraEventOut, type JsonValue } from './memory-jira';

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

function twoProjects(): ReturnType<typeof site> {
  const clock = { t: Date.parse('2026-03-01T00:00:00.000Z'), now: () => clock.t };
  const jira = new MemoryJira('internal', ['INT', 'OPS'], clock);
  jira.beforeUserAction = () => { clock.t += 1; };
  const events: JiraEventOut[] = [];
  jira.onEvent((e) => events.push(e));
  return { jira, clock, events };
}

const ORIGIN = { connectionId: 'c1', remoteIssueId: 'r1' };

describe('MemoryJira issues: parent, links, components, fix versions', () => {
  it('a new issue has no parent, links, components or fix versions; the metadata has Epic, Sub-task and the link types', async () => {
    const { jira } = site();
    const created = jira.userCreate('INT', 'x');
    const ref = await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { summary: 'y' }, origin: ORIGIN });
    for (const issue of [await jira.getIssue(created.id), await jira.getIssue(ref.id)]) {
      expect(issue).toMatchObject({ parent: null, links: [], components: [], fixVersions: [] });
    }
    const metadata = await jira.getMetadata();
    expect(metadata.issueTypes.INT?.map((t) => [t.name, t.subtask])).toEqual([['Task', false], ['Bug', false], ['Story', false], ['Epic', false], ['Sub-task', true]]);
    expect(metadata.linkTypes).toEqual([
      { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      { name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
      { name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
      { name: 'Relates', inward: 'relates to', outward: 'relates to' },
    ]);
    expect(metadata.customFields).toEqual([
      { id: 'customfield_10000', name: 'Remote issue key', kind: 'text', options: null },
      { id: 'customfield_10001', name: 'Team', kind: 'text', options: null },
    ]);
  });

  it('createIssue takes a parent one level up: a Sub-task under a Task, a Task under an Epic', async () => {
    const { jira } = site();
    const epic = jira.userCreate('INT', 'epic', { typeName: 'Epic' });
    const task = await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { summary: 'task', parent: epic.id }, origin: ORIGIN });
    const sub = await jira.createIssue({ projectKey: 'INT', typeName: 'Sub-task', fields: { summary: 'sub', parent: task.id }, origin: ORIGIN });
    expect((await jira.getIssue(task.id))?.parent).toEqual({ id: epic.id, key: epic.key });
    expect((await jira.getIssue(sub.id))?.parent).toEqual(task);
  });

  it('createIssue refuses a Sub-task without a parent, and a parent missing, of another project, itself a sub-task or at the wrong level: 400, nothing created', async () => {
    const { jira } = twoProjects();
    const task = jira.userCreate('INT', 'task');
    const other = jira.userCreate('OPS', 'elsewhere');
    const sub = jira.userCreate('INT', 'sub', { typeName: 'Sub-task', parent: task.id });
    const epic = jira.userCreate('INT', 'epic', { typeName: 'Epic' });
    const refused = [
      { typeName: 'Sub-task', parent: undefined },
      { typeName: 'Sub-task', parent: null },
      { typeName: 'Sub-task', parent: '99999' },
      { typeName: 'Sub-task', parent: other.id },
      { typeName: 'Sub-task', parent: sub.id },
      { typeName: 'Sub-task', parent: epic.id },
      { typeName: 'Task', parent: task.id },
      { typeName: 'Epic', parent: epic.id },
    ];
    for (const { typeName, parent } of refused) {
      const error = await rejection(jira.createIssue({ projectKey: 'INT', typeName, fields: { summary: 'no', ...(parent === undefined ? {} : { parent }) }, origin: ORIGIN }));
      expect([typeName, parent, error.status, error.message]).toEqual([typeName, parent, 400, expect.stringContaining('parent')]);
    }
    expect(jira.issues.size).toBe(4);
    // no key was used up by the refusals
    expect((await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: {}, origin: ORIGIN })).key).toBe('INT-4');
    expect(() => jira.userCreate('INT', 'sub', { typeName: 'Sub-task' })).toThrow(JiraError);
  });

  it('updateIssue sets and clears a parent, moving `updated`; a refused parent writes nothing; a Sub-task keeps its parent', async () => {
    const { jira, clock } = site();
    const epic = jira.userCreate('INT', 'epic', { typeName: 'Epic' });
    const otherEpic = jira.userCreate('INT', 'other epic', { typeName: 'Epic' });
    const task = jira.userCreate('INT', 'task');
    clock.t += 1000;
    await jira.updateIssue(task.key, { parent: epic.key });
    expect(jira.issues.get(task.id)?.parent).toEqual({ id: epic.id, key: epic.key });
    expect(jira.issues.get(task.id)?.updated).toBe(new Date(clock.t).toISOString());
    await jira.updateIssue(task.id, { parent: otherEpic.id });
    expect(jira.issues.get(task.id)?.parent?.id).toBe(otherEpic.id);
    const error = await rejection(jira.updateIssue(task.id, { summary: 'renamed', parent: task.id }));
    expect(error.status).toBe(400);
    expect(jira.issues.get(task.id)).toMatchObject({ summary: 'task', parent: { id: otherEpic.id } });
    await jira.updateIssue(task.id, { parent: null });
    expect(jira.issues.get(task.id)?.parent).toBeNull();
    const sub = jira.userCreate('INT', 'sub', { typeName: 'Sub-task', parent: task.id });
    expect((await rejection(jira.updateIssue(sub.id, { parent: null }))).status).toBe(400);
    await jira.updateIssue(sub.id, { summary: 'still a sub-task' });
    expect(jira.issues.get(sub.id)?.parent?.id).toBe(task.id);
  });

  it('components and versions: the project\'s parts, created by the app (a duplicate is a 400) or by tests', async () => {
    const { jira } = site();
    jira.addComponent('INT', 'Backend');
    jira.addComponent('INT', 'Backend');
    jira.addVersion('INT', '2.0');
    expect(jira.totalCalls).toBe(0);
    await jira.createComponent('INT', 'API');
    await jira.createVersion('INT', '1.0');
    expect(await jira.getProjectParts('INT')).toEqual({ components: ['API', 'Backend'], versions: ['2.0', '1.0'] });
    expect((await rejection(jira.createComponent('INT', 'Backend'))).status).toBe(400);
    expect((await rejection(jira.createVersion('INT', '1.0'))).status).toBe(400);
    expect((await rejection(jira.createComponent('INT', ' '))).status).toBe(400);
    expect((await rejection(jira.getProjectParts('NOPE'))).status).toBe(404);
    expect((await rejection(jira.createVersion('NOPE', '1.0'))).status).toBe(404);
    expect(() => jira.addComponent('NOPE', 'x')).toThrow(JiraError);
    expect(jira.calls).toEqual({ createComponent: 3, createVersion: 3, getProjectParts: 2 });
  });

  it('components and fix versions of an issue: names of the project, stored sorted; an unknown one is a 400 naming it, nothing written', async () => {
    const { jira } = twoProjects();
    for (const name of ['UI', 'API']) jira.addComponent('INT', name);
    jira.addVersion('INT', '1.0');
    jira.addComponent('OPS', 'Ops only');
    const ref = await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { components: ['UI', 'API', 'UI'], fixVersions: ['1.0'] }, origin: ORIGIN });
    expect(await jira.getIssue(ref.id)).toMatchObject({ components: ['API', 'UI'], fixVersions: ['1.0'] });
    const error = await rejection(jira.updateIssue(ref.id, { summary: 'renamed', components: ['API', 'Ops only'] }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("'Ops only'");
    expect((await rejection(jira.updateIssue(ref.id, { fixVersions: ['2.0'] }))).message).toContain("'2.0'");
    expect((await rejection(jira.updateIssue(ref.id, { components: ['api'] }))).status).toBe(400);
    expect(await jira.getIssue(ref.id)).toMatchObject({ summary: '', components: ['API', 'UI'], fixVersions: ['1.0'] });
    await jira.updateIssue(ref.id, { components: [], fixVersions: [] });
    expect(await jira.getIssue(ref.id)).toMatchObject({ components: [], fixVersions: [] });
    expect((await rejection(jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { components: ['Nope'] }, origin: ORIGIN }))).status).toBe(400);
    expect(jira.issues.size).toBe(1);
  });

  it('a person sets the parent, the components, the fix versions: `updated` moves, an issue-updated event names the field', () => {
    const { jira, clock, events } = site();
    jira.addComponent('INT', 'API');
    jira.addVersion('INT', '1.0');
    const epic = jira.userCreate('INT', 'epic', { typeName: 'Epic' });
    const task = jira.userCreate('INT', 'task');
    jira.userSetParent(task.id, epic.id);
    expect(jira.issues.get(task.id)?.parent).toEqual({ id: epic.id, key: epic.key });
    expect(jira.issues.get(task.id)?.updated).toBe(new Date(clock.t).toISOString());
    jira.userSetComponents(task.id, ['API']);
    jira.userSetFixVersions(task.id, ['1.0']);
    jira.userSetParent(task.id, null);
    expect(jira.issues.get(task.id)).toMatchObject({ parent: null, components: ['API'], fixVersions: ['1.0'] });
    expect(events.slice(2)).toEqual(['parent', 'components', 'fixVersions', 'parent'].map((f) => ({ eventType: 'avi:jira:updated:issue', issueId: task.id, changedFields: [f] })));
    expect(() => jira.userSetComponents(task.id, ['Nope'])).toThrow(JiraError);
    expect(events).toHaveLength(6);
    jira.userEdit(task.id, { parent: epic.id, components: [] });
    expect(events.at(-1)?.changedFields).toEqual(['parent', 'components']);
  });
});

describe('MemoryJira issue links', () => {
  it('createIssueLink shows the link on both issues, each from its side; `updated` does not move', async () => {
    const { jira, clock } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    const updated = [a.updated, b.updated];
    clock.t += 1000;
    await jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: b.id });
    const id = (await jira.getIssue(a.id))?.links[0]?.id ?? '';
    expect((await jira.getIssue(a.id))?.links).toEqual([{ id, type: 'Blocks', direction: 'outward', issue: { id: b.id, key: b.key } }]);
    expect((await jira.getIssue(b.id))?.links).toEqual([{ id, type: 'Blocks', direction: 'inward', issue: { id: a.id, key: a.key } }]);
    expect([jira.issues.get(a.id)?.updated, jira.issues.get(b.id)?.updated]).toEqual(updated);
  });

  it('the same link twice is one link; the other way round, or another type, is another', async () => {
    const { jira } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    await jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: b.id });
    await jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: b.id });
    expect(jira.issues.get(a.id)?.links).toHaveLength(1);
    await jira.createIssueLink({ type: 'Blocks', outwardIssueId: b.id, inwardIssueId: a.id });
    await jira.createIssueLink({ type: 'Relates', outwardIssueId: a.id, inwardIssueId: b.id });
    expect(jira.issues.get(a.id)?.links.map((l) => [l.type, l.direction])).toEqual([['Blocks', 'outward'], ['Blocks', 'inward'], ['Relates', 'outward']]);
    expect(new Set(jira.issues.get(a.id)?.links.map((l) => l.id)).size).toBe(3);
    expect(jira.calls.createIssueLink).toBe(4);
  });

  it('an unknown type or a link to itself is a 400, an issue that does not exist a 404; nothing is linked', async () => {
    const { jira } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    expect((await rejection(jira.createIssueLink({ type: 'Causes', outwardIssueId: a.id, inwardIssueId: b.id }))).status).toBe(400);
    expect((await rejection(jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: a.id }))).status).toBe(400);
    expect((await rejection(jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: '99999' }))).status).toBe(404);
    expect((await rejection(jira.createIssueLink({ type: 'Blocks', outwardIssueId: '99999', inwardIssueId: b.id }))).status).toBe(404);
    expect([jira.issues.get(a.id)?.links, jira.issues.get(b.id)?.links]).toEqual([[], []]);
    jira.addLinkType('Causes', 'causes', 'is caused by');
    await jira.createIssueLink({ type: 'Causes', outwardIssueId: a.id, inwardIssueId: b.id });
    expect((await jira.getMetadata()).linkTypes.at(-1)).toEqual({ name: 'Causes', outward: 'causes', inward: 'is caused by' });
  });

  it('deleteIssueLink removes it from both issues; a second time it is a 404', async () => {
    const { jira, clock } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    await jira.createIssueLink({ type: 'Duplicate', outwardIssueId: a.id, inwardIssueId: b.id });
    const id = jira.issues.get(b.id)?.links[0]?.id ?? '';
    clock.t += 1000;
    await jira.deleteIssueLink(id);
    expect([jira.issues.get(a.id)?.links, jira.issues.get(b.id)?.links]).toEqual([[], []]);
    expect(jira.issues.get(a.id)?.updated).toBe(a.updated);
    expect((await rejection(jira.deleteIssueLink(id))).status).toBe(404);
    expect(jira.calls.deleteIssueLink).toBe(2);
  });

  it('a person links and unlinks: an issuelink event per issue (the outward one first), `updated` unmoved; again: no event', () => {
    const { jira, events } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    events.length = 0;
    const id = jira.userLink(a.key, b.key, 'Cloners');
    expect(jira.issues.get(a.id)?.links).toEqual([{ id, type: 'Cloners', direction: 'outward', issue: { id: b.id, key: b.key } }]);
    expect(events).toEqual([a.id, b.id].map((issueId) => ({ eventType: 'avi:jira:created:issuelink', issueId, changedFields: null })));
    expect(jira.userLink(a.id, b.id, 'Cloners')).toBe(id);
    expect(events).toHaveLength(2);
    expect(() => jira.userLink(a.id, b.id, 'Nope')).toThrow(JiraError);
    jira.userUnlink(id);
    expect(jira.issues.get(b.id)?.links).toEqual([]);
    expect(events.slice(2)).toEqual([a.id, b.id].map((issueId) => ({ eventType: 'avi:jira:deleted:issuelink', issueId, changedFields: null })));
    jira.userUnlink(id);
    expect(events).toHaveLength(4);
    expect([jira.issues.get(a.id)?.updated, jira.issues.get(b.id)?.updated]).toEqual([a.updated, b.updated]);
    expect(jira.totalCalls).toBe(0);
  });
});

describe('MemoryJira custom fields by kind', () => {
  it('defineField declares a field: every issue has it, empty; the next getMetadata lists it with its options', async () => {
    const { jira } = site();
    const before = jira.userCreate('INT', 'before');
    expect((await jira.getMetadata()).customFields.map((f) => f.name)).toEqual(['Remote issue key', 'Team']);
    const severity = jira.defineField('Severity', 'select', ['High', 'Low']);
    jira.defineField('Areas', 'multiselect', ['UI']);
    jira.defineField('Region', 'cascading', [{ value: 'EU', children: ['FR'] }]);
    jira.defineField('Watchers', 'users');
    expect(severity).toEqual({ id: 'customfield_10002', name: 'Severity', kind: 'select', options: [{ value: 'High', children: [] }, { value: 'Low', children: [] }] });
    const meta = await jira.getMetadata();
    expect(meta.customFields.slice(2)).toEqual([
      severity,
      { id: 'customfield_10003', name: 'Areas', kind: 'multiselect', options: [{ value: 'UI', children: [] }] },
      { id: 'customfield_10004', name: 'Region', kind: 'cascading', options: [{ value: 'EU', children: ['FR'] }] },
      { id: 'customfield_10005', name: 'Watchers', kind: 'users', options: null },
    ]);
    const after = jira.userCreate('INT', 'after');
    for (const issue of [before, after]) {
      expect((await jira.getIssue(issue.id))?.customFields).toEqual({
        'Remote issue key': { value: null }, Team: { value: null }, Severity: { value: null }, Areas: { value: [] }, Region: { value: null }, Watchers: { value: [] },
      });
    }
    expect(() => jira.defineField('Team', 'text')).toThrow();
    expect(() => jira.defineField('Size', 'number', ['1'])).toThrow();
    expect(jira.calls).toEqual({ getIssue: 2 });
  });

  it('option kinds: an offered value is stored (multi values sorted), one not offered is a 400 naming field and value, nothing written', async () => {
    const { jira } = site();
    jira.defineField('Severity', 'select', ['High', 'Low']);
    jira.defineField('Areas', 'checkboxes', ['UI', 'API', 'DB']);
    jira.defineField('Region', 'cascading', [{ value: 'EU', children: ['FR', 'DE'] }, 'US']);
    const issue = jira.userCreate('INT', 'x');
    await jira.updateIssue(issue.id, { customFields: { Severity: 'High', Areas: ['UI', 'API', 'UI'], Region: { value: 'EU', child: 'FR' } } });
    expect((await jira.getIssue(issue.id))?.customFields).toMatchObject({ Severity: { value: 'High' }, Areas: { value: ['API', 'UI'] }, Region: { value: { value: 'EU', child: 'FR' } } });
    const refused: [Record<string, JsonValue>, string][] = [
      [{ Severity: 'Medium' }, "'Medium'"],
      [{ Severity: 'high' }, "'high'"],
      [{ Areas: ['UI', 'Mobile'] }, "'Mobile'"],
      [{ Region: { value: 'EU', child: 'IT' } }, "'EU > IT'"],
      [{ Region: { value: 'Asia', child: null } }, "'Asia'"],
      [{ Severity: ['High'] }, 'Severity'],
      [{ Areas: 'UI' }, 'Areas'],
      [{ Region: 'EU' }, 'Region'],
    ];
    for (const [customFields, named] of refused) {
      const error = await rejection(jira.updateIssue(issue.id, { summary: 'renamed', customFields: { Team: 'changed', ...customFields } }));
      expect([customFields, error.status, error.message]).toEqual([customFields, 400, expect.stringContaining(named)]);
      expect(error.message).toContain(Object.keys(customFields)[0]);
    }
    expect(jira.issues.get(issue.id)?.summary).toBe('x');
    expect(jira.issues.get(issue.id)?.customFields.Team?.value).toBeNull();
    await jira.updateIssue(issue.id, { customFields: { Severity: null, Areas: null, Region: { value: 'US', child: null } } });
    expect((await jira.getIssue(issue.id))?.customFields).toMatchObject({ Severity: { value: null }, Areas: { value: [] }, Region: { value: { value: 'US', child: null } } });
  });

  it('addOption: the next write may name it, the next getMetadata lists it', async () => {
    const { jira } = site();
    jira.defineField('Severity', 'radio', ['High']);
    jira.defineField('Region', 'cascading', ['EU']);
    const issue = jira.userCreate('INT', 'x');
    expect((await rejection(jira.updateIssue(issue.id, { customFields: { Severity: 'Low' } }))).status).toBe(400);
    jira.addOption('Severity', 'Low');
    jira.addOption('Region', 'EU', ['FR']);
    jira.addOption('Region', 'EU', ['FR', 'DE']);
    await jira.updateIssue(issue.id, { customFields: { Severity: 'Low', Region: { value: 'EU', child: 'DE' } } });
    expect(jira.issues.get(issue.id)?.customFields.Severity?.value).toBe('Low');
    expect((await jira.getMetadata()).customFields.find((f) => f.name === 'Region')?.options).toEqual([{ value: 'EU', children: ['FR', 'DE'] }]);
    expect(() => jira.addOption('Team', 'x')).toThrow();
    expect(() => jira.addOption('Nope', 'x')).toThrow();
  });

  it('people kinds take account ids or UserRefs of the site\'s people and store UserRefs (users sorted by account id); an unknown account is a 400', async () => {
    const { jira } = site();
    jira.defineField('Reviewer', 'user');
    jira.defineField('Watchers', 'users');
    const zoe = jira.addPerson({ accountId: 'acc-zoe', displayName: 'Zoe', email: 'zoe@example.com', emailVisible: true });
    const ann = jira.addPerson({ accountId: 'acc-ann', displayName: 'Ann', email: 'ann@example.com', emailVisible: false });
    expect(ann).toEqual({ accountId: 'acc-ann', displayName: 'Ann', email: null });
    const issue = jira.userCreate('INT', 'x');
    await jira.updateIssue(issue.id, { customFields: { Reviewer: 'acc-zoe', Watchers: ['acc-zoe', { accountId: 'acc-ann', displayName: 'whatever', email: null }, 'acc-zoe'] } });
    expect(jira.issues.get(issue.id)?.customFields).toMatchObject({ Reviewer: { value: zoe }, Watchers: { value: [ann, zoe] } });
    for (const customFields of [{ Reviewer: 'acc-nobody' }, { Watchers: ['acc-zoe', 'acc-nobody'] }, { Reviewer: 42 }, { Watchers: 'acc-zoe' }]) {
      const error = await rejection(jira.updateIssue(issue.id, { customFields }));
      expect([customFields, error.status]).toEqual([customFields, 400]);
    }
    expect((await rejection(jira.updateIssue(issue.id, { customFields: { Reviewer: 'acc-nobody' } }))).message).toContain('acc-nobody');
    await jira.updateIssue(issue.id, { customFields: { Reviewer: null, Watchers: [] } });
    expect(jira.issues.get(issue.id)?.customFields).toMatchObject({ Reviewer: { value: null }, Watchers: { value: [] } });
  });

  it('the other kinds: checked by type and stored as the portable values', async () => {
    const { jira } = site();
    jira.defineField('Notes', 'paragraph');
    jira.defineField('Link', 'url');
    jira.defineField('Points', 'number');
    jira.defineField('Due', 'date');
    jira.defineField('At', 'datetime');
    jira.defineField('Tags', 'labels');
    jira.defineField('Raw', 'other');
    const issue = jira.userCreate('INT', 'x');
    const notes: JsonValue = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hello' }] }] };
    const stored: [string, JsonValue, JsonValue][] = [
      ['Team', 'alpha', 'alpha'],
      ['Team', '', null],
      ['Notes', notes, notes],
      ['Link', 'https://example.com/a', 'https://example.com/a'],
      ['Link', '', null],
      ['Points', 2.5, 2.5],
      ['Points', 0, 0],
      ['Due', '2026-02-28', '2026-02-28'],
      ['At', '2026-12-02T11:00:00+01:00', '2026-12-02T10:00:00.000Z'],
      ['Tags', ['b', 'a', 'b'], ['a', 'b']],
      ['Tags', null, []],
      ['Raw', { any: ['thing', 1] }, { any: ['thing', 1] }],
    ];
    for (const [name, value, expected] of stored) {
      await jira.updateIssue(issue.id, { customFields: { [name]: value } });
      expect([name, value, jira.issues.get(issue.id)?.customFields[name]?.value]).toEqual([name, value, expected]);
    }
    const refused: [string, JsonValue][] = [
      ['Team', 'x'.repeat(256)], ['Team', 3], ['Notes', 'plain text'], ['Link', 'not a url'], ['Points', '3'], ['Due', '2026-02-30'], ['Due', '28/02/2026'],
      ['At', 'tomorrow'], ['At', '2026-12-02'], ['Tags', ['has space']], ['Tags', ['']], ['Tags', 'a'], ['Nope', 'x'],
    ];
    for (const [name, value] of refused) {
      const error = await rejection(jira.updateIssue(issue.id, { customFields: { [name]: value } }));
      expect([name, value, error.status, error.message]).toEqual([name, value, 400, expect.stringContaining(name)]);
    }
  });

  it('createIssue checks the custom fields too: refused, no issue', async () => {
    const { jira } = site();
    jira.defineField('Severity', 'select', ['High']);
    expect((await rejection(jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { customFields: { Severity: 'Low' } }, origin: ORIGIN }))).status).toBe(400);
    expect(jira.issues.size).toBe(0);
    const ref = await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { customFields: { Severity: 'High' } }, origin: ORIGIN });
    expect(jira.issues.get(ref.id)?.customFields.Severity?.value).toBe('High');
  });
});

describe('MemoryJira people', () => {
  it('getMetadata lists the people asked for: by visible email (any case) or by account id (a hidden email null); nobody else', async () => {
    const { jira } = site();
    const zoe = jira.addPerson({ accountId: 'acc-zoe', displayName: 'Zoe', email: 'zoe@example.com', emailVisible: true });
    const ann = jira.addPerson({ accountId: 'acc-ann', displayName: 'Ann', email: 'ann@example.com', emailVisible: false });
    expect((await jira.getMetadata()).users).toEqual([]);
    expect((await jira.getMetadata({ userEmails: ['ZOE@example.com', 'ann@example.com', 'nobody@example.com'] })).users).toEqual([zoe]);
    expect((await jira.getMetadata({ accountIds: ['acc-ann', 'acc-nobody'] })).users).toEqual([ann]);
    expect((await jira.getMetadata({ userEmails: ['zoe@example.com'], accountIds: ['acc-zoe', 'user-internal'] })).users).toEqual([{ accountId: 'user-internal', displayName: 'User', email: null }, zoe]);
    expect(jira.totalCalls).toBe(0);
    expect(jira.metadataReads).toBe(4);
  });

  it('the assignee and the reporter must be people of the site (a 400 otherwise, nothing written); stored as their UserRef', async () => {
    const { jira } = site();
    const zoe = jira.addPerson({ accountId: 'acc-zoe', displayName: 'Zoe', email: 'zoe@example.com' });
    const issue = jira.userCreate('INT', 'x');
    await jira.updateIssue(issue.id, { assignee: 'acc-zoe', reporter: 'acc-zoe' });
    expect(await jira.getIssue(issue.id)).toMatchObject({ assignee: zoe, reporter: zoe });
    const error = await rejection(jira.updateIssue(issue.id, { summary: 'renamed', assignee: 'acc-nobody' }));
    expect([error.status, error.message]).toEqual([400, expect.stringContaining('acc-nobody')]);
    expect((await rejection(jira.updateIssue(issue.id, { reporter: 'acc-nobody' }))).status).toBe(400);
    expect(await jira.getIssue(issue.id)).toMatchObject({ summary: 'x', assignee: zoe, reporter: zoe });
    await jira.updateIssue(issue.id, { assignee: null });
    expect(jira.issues.get(issue.id)?.assignee).toBeNull();
    expect((await rejection(jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { assignee: 'acc-nobody' }, origin: ORIGIN }))).status).toBe(400);
    const ref = await jira.createIssue({ projectKey: 'INT', typeName: 'Task', fields: { assignee: 'user-internal' }, origin: ORIGIN });
    expect(jira.issues.get(ref.id)).toMatchObject({ assignee: { accountId: 'user-internal', displayName: 'User', email: null }, reporter: jira.appUser });
  });

  it('a person added again is replaced; an email shows once visible', async () => {
    const { jira } = site();
    jira.addPerson({ accountId: 'acc-zoe', displayName: 'Zoe', email: 'zoe@example.com', emailVisible: false });
    expect((await jira.getMetadata({ userEmails: ['zoe@example.com'] })).users).toEqual([]);
    jira.addPerson({ accountId: 'acc-zoe', displayName: 'Zoe Q', email: 'zoe@example.com', emailVisible: true });
    expect((await jira.getMetadata({ userEmails: ['zoe@example.com'] })).users).toEqual([{ accountId: 'acc-zoe', displayName: 'Zoe Q', email: 'zoe@example.com' }]);
  });
});

describe('MemoryJira: the new calls are counted and run the hooks', () => {
  it('createIssueLink, deleteIssueLink, getProjectParts, createComponent, createVersion', async () => {
    const { jira } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    const seen: string[] = [];
    jira.beforeCall = (name) => seen.push(`before ${name}`);
    jira.afterCall = (name) => seen.push(`after ${name}`);
    await jira.createIssueLink({ type: 'Relates', outwardIssueId: a.id, inwardIssueId: b.id });
    await jira.deleteIssueLink(jira.issues.get(a.id)?.links[0]?.id ?? '');
    await jira.getProjectParts('INT');
    await jira.createComponent('INT', 'API');
    await jira.createVersion('INT', '1.0');
    const names = ['createIssueLink', 'deleteIssueLink', 'getProjectParts', 'createComponent', 'createVersion'];
    expect(jira.calls).toEqual(Object.fromEntries(names.map((n) => [n, 1])));
    expect(seen).toEqual(names.flatMap((n) => [`before ${n}`, `after ${n}`]));
  });

  it('a failure injected after a link was made leaves it there', async () => {
    const { jira } = site();
    const a = jira.userCreate('INT', 'a');
    const b = jira.userCreate('INT', 'b');
    jira.afterCall = () => {
      throw new JiraError('died after the call', 0);
    };
    await expect(jira.createIssueLink({ type: 'Blocks', outwardIssueId: a.id, inwardIssueId: b.id })).rejects.toThrow('died after the call');
    expect(jira.issues.get(b.id)?.links).toHaveLength(1);
  });
});
