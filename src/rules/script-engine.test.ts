import type { IncomingRulesInput, IncomingRulesResult, RulesIssue, RulesMetadata } from '../ports/rules';
import { RulesError } from '../ports/rules';
import {
  adfText,
  blankIssue,
  sampleComment,
  sampleConnection,
  sampleIncomingInput,
  sampleIssue,
  sampleMetadata,
  sampleReplica,
  sampleReplicaComment,
} from './sample-data';
import { createScriptRulesEngine } from './script-engine';
import { ScriptRulesError } from './script-errors';

const OUTGOING = 'replica.summary = issue.summary; replica.type = issue.type; replica.status = issue.status;';

const incomingInput = sampleIncomingInput;

/** the local twins of the remote issues EXT-1 and EXT-2, by remote id */
const TWINS = { '20001': { id: '10001', key: 'CLOUD-1' }, '20002': { id: '10002', key: 'CLOUD-2' } };

function runIncoming(script: string, over: Partial<IncomingRulesInput> = {}): Promise<IncomingRulesResult> {
  return createScriptRulesEngine({ outgoing: OUTGOING, incoming: script }).incoming(incomingInput(over));
}

async function incomingError(script: string, over: Partial<IncomingRulesInput> = {}): Promise<ScriptRulesError> {
  const outcome = await runIncoming(script, over).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof ScriptRulesError)) throw new Error(`expected a ScriptRulesError, got ${String(outcome)}`);
  return outcome;
}

/** What a script logged, one JSON value per console.log. */
async function evaluate(expression: string, over: Partial<IncomingRulesInput> = {}): Promise<string | undefined> {
  const result = await runIncoming(`console.log(JSON.stringify(${expression}) ?? "undefined")`, over);
  return result.logs[0]?.message;
}

describe('the seed scripts, verbatim in JS', () => {
  const external = 'if (firstSync) { issue.projectKey = "CLOUD"; issue.typeName = nodeHelper.getIssueType(replica.type?.name, issue.projectKey)?.name ?? "Task"; syncHelper.syncBackAfterProcessing(); }';

  it('external incoming: a first sync creates the twin in CLOUD with the same type and asks for a sync back', async () => {
    const result = await runIncoming(external, { firstSync: true, issue: blankIssue() });
    expect(result.desired.projectKey).toBe('CLOUD');
    expect(result.desired.typeName).toBe('Bug');
    expect(result.syncBack).toBe(true);
    expect(result.unlink).toBe(false);
  });

  it('external incoming: a type CLOUD does not have falls back to Task', async () => {
    const result = await runIncoming(external, { firstSync: true, issue: blankIssue(), replica: sampleReplica({ type: { name: 'Epic' } }) });
    expect(result.desired.typeName).toBe('Task');
  });

  it('external incoming: later syncs change nothing and send nothing back', async () => {
    const result = await runIncoming(external);
    expect(result.desired).toEqual(sampleIssue());
    expect(result.syncBack).toBe(false);
  });

  it('internal incoming: the remote key lands in "Remote issue key" (name matched case-insensitively)', async () => {
    const result = await runIncoming('issue.customFields["remote issue key"].value = replica.key');
    expect(result.desired.customFields).toEqual({ 'Remote issue key': { value: 'EXT-7' } });
  });

  it('internal incoming: a field the issue does not carry yet but the site has is created under the site name', async () => {
    const result = await runIncoming('issue.customFields["remote issue key"].value = replica.key', { issue: sampleIssue({ customFields: {} }) });
    expect(result.desired.customFields).toEqual({ 'Remote issue key': { value: 'EXT-7' } });
  });

  const guard =
    'if (!firstSync && previous?.status.name == replica?.status.name) { /* keep local status */ } else { issue.status = replica.status.name }';
  it.each([
    { name: 'first sync takes the remote status', firstSync: true, previous: null, expected: 'In Progress' },
    { name: 'remote status unchanged since the last apply keeps the local one', firstSync: false, previous: sampleReplica(), expected: 'To Do' },
    {
      name: 'remote status changed since the last apply takes it',
      firstSync: false,
      previous: sampleReplica({ status: { name: 'To Do', category: 'new' } }),
      expected: 'In Progress',
    },
    { name: 'no previous replica takes the remote status', firstSync: false, previous: null, expected: 'In Progress' },
  ])('conflict guard: $name', async ({ firstSync, previous, expected }) => {
    const result = await runIncoming(guard, { firstSync, previous });
    expect(result.desired.status).toBe(expected);
  });
});

