import type { IncomingRulesResult } from '../ports/rules';
import { RulesError } from '../ports/rules';
import { sampleIncomingInput, sampleReplica } from './sample-data';
import { createScriptRulesEngine } from './script-engine';
import type { ScriptLimits } from './script-sandbox';

/** Escape and abuse attempts: each must stop with a clear RulesError and leave the next run clean. */

const input = sampleIncomingInput;

function run(incoming: string, limits?: Partial<ScriptLimits>): Promise<IncomingRulesResult> {
  return createScriptRulesEngine(limits ? { outgoing: '', incoming, limits } : { outgoing: '', incoming }).incoming(input());
}

async function failure(incoming: string, limits?: Partial<ScriptLimits>): Promise<RulesError> {
  const outcome: unknown = await run(incoming, limits).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof RulesError)) throw new Error(`expected a RulesError, got ${String(outcome)}`);
  return outcome;
}

/** A run after an abusive one still works and sees a clean sandbox. */
async function expectHealthy(): Promise<void> {
  const result = await run('console.log(typeof leaked, ({}).polluted === undefined, [].map === Array.prototype.map); issue.summary = "ok"');
  expect(result.desired.summary).toBe('ok');
  expect(result.logs).toEqual([{ level: 'log', message: 'undefined true true' }]);
}

describe('limits', () => {
  it.each<[string, string, 'cpu' | 'memory' | 'stack', RegExp]>([
    ['an endless loop', 'while (true) {}', 'cpu', /CPU time limit of 200 ms exceeded/],
    ['an endless loop that catches everything', 'for (;;) { try { for (;;) {} } catch (e) {} }', 'cpu', /CPU time limit/],
    ['an endless chain of promise jobs', 'const spin = () => { Promise.resolve().then(spin) }; spin()', 'cpu', /CPU time limit/],
    ['a huge string', 'const s = "x".repeat(64 * 1024 * 1024)', 'memory', /memory limit of 32 MB exceeded/],
    ['a huge buffer', 'new ArrayBuffer(1e9)', 'memory', /memory limit of 32 MB exceeded/],
    ['a growing array', 'const a = []; for (;;) a.push(new Array(1 << 16).fill(a.length))', 'memory', /memory limit/],
    ['many small buffers', 'const a = []; for (;;) a.push(new Uint8Array(1 << 16))', 'memory', /memory limit/],
    ['a growing map', 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i, s: "v" + i })', 'memory', /memory limit/],
    ['deep recursion', 'function down(n) { return down(n + 1) + 1 }\ndown(0)', 'stack', /stack limit exceeded/],
    ['recursion through getters', 'const o = { get x() { return this.x } }; o.x', 'stack', /stack limit exceeded/],
    ['a deeply nested value stringified', 'let a = []; for (let i = 0; i < 200000; i++) a = [a]; JSON.stringify(a)', 'stack', /stack limit exceeded/],
  ])('%s is stopped with limit %s, and the next run is clean', async (_name, script, limit, message) => {
    // CPU time to spare, so that the memory and stack cases meet their own limit first even on a busy machine
    const error = await failure(script, limit === 'cpu' ? undefined : { cpuMs: 10_000 });
    expect(error.limit).toBe(limit);
    expect(error.script).toBe('incoming');
    expect(error.message).toMatch(message);
    await expectHealthy();
  });

  it('the CPU limit can be set per connection', async () => {
    const error = await failure('while (true) {}', { cpuMs: 25 });
    expect([error.message, error.line]).toEqual(['CPU time limit of 25 ms exceeded: the script was stopped', 1]);
  });

  it('engines with different CPU limits share one sandbox, each run held to its own limit', async () => {
    const busy = 'const end = Date.now() + 400; while (Date.now() < end) {} issue.summary = "done"';
    expect((await failure(busy)).message).toBe('CPU time limit of 200 ms exceeded: the script was stopped');
    await expect(run(busy, { cpuMs: 5000 })).resolves.toMatchObject({ desired: { summary: 'done' } });
    expect((await failure(busy, { cpuMs: 50 })).message).toBe('CPU time limit of 50 ms exceeded: the script was stopped');
    await expectHealthy();
  });

  it('the memory limit can be set per connection', async () => {
    const script = 'const a = []; for (let i = 0; i < 40; i++) a.push(new Uint8Array(1 << 20)); issue.summary = String(a.length)';
    await expect(run(script, { memoryBytes: 64 * 1024 * 1024 })).resolves.toMatchObject({ desired: { summary: '40' } });
    const error = await failure(script, { memoryBytes: 32 * 1024 * 1024, cpuMs: 10_000 });
    expect(error.limit).toBe('memory');
    expect(error.message).toMatch(/memory limit of 32 MB exceeded/);
  });

  it('limits out of range are refused', () => {
    expect(() => createScriptRulesEngine({ outgoing: '', incoming: '', limits: { cpuMs: 0 } })).toThrow();
    expect(() => createScriptRulesEngine({ outgoing: '', incoming: '', limits: { stackBytes: 8 * 1024 * 1024 } })).toThrow();
    expect(() => createScriptRulesEngine({ outgoing: '', incoming: '', limits: { memoryBytes: 1024 * 1024 } })).toThrow();
  });

  it('one issue past a limit does not stop the others running at the same time', async () => {
    const engine = createScriptRulesEngine({ outgoing: '', incoming: 'if (replica.summary === "spin") { for (;;) {} } issue.summary = replica.summary' });
    const summaries = ['a', 'spin', 'b', 'c', 'spin', 'd'];
    const results = await Promise.allSettled(summaries.map((summary) => engine.incoming(input({ replica: sampleReplica({ summary }) }))));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.desired.summary : r.reason instanceof RulesError && r.reason.limit))).toEqual([
      'a',
      'cpu',
      'b',
      'c',
      'cpu',
      'd',
    ]);
  });
});

