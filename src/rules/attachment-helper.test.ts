import type { IncomingRulesInput, RulesAttachment } from '../ports/rules';
import type { ReplicaAttachment } from '../model/replica';
import { defaultIncomingScript, defaultOutgoingScript } from './default-scripts';
import { blankIssue, sampleAttachment, sampleConnection, sampleIncomingInput, sampleIssue, sampleReplica, sampleReplicaAttachment } from './sample-data';
import { createScriptRulesEngine } from './script-engine';
import { ScriptRulesError } from './script-errors';

/** attachmentHelper.mergeAttachments and .filter, and assigning issue.attachments / replica.attachments, in QuickJS */

const OUTGOING_MIN = 'replica.type = issue.type; replica.status = issue.status;';
const MB = 1024 * 1024;

function incoming(script: string, over: Partial<IncomingRulesInput> = {}) {
  return createScriptRulesEngine({ outgoing: OUTGOING_MIN, incoming: script }).incoming(sampleIncomingInput(over));
}

async function failure(run: Promise<unknown>): Promise<ScriptRulesError> {
  const outcome = await run.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof ScriptRulesError)) throw new Error(`expected a ScriptRulesError, got ${String(outcome)}`);
  return outcome;
}

// ours: 10200 (smoke.jpg); copy: 10201 is our copy of their r-a1
const ours = sampleAttachment();
const ours2 = sampleAttachment({ id: '10202', filename: 'notes.pdf', mimeType: 'application/pdf', size: 90_000 });
const copyOfRa1 = sampleAttachment({ id: '10201', filename: 'printer-log.txt', mimeType: 'text/plain', size: 18_432, originId: 'r-a1' });
const ra1 = sampleReplicaAttachment();
const ra2 = sampleReplicaAttachment({ id: 'r-a2', filename: 'wiring.png', mimeType: 'image/png', size: 2 * MB });
/** the other site's copy of our 10200 */
const echoOf10200 = sampleReplicaAttachment({ id: 'r-a9', filename: 'smoke.jpg', mimeType: 'image/jpeg', size: 245_760, originId: '10200' });
const echoOf10202 = sampleReplicaAttachment({ id: 'r-a8', filename: 'notes.pdf', mimeType: 'application/pdf', size: 90_000, originId: '10202' });
/** what mergeAttachments adds for a remote attachment without a copy here */
const toCopy = (r: ReplicaAttachment): RulesAttachment => ({ id: '', filename: r.filename, mimeType: r.mimeType, size: r.size, created: r.created, author: r.author, originId: r.id });