describe('reading the API', () => {
  it.each([
    ['issue.key', '"CLOUD-12"'],
    ['issue.id', '"10012"'],
    ['issue.projectKey', '"CLOUD"'],
    ['issue.summary', '"Printer on fire"'],
    ['issue.type', '{"name":"Bug"}'],
    ['issue.type.name', '"Bug"'],
    ['issue.typeName', '"Bug"'],
    ['issue.type == "Bug"', 'true'],
    ['issue.status.name', '"To Do"'],
    ['`${issue.status}`', '"To Do"'],
    ['issue.priority?.name', '"High"'],
    ['issue.labels', '["hardware"]'],
    ['issue.dueDate', 'null'],
    ['issue.assignee', 'null'],
    ['issue.reporter.email', '"alice@example.com"'],
    ['issue.comments', '[]'],
    ['issue.customFields["REMOTE ISSUE KEY"].value', 'null'],
    ['"severity" in issue.customFields', 'true'],
    ['"nope" in issue.customFields', 'false'],
    ['Object.keys(issue.customFields)', '["Remote issue key"]'],
    ['String(issue.customFields)', '"[object Object]"'],
    ['issue.customFields.hasOwnProperty("Remote issue key")', 'true'],
    ['Object.entries(issue.customFields).map(([k, f]) => [k, f.value])', '[["Remote issue key",null]]'],
    ['replica.key', '"EXT-7"'],
    ['replica.type?.name', '"Bug"'],
    ['replica.status.category', '"indeterminate"'],
    ['replica.customFields["missing"]', 'undefined'],
    ['replica.customFields["missing"]?.value ?? "none"', '"none"'],
    ['previous', 'null'],
    ['firstSync', 'false'],
    ['nodeHelper.getIssueType("bug", "CLOUD")', '{"id":"10002","name":"Bug","subtask":false}'],
    ['nodeHelper.getIssueType("Incident")', 'null'],
    ['nodeHelper.getIssueType("Incident", "SUP")?.name', '"Incident"'],
    ['nodeHelper.getIssueType("Incident", null)?.id', '"10102"'],
    ['nodeHelper.getIssueType(undefined, "CLOUD")', 'null'],
    ['nodeHelper.getProjects()', '["CLOUD","SUP"]'],
    ['nodeHelper.getCustomField("severity")', '{"id":"customfield_10051","name":"Severity","kind":"select","options":[{"value":"S1","children":[]},{"value":"S2","children":[]},{"value":"S3","children":[]}]}'],
    ['nodeHelper.getCustomField("remote issue key")?.kind', '"text"'],
    ['nodeHelper.getCustomField("Nope")', 'null'],
    ['nodeHelper.getPriority("high")', '{"id":"2","name":"High"}'],
    ['nodeHelper.getPriority("Blocker")', 'null'],
    ['nodeHelper.getPriority(null)', 'null'],
    ['nodeHelper.getStatus("done")', '{"id":"5","name":"Done","category":"done"}'],
    ['nodeHelper.getStatus("Closed")', 'null'],
    ['nodeHelper.getUser("acc-alice")?.displayName', '"Alice"'],
    ['nodeHelper.getUser("acc-nobody")', 'null'],
    ['nodeHelper.getUserByEmail("ALICE@example.com")?.accountId', '"acc-alice"'],
    ['nodeHelper.getUserByEmail("bob@example.com")', 'null'],
    ['nodeHelper.getUserByEmail(null)', 'null'],
    ['syncHelper.isUnderSync()', 'true'],
    ['syncHelper.getRemoteIssueUrl()', '"https://external.example.net/browse/EXT-7"'],
    ['typeof syncBackAfterProcessing', '"function"'],
    ['typeof commentHelper.mergeComments', '"function"'],
    ['typeof attachmentHelper.mergeAttachments', '"function"'],
    ['typeof attachmentHelper.filter', '"function"'],
    ['issue.attachments.map((a) => [a.id, a.filename, a.originId])', '[["10200","smoke.jpg",null]]'],
    ['replica.attachments.map((a) => [a.id, a.mimeType, a.mediaId])', '[["r-a1","text/plain","6f1c2a9e-4b7d-4c1e-9a53-2d8e0b7f1a01"]]'],
    ['issue.parent', 'null'],
    ['issue.links', '[]'],
    ['issue.components', '[]'],
    ['issue.fixVersions', '[]'],
    ['replica.parent', 'null'],
    ['replica.links', '[]'],
    ['[replica.components, replica.fixVersions]', '[[],[]]'],
    ['nodeHelper.getLinkType("blocks")', '{"name":"Blocks","inward":"is blocked by","outward":"blocks"}'],
    ['nodeHelper.getLinkType("Duplicate")', 'null'],
    ['nodeHelper.getLinkType(null)', 'null'],
    ['nodeHelper.getLocalIssue("20001")', 'null'],
    ['nodeHelper.getLocalIssue(replica.parent)', 'null'],
    ['nodeHelper.mapUser(null)', 'null'],
    ['nodeHelper.mapUser(undefined, "assignee")', 'null'],
    ['typeof syncHelper.waitFor', '"function"'],
  ])('%s → %s', async (expression, expected) => {
    expect(await evaluate(expression)).toBe(expected);
  });

  it.each([
    ['firstSync', { firstSync: true }, 'true'],
    ['syncHelper.isUnderSync()', { firstSync: true }, 'false'],
    ['issue.key', { issue: blankIssue() }, 'null'],
    ['issue.type', { issue: blankIssue() }, 'null'],
    ['issue.status', { issue: blankIssue() }, 'null'],
    ['issue.priority', { issue: sampleIssue({ priority: null }) }, 'null'],
    ['previous.summary', { previous: sampleReplica({ summary: 'before' }) }, '"before"'],
    ['previous.customFields["A"].value', { previous: sampleReplica({ customFields: { a: { value: 1 } } }) }, '1'],
    ['replica.priority', { replica: sampleReplica({ priority: null }) }, 'null'],
    ['syncHelper.getRemoteIssueUrl()', { connection: sampleConnection({ remoteBaseUrl: null }) }, 'null'],
    ['nodeHelper.getStatus("Done")', { metadata: sampleMetadata({ statuses: [] }) }, 'null'],
    ['issue.parent', { issue: sampleIssue({ parent: { id: '10001', key: 'CLOUD-1' } }) }, '{"id":"10001","key":"CLOUD-1"}'],
    ['issue.links[0].direction', { issue: sampleIssue({ links: [{ type: 'Blocks', direction: 'inward', issue: { id: '10002', key: 'CLOUD-2' } }] }) }, '"inward"'],
    ['[issue.components, issue.fixVersions]', { issue: sampleIssue({ components: ['API'], fixVersions: ['1.0'] }) }, '[["API"],["1.0"]]'],
    ['replica.parent.key', { replica: sampleReplica({ parent: { id: '20001', key: 'EXT-1' } }) }, '"EXT-1"'],
    ['nodeHelper.getLinkType("Relates")', { metadata: sampleMetadata({ linkTypes: [] }) }, 'null'],
    // getLocalIssue answers from metadata.twins, by the remote issue's id (a string, or an issue {id, key})
    ['nodeHelper.getLocalIssue("20001")', { metadata: sampleMetadata({ twins: TWINS }) }, '{"id":"10001","key":"CLOUD-1"}'],
    ['nodeHelper.getLocalIssue({ id: "20001", key: "EXT-1" })', { metadata: sampleMetadata({ twins: TWINS }) }, '{"id":"10001","key":"CLOUD-1"}'],
    ['nodeHelper.getLocalIssue(replica.parent)', { replica: sampleReplica({ parent: { id: '20001', key: 'EXT-1' } }), metadata: sampleMetadata({ twins: TWINS }) }, '{"id":"10001","key":"CLOUD-1"}'],
    ['nodeHelper.getLocalIssue("EXT-1")', { metadata: sampleMetadata({ twins: TWINS }) }, 'null'],
    ['nodeHelper.getLocalIssue("20009")', { metadata: sampleMetadata({ twins: TWINS }) }, 'null'],
    ['nodeHelper.getLocalIssue({ id: "20009", key: "EXT-9" })', { metadata: sampleMetadata({ twins: TWINS }) }, 'null'],
    ['nodeHelper.getLocalIssue(20001)', { metadata: sampleMetadata({ twins: TWINS }) }, 'null'],
    ['nodeHelper.getLocalIssue(null)', { metadata: sampleMetadata({ twins: TWINS }) }, 'null'],
    ['(() => { const t = nodeHelper.getLocalIssue("20001"); t.key = "X"; return nodeHelper.getLocalIssue("20001"); })()', { metadata: sampleMetadata({ twins: TWINS }) }, '{"id":"10001","key":"CLOUD-1"}'],
  ] satisfies [string, Partial<IncomingRulesInput>, string][])('%s with %j → %s', async (expression, over, expected) => {
    expect(await evaluate(expression, over)).toBe(expected);
  });
});

