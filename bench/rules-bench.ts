import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { IncomingRulesInput, OutgoingRulesInput, RulesEngine } from '../src/ports/rules';
import { defaultRulesEngine } from '../src/rules/builtin/provider';
import { DEFAULT_SCRIPTS_CONFIG, defaultScripts } from '../src/rules/default-scripts';
import { quickJsBundleFiles } from '../src/rules/quickjs-module';
import { adfText, blankIssue, sampleComment, sampleConnection, sampleIssue, sampleMetadata, sampleReplica, sampleReplicaComment } from '../src/rules/sample-data';
import { createScriptRulesEngine } from '../src/rules/script-engine';

/**
 * Benchmark of the sync rules: time per run of the default rules as QuickJS scripts against the
 * built-in TypeScript rules (outgoing, incoming update, incoming first sync, and a whole sync =
 * one outgoing + one incoming run), the sandbox's fixed cost (an empty script), and the bundle
 * size the sandbox adds. Run with `npx tsx bench/rules-bench.ts [runs]`, or call `runRulesBench()`.
 */

export interface Stat {
  medianMs: number;
  p95Ms: number;
}

export interface RulesBenchResult {
  runs: number;
  /** the first run of a sandbox: compiling the WASM module, setting up the API, compiling the script */
  coldStartMs: number;
  rows: { case: string; builtin: Stat; scripts: Stat }[];
  /** the sandbox alone: an empty incoming script (API objects, input and result copied) */
  emptyScript: Stat;
  bundle: { files: { file: string; bytes: number }[]; totalBytes: number; gzipBytes: number };
}

function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Stat> {
  for (let i = 0; i < Math.min(50, runs); i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return stat(samples);
}

/** A realistic issue: a few comments (own and copies) and custom fields. */
function inputs(): { out: OutgoingRulesInput; update: IncomingRulesInput; first: IncomingRulesInput } {
  const comments = [
    sampleComment({ id: 'c-1' }),
    sampleComment({ id: 'c-2', body: adfText('a longer local comment '.repeat(10)) }),
    sampleComment({ id: 'c-3', originId: 'r-1', body: adfText('copy of a remote comment') }),
  ];
  const customFields = { 'Remote issue key': { value: 'EXT-7' }, Severity: { value: 'S2' } };
  const issue = { ...sampleIssue({ comments, customFields, assignee: sampleMetadata().users[0] ?? null }), key: 'CLOUD-12', id: '10012', projectKey: 'CLOUD' };
  const replica = sampleReplica({
    comments: [
      sampleReplicaComment({ id: 'r-1', body: adfText('copy of a remote comment') }),
      sampleReplicaComment({ id: 'r-2', body: adfText('new remote comment') }),
      sampleReplicaComment({ id: 'r-3', originId: 'c-1', body: sampleComment().body }),
    ],
    customFields: { Severity: { value: 'S1' } },
  });
  const base = { previous: null, syncBackMessage: false, connection: sampleConnection(), metadata: sampleMetadata() };
  return {
    out: { issue, connection: sampleConnection() },
    update: { ...base, replica, issue, firstSync: false, previous: replica },
    first: { ...base, replica, issue: blankIssue(), firstSync: true },
  };
}

export async function runRulesBench(runs = 1000): Promise<RulesBenchResult> {
  const builtin: RulesEngine = defaultRulesEngine(DEFAULT_SCRIPTS_CONFIG);
  const scripts = createScriptRulesEngine(defaultScripts(DEFAULT_SCRIPTS_CONFIG));
  const { out, update, first } = inputs();
  const coldStart = performance.now();
  await scripts.incoming(structuredClone(update));
  const coldStartMs = performance.now() - coldStart;
  const cases: [string, (e: RulesEngine) => Promise<unknown>][] = [
    ['outgoing', (e) => e.outgoing(structuredClone(out))],
    ['incoming (update)', (e) => e.incoming(structuredClone(update))],
    ['incoming (first sync)', (e) => e.incoming(structuredClone(first))],
    ['one sync (outgoing + incoming)', async (e) => {
      await e.outgoing(structuredClone(out));
      await e.incoming(structuredClone(update));
    }],
  ];
  const rows: RulesBenchResult['rows'] = [];
  for (const [name, fn] of cases) rows.push({ case: name, builtin: await time(runs, () => fn(builtin)), scripts: await time(runs, () => fn(scripts)) });

  const empty = createScriptRulesEngine({ outgoing: '', incoming: '' });
  const emptyScript = await time(runs, () => empty.incoming(structuredClone(update)));

  const files = quickJsBundleFiles().map((file) => ({ file: file.replace(/.*node_modules\//, ''), bytes: readFileSync(file).length }));
  const gzipBytes = quickJsBundleFiles().reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  return { runs, coldStartMs, rows, emptyScript, bundle: { files, totalBytes: files.reduce((s, f) => s + f.bytes, 0), gzipBytes } };
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 1000);
  void runRulesBench(runs).then((r) => {
    const f = (s: Stat) => `${s.medianMs.toFixed(3).padStart(7)} / ${s.p95Ms.toFixed(3).padStart(7)}`;
    console.log(`Sync rules, ${r.runs} runs per case (median / p95 ms); first run of a sandbox (WASM compile + API set-up) ${r.coldStartMs.toFixed(1)} ms`);
    console.log('case                            | built-in TS       | default scripts');
    for (const row of r.rows) console.log(`${row.case.padEnd(31)} | ${f(row.builtin)} | ${f(row.scripts)}`);
    console.log(`empty script (sandbox cost)     |                   | ${f(r.emptyScript)}`);
    console.log(`bundle added by the sandbox: ${(r.bundle.totalBytes / 1024).toFixed(0)} KiB (${(r.bundle.gzipBytes / 1024).toFixed(0)} KiB gzipped)`);
    for (const file of r.bundle.files) console.log(`  ${file.file}: ${(file.bytes / 1024).toFixed(0)} KiB`);
  });
}