describe('attachmentHelper.mergeAttachments', () => {
  const merge = (options = '') => `issue.attachments = attachmentHelper.mergeAttachments(issue, replica${options ? ', ' + options : ''})`;

  it.each<[string, { local: RulesAttachment[]; remote: ReplicaAttachment[]; previous?: ReplicaAttachment[] | null; options?: string }, RulesAttachment[]]>([
    ['nothing anywhere', { local: [], remote: [] }, []],
    ['a new remote attachment: a copy to make (id "", originId its id)', { local: [], remote: [ra1] }, [toCopy(ra1)]],
    ['several new ones, in the replica\'s order, after ours', { local: [ours], remote: [ra1, ra2] }, [ours, toCopy(ra1), toCopy(ra2)]],
    ['a remote attachment copied here already is not copied again', { local: [ours, copyOfRa1], remote: [ra1] }, [ours, copyOfRa1]],
    ['a remote attachment gone there takes its copy with it', { local: [ours, copyOfRa1], remote: [], previous: [ra1] }, [ours]],
    ['a remote attachment gone there, no previous replica known: its copy goes all the same', { local: [copyOfRa1], remote: [], previous: null }, []],
    ['the remote copy of ours is recognised: never copied back', { local: [ours], remote: [echoOf10200] }, [ours]],
    ['the remote copy of an attachment we no longer have: nothing', { local: [], remote: [echoOf10200] }, []],
    ['ours never copied there stays', { local: [ours], remote: [], previous: [] }, [ours]],
    ['ours with no previous replica stays', { local: [ours], remote: [], previous: null }, [ours]],
    ['ours whose copy there is gone since the previous replica: deleted there, so deleted here', { local: [ours, ours2], remote: [echoOf10202], previous: [echoOf10200, echoOf10202] }, [ours2]],
    ['ours whose copy is still there stays', { local: [ours], remote: [echoOf10200], previous: [echoOf10200] }, [ours]],
    ['a filter function chooses the remote attachments taken in', { local: [], remote: [ra1, ra2], options: '{ filter: (a) => a.mimeType.startsWith("image/") }' }, [toCopy(ra2)]],
    ['filter criteria do too', { local: [], remote: [ra1, ra2], options: '{ filter: { maxSize: 1024 * 1024 } }' }, [toCopy(ra1)]],
    ['a copy follows its original out through the filter', { local: [copyOfRa1], remote: [ra1, ra2], options: '{ filter: { names: "*.png" } }' }, [toCopy(ra2)]],
    ['the filter never drops the other site\'s copies of ours (no deletion here)', { local: [ours], remote: [echoOf10200], previous: [echoOf10200], options: '{ filter: () => false }' }, [ours]],
    ['options null: none', { local: [], remote: [ra1], options: 'null' }, [toCopy(ra1)]],
  ])('%s', async (_name, c, expected) => {
    const result = await incoming(merge(c.options), {
      issue: sampleIssue({ attachments: c.local }),
      replica: sampleReplica({ attachments: c.remote }),
      previous: c.previous === undefined || c.previous === null ? null : sampleReplica({ attachments: c.previous }),
    });
    expect(result.desired.attachments).toEqual(expected);
  });

  it('on a first sync every remote original becomes a copy to make', async () => {
    const result = await incoming(merge(), { firstSync: true, issue: blankIssue(), replica: sampleReplica({ attachments: [ra1, ra2, echoOf10200] }) });
    expect(result.desired.attachments).toEqual([toCopy(ra1), toCopy(ra2)]);
  });

  it('the filter function sees a copy: changing it changes nothing', async () => {
    const result = await incoming(merge('{ filter: (a) => { a.id = "x"; a.size = 0; return true; } }'), { issue: sampleIssue({ attachments: [] }), replica: sampleReplica({ attachments: [ra1] }) });
    expect(result.desired.attachments).toEqual([toCopy(ra1)]);
  });

  it.each([
    ['{ filter: "images" }', /attachmentHelper\.mergeAttachments: filter must be a function or the options of attachmentHelper\.filter; got a string/],
    ['{ filter: [] }', /filter must be a function or the options of attachmentHelper\.filter; got an array/],
    ['{ filter: { maxsize: 10 } }', /attachmentHelper\.mergeAttachments filter: unknown option "maxsize"\. Options: names, pattern, mimeTypes, minSize, maxSize, exclude, keepCopies/],
    ['{ filter: { maxSize: -1 } }', /attachmentHelper\.mergeAttachments filter: maxSize must be a number of bytes \(0 or more\); got -1/],
    ['{ fliter: () => true }', /attachmentHelper\.mergeAttachments: unknown option "fliter"\. Options: filter/],
    ['previous', /attachmentHelper\.mergeAttachments: unknown option "key"\. Options: filter/],
    ['7', /attachmentHelper\.mergeAttachments: the options must be an object \(\{ filter \}\); got a number/],
  ])('bad options %s: a clear error', async (options, message) => {
    const error = await failure(incoming(merge(options), { previous: sampleReplica() }));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(1);
  });
});