describe('writing the local issue', () => {
  it.each<[string, Partial<RulesIssue>]>([
    ['issue.summary = replica.summary + "!"', { summary: 'Printer on fire!' }],
    ['issue.type = replica.type', { typeName: 'Bug' }],
    ['issue.type = "Story"', { typeName: 'Story' }],
    ['issue.typeName = "Task"', { typeName: 'Task' }],
    ['issue.status = replica.status', { status: 'In Progress' }],
    ['issue.status = "done"', { status: 'Done' }],
    ['issue.status = null', { status: null }],
    ['issue.priority = replica.priority', { priority: 'High' }],
    ['issue.priority = nodeHelper.getPriority("low")', { priority: 'Low' }],
    ['issue.priority = null', { priority: null }],
    ['issue.labels = [...replica.labels, "x"]', { labels: ['hardware', 'x'] }],
    ['issue.labels.push("y")', { labels: ['hardware', 'y'] }],
    ['issue.dueDate = replica.dueDate', { dueDate: '2026-12-01' }],
    ['issue.assignee = nodeHelper.getUserByEmail("alice@example.com")', { assignee: { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' } }],
    ['issue.reporter = null', { reporter: null }],
    ['issue.description = replica.description', { description: adfText('It is on fire.') }],
    ['issue.description = "a"', { description: adfText('a') }],
    ['issue.projectKey = "SUP"', { projectKey: 'SUP' }],
    ['issue.customFields["severity"].value = { level: 2 }', { customFields: { 'Remote issue key': { value: null }, Severity: { value: { level: 2 } } } }],
    ['issue.customFields["Severity"] = { value: [1, 2] }', { customFields: { 'Remote issue key': { value: null }, Severity: { value: [1, 2] } } }],
    ['issue.customFields["Remote issue key"].value = undefined', { customFields: { 'Remote issue key': { value: null } } }],
    ['issue.parent = { id: "10001", key: "CLOUD-1", fields: {} }', { parent: { id: '10001', key: 'CLOUD-1' } }],
    ['issue.parent = null', { parent: null }],
    ['issue.parent = undefined', { parent: null }],
    [
      'issue.links = [{ type: "Blocks", direction: "outward", issue: { id: "10002", key: "CLOUD-2" } }, { type: { name: "Relates" }, direction: "inward", issue: { id: "10003", key: "CLOUD-3", x: 1 } }]',
      { links: [{ type: 'Blocks', direction: 'outward', issue: { id: '10002', key: 'CLOUD-2' } }, { type: 'Relates', direction: 'inward', issue: { id: '10003', key: 'CLOUD-3' } }] },
    ],
    ['issue.links = []', { links: [] }],
    ['issue.components = ["Backend", "API"]', { components: ['Backend', 'API'] }],
    ['issue.fixVersions.push("2.0")', { fixVersions: ['2.0'] }],
  ])('%s', async (script, expected) => {
    const result = await runIncoming(script);
    expect(result.desired).toEqual({ ...sampleIssue(), ...expected });
  });

  it.each([
    ['syncHelper.unlinkAfterProcessing()', { syncBack: false, unlink: true }],
    ['syncBackAfterProcessing()', { syncBack: true, unlink: false }],
    ['syncHelper.syncBackAfterProcessing()', { syncBack: true, unlink: false }],
    ['', { syncBack: false, unlink: false }],
  ])('%s sets the flags', async (script, flags) => {
    const result = await runIncoming(script);
    expect({ syncBack: result.syncBack, unlink: result.unlink }).toEqual(flags);
  });

  it.each<[string, IncomingRulesResult['waitFor']]>([
    ['', []],
    ['syncHelper.waitFor("EXT-1", "its parent EXT-1 is not synced here yet")', [{ key: 'EXT-1', reason: 'its parent EXT-1 is not synced here yet' }]],
    ['syncHelper.waitFor(replica.key)', [{ key: 'EXT-7', reason: 'waiting for EXT-7' }]],
    ['syncHelper.waitFor("EXT-1", 42)', [{ key: 'EXT-1', reason: 'waiting for EXT-1' }]],
    ['syncHelper.waitFor("EXT-1", "a"); syncHelper.waitFor("EXT-2", "b")', [{ key: 'EXT-1', reason: 'a' }, { key: 'EXT-2', reason: 'b' }]],
  ])('%s: waitFor', async (script, waitFor) => {
    const result = await runIncoming(script);
    expect(result.waitFor).toEqual(waitFor);
    expect(result.desired).toEqual(sampleIssue());
  });

  it('console output is captured by level; objects print as JSON', async () => {
    const result = await runIncoming('console.log("a", 1, {b: 2}); console.warn(issue.status); console.error(issue.customFields["Remote issue key"])');
    expect(result.logs).toEqual([
      { level: 'log', message: 'a 1 {"b":2}' },
      { level: 'warn', message: '{"name":"To Do"}' },
      { level: 'error', message: '{"value":null}' },
    ]);
  });

  it('at most 200 log lines are kept, and the rest are counted', async () => {
    const result = await runIncoming('for (let i = 0; i < 250; i++) console.log(i)');
    expect(result.logs).toHaveLength(201);
    expect(result.logs[200]).toEqual({ level: 'warn', message: '50 more log lines were dropped (at most 200 per run)' });
  });

  it('a returned early script keeps what it set before', async () => {
    const result = await runIncoming('issue.summary = "a"; return; issue.summary = "b"');
    expect(result.desired.summary).toBe('a');
  });

  it('await works, and an error after an await is reported at its line', async () => {
    const ok = await runIncoming('issue.summary = await Promise.resolve("awaited")');
    expect(ok.desired.summary).toBe('awaited');
    const error = await incomingError('await null;\nthrow new Error("late")');
    expect(error.message).toBe('Error: late');
    expect(error.line).toBe(2);
    const hung = await incomingError('await new Promise(() => {})');
    expect(hung.message).toMatch(/never finished: it awaits a promise that is never settled/);
  });

  it('promise jobs run before the result is read', async () => {
    const result = await runIncoming('Promise.resolve().then(() => { issue.summary = "later" })');
    expect(result.desired.summary).toBe('later');
  });
});

describe('errors in scripts', () => {
  it.each([
    ['issue.customFields["nope"].value = 1', /Unknown custom field "nope" on issue\. Known custom fields: "Remote issue key", "Severity"/, 1],
    ['\nissue.status = "Closed"', /Unknown status "Closed"\. Known statuses: "To Do", "In Progress", "Done"/, 2],
    ['issue.priority = "Blocker"', /Unknown priority "Blocker"\. Known priorities: "Highest", "High", "Medium", "Low"/, 1],
    ['issue.summary = null', /TypeError: issue\.summary must be a string; got null/, 1],
    ['issue.dueDate = "tomorrow"', /issue\.dueDate must be a date "YYYY-MM-DD" or null; got "tomorrow"/, 1],
    ['issue.key = "X-1"', /issue\.key is read-only/, 1],
    ['issue.sumary = "x"', /issue has no field "sumary"\. Fields: key, id, projectKey, summary/, 1],
    ['issue.assignee = "acc-alice"', /issue\.assignee must be a user/, 1],
    ['issue.labels = "a,b"', /issue\.labels must be an array of strings; got a string/, 1],
    ['issue.labels = [1]', /issue\.labels\[0\] must be a string; got a number/, 1],
    ['issue.type = 3', /issue\.type must be a name \(string\), an object with a name, or null; got a number/, 1],
    ['issue.description = 5', /issue\.description must be an ADF document/, 1],
    ['issue.customFields = {}', /assign single fields/, 1],
    ['issue.customFields["Severity"] = 3', /must be set to \{value: \.\.\.\}/, 1],
    ['delete issue.customFields["Severity"]', /cannot be deleted/, 1],
    ['issue = null', /'issue' is read-only/, 1],
    ['nodeHelper.getStatus = () => null', /read-only|not extensible/, 1],
    ['let a = 1\n\n  throw new Error("boom")', /^Error: boom$/, 3],
    ['const x = null;\nx.field', /TypeError: cannot read property 'field' of null/, 2],
    ['undeclared = 1', /ReferenceError: 'undeclared' is not defined/, 1],
    ['replica.customFields["missing"].value', /TypeError: cannot read property 'value' of undefined/, 1],
    ['function f() {\n  return nope();\n}\nf()', /ReferenceError: 'nope' is not defined/, 2],
    ['issue.parent = "CLOUD-1"', /TypeError: issue\.parent must be an issue \{id, key\} .* or null; got a string/, 1],
    ['issue.parent = { key: "CLOUD-1" }', /TypeError: issue\.parent must be an issue \{id, key\}.*; got an object/, 1],
    ['issue.parent = { id: "", key: "CLOUD-1" }', /TypeError: issue\.parent must be an issue \{id, key\}/, 1],
    ['issue.links = null', /TypeError: issue\.links must be an array of links \{type, direction, issue\}; got null/, 1],
    ['issue.links = { type: "Blocks" }', /TypeError: issue\.links must be an array of links .*; got an object/, 1],
    ['issue.links = [null]', /TypeError: issue\.links\[0\] must be a link \{type, direction: "outward" \| "inward", issue: \{id, key\}\}; got null/, 1],
    ['issue.links = [{ type: 7, direction: "outward", issue: { id: "1", key: "A-1" } }]', /TypeError: issue\.links\[0\]\.type must be a name/, 1],
    ['issue.links = [{ type: "", direction: "outward", issue: { id: "1", key: "A-1" } }]', /TypeError: issue\.links\[0\]\.type must be a link type name such as "Blocks"/, 1],
    ['issue.links = [{ direction: "outward", issue: { id: "1", key: "A-1" } }]', /TypeError: issue\.links\[0\]\.type must be a link type name/, 1],
    ['issue.links = [{ type: "Blocks", direction: "up", issue: { id: "1", key: "A-1" } }]', /TypeError: issue\.links\[0\]\.direction must be "outward" or "inward"; got "up"/, 1],
    ['issue.links = [{ type: "Blocks", issue: { id: "1", key: "A-1" } }]', /TypeError: issue\.links\[0\]\.direction must be "outward" or "inward"; got undefined/, 1],
    [
      'issue.links = [{ type: "Blocks", direction: "outward", issue: { id: "1", key: "A-1" } }, { type: "Blocks", direction: "inward" }]',
      /TypeError: issue\.links\[1\]\.issue must be an issue \{id, key\}/,
      1,
    ],
    ['issue.links = [{ type: "Blocks", direction: "inward", issue: "A-1" }]', /TypeError: issue\.links\[0\]\.issue must be an issue \{id, key\}.*; got a string/, 1],
    ['issue.components = "API"', /TypeError: issue\.components must be an array of strings; got a string/, 1],
    ['issue.fixVersions = ["1.0", 2]', /TypeError: issue\.fixVersions\[1\] must be a string; got a number/, 1],
    ['syncHelper.waitFor(null, "x")', /TypeError: syncHelper\.waitFor key must be a string; got null/, 1],
    ['nodeHelper.mapUser("acc-alice")', /TypeError: nodeHelper\.mapUser must be a user/, 1],
  ])('%s', async (script, message, line) => {
    const error = await incomingError(script);
    expect(error).toBeInstanceOf(RulesError);
    expect(error.script).toBe('incoming');
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
    expect(error.column).toEqual(expect.any(Number));
    expect(error.limit).toBeNull();
  });

  it.each([
    ['let a = 1;\nlet b = ;', 2, 9],
    ['if (x {', 1, 7],
    ['issue.summary = "unterminated', 1, 17],
    ['\n\n   }', 3, 4],
    ['issue.summary = "x"; }', 1, 22],
  ])('syntax error in %j is reported at line %i, column %i of the user script', async (script, line, column) => {
    const error = await incomingError(script);
    expect(error.message).toMatch(/^SyntaxError: /);
    expect([error.line, error.column]).toEqual([line, column]);
  });

  it('a link changed in place into an invalid one is an invalid result naming the path', async () => {
    const error = await incomingError('issue.links.push({ type: "Blocks", direction: "up", issue: { id: "1", key: "A-1" } })');
    expect(error.message).toMatch(/^the incoming script left an invalid result: issue\.links\[0\]\.direction/);
    expect(error.line).toBeNull();
  });

  it('columns on line 1 do not count the wrapper', async () => {
    const error = await incomingError('null.x');
    expect([error.line, error.column]).toEqual([1, 5]);
  });

  it('a thrown non-error value is reported with its value', async () => {
    const error = await incomingError('throw "no way"');
    expect(error.message).toBe('Uncaught: the script threw "no way"');
    expect(error.line).toBeNull();
  });

  it('what was logged before the failure travels with the error', async () => {
    const error = await incomingError('console.log("step 1"); throw new Error("step 2")');
    expect(error.logs).toEqual([{ level: 'log', message: 'step 1' }]);
  });

  it('the same engine keeps working after an error (fixing the data completes the next run)', async () => {
    const engine = createScriptRulesEngine({ outgoing: OUTGOING, incoming: 'issue.status = replica.status.name' });
    await expect(engine.incoming(incomingInput({ replica: sampleReplica({ status: { name: 'Closed', category: 'done' } }) }))).rejects.toThrow(/Unknown status "Closed"/);
    const ok = await engine.incoming(incomingInput());
    expect(ok.desired.status).toBe('In Progress');
  });
});

describe('nodeHelper.mapUser', () => {
  const alice = { accountId: 'acc-alice', displayName: 'Alice', email: 'alice@example.com' };
  const bob = { accountId: 'acc-bob', displayName: 'Bob', email: null };
  const mapped = (mappedPeople: NonNullable<RulesMetadata['mappedPeople']>) => sampleMetadata({ mappedPeople });

  it.each<[string, string, Partial<IncomingRulesInput>, unknown, string[]]>([
    // the engine's answers (metadata.mappedPeople) first
    ['by the table', 'nodeHelper.mapUser({ accountId: "acc-r1", displayName: "Dana Quill" }, "assignee")', { metadata: mapped({ 'acc-r1': { local: bob, how: 'table' } }) }, bob, []],
    ['the same account', 'nodeHelper.mapUser({ accountId: "acc-alice", displayName: "Alice there" })', { metadata: mapped({ 'acc-alice': { local: alice, how: 'same account' } }) }, alice, []],
    ['by email', 'nodeHelper.mapUser({ accountId: "acc-r1", email: "alice@example.com" })', { metadata: mapped({ 'acc-r1': { local: alice, how: 'email' } }) }, alice, []],
    [
      'the fallback, with a warning',
      'nodeHelper.mapUser({ accountId: "acc-r1", displayName: "Dana Quill" }, "assignee")',
      { metadata: mapped({ 'acc-r1': { local: bob, how: 'fallback' } }) },
      bob,
      ['assignee: Dana Quill is nobody here; set to Bob (the connection\'s fallback)'],
    ],
    [
      'nobody: null, with a warning',
      'nodeHelper.mapUser({ accountId: "acc-r1", displayName: "Dana Quill" }, "assignee")',
      { metadata: mapped({ 'acc-r1': { local: null, how: 'none' } }) },
      null,
      ['assignee: Dana Quill could not be mapped to anyone here; left empty'],
    ],
    [
      'nobody, by the engine, even though the same account id is a user here: the engine\'s answer wins',
      'nodeHelper.mapUser({ accountId: "acc-bob", displayName: "Bob" }, "Approver")',
      { metadata: mapped({ 'acc-bob': { local: null, how: 'none' } }) },
      null,
      ['Approver: Bob could not be mapped to anyone here; left empty'],
    ],
    // a person the engine did not map: the same account id, else the email, among metadata.users
    ['not mapped by the engine: the same account id among the users', 'nodeHelper.mapUser({ accountId: "acc-bob", displayName: "Bob there" })', { metadata: mapped({}) }, bob, []],
    ['no mappedPeople at all: the same account id among the users', 'nodeHelper.mapUser({ accountId: "acc-bob" })', {}, bob, []],
    ['not mapped by the engine: the email, in any case', 'nodeHelper.mapUser({ accountId: "acc-r1", email: "ALICE@EXAMPLE.COM" })', {}, alice, []],
    ['not mapped by the engine, nobody by id or email: null, with a warning', 'nodeHelper.mapUser({ accountId: "acc-r1", displayName: "Dana Quill", email: "dana@example.com" })', {}, null, ['a person: Dana Quill could not be mapped to anyone here; left empty']],
    ['a person without a display name is named by account id', 'nodeHelper.mapUser({ accountId: "acc-r1" }, "reporter")', {}, null, ['reporter: acc-r1 could not be mapped to anyone here; left empty']],
    ['no one: null, no warning', 'nodeHelper.mapUser(null, "assignee")', {}, null, []],
    [
      'the answer is a copy: changing it changes nothing',
      '(() => { const u = nodeHelper.mapUser({ accountId: "acc-r1" }); u.displayName = "X"; return nodeHelper.mapUser({ accountId: "acc-r1" }); })()',
      { metadata: mapped({ 'acc-r1': { local: bob, how: 'table' } }) },
      bob,
      [],
    ],
  ])('%s', async (_name, expression, over, expected, warnings) => {
    const result = await runIncoming(`console.log(JSON.stringify(${expression}))`, over);
    expect(result.logs).toEqual([{ level: 'log', message: JSON.stringify(expected) }]);
    expect(result.warnings).toEqual(warnings);
  });

  it('at most 50 warnings are kept, the last telling how many more there were', async () => {
    const result = await runIncoming('for (let i = 0; i < 60; i++) nodeHelper.mapUser({ accountId: "acc-r" + i })');
    expect(result.warnings).toHaveLength(50);
    expect(result.warnings?.[48]).toBe('a person: acc-r48 could not be mapped to anyone here; left empty');
    expect(result.warnings?.[49]).toBe('11 more warnings');
  });
});

describe('comment merge', () => {
  const merge = 'issue.comments = commentHelper.mergeComments(issue, replica)';
  const copyOfR1 = sampleComment({ id: 'c-copy', body: adfText('remote comment'), originId: 'r-c1' });

  it('a new remote comment is added as a copy carrying its origin', async () => {
    const result = await runIncoming(merge);
    expect(result.desired.comments).toEqual([
      { id: '', author: sampleReplicaComment().author, body: adfText('remote comment'), created: '2026-11-20T10:00:00.000Z', updated: '2026-11-20T10:00:00.000Z', originId: 'r-c1' },
    ]);
  });

  it('an edited remote comment edits its local copy; an unchanged one stays as it is', async () => {
    const edited = sampleReplica({ comments: [sampleReplicaComment({ body: adfText('edited'), updated: '2026-11-21T00:00:00.000Z' })] });
    const changed = await runIncoming(merge, { issue: sampleIssue({ comments: [copyOfR1] }), replica: edited });
    expect(changed.desired.comments).toEqual([{ ...copyOfR1, body: adfText('edited'), updated: '2026-11-21T00:00:00.000Z' }]);
    const same = await runIncoming(merge, { issue: sampleIssue({ comments: [copyOfR1] }) });
    expect(same.desired.comments).toEqual([{ ...copyOfR1, updated: sampleReplicaComment().updated }]);
  });

  it('a copy whose remote comment was deleted is removed; local originals stay', async () => {
    const mine = sampleComment({ id: 'c-mine' });
    const result = await runIncoming(merge, { issue: sampleIssue({ comments: [mine, copyOfR1] }), replica: sampleReplica({ comments: [] }) });
    expect(result.desired.comments).toEqual([mine]);
  });

  it('the remote copy of a local comment is recognised, never added again, and brings its edits back', async () => {
    const mine = sampleComment({ id: 'c-mine' });
    const echo = sampleReplicaComment({ id: 'r-echo', body: mine.body, originId: 'c-mine', updated: mine.updated });
    const result = await runIncoming(merge, { issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [echo] }) });
    expect(result.desired.comments).toEqual([mine]);
    const editedThere = { ...echo, body: adfText('edited there'), updated: '2026-11-22T00:00:00.000Z' };
    const edited = await runIncoming(merge, { issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [editedThere] }) });
    expect(edited.desired.comments).toEqual([{ ...mine, body: adfText('edited there'), updated: '2026-11-22T00:00:00.000Z' }]);
  });

  it('a local comment whose remote copy was deleted there goes; one never copied stays', async () => {
    const mine = sampleComment({ id: 'c-mine' });
    const echo = sampleReplicaComment({ id: 'r-echo', body: mine.body, originId: 'c-mine' });
    const deletedThere = await runIncoming(merge, {
      issue: sampleIssue({ comments: [mine] }),
      replica: sampleReplica({ comments: [] }),
      previous: sampleReplica({ comments: [echo] }),
    });
    expect(deletedThere.desired.comments).toEqual([]);
    const neverCopied = await runIncoming(merge, { issue: sampleIssue({ comments: [mine] }), replica: sampleReplica({ comments: [] }), previous: sampleReplica({ comments: [] }) });
    expect(neverCopied.desired.comments).toEqual([mine]);
  });

  it('filter keeps some remote comments, format transforms their bodies', async () => {
    const replica = sampleReplica({
      comments: [
        sampleReplicaComment({ id: 'r-1', body: adfText('public note') }),
        sampleReplicaComment({ id: 'r-2', body: adfText('internal note'), author: { accountId: 'acc-bot', displayName: 'Bot', email: null } }),
      ],
    });
    const script =
      'issue.comments = commentHelper.mergeComments(issue, replica, { filter: (c) => c.author?.displayName !== "Bot", format: (body, c) => c.author.displayName + " wrote: " + body.content[0].content[0].text })';
    const result = await runIncoming(script, { replica });
    expect(result.desired.comments.map((c) => [c.originId, c.body])).toEqual([['r-1', adfText('Remote Rita wrote: public note')]]);
  });

  it('a filter that is not a function is a clear error', async () => {
    const error = await incomingError('commentHelper.mergeComments(issue, replica, { filter: "public" })');
    expect(error.message).toMatch(/mergeComments: filter must be a function/);
  });
});

