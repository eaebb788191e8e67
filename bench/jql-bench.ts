import { performance } from 'node:perf_hooks';
import { compileJql, type JqlIssue } from '../sandbox/jira/jql/index';
import { CTX, makeIssue, NOW } from '../sandbox/jira/jql/jql-fixture';

/**
 * Benchmark of the JQL evaluator alone (no SQLite, no HTTP): compile time per query (the first
 * compile pays the ANTLR parser's one-time start-up), then one filter pass and one sort over N
 * generated issues. Run with `npx tsx bench/jql-bench.ts [issues]`, or call `runJqlBench()`.
 */

export interface JqlBenchResult {
  issues: number;
  /** first compile in the process, including the parser's start-up */
  coldCompileMs: number;
  /** compileMs: a JQL text not seen before (parse + compile); cachedCompileMs: the same text again (parse cache hit) */
  rows: { jql: string; compileMs: number; cachedCompileMs: number; filterMs: number; sortMs: number; matched: number }[];
}

const QUERIES = [
  'issue.property[twinSync.origin].remoteIssueId = "4042"',
  'project = "INT" AND status = Open ORDER BY key',
  'project in ("INT", CLOUD) AND status in ("In Progress", Done) AND labels = backend ORDER BY priority DESC, updated DESC',
  'text ~ "invoice*" ORDER BY created DESC',
  'summary ~ "\\"full screen\\"" OR description ~ safari',
  'created > -7d AND assignee = currentUser()',
  '"Remote issue key" is not EMPTY AND NOT status = Done',
  '',
];

const WORDS = ['login', 'fails', 'safari', 'crash', 'dashboard', 'full', 'screen', 'invoice', 'slow', 'query', 'editor', 'widget'];
const STATUSES = ['Open', 'In Progress', 'Done'] as const;
const TYPES = ['Task', 'Bug', 'Story', 'Epic'] as const;
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'] as const;

function pick<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function sentence(seed: number, length: number): string {
  return Array.from({ length }, (_, i) => pick(WORDS, seed * 7 + i * 13 + (seed >> 3))).join(' ');
}

export function generateIssues(count: number): JqlIssue[] {
  return Array.from({ length: count }, (_, n) =>
    makeIssue({
      id: String(10000 + n),
      key: n % 2 === 0 ? `INT-${n + 1}` : `CLOUD-${n + 1}`,
      type: pick(TYPES, n),
      status: pick(STATUSES, n >> 1),
      priority: pick(PRIORITIES, n >> 2),
      labels: n % 5 === 0 ? ['backend'] : n % 7 === 0 ? ['frontend', 'urgent'] : [],
      summary: sentence(n, 5),
      description: sentence(n + 1, 40),
      comments: n % 3 === 0 ? [sentence(n + 2, 20), sentence(n + 3, 12)] : [],
      created: NOW - n * 60_000 * 17,
      updated: NOW - n * 60_000 * 5,
      assignee: n % 4 === 0 ? 'u-alice' : null,
      customFields: n % 10 === 0 ? { customfield_10010: `CLOUD-${n}` } : {},
      properties: n % 2 === 0 ? { 'twinSync.origin': { connectionId: 'c1', remoteIssueId: String(n) } } : {},
    }),
  );
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

export function runJqlBench(issueCount = 10_000, repetitions = 20): JqlBenchResult {
  const issues = generateIssues(issueCount);
  const [, coldCompileMs] = time(() => compileJql('project = "INT" ORDER BY key', CTX));
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const rows = QUERIES.map((jql) => {
    const compileMs: number[] = [];
    const cachedCompileMs: number[] = [];
    const filterMs: number[] = [];
    const sortMs: number[] = [];
    let matched = 0;
    for (let r = 0; r < repetitions; r++) {
      // trailing spaces make a new text each time, so the parse cache misses
      const [, c] = time(() => compileJql(`${jql}${' '.repeat(r + 1)}`, CTX));
      const [compiled, cc] = time(() => compileJql(jql, CTX));
      const [hits, f] = time(() => issues.filter((i) => compiled.matches(i)));
      const [, s] = time(() => hits.sort((a, b) => compiled.compare(a, b)));
      compileMs.push(c);
      cachedCompileMs.push(cc);
      filterMs.push(f);
      sortMs.push(s);
      matched = hits.length;
    }
    return { jql, compileMs: median(compileMs), cachedCompileMs: median(cachedCompileMs), filterMs: median(filterMs), sortMs: median(sortMs), matched };
  });
  return { issues: issueCount, coldCompileMs, rows };
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 10_000);
  const result = runJqlBench(count);
  console.log(`JQL evaluator over ${result.issues} issues (median of 20 runs; cold first compile ${result.coldCompileMs.toFixed(1)} ms)`);
  console.log('compile ms | cached compile ms | filter ms | sort ms | matched | jql');
  for (const row of result.rows) {
    console.log(
      `${row.compileMs.toFixed(3).padStart(10)} | ${row.cachedCompileMs.toFixed(3).padStart(17)} | ${row.filterMs.toFixed(2).padStart(9)} | ${row.sortMs.toFixed(2).padStart(7)} | ${String(row.matched).padStart(7)} | ${row.jql || '(empty)'}`,
    );
  }
}
