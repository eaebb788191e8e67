import { kvsKeyReads, kvsKeyReadsNeedAnswer, kvsRequestCost } from '../kvs-api';
import type { ForgeFetchInit, ForgeFetchTarget } from '../runtime-context';
import { LIMIT_SOURCES, type EventLimits, type ForgeLimits } from './forge-limits';
import { KvsQuota, type KvsRefusal } from './kvs-quota';
import { SlidingWindow } from './windows';

/**
 * The quotas of ONE installation, in front of its `__forge_fetch__` services: a request over a
 * quota is answered here, as Forge answers it, and never reaches the installation (nothing is
 * written). What passes goes on to the installation unchanged.
 *
 * KVS (`{type: 'kvs'}`): limits/kvs-quota.ts.
 *
 * Async events (stargate `/webhook/queue/publish/`), https://developer.atlassian.com/platform/forge/limits-async-events:
 * - "Event per minute 500" → 429, which @forge/events turns into RateLimitError (out/validators.js
 *   `validateAPIResponse`); the window slides (the page does not say: harsher). A push is all or nothing.
 * - "Cyclic invocation limit 1000" push requests per chain (an initial invocation and every consumer
 *   downstream of it) → 405, which @forge/events turns into InvocationLimitReachedError. Every push
 *   request of the chain counts, refused ones too (harsher).
 * - "Payload size for long running functions 100 KB: maximum size of an individual event", for a
 *   consumer whose timeoutSeconds is over 55 → 413 `{errorMessage}`, which @forge/events turns into
 *   PayloadTooBigError (the page names no error: the same answer as for the 200 KB push limit).
 * Events per push (50), payload per push (200 KB) and delayInSeconds (900) are checked by the queue
 * itself (async-queue.ts), after @forge/events has checked them before sending.
 */

export interface GateContext {
  chain: string;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const kvsRefusal = (r: KvsRefusal): Response => json(r.status, { code: r.code, message: r.message });

/** a limit refused a request: `limit` is "kvs.<field>" or "events.<field>" of ForgeLimits */
export type RefusalListener = (limit: string, message: string) => void;

/** how many chains the gate remembers (oldest forgotten first) */
const CHAINS_REMEMBERED = 100_000;

export class InstallationGate {
  readonly kvs: KvsQuota;
  private readonly events: SlidingWindow;
  private readonly chains = new Map<string, number>();
  private readonly eventLimits: EventLimits;

  /**
   * `longRunningQueues`: queues whose consumer function sets timeoutSeconds over 55
   * (limits-async-events: the 100 KB per event limit applies to them).
   */
  constructor(limits: ForgeLimits, private readonly longRunningQueues: ReadonlySet<string>, private readonly now: () => number, private readonly refused: RefusalListener = () => undefined) {
    this.kvs = new KvsQuota(limits.kvs);
    this.eventLimits = limits.events;
    this.events = new SlidingWindow(60_000, limits.events.eventsPerMinute);
  }

  /** push requests counted for a chain so far */
  chainPushes(chain: string): number {
    return this.chains.get(chain) ?? 0;
  }

  /** events pushed in the last minute */
  eventsLastMinute(): number {
    return this.events.used(this.now());
  }

  async forgeFetch(ctx: GateContext, target: ForgeFetchTarget, path: string, init: ForgeFetchInit | undefined, next: () => Promise<Response>): Promise<Response> {
    if (target.type === 'kvs') return this.kvsRequest(path, init, next);
    if (target.type === 'fpp' && target.remote === 'stargate' && path.startsWith('/webhook/queue/publish/')) return this.publish(ctx, init, next);
    return next();
  }

  private async kvsRequest(path: string, init: ForgeFetchInit | undefined, next: () => Promise<Response>): Promise<Response> {
    const cost = kvsRequestCost(path, init);
    const refusal = this.kvs.admit(cost, this.now());
    if (refusal) return this.kvsRefused(refusal);
    let res = await next();
    // a read is charged whatever it answered (a missing key, 404, was still read)
    if (cost.access !== 'read') return res;
    const length = res.headers.get('content-length');
    let text: string | undefined;
    if (length === null || kvsKeyReadsNeedAnswer(path)) {
      // reading the answer consumes it: hand on a copy (cheaper than Response.clone)
      text = await res.text();
      res = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    const bytes = text !== undefined ? Buffer.byteLength(text) : Number(length);
    const late = this.kvs.settleRead(cost, bytes, kvsKeyReads(path, init, bytes, text), this.now());
    return late ? this.kvsRefused(late) : res;
  }

  private kvsRefused(r: KvsRefusal): Response {
    this.refused(`kvs.${r.limit}`, r.message);
    return kvsRefusal(r);
  }

  private countPush(chain: string): number {
    const n = (this.chains.get(chain) ?? 0) + 1;
    this.chains.delete(chain);
    this.chains.set(chain, n);
    if (this.chains.size > CHAINS_REMEMBERED) {
      const oldest = this.chains.keys().next();
      if (!oldest.done) this.chains.delete(oldest.value);
    }
    return n;
  }

  private async publish(ctx: GateContext, init: ForgeFetchInit | undefined, next: () => Promise<Response>): Promise<Response> {
    const l = this.eventLimits;
    const pushes = this.countPush(ctx.chain);
    if (pushes > l.pushesPerChain) {
      const message = `The limit on cyclic invocation has been reached: ${l.pushesPerChain} push requests from one initial invocation and its consumers (${LIMIT_SOURCES.events}).`;
      this.refused('events.pushesPerChain', message);
      return json(405, { message });
    }
    let body: unknown;
    try {
      body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    } catch {
      return next(); // the queue answers the malformed request
    }
    const queueName = body !== null && typeof body === 'object' && 'queueName' in body ? body.queueName : undefined;
    const payload: unknown[] = body !== null && typeof body === 'object' && 'payload' in body && Array.isArray(body.payload) ? body.payload : [];
    if (typeof queueName === 'string' && this.longRunningQueues.has(queueName)) {
      for (const ev of payload) {
        const bytes = Buffer.byteLength(JSON.stringify(ev) ?? '');
        if (bytes > l.longRunningEventBytes) {
          const message = `An event of ${bytes} bytes is over the ${l.longRunningEventBytes / 1024}KB allowed for each event of a long running consumer (${LIMIT_SOURCES.events}).`;
          this.refused('events.longRunningEventBytes', message);
          return json(413, { errorMessage: message, message });
        }
      }
    }
    if (!this.events.fits(this.now(), payload.length)) {
      const message = `Too many requests: more than ${l.eventsPerMinute} events pushed in one minute on this installation (${LIMIT_SOURCES.events}).`;
      this.refused('events.eventsPerMinute', message);
      return json(429, { message });
    }
    const res = await next();
    if (res.status === 201) this.events.take(this.now(), payload.length);
    else if (res.status === 413) this.refused('events.push', `the queue refused a push with 413 (${l.maxEventsPerPush} events / ${l.maxPushBytes} bytes)`);
    return res;
  }
}