describe('no way out of the sandbox', () => {
  it.each([
    'typeof require',
    'typeof process',
    'typeof fetch',
    'typeof XMLHttpRequest',
    'typeof setTimeout',
    'typeof std',
    'typeof os',
    'typeof WebAssembly',
    'typeof module',
    'typeof Buffer',
    'typeof __filename',
    'typeof FinalizationRegistry',
    'typeof WeakRef',
    'typeof Function("return this")().process',
    'typeof (0, eval)("this").require',
    'globalThis.constructor.constructor("return typeof process")()',
  ])('%s is undefined', async (probe) => {
    const result = await run(`console.log(${probe})`);
    expect(result.logs).toEqual([{ level: 'log', message: 'undefined' }]);
  });

  it('the global object holds only the language and the script API', async () => {
    const result = await run('console.log(Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n)).sort().join(" "))');
    expect(result.logs[0]?.message.split(' ')).toEqual([
      'attachmentHelper',
      'commentHelper',
      'console',
      'decodeURI',
      'decodeURIComponent',
      'encodeURI',
      'encodeURIComponent',
      'escape',
      'eval',
      'firstSync',
      'globalThis',
      'isFinite',
      'isNaN',
      'issue',
      'mappings',
      'nodeHelper',
      'parseFloat',
      'parseInt',
      'previous',
      'replica',
      'syncBackAfterProcessing',
      'syncHelper',
      'undefined',
      'unescape',
    ]);
  });

  it('dynamic import finds no module', async () => {
    const result = await run('import("fs").then(() => console.log("loaded"), (e) => console.log("refused"))');
    expect(result.logs).toEqual([{ level: 'log', message: 'refused' }]);
  });

  it.each([
    ['Object.prototype.polluted = "yes"', /not extensible/],
    ['Object.getPrototypeOf(nodeHelper).polluted = "yes"', /not extensible/],
    ['issue.customFields.__proto__.polluted = "yes"', /not extensible|Unknown custom field/],
    ['Array.prototype.map = null', /read-only/],
    ['JSON.stringify = () => "{}"', /read-only/],
    ['Object.prototype.toString = () => "x"', /'toString' is read-only/],
    ['Object.defineProperty(Array.prototype, "polluted", { value: 1 })', /not extensible|not configurable/],
    ['globalThis.leaked = "secret"', /not extensible/],
    ['Object.getPrototypeOf(function* () {}).polluted = 1', /not extensible/],
    ['Object.getPrototypeOf([][Symbol.iterator]()).next = null', /read-only/],
    ['Object.getPrototypeOf(Int8Array).prototype.polluted = 1', /not extensible/],
  ])('prototype pollution is refused: %s', async (script, message) => {
    const error = await failure(script);
    expect(error.message).toMatch(message);
    const fresh: Record<string, unknown> = {};
    expect(fresh['polluted']).toBeUndefined();
    await expectHealthy();
  });

  it('instances can still override inherited properties (errors with their own name, objects with toString)', async () => {
    const script = [
      'class MyError extends Error { constructor(m) { super(m); this.name = "MyError"; } }',
      'const o = {}; o.toString = () => "custom"; o.constructor = null;',
      'console.log(String(new MyError("m")), String(o))',
    ].join('\n');
    expect((await run(script)).logs).toEqual([{ level: 'log', message: 'MyError: m custom' }]);
  });

  it.each([
    ['issue.__proto__ = {}', /issue has no field "__proto__"/],
    ['issue.toString = () => "x"', /issue has no field "toString"/],
    ['Object.setPrototypeOf(issue, null)', /prototype cannot be changed/],
    ['Object.defineProperty(issue, "summary", { value: "x" })', /fields cannot be redefined/],
    ['nodeHelper.getStatus = () => ({ name: "Done" })', /read-only|not extensible/],
    ['syncHelper.isUnderSync = () => false', /read-only|not extensible/],
    ['console.log = null', /read-only|not extensible/],
    ['globalThis.issue = {}', /read-only/],
    ['delete globalThis.replica', /could not delete|not configurable|cannot delete/i],
  ])('%s is refused', async (script, message) => {
    const error = await failure(script);
    expect(error.message).toMatch(message);
  });

  it('state set in one run is not visible in the next (nor to another connection\'s scripts)', async () => {
    const first = [
      'try { globalThis.leaked = "secret" } catch (e) {}',
      'try { Object.prototype.polluted = 1 } catch (e) {}',
      'var alsoLeaked = 1;',
      '/secret-(\\d+)/.exec("secret-42");',
      'Symbol.for("twin");',
      'issue.summary = "first"',
    ].join('\n');
    expect((await run(first)).desired.summary).toBe('first');
    const probe = 'console.log(typeof leaked, typeof alsoLeaked, ({}).polluted, typeof RegExp.$1, typeof RegExp.lastMatch)';
    expect((await run(probe)).logs).toEqual([{ level: 'log', message: 'undefined undefined undefined undefined undefined' }]);
    await expectHealthy();
  });

  it('promise jobs left by one run never run in another', async () => {
    await run('const later = () => Promise.resolve().then(later); later()', { cpuMs: 30 }).catch(() => undefined);
    const result = await run('issue.summary = "mine"; Promise.resolve().then(() => { issue.labels.push("job") })');
    expect(result.desired).toMatchObject({ summary: 'mine', labels: ['hardware', 'job'] });
  });

  it('every built-in reachable from a script is frozen', async () => {
    const probes = [
      'globalThis', 'Object', 'Object.prototype', 'Function.prototype', 'Array.prototype', 'JSON', 'Math', 'Reflect', 'Promise.prototype',
      'Object.getPrototypeOf(function* () {})', 'Object.getPrototypeOf(async function () {})', 'Object.getPrototypeOf(async function* () {})',
      'Object.getPrototypeOf([][Symbol.iterator]())', 'Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))',
      'Object.getPrototypeOf(new Map().entries())', 'Object.getPrototypeOf("a".matchAll(/a/g))', 'Object.getPrototypeOf(Int8Array)',
      'Object.getPrototypeOf(Int8Array).prototype', 'Error.prototype', 'RegExp', 'nodeHelper', 'syncHelper', 'console',
    ];
    const result = await run(`console.log(JSON.stringify([${probes.map((p) => `Object.isFrozen(${p})`).join(', ')}]))`);
    expect(JSON.parse(result.logs[0]?.message ?? '[]')).toEqual(probes.map(() => true));
  });
});

