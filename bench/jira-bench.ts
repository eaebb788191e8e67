import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { z } from 'zod';
import { JiraSite } from '../sandbox/jira/site';

/**
 * Benchmark of the emulated Jira site over HTTP: creates N issues (one POST each, a few in flight),
 * then runs JQL searches over them, and reports requests per second and the process memory with
 * the N-issue site loaded. Run directly with `npx tsx bench/jira-bench.ts [issues]`, or call
 * `runJiraBench()` (the coordinator's bench/run.ts does).
 */

export interface JiraBenchOptions {
  /** issues to create per site (default 10,000) */
  issues?: number;
  /** requests in flight while creating (default 4) */
  concurrency?: number;
  /** timed repetitions of each search, at most (default 200) */
  searchRepetitions?: number;
  /** time budget per search in ms: stop repeating once spent, after at least 3 requests (default 5000) */
  searchBudgetMs?: number;
  /** which sites to measure, in order (default memory then file: the first runs in a fresh process) */
  storages?: readonly BenchStorage[];
  /** progress lines (default: none) */
  log?: (line: string) => void;
}

export type BenchStorage = 'file' | 'memory';

export interface SearchFigure {
  jql: string;
  /** issues matching the query (all pages) */
  hits: number;
  /** timed requests (first page, maxResults 50, fields summary,status) */
  requests: number;
  perSecond: number;
  /** mean milliseconds per request */
  meanMs: number;
}

export interface MemoryFigure {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** growth of RSS and heap since just before the site was created */
  rssGrowthMB: number;
  heapGrowthMB: number;
  /** whether a full GC ran before measuring (needs --expose-gc, which the bench tries to enable) */
  afterGc: boolean;
}

export interface SiteBenchFigures {
  storage: BenchStorage;
  issues: number;
  /** the timed creates (all but the untimed warm-up, the first 5% and at most 500) */
  creates: { count: number; seconds: number; perSecond: number };
  searches: SearchFigure[];
  memory: MemoryFigure;
}

export interface JiraBenchFigures {
  node: string;
  sites: SiteBenchFigures[];
}

const SEARCHES = [
  'project = "INT" AND status = Open ORDER BY created DESC',
  'text ~ "foo"',
  'issue.property[bench.origin].remoteIssueId = "r-4200"',
  'labels = bench-6 AND priority = High',
  'issuetype = Bug AND created >= -1d ORDER BY key ASC',
];

const created = z.object({ id: z.string(), key: z.string() });
const searchPage = z.object({ issues: z.array(z.object({ id: z.string() })), nextPageToken: z.string().optional() });

interface HttpAnswer {
  status: number;
  body: string;
}

class BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly authorization: string,
  ) {
    this.url = new URL(baseUrl);
  }

  send(method: string, path: string, json?: unknown): Promise<HttpAnswer> {
    const body = json === undefined ? undefined : JSON.stringify(json);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async json(method: string, path: string, expected: number, json?: unknown): Promise<unknown> {
    const answer = await this.send(method, path, json);
    if (answer.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${answer.status}: ${answer.body.slice(0, 300)}`);
    const value: unknown = JSON.parse(answer.body);
    return value;
  }

  close(): void {
    this.agent.destroy();
  }
}

function issueBody(i: number): unknown {
  const words = i % 10 === 0 ? 'foo bar' : 'lorem ipsum';
  return {
    fields: {
      project: { key: 'INT' },
      issuetype: { name: i % 5 === 0 ? 'Bug' : 'Task' },
      summary: `bench issue ${i} ${words}`,
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `Description of ${i}, ${words}.` }] }] },
      labels: [`bench-${i % 10}`, 'bench'],
      priority: { name: ['Highest', 'High', 'Medium', 'Low', 'Lowest'][i % 5] },
    },
    ...(i % 100 === 0 ? { properties: [{ key: 'bench.origin', value: { remoteIssueId: `r-${i}` } }] } : {}),
  };
}

/** Creates issues `from` to `to` - 1; returns the seconds it took. */
async function createIssues(client: BenchClient, from: number, to: number, concurrency: number): Promise<number> {
  let next = from;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next;
      next += 1;
      created.parse(await client.json('POST', '/rest/api/3/issue', 201, issueBody(i)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return (performance.now() - started) / 1000;
}

async function countHits(client: BenchClient, jql: string): Promise<number> {
  let hits = 0;
  let token: string | undefined;
  do {
    const page = searchPage.parse(await client.json('POST', '/rest/api/3/search/jql', 200, { jql, maxResults: 5000, fields: ['id'], ...(token === undefined ? {} : { nextPageToken: token }) }));
    hits += page.issues.length;
    token = page.nextPageToken;
  } while (token !== undefined);
  return hits;
}

async function timeSearch(client: BenchClient, jql: string, repetitions: number, budgetMs: number): Promise<SearchFigure> {
  const hits = await countHits(client, jql);
  const path = `/rest/api/3/search/jql?${new URLSearchParams({ jql, maxResults: '50', fields: 'summary,status' }).toString()}`;
  const started = performance.now();
  let requests = 0;
  while (requests < repetitions && (requests < 3 || performance.now() - started < budgetMs)) {
    searchPage.parse(await client.json('GET', path, 200));
    requests += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { jql, hits, requests, perSecond: round(requests / seconds), meanMs: round((seconds * 1000) / requests) };
}

/** A full GC when the runtime allows it (enables --expose-gc at run time, as the V8 API permits). */
function collectGarbage(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return false;
    gc();
    gc();
    return true;
  } catch {
    return false;
  }
}

const MB = 1024 * 1024;

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function benchSite(storage: BenchStorage, options: Required<Omit<JiraBenchOptions, 'storages'>>): Promise<SiteBenchFigures> {
  const dir = storage === 'file' ? mkdtempSync(join(tmpdir(), 'jira-bench-')) : null;
  collectGarbage();
  const before = process.memoryUsage();
  const site = await JiraSite.create({ name: 'internal', db: dir === null ? ':memory:' : join(dir, 'internal.sqlite'), seed: 'default' });
  try {
    const baseUrl = await site.listen(0, '127.0.0.1');
    const client = new BenchClient(baseUrl, `Basic ${Buffer.from(`${site.admin.email}:${site.admin.apiToken}`).toString('base64')}`);
    try {
      options.log(`${storage}: creating ${options.issues} issues over HTTP (${options.concurrency} in flight)…`);
      // the first 5% (at most 500) warm the JIT and the statement cache and are not timed
      const warmup = Math.min(500, Math.floor(options.issues / 20));
      await createIssues(client, 0, warmup, options.concurrency);
      const seconds = await createIssues(client, warmup, options.issues, options.concurrency);
      const timed = options.issues - warmup;
      const afterGc = collectGarbage();
      const mem = process.memoryUsage();
      const memory: MemoryFigure = {
        rssMB: round(mem.rss / MB),
        heapUsedMB: round(mem.heapUsed / MB),
        heapTotalMB: round(mem.heapTotal / MB),
        externalMB: round(mem.external / MB),
        rssGrowthMB: round((mem.rss - before.rss) / MB),
        heapGrowthMB: round((mem.heapUsed - before.heapUsed) / MB),
        afterGc,
      };
      const searches: SearchFigure[] = [];
      for (const jql of SEARCHES) {
        options.log(`${storage}: searching ${jql}`);
        searches.push(await timeSearch(client, jql, options.searchRepetitions, options.searchBudgetMs));
      }
      return { storage, issues: options.issues, creates: { count: timed, seconds: round(seconds), perSecond: round(timed / seconds) }, searches, memory };
    } finally {
      client.close();
    }
  } finally {
    await site.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

export async function runJiraBench(opts: JiraBenchOptions = {}): Promise<JiraBenchFigures> {
  const options = {
    issues: opts.issues ?? 10_000,
    concurrency: opts.concurrency ?? 4,
    searchRepetitions: opts.searchRepetitions ?? 200,
    searchBudgetMs: opts.searchBudgetMs ?? 5000,
    log: opts.log ?? ((): void => undefined),
  };
  if (!Number.isInteger(options.issues) || options.issues < 1) throw new Error(`issues must be a positive integer, got ${options.issues}`);
  const sites: SiteBenchFigures[] = [];
  for (const storage of opts.storages ?? (['memory', 'file'] as const)) sites.push(await benchSite(storage, options));
  return { node: process.version, sites };
}

export function formatJiraBench(figures: JiraBenchFigures): string {
  const lines: string[] = [`Emulated Jira site over HTTP (node ${figures.node})`, ''];
  lines.push('| storage | issues | creates/s | timed creates (s) | RSS MB | heap used MB | RSS growth MB | heap growth MB |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of figures.sites) {
    lines.push(`| ${s.storage} | ${s.issues} | ${s.creates.perSecond} | ${s.creates.count} in ${s.creates.seconds} | ${s.memory.rssMB} | ${s.memory.heapUsedMB} | ${s.memory.rssGrowthMB} | ${s.memory.heapGrowthMB}${s.memory.afterGc ? '' : ' (no GC)'} |`);
  }
  lines.push('', '| storage | JQL | hits | requests | searches/s | mean ms |', '|---|---|---:|---:|---:|---:|');
  for (const s of figures.sites) {
    for (const q of s.searches) lines.push(`| ${s.storage} | \`${q.jql}\` | ${q.hits} | ${q.requests} | ${q.perSecond} | ${q.meanMs} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const arg = process.argv[2];
  const issues = arg === undefined ? undefined : Number(arg);
  runJiraBench({ ...(issues === undefined ? {} : { issues }), log: (line) => console.error(line) })
    .then((figures) => console.log(formatJiraBench(figures)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