describe('outgoing script', () => {
  const issue = { ...sampleIssue(), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' };
  const run = (outgoing: string) => createScriptRulesEngine({ outgoing, incoming: '' }).outgoing({ issue, connection: sampleConnection() });

  it('starts from the identity of the issue and validates the replica', async () => {
    const result = await run('replica.type = issue.type; replica.status = issue.status');
    expect(result.replica).toEqual({
      key: 'CLOUD-12',
      id: '10012',
      projectKey: 'CLOUD',
      summary: '',
      description: null,
      type: { name: 'Bug' },
      priority: null,
      labels: [],
      status: { name: 'To Do', category: null },
      resolution: null,
      dueDate: null,
      assignee: null,
      reporter: null,
      comments: [],
      attachments: [],
      parent: null,
      links: [],
      components: [],
      fixVersions: [],
      customFields: {},
      created: '1970-01-01T00:00:00.000Z',
      updated: '1970-01-01T00:00:00.000Z',
    });
  });

  it('fills every field from the issue', async () => {
    const withComment = { ...issue, comments: [sampleComment({ originId: 'r-9' })], customFields: { 'Remote issue key': { value: 'EXT-7' } } };
    const result = await createScriptRulesEngine({
      incoming: '',
      outgoing: [
        'replica.summary = issue.summary; replica.description = issue.description; replica.type = issue.type;',
        'replica.priority = issue.priority; replica.labels = issue.labels; replica.status = issue.status;',
        'replica.dueDate = issue.dueDate; replica.assignee = issue.assignee; replica.reporter = issue.reporter;',
        'replica.comments = issue.comments; replica.customFields["Remote issue key"] = issue.customFields["remote issue key"];',
        'replica.customFields["Computed"].value = issue.labels.length;',
      ].join('\n'),
    }).outgoing({ issue: withComment, connection: sampleConnection() });
    expect(result.replica).toMatchObject({
      summary: 'Printer on fire',
      priority: { name: 'High' },
      labels: ['hardware'],
      reporter: issue.reporter,
      comments: [sampleComment({ originId: 'r-9' })],
      customFields: { 'Remote issue key': { value: 'EXT-7' }, Computed: { value: 1 } },
    });
  });

  it.each([
    ['', /the outgoing script left an invalid result: replica\.type: .*; replica\.status/, null],
    ['replica.type = issue.type; replica.status = issue.status; replica.key = "X"', /replica\.key is read-only/, 1],
    ['issue.summary = "x"', /issue\.summary is read-only in the outgoing script: set fields on replica/, 1],
    ['issue.customFields["Remote issue key"].value = "x"', /issue\.customFields is read-only/, 1],
    ['syncBackAfterProcessing()', /syncBackAfterProcessing\(\) can only be called in the incoming script/, 1],
    ['syncHelper.unlinkAfterProcessing()', /unlinkAfterProcessing\(\) can only be called in the incoming script/, 1],
    ['replica.status = 7', /replica\.status must be a name/, 1],
    ['syncHelper.waitFor("EXT-1", "its parent")', /syncHelper\.waitFor\(\) can only be called in the incoming script/, 1],
    ['replica.parent = issue.key', /replica\.parent must be an issue \{id, key\}.*; got a string/, 1],
    ['replica.links = [{ type: "Blocks", direction: "sideways", issue: { id: "1", key: "A-1" } }]', /replica\.links\[0\]\.direction must be "outward" or "inward"; got "sideways"/, 1],
    ['replica.components = "API"', /replica\.components must be an array of strings; got a string/, 1],
    ['replica.fixVersions = [null]', /replica\.fixVersions\[0\] must be a string; got null/, 1],
  ])('%j fails with a clear error', async (script, message, line) => {
    const error: unknown = await run(script).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RulesError);
    if (!(error instanceof RulesError)) return;
    expect(error.script).toBe('outgoing');
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  it('sends the parent, links, components and fix versions; the names sorted', async () => {
    const local = {
      ...issue,
      parent: { id: '10001', key: 'CLOUD-1' },
      links: [{ type: 'Blocks', direction: 'inward' as const, issue: { id: '10002', key: 'CLOUD-2' } }],
      components: ['b', 'A', 'a'],
    };
    const result = await createScriptRulesEngine({
      incoming: '',
      outgoing: [
        'replica.type = issue.type; replica.status = issue.status;',
        'replica.parent = issue.parent; replica.links = issue.links; replica.components = issue.components;',
        'replica.fixVersions = ["2.0", "10.0", "1.0"];',
      ].join('\n'),
    }).outgoing({ issue: local, connection: sampleConnection() });
    expect(result.replica).toMatchObject({
      parent: { id: '10001', key: 'CLOUD-1' },
      links: [{ type: 'Blocks', direction: 'inward', issue: { id: '10002', key: 'CLOUD-2' } }],
      components: ['A', 'a', 'b'],
      fixVersions: ['1.0', '10.0', '2.0'],
    });
  });

  it('helpers answer from empty metadata and the remote issue is unknown', async () => {
    const result = await run('replica.type = issue.type; replica.status = issue.status; console.log(JSON.stringify([nodeHelper.getStatus("To Do"), syncHelper.isUnderSync(), syncHelper.getRemoteIssueUrl()]))');
    expect(result.logs).toEqual([{ level: 'log', message: '[null,true,null]' }]);
  });
});
