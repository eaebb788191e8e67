import { BuiltinRulesProvider } from '../../rules/builtin/provider';
import type { IdSource } from '../../ports/ids';
import type { RulesProvider } from '../../ports/rules-provider';
import type { RetryPolicy } from '../errors';
import type { TransportRequest, TransportResponse } from '../../ports/transport';
import { acceptInvitation, createInvitation, updateConnection } from '../connections';
import { DEFAULT_SETTINGS, type EngineDeps } from '../deps';
import { handleInbox, type InboxRequest } from '../inbox';
import type { QueueEvent } from '../queue-event';
import { handleIssueEvent } from '../trigger';
import { handleQueueEvent } from '../worker';
import { MemoryJira, type JiraEventOut } from './memory-jira';
import { MemoryStore } from './memory-store';
import { JiraError } from '../../ports/jira';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededIds(rng: () => number): IdSource {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  return {
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    token: () => Buffer.from(hex(64), 'hex').toString('base64url'),
  };
}

export interface WorldOptions {
  seed: number;
  /** transport fails before delivery / after delivery (answer lost) */
  failureRate: number;
  /** a message is delivered later (reordering); its sender timed out waiting */
  delayRate: number;
  /** a delivered request is replayed later, a queue event is delivered twice */
  duplicateRate: number;
  /** createIssue on the receiving side fails after creating (the consumer "dies" before linking) */
  crashAfterCreateRate: number;
  /** rules per site (default: the built-in rules) */
  rules?: { a?: RulesProvider; b?: RulesProvider };
  /** retry policy (default: practically unlimited attempts, short delays) */
  retry?: RetryPolicy;
}

type Work =
  | { kind: 'queue'; site: WorldSite; event: QueueEvent; notBefore: number }
  | { kind: 'trigger'; site: WorldSite; event: JiraEventOut }
  | { kind: 'deliver'; site: WorldSite; request: InboxRequest };

export interface WorldSite {
  name: string;
  jira: MemoryJira;
  store: MemoryStore;
  deps: EngineDeps;
}

/**
 * Two sites running the real engine over in-memory ports, with a scheduler that delays, reorders,
 * duplicates and fails deliveries at random (seeded). Site `a` is "internal" (project INT, scope
 * `project = INT`), site `b` is "external" (project CLOUD).
 */
export class World {
  readonly clock = { t: Date.parse('2026-03-01T00:00:00.000Z'), now: () => this.clock.t };
  readonly rng: () => number;
  readonly a: WorldSite;
  readonly b: WorldSite;
  private work: Work[] = [];
  /** replica/unlink posts attempted */
  posts = 0;
  /** failures injected */
  faults = 0;
  private faultsOn = true;

  constructor(readonly options: WorldOptions) {
    this.rng = prng(options.seed);
    this.a = this.site('internal', 'cloud-a', ['INT'], options.rules?.a);
    this.b = this.site('external', 'cloud-b', ['CLOUD'], options.rules?.b);
    this.b.jira.afterCall = (name) => {
      if (name === 'createIssue' && this.faultsOn && this.rng() < this.options.crashAfterCreateRate) {
        this.faults += 1;
        throw new JiraError('consumer died after creating the twin (simulated)', 0);
      }
    };
  }

  private site(name: string, cloudId: string, projects: string[], rules: RulesProvider | undefined): WorldSite {
    const store = new MemoryStore(this.clock);
    const jira = new MemoryJira(name, projects, this.clock);
    const deps: EngineDeps = {
      jira, store, clock: this.clock, ids: seededIds(this.rng),
      site: { cloudId, siteName: async () => name, inboxUrl: async () => `https://${name}.test/inbox` },
      rules: rules ?? new BuiltinRulesProvider(),
      settings: { ...DEFAULT_SETTINGS, retry: this.options.retry ?? { maxAttempts: 1000, baseDelaySeconds: 1, maxDelaySeconds: 60 } },
      queue: { push: async (events, options) => {
        for (const event of events) this.work.push({ kind: 'queue', site, event, notBefore: this.clock.t + (options?.delaySeconds ?? 0) * 1000 });
      } },
      transport: { post: (request) => this.post(request) },
    };
    const site: WorldSite = { name, jira, store, deps };
    jira.onEvent((event) => this.work.push({ kind: 'trigger', site, event }));
    return site;
  }

