import Database from 'better-sqlite3';
import { handleKvsRequest, kvsKeyReads, kvsRequestCost } from './kvs-api';
import { KvsStore } from './kvs-store';

const post = (store: KvsStore, path: string, body: unknown): Response => handleKvsRequest(store, path, { method: 'POST', body: JSON.stringify(body) });
const items = (n: number, value: unknown = 1): { key: string; value: unknown }[] => Array.from({ length: n }, (_, i) => ({ key: `b:${i}`, value }));

describe('KVS request limits', () => {
  let store: KvsStore;
  beforeEach(() => { store = new KvsStore(new Database(':memory:'), () => 0); });

  // https://developer.atlassian.com/platform/forge/storage-reference/batchops-entities: "a maximum of 25 keys"
  it.each([
    ['/api/v1/batch/set', items(25), 200],
    ['/api/v1/batch/set', items(26), 400],
    ['/api/v1/batch/get', items(26).map(({ key }) => ({ key })), 400],
    ['/api/v1/batch/delete', items(26).map(({ key }) => ({ key })), 400],
  ])('%s with %# items answers %i, and writes nothing when it refuses', async (path, body, status) => {
    const res = post(store, path, body);
    expect(res.status).toBe(status);
    if (status === 400) expect(await res.json()).toEqual({ code: 'TOO_MANY_OPERATIONS', message: expect.stringContaining('maximum of 25 keys') });
    expect(store.keys('')).toHaveLength(status === 200 && path.endsWith('/set') ? 25 : 0);
  });

  // batchops / transactions: 4MB documented, 1MB enforced while FRGE-1916 stands
  it.each([
    ['/api/v1/batch/set', items(11, 'x'.repeat(99_000))],
    ['/api/v1/transaction', { set: items(11, 'x'.repeat(99_000)) }],
  ])('%s over 1 MB answers 413 PAYLOAD_TOO_LARGE and writes nothing', async (path, body) => {
    expect(JSON.stringify(body).length).toBeGreaterThan(1_000_000);
    const res = post(store, path, body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    expect(store.keys('')).toEqual([]);
  });

  it('follows the limits the store is given', async () => {
    store.limits = { ...store.limits, batchMaxItems: 2, transactionMaxOps: 1 };
    expect(post(store, '/api/v1/batch/set', items(3)).status).toBe(400);
    expect(await post(store, '/api/v1/transaction', { set: items(2) }).json()).toEqual(expect.objectContaining({ code: 'TOO_MANY_OPERATIONS' }));
  });
});

describe('kvsRequestCost', () => {
  it.each([
    ['/api/v1/get', { key: 'k' }, { access: 'read', batch: false, transaction: false, keyWrites: [] }],
    ['/api/v1/query', { where: [{ property: 'key', condition: 'BEGINS_WITH', values: ['p:'] }] }, { access: 'read', queryPrefix: 'p:', keyWrites: [] }],
    ['/api/v1/set', { key: 'k', value: 'abc' }, { access: 'write', keyWrites: [{ key: '\u0000k', bytes: 5 }] }],
    ['/api/v1/secret/set', { key: 'k', value: 1 }, { access: 'write', keyWrites: [{ key: 'secret\u0000k', bytes: 1 }] }],
    ['/api/v1/delete', { key: 'key' }, { access: 'write', keyWrites: [{ key: '\u0000key', bytes: 3 }] }],
    ['/api/v1/batch/get', [{ key: 'a' }], { access: 'read', batch: true, keyWrites: [] }],
    ['/api/v1/batch/set', [{ key: 'a', value: 1 }, { key: 'b', value: 22, entityName: 'doc' }], { access: 'write', batch: true, keyWrites: [{ key: '\u0000a', bytes: 1 }, { key: 'doc\u0000b', bytes: 2 }] }],
    ['/api/v1/transaction', { set: [{ key: 'a', value: 1 }], delete: [{ key: 'bb' }] }, { access: 'write', transaction: true, keyWrites: [{ key: '\u0000a', bytes: 1 }, { key: '\u0000bb', bytes: 2 }] }],
  ])('%s %j', (path, body, expected) => {
    const text = JSON.stringify(body);
    expect(kvsRequestCost(path, { body: text })).toEqual(expect.objectContaining({ ...expected, requestBytes: Buffer.byteLength(text) }));
  });

  it('costs a body it cannot read by its size', () => {
    expect(kvsRequestCost('/api/v1/set', { body: '{nope' })).toEqual({ access: 'write', batch: false, transaction: false, requestBytes: 5, keyWrites: [] });
  });

  it('attributes the bytes of a read answer to its keys', () => {
    expect(kvsKeyReads('/api/v1/get', { body: JSON.stringify({ key: 'k' }) }, 21)).toEqual([{ key: '\u0000k', bytes: 21 }]);
    const answer = JSON.stringify({ successfulKeys: [{ key: 'a', value: 1 }], failedKeys: [] });
    expect(kvsKeyReads('/api/v1/batch/get', { body: '[]' }, answer.length, answer)).toEqual([{ key: '\u0000a', bytes: 21 }]);
  });
});