describe('attachmentHelper.filter', () => {
  const copyOfTheirs = sampleAttachment({ id: 'f-copy', filename: 'theirs.exe', mimeType: 'application/x-msdownload', size: 50 * MB, originId: 'r-x' });
  const files: RulesAttachment[] = [
    sampleAttachment({ id: 'f-png', filename: 'Screenshot 2026-11-20.PNG', mimeType: 'image/png', size: 300_000 }),
    sampleAttachment({ id: 'f-pdf', filename: 'invoice.pdf', mimeType: 'application/pdf', size: 1 * MB }),
    sampleAttachment({ id: 'f-big', filename: 'scan.tiff', mimeType: 'image/tiff', size: 25 * MB }),
    sampleAttachment({ id: 'f-log', filename: 'server.log', mimeType: 'text/plain; charset=utf-8', size: 4_096 }),
    sampleAttachment({ id: 'f-zip', filename: 'logs-2026.zip', mimeType: 'application/zip', size: 10 * MB }),
    copyOfTheirs,
  ];
  const ids = async (call: string) => {
    const result = await incoming(`console.log(JSON.stringify(${call}.map((a) => a.id)))`, { issue: sampleIssue({ attachments: files }) });
    return JSON.parse(result.logs[0]?.message ?? 'null') as unknown;
  };
  const all = files.map((f) => f.id);

  it.each<[string, string, string[]]>([
    ['no options: all', '', all],
    ['empty options: all', '{}', all],
    ['maxSize (inclusive)', '{ maxSize: 10 * 1024 * 1024 }', ['f-png', 'f-pdf', 'f-log', 'f-zip', 'f-copy']],
    ['minSize (inclusive)', '{ minSize: 1024 * 1024 }', ['f-pdf', 'f-big', 'f-zip', 'f-copy']],
    ['minSize and maxSize', '{ minSize: 5000, maxSize: 2 * 1024 * 1024 }', ['f-png', 'f-pdf', 'f-copy']],
    ['mimeTypes with a wildcard', '{ mimeTypes: ["image/*"] }', ['f-png', 'f-big', 'f-copy']],
    ['mimeTypes, case-insensitive, parameters ignored', '{ mimeTypes: ["TEXT/PLAIN", "application/pdf"] }', ['f-pdf', 'f-log', 'f-copy']],
    ['a single MIME type as a string', '{ mimeTypes: "application/zip" }', ['f-zip', 'f-copy']],
    ['*/* matches everything', '{ mimeTypes: ["*/*"] }', all],
    ['names: globs, case-insensitive, the whole name', '{ names: ["*.png", "*.PDF"] }', ['f-png', 'f-pdf', 'f-copy']],
    ['names: ? is one character, other characters are literal', '{ names: "logs-20??.zip" }', ['f-zip', 'f-copy']],
    ['names: an exact name', '{ names: ["server.log"] }', ['f-log', 'f-copy']],
    ['names: regex characters are literal', '{ names: ["scan.tif+"] }', ['f-copy']],
    ['pattern: a regular expression', '{ pattern: /^screenshot/i }', ['f-png', 'f-copy']],
    ['pattern: a string is a regular expression (case-sensitive)', '{ pattern: "\\\\.(zip|log)$" }', ['f-log', 'f-zip', 'f-copy']],
    ['pattern with the g flag gives the same answer each time', '{ pattern: /log/g }', ['f-log', 'f-zip', 'f-copy']],
    ['every criterion must hold', '{ mimeTypes: ["image/*", "application/pdf"], maxSize: 10 * 1024 * 1024 }', ['f-png', 'f-pdf', 'f-copy']],
    ['exclude: those that do not match', '{ names: ["*.log", "*.zip"], exclude: true }', ['f-png', 'f-pdf', 'f-big', 'f-copy']],
    ['exclude with no criterion: none (but the copies)', '{ exclude: true }', ['f-copy']],
    ['keepCopies: false applies the criteria to copies too', '{ maxSize: 10 * 1024 * 1024, keepCopies: false }', ['f-png', 'f-pdf', 'f-log', 'f-zip']],
    ['keepCopies: false with exclude', '{ mimeTypes: ["application/*"], exclude: true, keepCopies: false }', ['f-png', 'f-big', 'f-log']],
  ])('%s', async (_name, options, expected) => {
    expect(await ids(`attachmentHelper.filter(issue.attachments${options ? ', ' + options : ''})`)).toEqual(expected);
  });

  it('works on any list of attachments (replica.attachments, a merge result) and returns copies', async () => {
    expect(await ids('attachmentHelper.filter(replica.attachments, { mimeTypes: ["text/*"] })')).toEqual(['r-a1']);
    const result = await incoming('const f = attachmentHelper.filter(issue.attachments, {}); f[0].size = 1; console.log(issue.attachments[0].size)', { issue: sampleIssue({ attachments: files }) });
    expect(result.logs[0]?.message).toBe('300000');
  });

  it.each<[string, RegExp]>([
    ['{ maxsize: 10 }', /^TypeError: attachmentHelper\.filter: unknown option "maxsize"\. Options: names, pattern, mimeTypes, minSize, maxSize, exclude, keepCopies$/],
    ['{ maxSize: "10MB" }', /attachmentHelper\.filter: maxSize must be a number of bytes \(0 or more\); got a string/],
    ['{ minSize: -5 }', /attachmentHelper\.filter: minSize must be a number of bytes \(0 or more\); got -5/],
    ['{ maxSize: Infinity }', /attachmentHelper\.filter: maxSize must be a number of bytes \(0 or more\); got Infinity/],
    ['{ minSize: 20, maxSize: 10 }', /attachmentHelper\.filter: minSize \(20\) is larger than maxSize \(10\): nothing would match/],
    ['{ mimeTypes: ["pdf"] }', /attachmentHelper\.filter: mimeTypes\[0\] must be a MIME type like "application\/pdf" or "image\/\*" \(or an array of them\); got "pdf"/],
    ['{ mimeTypes: "image/" }', /attachmentHelper\.filter: mimeTypes must be a MIME type like .*; got "image\/"/],
    ['{ mimeTypes: [3] }', /mimeTypes\[0\] must be a MIME type .*; got a number/],
    ['{ names: [""] }', /attachmentHelper\.filter: names\[0\] must be a file name or pattern like "\*\.pdf" \(or an array of them\); got ""/],
    ['{ names: 5 }', /attachmentHelper\.filter: names must be a file name or pattern/],
    ['{ pattern: "(" }', /attachmentHelper\.filter: pattern is not a valid regular expression/],
    ['{ pattern: 5 }', /attachmentHelper\.filter: pattern must be a regular expression \(\/\.\.\.\/ or a string\); got a number/],
    ['{ exclude: "yes" }', /attachmentHelper\.filter: exclude must be true or false; got a string/],
    ['{ keepCopies: 0 }', /attachmentHelper\.filter: keepCopies must be true or false; got a number/],
    ['"images"', /attachmentHelper\.filter: the options must be an object like \{ maxSize: 10 \* 1024 \* 1024, mimeTypes: \["image\/\*"\] \}; got a string/],
  ])('bad options %s: a clear error naming the option', async (options, message) => {
    const error = await failure(incoming(`attachmentHelper.filter(issue.attachments, ${options})`));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(1);
  });

  it.each<[string, RegExp]>([
    ['attachmentHelper.filter(issue.attachment, {})', /attachmentHelper\.filter: the list must be an array of attachments \(issue\.attachments, replica\.attachments\); got undefined/],
    ['attachmentHelper.filter(null)', /the list must be an array of attachments .*; got null/],
    ['attachmentHelper.filter("a.png", {})', /the list must be an array of attachments .*; got a string/],
    ['attachmentHelper.filter([{ id: "1" }], {})', /attachmentHelper\.filter: list\[0\] is not an attachment \(an object with filename, mimeType and size\); got an object/],
  ])('a bad list: %s', async (call, message) => {
    expect((await failure(incoming(call))).message).toMatch(message);
  });
});

