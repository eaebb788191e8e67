import { FORGE_LIMITS, type KvsLimits } from './forge-limits';
import { KvsQuota, type KvsRequestCost } from './kvs-quota';

const write = (bytes: number, over: Partial<KvsRequestCost> = {}): KvsRequestCost => ({
  access: 'write', batch: false, transaction: false, requestBytes: bytes, keyWrites: [{ key: '\u0000k', bytes }], ...over,
});
const read = (over: Partial<KvsRequestCost> = {}): KvsRequestCost => ({ access: 'read', batch: false, transaction: false, requestBytes: 20, keyWrites: [], ...over });
const limits = (over: Partial<KvsLimits>): KvsLimits => ({ ...FORGE_LIMITS.kvs, ...over });

/**
 * https://developer.atlassian.com/platform/forge/limits-kvs-ce: each quota lets exactly its limit
 * through, refuses the next request with 429 RATE_LIMIT_EXCEEDED, and lets requests through again
 * once the window has passed.
 */
describe('KvsQuota', () => {
  it.each<[string, Partial<KvsLimits>, (q: KvsQuota, t: number) => ReturnType<KvsQuota['admit']>, number, number]>([
    ['requests per second', { requestsPerSecond: 3 }, (q, t) => q.admit(read(), t), 3, 1000],
    ['write units per minute (1 unit per write of 10KB or less)', { writeUnitsPerMinute: 3 }, (q, t) => q.admit(write(10_000), t), 3, 60_000],
    ['write units per minute (65KB counts 7)', { writeUnitsPerMinute: 14 }, (q, t) => q.admit(write(65_000, { keyWrites: [] }), t), 2, 60_000],
    ['batch operations per minute', { batchOpsPerMinute: 2 }, (q, t) => q.admit(write(10, { batch: true, keyWrites: [] }), t), 2, 60_000],
    ['bytes written per key per second', { keyWriteBytesPerSecond: 300 }, (q, t) => q.admit(write(100), t), 3, 1000],
    ['read units per minute', { readUnitsPerMinute: 2 }, (q, t) => q.admit(read(), t) ?? q.settleRead(read(), 30, [], t), 2, 60_000],
    ['bytes read per key per second', { keyReadBytesPerSecond: 200 }, (q, t) => q.admit(read(), t) ?? q.settleRead(read(), 100, [{ key: '\u0000k', bytes: 100 }], t), 2, 1000],
    ['bytes answered per query prefix per second', { queryBytesPerSecond: 1000 }, (q, t) => q.admit(read(), t) ?? q.settleRead(read({ queryPrefix: 'p:' }), 500, [], t), 2, 1000],
  ])('%s: refuses past the limit, then resets after the window', (_what, over, request, allowed, windowMs) => {
    const q = new KvsQuota(limits(over));
    const t0 = 1_000_000;
    for (let i = 0; i < allowed; i++) expect(request(q, t0)).toBeUndefined();
    expect(request(q, t0)).toEqual({ limit: expect.any(String), status: 429, code: 'RATE_LIMIT_EXCEEDED', message: expect.stringContaining('https://developer.atlassian.com/platform/forge/limits-kvs-ce') });
    expect(request(q, t0 + windowMs - 1)).toBeDefined();
    expect(request(q, t0 + windowMs)).toBeUndefined();
  });

  it('answers TOO_MANY_REQUESTS for a transaction over the write quota', () => {
    const q = new KvsQuota(limits({ writeUnitsPerMinute: 1 }));
    const tx = write(10, { transaction: true });
    expect(q.admit(tx, 0)).toBeUndefined();
    expect(q.admit(tx, 0)).toEqual(expect.objectContaining({ status: 429, code: 'TOO_MANY_REQUESTS' }));
  });

  it('charges a refused write nothing, so a smaller one still fits', () => {
    const q = new KvsQuota(limits({ writeUnitsPerMinute: 3 }));
    expect(q.admit(write(20_001, { keyWrites: [] }), 0)).toBeUndefined(); // 3 units
    expect(q.usage(0).writeUnitsLastMinute).toBe(3);
    const q2 = new KvsQuota(limits({ writeUnitsPerMinute: 3 }));
    expect(q2.admit(write(10_000, { keyWrites: [] }), 0)).toBeUndefined();
    expect(q2.admit(write(30_000, { keyWrites: [] }), 0)).toBeDefined();
    expect(q2.admit(write(20_000, { keyWrites: [] }), 0)).toBeUndefined();
    expect(q2.usage(0).writeUnitsLastMinute).toBe(3);
  });

  it('counts refused requests towards the requests per second', () => {
    const q = new KvsQuota(limits({ requestsPerSecond: 2, writeUnitsPerMinute: 0 }));
    expect(q.admit(write(1), 0)).toEqual(expect.objectContaining({ message: expect.stringContaining('write') }));
    expect(q.admit(write(1), 0)).toBeDefined();
    expect(q.usage(0).requestsLastSecond).toBe(2);
    expect(q.admit(read(), 0)).toEqual(expect.objectContaining({ message: expect.stringContaining('storage requests in one second') }));
  });
});
