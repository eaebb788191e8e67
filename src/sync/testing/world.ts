import { BuiltinRulesProvider } from '../../rules/builtin/provider';
import type { IdSource } from '../../ports/ids';
import type { RulesProvider } from '../../ports/rules-provider';
import type { RetryPolicy } from '../errors';
import type { TransportRequest, TransportResponse } from '../../ports/transport';
import { acceptInvitation, createInvitation, updateConnection } from '../connections';
import { DEFAULT_SETTINGS, type EngineDeps } from '../deps';
import { handleInbox, type InboxRequest } from '../inbox';
import type { QueueEvent } from '../../model/queue-event';
import { handleIssueEvent } from '../trigger';
import { handleQueueEvent } from '../worker';
import { sweep } from '../sweeper';
import { MemoryJira, type JiraEventOut } from './memory-jira';
import { MemoryStore } from './memory-store';
import { JiraError } from '../../ports/jira';

type PortName = 'store' | 'jira' | 'queue' | 'transport';

/** What a port of a dead invocation throws: the process is gone. */
export class InvocationDied extends Error {
  constructor() {
    super('the invocation died (simulated crash)');
  }
}

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
  /**
   * Before any call of an invocation to storage, Jira, the queue or the network, the invocation dies
   * (the process killed): it makes no call after that, its catch and finally blocks reach nothing.
   * What the platform does then is what Forge promises: a queue event is delivered again, a product
   * event's trigger is retried (at most four times), a web trigger's caller sees its request time
   * out, a scheduled run is not retried.
   */
  crashRate?: number;
  /** a product event never reaches the trigger (harsher than Forge's at-least-once: the app must not need it) */
  lostEventRate?: number;
  /** quiesce() runs the sweeper too, five minutes apart, until a run finds nothing to do */
  sweeper?: boolean;
  /** rules per site (default: the built-in rules) */
  rules?: { a?: RulesProvider; b?: RulesProvider };
  /**
   * More sites beside a and b (three or more sites, issue 16): each with its own project, its scope
   * that project once connected (`connectAll`). A twin creation there may fail like b's.
   */
  moreSites?: { name: string; project: string }[];
  /** retry policy (default: practically unlimited attempts, short delays) */
  retry?: RetryPolicy;
}

type Work =
  | { kind: 'queue'; site: WorldSite; event: QueueEvent; notBefore: number }
  | { kind: 'trigger'; site: WorldSite; event: JiraEventOut; retries: number }
  | { kind: 'deliver'; site: WorldSite; request: InboxRequest };

export interface WorldSite {
  name: string;
  jira: MemoryJira;
  store: MemoryStore;
  deps: EngineDeps;
}

/**
 * Two sites (or more: `moreSites`) running the real engine over in-memory ports, with a scheduler that delays, reorders,
 * duplicates and fails deliveries at random (seeded). Site `a` is "internal" (project INT, scope
 * `project = INT`), site `b` is "external" (project CLOUD).
 */
