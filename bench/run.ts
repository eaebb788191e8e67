/**
 * `npm run bench [-- name ...]`: runs the benchmarks one after another, each in its own process so
 * that one's heap and timers never colour the next one's figures. Each prints its own table.
 * Benchmarks report figures; none of them passes or fails on a time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHES: Record<string, { file: string; args: string[]; what: string }> = {
  jira: { file: 'jira-bench.ts', args: ['10000'], what: 'emulated Jira site: creates/s, JQL searches/s, memory for 10,000 issues' },
  jql: { file: 'jql-bench.ts', args: [], what: 'JQL evaluator: compile and filter times over 10,000 issues' },
  forge: { file: 'forge-bench.ts', args: [], what: 'local Forge platform: overhead per invocation, KVS ops/s' },
  rules: { file: 'rules-bench.ts', args: ['1000'], what: 'sync rules: the default scripts (the built-in rules) vs saved scripts per run, sandbox bundle size' },
  sync: { file: 'sync-bench.ts', args: [], what: 'sync engine: REST calls, KVS ops and invocations per sync; create-to-key latency; monthly cost' },
  attachments: { file: 'attachment-bench.ts', args: [], what: 'attachments: REST calls, KVS ops and invocations per file added; time to sync a 3 MB file' },
  parts: { file: 'parts-bench.ts', args: [], what: 'links, parents and children: REST calls, KVS ops and invocations per link made, parent moved, child created' },
  mappings: { file: 'mappings-bench.ts', args: ['40'], what: 'the Mappings tab: REST calls and KVS ops of a preview over 40 synced issues, a save, the unmapped list, a sync with tables' },
  bulk: { file: 'bulk-bench.ts', args: ['1000'], what: 'bulk sync of 1,000 existing issues under the default limits (npx tsx bench/bulk-bench.ts 12000 for the full run)' },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name}: ${bench.what}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, bench.file), ...bench.args], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.error(`benchmark ${name} exited with ${run.status ?? run.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
