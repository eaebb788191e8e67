import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { prng } from '../../src/sync/testing/world';
import { withoutAttribution } from '../../src/sync/parts/comments/comment-attribution';
import { AdfDocSchema } from '../../src/model/replica';
import { JiraClient, textOf, type SearchedIssue } from './jira-client';
import { freePortBase, SandboxProcess, type Ready } from './sandbox-process';

/**
 * The crash harness (issue 11): `npm start -- --data DIR` in a child process, a burst of creates
 * (with comments and edits) from several clients on the internal site, the sandbox SIGKILLed at a
 * chosen or random moment, restarted on the same folder, then its clock driven (`/_sandbox/advance`)
 * until everything has settled, at most a little more than one sweeper interval. Then the
 * invariants: every INT issue of the round has exactly one twin, both keys are written back, the
 * synced fields and comments are equal.
 */

/** when a round's kill comes */
export type KillPoint =
  /** once this many creates of the round have been answered (mid-burst) */
  | { kind: 'after-creates'; count: number }
  /** this long after the burst's last create (syncs and sync backs in flight) */
  | { kind: 'after-burst'; delayMs: number }
  /** a seeded random point: after 5..95 creates, plus 0..300 ms */
  | { kind: 'random'; seed: number };

export interface RoundPlan {
  kill: KillPoint;
}

export interface RoundReport {
  round: number;
  label: string;
  kill: string;
  /** creates answered before the kill, answered in all (before and after), and found in the source project */
  createdBeforeKill: number;
  answered: number;
  created: number;
  missingTwins: string[];
  duplicateTwins: string[];
  missingKeys: string[];
  unequal: string[];
  /** platform time from the restart until every invariant held (null: not within the limit) */
  recoveryMs: number | null;
  /** platform time from the restart until nothing was pending any more (retries waiting out their delay included) */
  settledMs: number | null;
  /** wall-clock time from the restart to the end of the round */
  wallMs: number;
}

export interface HarnessOptions {
  rounds: RoundPlan[];
  /** creates per round (default 100) and clients creating at once (default 5) */
  creates?: number;
  clients?: number;
  /** platform time the harness may advance after a restart before it gives up (default 15 min) */
  recoveryLimitMs?: number;
  log?: (line: string) => void;
}

export const SWEEPER_INTERVAL_MS = 5 * 60_000;
const STEP_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Platform {
  constructor(private readonly ready: Ready) {}

  async idle(): Promise<boolean> {
    const res = await fetch(`${this.ready.internal.url}/_sandbox/idle`);
    return z.object({ idle: z.boolean() }).parse(await res.json()).idle;
  }

  async advance(ms: number): Promise<number> {
    const res = await fetch(`${this.ready.internal.url}/_sandbox/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
    if (!res.ok) throw new Error(`/_sandbox/advance answered ${res.status}: ${await res.text()}`);
    return z.object({ now: z.number() }).parse(await res.json()).now;
  }

  async pending(): Promise<number> {
    const res = await fetch(`${this.ready.internal.url}/_sandbox/idle`);
    return z.object({ pending: z.number() }).parse(await res.json()).pending;
  }

  /** an admin resolver of one site's installation, through the sandbox's resolver bridge */
  async admin(site: 'internal' | 'external', functionKey: string, payload: unknown): Promise<unknown> {
    const res = await fetch(`${this.ready[site].url}/_sandbox/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moduleKey: 'twin-sync-admin', functionKey, payload }) });
    return z.object({ result: z.unknown() }).parse(await res.json()).result;
  }

  /** what is left when a round did not settle: pending work, errors and the latest activity of both sites */
  async diagnose(log: (line: string) => void): Promise<void> {
    log(`  pending: ${JSON.stringify(await (await fetch(`${this.ready.internal.url}/_sandbox/idle?detail`)).json())}`);
    for (const site of ['internal', 'external'] as const) {
      log(`  ${site} errors: ${JSON.stringify(await this.admin(site, 'listErrors', {})).slice(0, 2000)}`);
      const activity = z.array(z.looseObject({ at: z.string(), type: z.string(), issueKey: z.string().nullable(), outcome: z.string(), message: z.string() })).safeParse(await this.admin(site, 'listActivity', { limit: 40 }));
      for (const a of activity.success ? activity.data : []) log(`  ${site} ${a.at} ${a.type} ${a.issueKey ?? '-'} ${a.outcome}: ${a.message.slice(0, 200)}`);
    }
  }

  /** idle, polled for up to `ms` of wall-clock time */
  async idleWithin(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await this.idle()) return true;
      if (Date.now() > until) return false;
      await sleep(50);
    }
  }
}

/** The load of one round: `creates` issues from `clients` clients, every 4th with a comment, every 6th edited. */
class Burst {
  answered = 0;
  private next = 0;
  stopped = false;

  constructor(private readonly label: string, private readonly creates: number) {}

