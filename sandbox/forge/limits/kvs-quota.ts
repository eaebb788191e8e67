import { LIMIT_SOURCES, type KvsLimits } from './forge-limits';
import { KeyedSlidingWindows, SlidingWindow } from './windows';

/**
 * The operation limits of the Key-Value Store for ONE installation
 * (https://developer.atlassian.com/platform/forge/limits-kvs-ce, "Operation limits per installation"
 * and "Key and object size limits"): requests per second, read and write units per minute (a request
 * counts ceil(bytes / 10KB), at least 1), bytes per second per key and per query prefix, and batch
 * requests per minute (https://developer.atlassian.com/platform/forge/storage-reference/batchops).
 *
 * "Any request that exceeds a quota or limit will return a 429 status with an error code of
 * RATE_LIMIT_EXCEEDED" (https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-kvs);
 * a transaction over the limits fails "returning a TOO_MANY_REQUESTS error"
 * (https://developer.atlassian.com/platform/forge/storage-reference/transactions). No Retry-After header
 * is documented, and @forge/kvs reads none (out/utils/error-handling.js builds ForgeKvsAPIError from the
 * body alone), so none is sent.
 *
 * A write is charged when it is admitted, before it runs, so a refused write writes nothing. A read is
 * admitted when one unit is left and charged by the larger of its request and its answer once the
 * answer is known (a 404 for a missing key is a read too); an answer that does not fit is replaced by
 * the 429 (nothing is written by a read).
 * Every request, refused or not, counts towards the requests per second.
 */

/** what a KVS request costs, from its path and body (see kvs-api.ts `kvsRequestCost`) */
export interface KvsRequestCost {
  access: 'read' | 'write';
  /** one of the /api/v1/batch/* endpoints */
  batch: boolean;
  transaction: boolean;
  /** bytes of the request body */
  requestBytes: number;
  /** bytes each key receives (set: the value's JSON; delete: the key) */
  keyWrites: { key: string; bytes: number }[];
  /** the prefix of a query */
  queryPrefix?: string;
}

/** a refusal, as the KVS service answers it */
export interface KvsRefusal {
  /** the limit that refused (a KvsLimits field) */
  limit: keyof KvsLimits;
  status: 429;
  code: 'RATE_LIMIT_EXCEEDED' | 'TOO_MANY_REQUESTS';
  message: string;
}

const units = (bytes: number, unitBytes: number): number => Math.max(1, Math.ceil(bytes / unitBytes));

export class KvsQuota {
  private readonly requests: SlidingWindow;
  private readonly reads: SlidingWindow;
  private readonly writes: SlidingWindow;
  private readonly batches: SlidingWindow;
  private readonly keyWrites: KeyedSlidingWindows;
  private readonly keyReads: KeyedSlidingWindows;
  private readonly queries: KeyedSlidingWindows;

  constructor(private readonly limits: KvsLimits) {
    this.requests = new SlidingWindow(1000, limits.requestsPerSecond);
    this.reads = new SlidingWindow(60_000, limits.readUnitsPerMinute);
    this.writes = new SlidingWindow(60_000, limits.writeUnitsPerMinute);
    this.batches = new SlidingWindow(60_000, limits.batchOpsPerMinute);
    this.keyWrites = new KeyedSlidingWindows(1000, limits.keyWriteBytesPerSecond);
    this.keyReads = new KeyedSlidingWindows(1000, limits.keyReadBytesPerSecond);
    this.queries = new KeyedSlidingWindows(1000, limits.queryBytesPerSecond);
  }

  private refuse(cost: KvsRequestCost, limit: keyof KvsLimits, what: string): KvsRefusal {
    return {
      limit,
      status: 429,
      code: cost.transaction ? 'TOO_MANY_REQUESTS' : 'RATE_LIMIT_EXCEEDED',
      message: `Rate limit exceeded: ${what} (${LIMIT_SOURCES.kvs}).`,
    };
  }

  /** before the request runs: undefined to let it through (a write is charged now) */
  admit(cost: KvsRequestCost, now: number): KvsRefusal | undefined {
    const l = this.limits;
    const requestOk = this.requests.fits(now, 1);
    this.requests.take(now, 1);
    if (!requestOk) return this.refuse(cost, 'requestsPerSecond', `more than ${l.requestsPerSecond} storage requests in one second for this installation`);
    if (cost.batch && !this.batches.fits(now, 1)) return this.refuse(cost, 'batchOpsPerMinute', `more than ${l.batchOpsPerMinute} batch operations in one minute for this installation`);
    if (cost.access === 'write') {
      const u = units(cost.requestBytes, l.unitBytes);
      if (!this.writes.fits(now, u)) return this.refuse(cost, 'writeUnitsPerMinute', `the write of ${u} unit(s) of 10KB does not fit in the ${l.writeUnitsPerMinute} per minute of this installation`);
      for (const w of cost.keyWrites) {
        if (!this.keyWrites.fits(w.key, now, w.bytes)) return this.refuse(cost, 'keyWriteBytesPerSecond', `more than ${l.keyWriteBytesPerSecond} bytes written to key '${w.key}' in one second`);
      }
      this.writes.take(now, u);
      for (const w of cost.keyWrites) this.keyWrites.take(w.key, now, w.bytes);
    } else if (!this.reads.fits(now, 1)) {
      return this.refuse(cost, 'readUnitsPerMinute', `the ${l.readUnitsPerMinute} read units of 10KB per minute of this installation are used`);
    }
    if (cost.batch) this.batches.take(now, 1);
    return undefined;
  }

  /**
   * after a read ran: charge it by the larger of request and answer; a refusal replaces the answer.
   * `keyReads` are the bytes each key answered, `answerBytes` the whole answer.
   */
  settleRead(cost: KvsRequestCost, answerBytes: number, keyReads: { key: string; bytes: number }[], now: number): KvsRefusal | undefined {
    const l = this.limits;
    const u = units(Math.max(cost.requestBytes, answerBytes), l.unitBytes);
    if (!this.reads.fits(now, u)) return this.refuse(cost, 'readUnitsPerMinute', `the read of ${u} unit(s) of 10KB does not fit in the ${l.readUnitsPerMinute} per minute of this installation`);
    for (const r of keyReads) {
      if (!this.keyReads.fits(r.key, now, r.bytes)) return this.refuse(cost, 'keyReadBytesPerSecond', `more than ${l.keyReadBytesPerSecond} bytes read from key '${r.key}' in one second`);
    }
    const prefix = cost.queryPrefix;
    if (prefix !== undefined && !this.queries.fits(prefix, now, answerBytes)) {
      return this.refuse(cost, 'queryBytesPerSecond', `more than ${l.queryBytesPerSecond} bytes answered in one second to queries of prefix '${prefix}'`);
    }
    this.reads.take(now, u);
    for (const r of keyReads) this.keyReads.take(r.key, now, r.bytes);
    if (prefix !== undefined) this.queries.take(prefix, now, answerBytes);
    return undefined;
  }

  /** units used in the current windows (for tests and stats) */
  usage(now: number): { requestsLastSecond: number; readUnitsLastMinute: number; writeUnitsLastMinute: number; batchesLastMinute: number } {
    return {
      requestsLastSecond: this.requests.used(now),
      readUnitsLastMinute: this.reads.used(now),
      writeUnitsLastMinute: this.writes.used(now),
      batchesLastMinute: this.batches.used(now),
    };
  }
}