export class World {
  readonly clock = { t: Date.parse('2026-03-01T00:00:00.000Z'), now: () => this.clock.t };
  readonly rng: () => number;
  readonly a: WorldSite;
  readonly b: WorldSite;
  /** every site: a, b, then the more sites in their order */
  readonly sites: WorldSite[];
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
    const more = (options.moreSites ?? []).map((m, i) => this.site(m.name, `cloud-${String.fromCharCode(99 + i)}`, [m.project], undefined));
    this.sites = [this.a, this.b, ...more];
    for (const site of [this.b, ...more]) {
      site.jira.afterCall = (name) => {
        if (name === 'createIssue' && this.faultsOn && this.rng() < this.options.crashAfterCreateRate) {
          this.faults += 1;
          throw new JiraError('consumer died after creating the twin (simulated)', 0);
        }
      };
    }
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
    jira.beforeUserAction = () => { this.clock.t += 1; };
    jira.onEvent((event) => {
      if (this.lostNext.delete(site)) return;
      if (this.faultsOn && this.rng() < (this.options.lostEventRate ?? 0)) {
        this.faults += 1;
        return;
      }
      this.work.push({ kind: 'trigger', site, event, retries: 0 });
    });
    return site;
  }

  /** crashes injected (counted in `faults` too) */
  crashes = 0;

  /**
   * One invocation's view of a site: its ports die together once a crash is drawn, so nothing the
   * invocation does afterwards (its error handling included) reaches storage, Jira, the queue or the
   * network.
   */
  private invocation(site: WorldSite): { deps: EngineDeps; crashed: () => boolean } {
    let dead = false;
    const rate = this.options.crashRate ?? 0;
    const wrap = <T extends object>(port: T, portName: PortName): T => new Proxy(port, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const armed = this.killPoints.findIndex((k) => k.site === site && k.port === portName && k.method === prop);
          if (!dead && armed >= 0) {
            this.killPoints.splice(armed, 1);
            dead = true;
            this.crashes += 1;
          }
          if (!dead && this.faultsOn && rate > 0 && this.rng() < rate) {
            dead = true;
            this.crashes += 1;
            this.faults += 1;
          }
          if (dead) throw new InvocationDied();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const deps: EngineDeps = { ...site.deps, store: wrap(site.deps.store, 'store'), jira: wrap(site.deps.jira, 'jira'), queue: wrap(site.deps.queue, 'queue'), transport: wrap(site.deps.transport, 'transport') };
    return { deps, crashed: () => dead };
  }

  private killPoints: { site: WorldSite; port: PortName; method: string }[] = [];

  /** the next invocation on `site` to call `port.method` dies just before the call (a fixed kill point) */
  killBefore(site: WorldSite, port: PortName, method: string): void {
    this.killPoints.push({ site, port, method });
  }

  /** the next product event of `site` never reaches its trigger */
  loseNextEvent(site: WorldSite): void {
    this.lostNext.add(site);
  }

  private lostNext = new Set<WorldSite>();

  private target(url: string): WorldSite {
    const site = this.sites.find((s) => url === `https://${s.name}.test/inbox`);
    if (!site) throw new Error(`no site at ${url}`);
    return site;
  }

  /** the site of this name */
  siteNamed(name: string): WorldSite {
    const site = this.sites.find((s) => s.name === name);
    if (!site) throw new Error(`no site ${name}`);
    return site;
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
    const receiving = this.invocation(target);
    let response: Awaited<ReturnType<typeof handleInbox>>;
    try {
      response = await handleInbox(receiving.deps, inbox);
    } catch (error) {
      // the receiving invocation died: the sender's request times out
      if (receiving.crashed()) throw new Error('timed out (simulated): the receiving invocation died');
      throw error;
    }
    if (receiving.crashed()) throw new Error('timed out (simulated): the receiving invocation died');
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

  /**
   * Connects two sites (`from` invites, `to` accepts), each side's scope its own project; returns
   * the connection's id (the same on both sides).
   */
  async connectPair(from: WorldSite, to: WorldSite): Promise<string> {
    this.faultsOn = false;
    const scope = (site: WorldSite) => `project = ${site.jira.projects[0] ?? 'NONE'}`;
    const invitation = await createInvitation(from.deps, `${from.name}-${to.name}`);
    await acceptInvitation(to.deps, invitation.code, scope(to));
    await updateConnection(from.deps, { id: invitation.connectionId, scopeJql: scope(from) });
    this.faultsOn = true;
    return invitation.connectionId;
  }

  /** Connects every pair of sites (`mesh`), or the first site with each of the others (`hub`). */
  async connectAll(topology: 'mesh' | 'hub'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < this.sites.length; i++) {
      for (let j = i + 1; j < this.sites.length; j++) {
        if (topology === 'hub' && i !== 0) continue;
        const from = this.sites[i];
        const to = this.sites[j];
        if (from && to) ids.push(await this.connectPair(from, to));
      }
    }
    return ids;
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
    const run = this.invocation(item.site);
    try {
      if (item.kind === 'trigger') {
        await handleIssueEvent(run.deps, item.event, () => ['Remote issue key']);
      } else if (item.kind === 'deliver') {
        await handleInbox(run.deps, item.request);
      } else {
        if (this.faultsOn && this.rng() < this.options.duplicateRate) this.work.push({ ...item });
        await handleQueueEvent(run.deps, item.event);
      }
    } catch (error) {
      if (!run.crashed()) throw error;
    }
    if (run.crashed()) {
      // what the platform does with an invocation that died
      if (item.kind === 'queue') this.work.push({ ...item, notBefore: this.clock.t + 60_000 });
      else if (item.kind === 'trigger' && item.retries < 4) this.work.push({ ...item, retries: item.retries + 1 });
    }
    return true;
  }

  /** One scheduled sweeper run on each site (an invocation of its own that may die too). */
  async sweepAll(): Promise<void> {
    for (const site of this.sites) {
      const run = this.invocation(site);
      try {
        await sweep(run.deps);
      } catch (error) {
        if (!run.crashed()) throw error;
      }
    }
  }

  async runSome(steps: number): Promise<void> {
    for (let i = 0; i < steps && (await this.step()); i += 1);
  }

  /** Stops injecting faults and runs until nothing is left; throws if that takes unreasonably long. */
  async quiesce(maxSteps = 20000): Promise<number> {
    this.faultsOn = false;
    let steps = 0;
    const drain = async () => {
      while (await this.step()) {
        steps += 1;
        if (steps > maxSteps) throw new Error(`no quiescence after ${maxSteps} steps (${this.work.length} items pending)`);
      }
    };
    await drain();
    // the sweeper's runs, five minutes apart, until one finds nothing to do
    for (let round = 0; this.options.sweeper === true; round += 1) {
      if (round > 20) throw new Error('the sweeper still finds work after 20 runs');
      this.clock.t += 5 * 60_000;
      await this.sweepAll();
      if (this.work.length === 0) break;
      this.sweeps += 1;
      await drain();
    }
    return steps;
  }

  /** sweeper runs that found work while quiescing */
  sweeps = 0;
}