  async run(client: JiraClient, clients: number, onAnswer: () => void): Promise<void> {
    const worker = async () => {
      while (!this.stopped && this.next < this.creates) {
        const n = this.next;
        this.next += 1;
        try {
          const issue = await client.createIssue('INT', `${this.label} issue ${n}`, [this.label]);
          this.answered += 1;
          onAnswer();
          if (n % 4 === 0) await client.comment(issue.key, `${this.label} comment on ${n}`);
          if (n % 6 === 0) await client.editSummary(issue.key, `${this.label} issue ${n} (edited)`);
        } catch (error) {
          if (this.stopped) return;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, () => worker()));
  }

  /** the creates not even started yet are left for after the restart */
  remaining(): number {
    return this.creates - this.next;
  }
}

interface Invariants {
  ok: boolean;
  missingTwins: string[];
  duplicateTwins: string[];
  missingKeys: string[];
  unequal: string[];
  created: number;
}

function originOf(issue: SearchedIssue): string | null {
  const parsed = z.object({ remoteIssueId: z.string() }).safeParse(issue.properties?.['twinSync.origin']);
  return parsed.success ? parsed.data.remoteIssueId : null;
}

function comments(issue: SearchedIssue): string[] {
  const parsed = z.object({ comments: z.array(z.looseObject({ body: z.unknown() })) }).safeParse(issue.fields['comment']);
  // a copy's attribution line ("… on internal wrote:") is the receiving site's own: compared away
  return parsed.success ? parsed.data.comments.map((c) => { const doc = AdfDocSchema.safeParse(c.body); return textOf(doc.success ? withoutAttribution(doc.data) : c.body); }).sort() : [];
}

async function checkInvariants(int: JiraClient, ext: JiraClient, label: string, keyFields: { int: string; ext: string }): Promise<Invariants> {
  const fields = ['summary', 'labels', 'description', 'comment'];
  const sources = await int.search(`labels = "${label}"`, [...fields, keyFields.int]);
  const twins = await ext.search(`labels = "${label}"`, [...fields, keyFields.ext]);
  const byOrigin = new Map<string, SearchedIssue[]>();
  for (const twin of twins) {
    const origin = originOf(twin) ?? `none:${twin.key}`;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), twin]);
  }
  const out: Invariants = { ok: true, missingTwins: [], duplicateTwins: [], missingKeys: [], unequal: [], created: sources.length };
  for (const source of sources) {
    const found = byOrigin.get(source.id) ?? [];
    byOrigin.delete(source.id);
    if (found.length === 0) { out.missingTwins.push(source.key); continue; }
    if (found.length > 1) { out.duplicateTwins.push(`${source.key} (${found.map((t) => t.key).join(', ')})`); continue; }
    const twin = found[0] as SearchedIssue;
    if (source.fields[keyFields.int] !== twin.key) out.missingKeys.push(`${source.key} (has ${JSON.stringify(source.fields[keyFields.int] ?? null)}, twin ${twin.key})`);
    if (twin.fields[keyFields.ext] !== source.key) out.missingKeys.push(`${twin.key} (has ${JSON.stringify(twin.fields[keyFields.ext] ?? null)}, twin of ${source.key})`);
    const view = (i: SearchedIssue) => JSON.stringify([i.fields['summary'], i.fields['labels'], textOf(i.fields['description']), comments(i)]);
    if (view(source) !== view(twin)) out.unequal.push(`${source.key} ${view(source)} ≠ ${twin.key} ${view(twin)}`);
  }
  // twins of nothing in this round (a twin of a twin, or of an issue that does not exist)
  for (const [origin, rest] of byOrigin) out.duplicateTwins.push(`${rest.map((t) => t.key).join(', ')} (origin ${origin})`);
  out.ok = out.missingTwins.length + out.duplicateTwins.length + out.missingKeys.length + out.unequal.length === 0;
  return out;
}

function describe(kill: KillPoint): string {
  switch (kill.kind) {
    case 'after-creates': return `after ${kill.count} creates`;
    case 'after-burst': return `${kill.delayMs} ms after the burst`;
    case 'random': return `random (seed ${kill.seed})`;
  }
}