describe('values that cannot cross the boundary', () => {
  it.each([
    ['a function', 'issue.customFields["Severity"].value = () => 1', /issue\.customFields\["Severity"\]\.value is a function: only JSON values/],
    ['a cycle', 'const o = {}; o.self = o; issue.customFields["Severity"].value = o', /issue\.customFields\["Severity"\]\.value\.self refers to itself \(a cycle\)/],
    ['a BigInt', 'issue.customFields["Severity"].value = 10n', /value is a bigint/],
    ['a symbol', 'issue.customFields["Severity"].value = [Symbol("s")]', /value\[0\] is a symbol/],
    ['NaN', 'issue.customFields["Severity"].value = 0 / 0', /value is NaN: only finite numbers/],
    ['a Map', 'issue.customFields["Severity"].value = new Map()', /value is Map instance: only plain objects/],
    ['a function pushed into a list', 'issue.labels.push(() => 1)', /issue\.labels\[1\] is a function/],
    ['a "__proto__" key', 'issue.customFields["Severity"].value = JSON.parse(\'{"__proto__": {"polluted": "deep"}}\')', /value has a key "__proto__", which cannot be synced/],
    ['a value nested too deep', 'let v = 1; for (let i = 0; i < 100; i++) v = [v]; issue.customFields["Severity"].value = v', /nested more than 64 levels deep/],
  ])('%s is a clear error', async (_name, script, message) => {
    const error = await failure(script);
    expect(error.message).toMatch(message);
    expect(error.limit).toBeNull();
  });

  it('a Date becomes its ISO string', async () => {
    const result = await run('issue.customFields["Severity"].value = new Date(Date.UTC(2026, 0, 2))');
    expect(result.desired.customFields['Severity']).toEqual({ value: '2026-01-02T00:00:00.000Z' });
  });
});