  private target(url: string): WorldSite {
    if (url === 'https://internal.test/inbox') return this.a;
    if (url === 'https://external.test/inbox') return this.b;
    throw new Error(`no site at ${url}`);
  }

  private async post(request: TransportRequest): Promise<TransportResponse> {
    const target = this.target(request.url);
    const inbox: InboxRequest = { method: 'POST', headers: request.headers, body: request.body };
    this.posts += 1;
    const r = this.faultsOn ? this.rng() : 1;
    if (r < this.options.failureRate) {
      this.faults += 1;
      throw new Error('network down (simulated)');
    }
    if (r < this.options.failureRate + this.options.delayRate) {
      // held up on the way: the sender's request times out (it tries again), and this one arrives later
      this.faults += 1;
      this.work.push({ kind: 'deliver', site: target, request: inbox });
      throw new Error('timed out (simulated); the request arrives later');
    }
    const response = await handleInbox(target.deps, inbox);
    if (this.faultsOn && this.rng() < this.options.duplicateRate) this.work.push({ kind: 'deliver', site: target, request: inbox });
    if (this.faultsOn && this.rng() < this.options.failureRate) {
      this.faults += 1;
      throw new Error('connection reset after delivery (simulated)');
    }
    return { status: response.status, headers: response.retryAfterSeconds !== undefined ? { 'retry-after': String(response.retryAfterSeconds) } : {}, body: JSON.stringify(response.body) };
  }

  async connect(): Promise<string> {
    this.faultsOn = false;
    const invitation = await createInvitation(this.a.deps, 'a-b');
    await acceptInvitation(this.b.deps, invitation.code);
    await updateConnection(this.a.deps, { id: invitation.connectionId, scopeJql: 'project = INT' });
    this.faultsOn = true;
    return invitation.connectionId;
  }

  get pending(): number {
    return this.work.length;
  }

  /** Runs one random piece of runnable work; false when there is none. */
  async step(): Promise<boolean> {
    if (this.work.length === 0) return false;
    this.clock.t += 1000;
    let runnable = this.work.filter((w) => w.kind !== 'queue' || w.notBefore <= this.clock.t);
    if (runnable.length === 0) {
      this.clock.t = Math.min(...this.work.map((w) => (w.kind === 'queue' ? w.notBefore : this.clock.t)));
      runnable = this.work.filter((w) => w.kind !== 'queue' || w.notBefore <= this.clock.t);
    }
    const item = runnable[Math.floor(this.rng() * runnable.length)];
    if (!item) return false;
    this.work.splice(this.work.indexOf(item), 1);
    if (item.kind === 'trigger') {
      await handleIssueEvent(item.site.deps, item.event, () => ['Remote issue key']);
    } else if (item.kind === 'deliver') {
      await handleInbox(item.site.deps, item.request);
    } else {
      if (this.faultsOn && this.rng() < this.options.duplicateRate) this.work.push({ ...item });
      await handleQueueEvent(item.site.deps, item.event);
    }
    return true;
  }

  async runSome(steps: number): Promise<void> {
    for (let i = 0; i < steps && (await this.step()); i += 1);
  }

  /** Stops injecting faults and runs until nothing is left; throws if that takes unreasonably long. */
  async quiesce(maxSteps = 20000): Promise<number> {
    this.faultsOn = false;
    let steps = 0;
    while (await this.step()) {
      steps += 1;
      if (steps > maxSteps) throw new Error(`no quiescence after ${maxSteps} steps (${this.work.length} items pending)`);
    }
    return steps;
  }
}