describe('assigning attachments', () => {
  const local = [ours, copyOfRa1];
  const over = { issue: sampleIssue({ attachments: local }), replica: sampleReplica({ attachments: [ra1, ra2, echoOf10200] }) };

  it.each<[string, RulesAttachment[]]>([
    ['issue.attachments = []', []],
    ['issue.attachments = issue.attachments.filter((a) => a.originId === null)', [ours]],
    ['issue.attachments = [...issue.attachments, { id: "", originId: "r-a2" }]', [ours, copyOfRa1, toCopy(ra2)]],
    ['issue.attachments = [{ id: "10200", filename: "smoke.jpg", size: 1, mimeType: "x/y", originId: "zzz" }]', [ours]],
    ['issue.attachments.push({ ...replica.attachments[1], id: "", originId: replica.attachments[1].id })', [ours, copyOfRa1, toCopy(ra2)]],
  ])('incoming: %s', async (script, expected) => {
    expect((await incoming(script, over)).desired.attachments).toEqual(expected);
  });

  it('two copies of one remote file that exist already (an interrupted upload) are kept by the merge, not an error', async () => {
    const twice = sampleAttachment({ ...copyOfRa1, id: '10203' });
    const result = await incoming('issue.attachments = attachmentHelper.mergeAttachments(issue, replica)', { issue: sampleIssue({ attachments: [copyOfRa1, twice] }), replica: sampleReplica({ attachments: [ra1] }) });
    expect(result.desired.attachments).toEqual([copyOfRa1, twice]);
  });

  it.each<[string, RegExp]>([
    ['issue.attachments = "all"', /issue\.attachments must be an array of attachments; got a string/],
    ['issue.attachments = [null]', /issue\.attachments\[0\] must be an attachment \(an object with its id, as in issue\.attachments\); got null/],
    ['issue.attachments = replica.attachments', /issue\.attachments\[0\]: "r-a1" is not an attachment of this issue \(its attachments: "10200", "10201"\); to copy one of replica\.attachments here, give id "" and originId: its id/],
    ['issue.attachments = [{ id: "", originId: "r-nope" }]', /issue\.attachments\[0\]: a new attachment \(id ""\) must be a copy of one of replica\.attachments, named by originId; got originId "r-nope" \(replica\.attachments: "r-a1", "r-a2", "r-a9"\)/],
    ['issue.attachments = [{ id: "" }]', /a new attachment \(id ""\) must be a copy of one of replica\.attachments, named by originId; got no originId/],
    ['issue.attachments = [{ id: "", originId: null }]', /a new attachment \(id ""\) must be a copy of one of replica\.attachments, named by originId; got originId null/],
    ['issue.attachments = [{ id: "", originId: "r-a9" }]', /replica attachment "r-a9" is the other site's copy of this issue's attachment "10200": it cannot be copied back/],
    ['issue.attachments = [...issue.attachments, { id: "", originId: "r-a1" }]', /issue\.attachments\[2\]: replica attachment "r-a1" is copied twice \(a copy of it is in the list already\)/],
    ['issue.attachments = [{ id: "", originId: "r-a2" }, { id: "", originId: "r-a2" }]', /issue\.attachments\[1\]: replica attachment "r-a2" is copied twice/],
    ['issue.attachments = [issue.attachments[0], issue.attachments[0]]', /issue\.attachments\[1\]: attachment "10200" is listed twice/],
    ['issue.attachments = [{ ...issue.attachments[0], filename: "fire.jpg" }]', /issue\.attachments\[0\]: attachments cannot be renamed here/],
  ])('incoming: %s is a clear error', async (script, message) => {
    const error = await failure(incoming(script, over));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(1);
  });

  it.each<[string, RegExp]>([
    ['issue.attachments.push({ id: "", originId: "r-nope" })', /issue\.attachments\[2\]: a new attachment \(id ""\) must be a copy of one of replica\.attachments/],
    ['issue.attachments[0].filename = "renamed.jpg"', /issue\.attachments\[0\]: attachments cannot be renamed here/],
  ])('incoming, changed in place: %s is checked when the script ends', async (script, message) => {
    const error = await failure(incoming(script, over));
    expect(error.message).toMatch(message);
  });

  const outgoing = (script: string, attachments = local) =>
    createScriptRulesEngine({ outgoing: OUTGOING_MIN + script, incoming: '' }).outgoing({ issue: { ...sampleIssue({ attachments }), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' }, connection: sampleConnection() });

  it.each<[string, ReplicaAttachment[]]>([
    ['', []],
    ['replica.attachments = issue.attachments', [{ ...ours, mediaId: null }, { ...copyOfRa1, mediaId: null }]],
    ['replica.attachments = [{ id: "10201" }]', [{ ...copyOfRa1, mediaId: null }]],
    ['replica.attachments = issue.attachments.map((a) => ({ ...a, filename: "CLOUD-12 " + a.filename, size: 0, mediaId: "m", originId: null }))', [
      { ...ours, filename: 'CLOUD-12 smoke.jpg', mediaId: null },
      { ...copyOfRa1, filename: 'CLOUD-12 printer-log.txt', mediaId: null },
    ]],
  ])('outgoing: %j', async (script, expected) => {
    expect((await outgoing(script)).replica.attachments).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['replica.attachments = [{ id: "99" }]', /replica\.attachments\[0\]: "99" is not an attachment of this issue \(its attachments: "10200", "10201"\); only the issue's own attachments can be sent/],
    ['replica.attachments = [issue.attachments[0], issue.attachments[0]]', /replica\.attachments\[1\]: attachment "10200" is listed twice/],
    ['replica.attachments = [{ ...issue.attachments[0], filename: "" }]', /replica\.attachments\[0\]\.filename must be a non-empty string; got a string/],
    ['replica.attachments = {}', /replica\.attachments must be an array of attachments; got an object/],
    ['issue.attachments = []', /issue\.attachments is read-only in the outgoing script/],
    ['replica.attachments = issue.attachments; replica.attachments.push({ id: "elsewhere" })', /replica\.attachments\[2\]: "elsewhere" is not an attachment of this issue/],
  ])('outgoing: %s is a clear error', async (script, message) => {
    const error = await failure(outgoing(script));
    expect(error.message).toMatch(message);
  });
});

describe('the documented examples (README.md, script-reference.md) run as written', () => {
  const files = [
    sampleAttachment({ id: 'd-1', filename: 'a.png', mimeType: 'image/png', size: 1_000 }),
    sampleAttachment({ id: 'd-2', filename: 'b.pdf', mimeType: 'application/pdf', size: 11 * MB }),
    sampleAttachment({ id: 'd-3', filename: 'c.txt', mimeType: 'text/plain', size: 10 }),
  ];
  it('outgoing: images and PDFs of at most 10 MB', async () => {
    const script = OUTGOING_MIN + 'replica.attachments = attachmentHelper.filter(issue.attachments, { maxSize: 10 * 1024 * 1024, mimeTypes: ["image/*", "application/pdf"] });';
    const out = await createScriptRulesEngine({ outgoing: script, incoming: '' }).outgoing({ issue: { ...sampleIssue({ attachments: files }), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' }, connection: sampleConnection() });
    expect(out.replica.attachments.map((a) => a.id)).toEqual(['d-1']);
  });
  it.each([
    ['issue.attachments = attachmentHelper.mergeAttachments(issue, replica, { filter: { names: ["*.log", "*.zip"], exclude: true } });', ['r-2']],
    ['issue.attachments = attachmentHelper.mergeAttachments(issue, replica, { filter: { names: "*.log", exclude: true } });', ['r-2', 'r-3']],
  ])('incoming: %s', async (script, copied) => {
    const remote = [
      sampleReplicaAttachment({ id: 'r-1', filename: 'x.log' }),
      sampleReplicaAttachment({ id: 'r-2', filename: 'y.png' }),
      sampleReplicaAttachment({ id: 'r-3', filename: 'z.zip' }),
    ];
    const result = await incoming(script, { issue: sampleIssue({ attachments: [] }), replica: sampleReplica({ attachments: remote }) });
    expect(result.desired.attachments.map((a) => a.originId)).toEqual(copied);
  });
});

describe('a user script filtering attachments, end to end in QuickJS', () => {
  it('the sender sends only small images and PDFs; the receiver takes in all but logs; copies never travel back', async () => {
    const sender = createScriptRulesEngine({
      outgoing: defaultOutgoingScript() + 'replica.attachments = attachmentHelper.filter(issue.attachments, { maxSize: 10 * 1024 * 1024, mimeTypes: ["image/*", "application/pdf"] });\n',
      incoming: defaultIncomingScript(),
    });
    const receiver = createScriptRulesEngine({
      outgoing: defaultOutgoingScript(),
      incoming: defaultIncomingScript().replace(
        'issue.attachments = attachmentHelper.mergeAttachments(issue, replica);',
        'issue.attachments = attachmentHelper.mergeAttachments(issue, replica, { filter: { names: ["*.log"], exclude: true } });',
      ),
    });
    const files: RulesAttachment[] = [
      sampleAttachment({ id: 's-1', filename: 'photo.jpg', mimeType: 'image/jpeg', size: 3 * MB }),
      sampleAttachment({ id: 's-2', filename: 'huge.png', mimeType: 'image/png', size: 12 * MB }),
      sampleAttachment({ id: 's-3', filename: 'spec.pdf', mimeType: 'application/pdf', size: 400_000 }),
      sampleAttachment({ id: 's-4', filename: 'data.csv', mimeType: 'text/csv', size: 1_000 }),
      sampleAttachment({ id: 's-5', filename: 'render.log', mimeType: 'image/png', size: 1_000 }),
      // the sender's copy of the receiver's t-1: kept by the filter whatever its type
      sampleAttachment({ id: 's-6', filename: 'contract.docx', mimeType: 'application/msword', size: 20 * MB, originId: 't-1' }),
    ];
    const sent = await sender.outgoing({ issue: { ...sampleIssue({ attachments: files }), key: 'INT-1', id: '1', projectKey: 'INT' }, connection: sampleConnection() });
    expect(sent.replica.attachments.map((a) => [a.id, a.mediaId])).toEqual([['s-1', null], ['s-3', null], ['s-5', null], ['s-6', null]]);

    const theirs = sampleAttachment({ id: 't-1', filename: 'contract.docx', mimeType: 'application/msword', size: 20 * MB });
    const applied = await receiver.incoming(sampleIncomingInput({ replica: sent.replica, issue: sampleIssue({ attachments: [theirs] }), previous: null }));
    expect(applied.desired.attachments.map((a) => [a.id, a.originId, a.filename])).toEqual([
      ['t-1', null, 'contract.docx'],
      ['', 's-1', 'photo.jpg'],
      ['', 's-3', 'spec.pdf'],
    ]);
  });
});