export async function runCrashHarness(opts: HarnessOptions): Promise<RoundReport[]> {
  const log = opts.log ?? (() => undefined);
  const creates = opts.creates ?? 100;
  const clients = opts.clients ?? 5;
  const limit = opts.recoveryLimitMs ?? 15 * 60_000;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'twin-sync-crash-'));
  const portBase = await freePortBase();
  const sandbox = new SandboxProcess(dataDir, portBase, (line) => log(`  sandbox: ${line}`));
  const reports: RoundReport[] = [];
  try {
    let ready = await sandbox.start();
    const keyFields = { int: await new JiraClient(ready.internal).fieldId('Remote issue key'), ext: await new JiraClient(ready.external).fieldId('Remote issue key') };
    for (const [index, plan] of opts.rounds.entries()) {
      const label = `crash-r${index + 1}-${Date.now().toString(36)}`;
      const int = new JiraClient(ready.internal);
      const burst = new Burst(label, creates);
      // the kill point as a number of creates answered and a delay after it
      const random = plan.kill.kind === 'random' ? prng(plan.kill.seed) : null;
      const killAfter = plan.kill.kind === 'after-creates' ? plan.kill.count : plan.kill.kind === 'random' && random ? 5 + Math.floor(random() * 91) : creates;
      const killDelay = plan.kill.kind === 'after-burst' ? plan.kill.delayMs : random ? Math.floor(random() * 300) : 0;
      let killed: Promise<void> | null = null;
      const kill = () => {
        killed ??= (async () => {
          if (killDelay > 0) await sleep(killDelay);
          burst.stopped = true;
          await sandbox.kill();
        })();
      };
      log(`round ${index + 1}: ${creates} creates from ${clients} clients, kill ${describe(plan.kill)}`);
      await burst.run(int, clients, () => { if (burst.answered >= killAfter) kill(); }).catch((error: unknown) => {
        if (!burst.stopped) throw error;
      });
      kill();
      await killed;
      const createdBeforeKill = burst.answered;
      log(`  killed after ${createdBeforeKill} creates; restarting`);
      ready = await sandbox.start();
      const platform = new Platform(ready);
      const restartAt = await platform.advance(0);
      const wallStart = Date.now();
      // the creates the kill cut off, after the restart
      const rest = new Burst(label, burst.remaining());
      await rest.run(new JiraClient(ready.internal), clients, () => undefined);
      // recovered: the first moment every invariant holds; settled: nothing pending any more
      let recoveredAt: number | null = null;
      let settledAt: number | null = null;
      let last: Invariants | null = null;
      let now = restartAt;
      for (;;) {
        const idle = await platform.idleWithin(1_500);
        if (recoveredAt === null) {
          last = await checkInvariants(new JiraClient(ready.internal), new JiraClient(ready.external), label, keyFields);
          if (last.ok) recoveredAt = now;
        }
        if (idle && recoveredAt !== null) { settledAt = now; break; }
        if (now - restartAt >= limit) break;
        now = await platform.advance(STEP_MS);
      }
      if (!last) last = await checkInvariants(new JiraClient(ready.internal), new JiraClient(ready.external), label, keyFields);
      if (recoveredAt === null || settledAt === null) await platform.diagnose(log);
      const report: RoundReport = {
        round: index + 1, label, kill: describe(plan.kill), createdBeforeKill, answered: createdBeforeKill + rest.answered, created: last.created,
        missingTwins: last.missingTwins, duplicateTwins: last.duplicateTwins, missingKeys: last.missingKeys, unequal: last.unequal,
        recoveryMs: recoveredAt === null ? null : recoveredAt - restartAt, settledMs: settledAt === null ? null : settledAt - restartAt, wallMs: Date.now() - wallStart,
      };
      log(`  ${JSON.stringify({ ...report, unequal: report.unequal.slice(0, 3) })}`);
      reports.push(report);
    }
    await sandbox.stop();
  } finally {
    await sandbox.kill();
    // CRASH_KEEP=1 keeps the data folder for a look (npm start -- --data DIR)
    if (process.env.CRASH_KEEP === '1') log(`data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return reports;
}

/** the rounds CI runs: mid-burst, just after the burst, and a seeded random moment */
export const CI_ROUNDS: RoundPlan[] = process.env.CRASH_ROUND !== undefined ? [[
  { kill: { kind: 'after-creates', count: 40 } },
  { kill: { kind: 'after-burst', delayMs: 150 } },
  { kill: { kind: 'random', seed: 20261201 } },
][Number(process.env.CRASH_ROUND)] as RoundPlan] : [
  { kill: { kind: 'after-creates', count: 40 } },
  { kill: { kind: 'after-burst', delayMs: 150 } },
  { kill: { kind: 'random', seed: 20261201 } },
];

/** `npx tsx test/crash/harness.ts [--rounds N] [--creates N]`: the CI rounds, or N random rounds (the soak) */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const roundsArg = arg('--rounds');
  const rounds: RoundPlan[] = roundsArg === undefined ? CI_ROUNDS : Array.from({ length: Number(roundsArg) }, (_, i) => ({ kill: { kind: 'random' as const, seed: Date.now() + i } }));
  const createsArg = arg('--creates');
  const reports = await runCrashHarness({ rounds, ...(createsArg !== undefined ? { creates: Number(createsArg) } : {}), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  const failed = reports.filter((r) => r.recoveryMs === null || r.settledMs === null);
  if (failed.length > 0) process.exitCode = 1;
}

if (require.main === module) void main(process.argv.slice(2));
