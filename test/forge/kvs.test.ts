import { startFixture, type FixtureSandbox } from './fixture';

// loading the emulated site and the app under ts-jest takes seconds on a shared machine
jest.setTimeout(60_000);

let sb: FixtureSandbox;
beforeAll(async () => { sb = await startFixture(['internal']); });
afterAll(async () => { await sb.close(); });

const inst = (): FixtureSandbox['installs'][number] => sb.installs[0]!;
const call = async (fn: string, payload: unknown = {}): Promise<unknown> => {
  const r = await sb.call(inst(), fn, payload);
  expect(r.status).toBe(200);
  return (r.body as { result: unknown }).result;
};

describe('KVS through the real @forge/kvs', () => {
  it('round-trips a value and answers undefined for a missing key', async () => {
    expect(await call('kvs-get', { key: 'missing' })).toEqual({ ok: null });
    expect(await call('kvs-set', { key: 'k1', value: { a: [1, 2] } })).toEqual({ ok: null });
    expect(await call('kvs-get', { key: 'k1' })).toEqual({ ok: { a: [1, 2] } });
    expect(await call('kvs-delete', { key: 'k1' })).toEqual({ ok: null });
    expect(await call('kvs-get', { key: 'k1' })).toEqual({ ok: null });
    expect(await call('kvs-delete', { key: 'never-there' })).toEqual({ ok: null });
  });

  it('pages a prefix query with a cursor', async () => {
    for (const k of ['p:a', 'p:b', 'p:c', 'p:d', 'p:e', 'q:x']) await call('kvs-set', { key: k, value: k });
    const first = await call('kvs-query', { prefix: 'p:', limit: 2 }) as { ok: { keys: string[]; nextCursor: string | null } };
    expect(first.ok.keys).toEqual(['p:a', 'p:b']);
    expect(first.ok.nextCursor).toEqual(expect.any(String));
    const second = await call('kvs-query', { prefix: 'p:', limit: 2, cursor: first.ok.nextCursor }) as { ok: { keys: string[]; nextCursor: string | null } };
    expect(second.ok.keys).toEqual(['p:c', 'p:d']);
    const third = await call('kvs-query', { prefix: 'p:', limit: 2, cursor: second.ok.nextCursor }) as { ok: { keys: string[]; nextCursor: string | null } };
    expect(third.ok).toEqual({ keys: ['p:e'], nextCursor: null });
    expect(await call('kvs-query', { prefix: 'p:', limit: 101 })).toEqual({ error: expect.objectContaining({ name: 'ForgeKvsAPIError', code: 'LIST_QUERY_LIMIT_EXCEEDED' }) });
  });

  it('refuses FAIL_IF_EXISTS on an existing key and changes nothing', async () => {
    expect(await call('kvs-set', { key: 'once', value: 1, failIfExists: true })).toEqual({ ok: null });
    expect(await call('kvs-set', { key: 'once', value: 2, failIfExists: true })).toEqual({ error: expect.objectContaining({ code: 'KEY_ALREADY_EXISTS' }) });
    expect(await call('kvs-get', { key: 'once' })).toEqual({ ok: 1 });
  });

  it('expires a value after its TTL on the platform clock', async () => {
    await call('kvs-set', { key: 'ttl', value: 'short-lived', ttlSeconds: 60 });
    await sb.platform.advance(59_000);
    expect(await call('kvs-get', { key: 'ttl' })).toEqual({ ok: 'short-lived' });
    await sb.platform.advance(1_000);
    expect(await call('kvs-get', { key: 'ttl' })).toEqual({ ok: null });
    expect(inst().kvsKeys('ttl')).toEqual([]);
  });

  it('keeps secrets apart: readable with getSecret only, never listed by query', async () => {
    await call('secret-set', { key: 'sec:token', value: 's3cret' });
    expect(await call('secret-get', { key: 'sec:token' })).toEqual({ ok: 's3cret' });
    expect(await call('kvs-get', { key: 'sec:token' })).toEqual({ ok: null });
    expect(await call('kvs-query', { prefix: 'sec:' })).toEqual({ ok: { keys: [], nextCursor: null } });
  });

  it.each([
    ['a key over 500 characters', { key: 'k'.repeat(501), value: 1 }, 'KEY_TOO_LONG'],
    ['a key outside the charset', { key: 'bad/key', value: 1 }, 'INVALID_KEY'],
    ['a value over 240 KiB', { key: 'big', value: 'x'.repeat(240 * 1024) }, 'MAX_SIZE'],
  ])('refuses %s with the documented code', async (_what, payload, code) => {
    expect(await call('kvs-set', payload)).toEqual({ error: expect.objectContaining({ name: 'ForgeKvsAPIError', code }) });
    expect(inst().kvsKeys('big')).toEqual([]);
  });

  it('accepts a key of exactly 500 characters and a value just under the limit', async () => {
    expect(await call('kvs-set', { key: 'k'.repeat(500), value: 'x'.repeat(240 * 1024 - 2) })).toEqual({ ok: null });
  });

  it('runs a transaction only when its condition holds', async () => {
    expect(await call('entity-cas', { key: 'doc1', value: { version: 1, title: 'a' }, expectVersion: 0 })).toEqual({ ok: null });
    expect(await call('entity-cas', { key: 'doc1', value: { version: 2, title: 'b' }, expectVersion: 1 })).toEqual({ ok: null });
    const stale = await call('entity-cas', { key: 'doc1', value: { version: 3, title: 'lost update' }, expectVersion: 1 });
    expect(stale).toEqual({ error: expect.objectContaining({ code: 'CONDITION_FAILED' }) });
    expect(await call('entity-get', { key: 'doc1' })).toEqual({ ok: { version: 2, title: 'b' } });
    expect(await call('kvs-get', { key: 'doc1:audit' })).toEqual({ ok: { version: 2 } });
    expect(await call('transact-many')).toEqual({ error: expect.objectContaining({ code: 'TOO_MANY_OPERATIONS' }) });
    expect(inst().kvsKeys('many:')).toEqual([]);
  });

  it('serves batch set / get / delete with per-item failures', async () => {
    expect(await call('kvs-batch')).toEqual({ ok: {
      setOk: ['batch:a', 'batch:b'], setFailed: ['bad key!:INVALID_KEY'],
      got: [['batch:a', 1], ['batch:b', 2]], gotFailed: ['batch:none'],
      deleted: ['batch:a'], after: null,
    } });
  });
});

