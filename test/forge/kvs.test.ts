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