/**
 * The KVS operation limits (https://developer.atlassian.com/platform/forge/limits-kvs-ce), tightened
 * so a test reaches them, seen through the real @forge/kvs: the documented 429 RATE_LIMIT_EXCEEDED
 * (TOO_MANY_REQUESTS for a transaction) as ForgeKvsAPIError, nothing written, and the quota back once
 * the platform clock has passed the window.
 */
describe('KVS operation limits through the real @forge/kvs', () => {
  let lsb: FixtureSandbox;
  beforeAll(async () => {
    lsb = await startFixture(['internal'], { limits: { kvs: { writeUnitsPerMinute: 3, readUnitsPerMinute: 3, batchOpsPerMinute: 2 } } });
  });
  afterAll(async () => { await lsb.close(); });
  beforeEach(async () => { await lsb.platform.advance(60_000); }); // every case starts with fresh windows

  const linst = (): FixtureSandbox['installs'][number] => lsb.installs[0]!;
  const lcall = async (fn: string, payload: unknown = {}): Promise<unknown> => {
    const r = await lsb.call(linst(), fn, payload);
    expect(r.status).toBe(200);
    return (r.body as { result: unknown }).result;
  };
  const refused = (code: string): unknown => ({ error: expect.objectContaining({ name: 'ForgeKvsAPIError', code, message: expect.stringContaining('Rate limit exceeded') }) });

  it.each<[string, [string, unknown][], [string, unknown], string, () => string[]]>([
    ['the 4th write in a minute (3 write units)', [['kvs-set', { key: 'w:1', value: 1 }], ['kvs-set', { key: 'w:2', value: 2 }], ['kvs-set', { key: 'w:3', value: 3 }]],
      ['kvs-set', { key: 'w:4', value: 4 }], 'RATE_LIMIT_EXCEEDED', () => linst().kvsKeys('w:4')],
    ['a write of 2 units with 2 of 3 used (a value over 10KB counts 2)', [['kvs-set', { key: 'u:1', value: 1 }], ['kvs-set', { key: 'u:2', value: 2 }]],
      ['kvs-set', { key: 'u:big', value: 'x'.repeat(10_000) }], 'RATE_LIMIT_EXCEEDED', () => linst().kvsKeys('u:big')],
    ['a transaction over the write quota', [['kvs-set', { key: 't:1', value: 1 }], ['kvs-set', { key: 't:2', value: 2 }], ['kvs-set', { key: 't:3', value: 3 }]],
      ['entity-cas', { key: 't:doc', value: { version: 1 }, expectVersion: 0 }], 'TOO_MANY_REQUESTS', () => linst().kvsKeys('t:doc')],
    ['the 4th read in a minute (3 read units)', [['kvs-get', { key: 'r' }], ['kvs-get', { key: 'r' }], ['kvs-query', { prefix: 'r' }]],
      ['kvs-get', { key: 'r' }], 'RATE_LIMIT_EXCEEDED', () => []],
  ])('refuses %s, writes nothing, and lets it through after a minute', async (_what, before, [fn, payload], code, written) => {
    for (const [f, p] of before) expect(await lcall(f, p)).not.toHaveProperty('error');
    expect(await lcall(fn, payload)).toEqual(refused(code));
    expect(written()).toEqual([]);
    await lsb.platform.advance(59_999);
    expect(await lcall(fn, payload)).toEqual(refused(code));
    await lsb.platform.advance(1);
    expect(await lcall(fn, payload)).toEqual({ ok: null });
  });

  it('refuses the third batch operation in a minute (batch limit tightened to 2)', async () => {
    // kvs-batch runs batchSet, batchGet, batchDelete: the third is over the limit
    expect(await lcall('kvs-batch')).toEqual(refused('RATE_LIMIT_EXCEEDED'));
    expect(linst().kvsKeys('batch:')).toEqual(['batch:a', 'batch:b']);
    await lsb.platform.advance(60_000);
    expect(await lcall('kvs-batch')).toEqual(expect.objectContaining({ error: expect.objectContaining({ code: 'RATE_LIMIT_EXCEEDED' }) }));
  });
});

describe('KVS requests per second', () => {
  it('fails the request past 1000 in a second (tightened to 5) and serves again a second later', async () => {
    const rsb = await startFixture(['internal'], { limits: { kvs: { requestsPerSecond: 5 } } });
    try {
      const i = rsb.installs[0]!;
      // kvs-bench makes n sets then n gets: the 6th request in the same (frozen) second is refused
      await expect(i.invoke('fixture-admin', 'kvs-bench', { n: 3 })).rejects.toThrow('Rate limit exceeded: more than 5 storage requests in one second');
      expect(i.kvsKeys('bench:')).toEqual(['bench:0', 'bench:1', 'bench:2']);
      await rsb.platform.advance(1000);
      await expect(i.invoke('fixture-admin', 'kvs-bench', { n: 2 })).resolves.toEqual({ setMs: expect.any(Number), getMs: expect.any(Number) });
    } finally {
      await rsb.close();
    }
  });
});
