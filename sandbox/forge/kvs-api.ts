import { z } from 'zod';
import { KvsError, type KvsStore, type Namespace, type StoredItem, checkKey, checkValue } from './kvs-store';
import { LIMIT_SOURCES } from './limits/forge-limits';
import type { KvsRequestCost } from './limits/kvs-quota';

/**
 * The KVS service behind `__forge_fetch__({type: 'kvs'}, '/api/v1/...')`, speaking the wire format
 * `@forge/kvs` expects (read in node_modules/@forge/kvs/out/storage-api.js): POST JSON bodies,
 * 200 JSON / 204 empty answers, `{code, message}` error bodies (404 KEY_NOT_FOUND for a missing key).
 */

const MetadataFields = z.array(z.enum(['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'])).optional();
const Ttl = z.strictObject({ value: z.number().int().positive(), unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']) });
const SetOptions = z.looseObject({
  ttl: Ttl.optional(),
  keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
  returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
  returnMetadataFields: MetadataFields,
});
const GetBody = z.looseObject({ key: z.string(), options: z.looseObject({ metadataFields: MetadataFields }).optional() });
const SetBody = z.looseObject({ key: z.string(), value: z.unknown(), options: SetOptions.optional() });
const KeyBody = z.looseObject({ key: z.string() });
const EntityGetBody = GetBody.extend({ entityName: z.string() });
const EntitySetBody = SetBody.extend({ entityName: z.string() });
const EntityKeyBody = KeyBody.extend({ entityName: z.string() });
const QueryBody = z.looseObject({
  limit: z.number().int().optional(),
  after: z.string().optional(),
  where: z.array(z.looseObject({ property: z.string(), condition: z.string(), values: z.array(z.unknown()) })).optional(),
  options: z.looseObject({ metadataFields: MetadataFields }).optional(),
});
const Filter = z.looseObject({ property: z.string(), condition: z.string(), values: z.array(z.unknown()) });
const Conditions = z.looseObject({ and: z.array(Filter).optional(), or: z.array(Filter).optional() });
const BatchSetBody = z.array(z.looseObject({ key: z.string(), value: z.unknown(), entityName: z.string().optional(), options: z.looseObject({ ttl: Ttl.optional() }).optional() }));
const BatchKeysBody = z.array(z.looseObject({ key: z.string(), entityName: z.string().optional(), options: z.looseObject({ metadataFields: MetadataFields }).optional() }));
const TransactionBody = z.looseObject({
  set: z.array(z.looseObject({ key: z.string(), value: z.unknown(), entityName: z.string().optional(), conditions: Conditions.optional(), options: z.looseObject({ ttl: Ttl.optional() }).optional() })).optional(),
  delete: z.array(z.looseObject({ key: z.string(), entityName: z.string().optional(), conditions: Conditions.optional() })).optional(),
  check: z.array(z.looseObject({ key: z.string(), entityName: z.string().optional(), conditions: Conditions })).optional(),
});

const TTL_UNIT_MS = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;
const ttlMs = (ttl: z.infer<typeof Ttl> | undefined): number | undefined => (ttl ? ttl.value * TTL_UNIT_MS[ttl.unit] : undefined);

const entityNs = (name: string): Namespace => {
  if (!/^(?![.-])(?!.*\.{2})[a-z0-9:\-.]{3,60}(?<![.])$/.test(name)) throw new KvsError(400, 'INVALID_ENTITY_TYPE', `Invalid entity name '${name}'.`);
  return `entity:${name}`;
};
const nsOf = (entityName: string | undefined): Namespace => (entityName === undefined ? '' : entityNs(entityName));

function json(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } });
}
const empty = (): Response => new Response(null, { status: 204 });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new KvsError(400, 'BAD_REQUEST', `Provided request body is invalid: ${z.prettifyError(r.error)}`);
  return r.data;
}

function render(item: StoredItem, fields: readonly string[] | undefined, always = false): Record<string, unknown> {
  const out: Record<string, unknown> = { key: item.key, value: item.value };
  if (always || fields?.includes('CREATED_AT')) out['createdAt'] = item.createdAt;
  if (always || fields?.includes('UPDATED_AT')) out['updatedAt'] = item.updatedAt;
  if ((always || fields?.includes('EXPIRE_TIME')) && item.expireAt !== null) out['expireTime'] = new Date(item.expireAt).toISOString();
  return out;
}

function evalFilter(value: unknown, f: z.infer<typeof Filter>): boolean {
  const attr = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[f.property] : undefined;
  const [a, b] = f.values;
  const cmp = (x: unknown, y: unknown): number | null => {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
    return null;
  };
  switch (f.condition) {
    case 'EXISTS': return attr !== undefined;
    case 'NOT_EXISTS': return attr === undefined;
    case 'EQUAL_TO': return attr !== undefined && attr === a;
    case 'NOT_EQUAL_TO': return attr !== a;
    case 'BEGINS_WITH': return typeof attr === 'string' && typeof a === 'string' && attr.startsWith(a);
    case 'CONTAINS': return (typeof attr === 'string' && typeof a === 'string' && attr.includes(a)) || (Array.isArray(attr) && attr.includes(a));
    case 'NOT_CONTAINS': return !((typeof attr === 'string' && typeof a === 'string' && attr.includes(a)) || (Array.isArray(attr) && attr.includes(a)));
    case 'GREATER_THAN': { const c = cmp(attr, a); return c !== null && c > 0; }
    case 'GREATER_THAN_EQUAL_TO': { const c = cmp(attr, a); return c !== null && c >= 0; }
    case 'LESS_THAN': { const c = cmp(attr, a); return c !== null && c < 0; }
    case 'LESS_THAN_EQUAL_TO': { const c = cmp(attr, a); return c !== null && c <= 0; }
    case 'BETWEEN': { const lo = cmp(attr, a); const hi = cmp(attr, b); return lo !== null && hi !== null && lo >= 0 && hi <= 0; }
    default: throw new KvsError(400, 'INVALID_FILTER_CONDITION', `The condition '${f.condition}' is not supported for filters.`);
  }
}

function conditionsHold(value: unknown, c: z.infer<typeof Conditions> | undefined): boolean {
  if (!c) return true;
  const and = c.and ?? [];
  const or = c.or ?? [];
  return and.every((f) => evalFilter(value, f)) && (or.length === 0 || or.some((f) => evalFilter(value, f)));
}

const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(key) !== cursor) throw new KvsError(400, 'INVALID_CURSOR', 'The provided cursor is invalid.');
  return key;
}

function batchError(key: string, entityName: string | undefined, e: unknown): { key: string; entityName?: string; error: { code: string; message: string } } {
  const error = e instanceof KvsError ? { code: e.code, message: e.message } : { code: 'INTERNAL_SERVER_ERROR', message: String(e) };
  return entityName === undefined ? { key, error } : { key, entityName, error };
}

/** Runs one batch request item by item: an item's failure is reported for that item alone. */
function eachItem<T extends { key: string; entityName?: string | undefined }>(items: T[], run: (item: T) => unknown): { successfulKeys: unknown[]; failedKeys: unknown[] } {
  const successfulKeys: unknown[] = [];
  const failedKeys: unknown[] = [];
  for (const it of items) {
    try {
      successfulKeys.push(run(it));
    } catch (e) {
      failedKeys.push(batchError(it.key, it.entityName, e));
    }
  }
  return { successfulKeys, failedKeys };
}

/** The key (and entity) of a batch item, as the batch answers list it. */
function itemRef(it: { key: string; entityName?: string | undefined }): { key: string; entityName?: string } {
  return it.entityName === undefined ? { key: it.key } : { key: it.key, entityName: it.entityName };
}

function uniqueKeys(items: { key: string; entityName?: string | undefined }[], what: string): void {
  const seen = new Set<string>();
  for (const it of items) {
    const id = `${it.entityName ?? ''}\u0000${it.key}`;
    if (seen.has(id)) throw new KvsError(400, 'BAD_REQUEST', `Each key can only be used once in a ${what} (duplicate '${it.key}').`);
    seen.add(id);
  }
}

/**
 * "Each batch operation can contain a maximum of 25 keys"
 * (https://developer.atlassian.com/platform/forge/storage-reference/batchops-entities). The page names no
 * error code: 400 TOO_MANY_OPERATIONS, as for a transaction over 25 operations, is the sandbox's choice.
 */
function checkBatchSize(store: KvsStore, n: number): void {
  if (n === 0) throw new KvsError(400, 'BAD_REQUEST', 'A batch must contain at least one request.');
  const max = store.limits.batchMaxItems;
  if (n > max) throw new KvsError(400, 'TOO_MANY_OPERATIONS', `Each batch operation can contain a maximum of ${max} keys (got ${n}).`);
}

/**
 * Batch and transaction payloads: 4MB documented, 1MB enforced while FRGE-1916 stands
 * (https://developer.atlassian.com/platform/forge/storage-reference/batchops,
 * https://developer.atlassian.com/platform/forge/storage-reference/transactions). No error code is
 * documented: 413 PAYLOAD_TOO_LARGE is the sandbox's choice.
 */
function checkPayloadSize(store: KvsStore, endpoint: string, bytes: number): void {
  if (!endpoint.startsWith('/api/v1/batch/') && endpoint !== '/api/v1/transaction') return;
  const max = store.limits.batchPayloadBytes;
  if (bytes > max) throw new KvsError(413, 'PAYLOAD_TOO_LARGE', `The request payload of ${bytes} bytes is over the ${max} bytes a batch or transaction may carry (${LIMIT_SOURCES.kvsBatch}).`);
}

const WRITE_ENDPOINTS = new Set([
  '/api/v1/set', '/api/v1/delete', '/api/v1/secret/set', '/api/v1/secret/delete', '/api/v1/entity/set', '/api/v1/entity/delete',
  '/api/v1/batch/set', '/api/v1/batch/delete', '/api/v1/transaction',
]);
const CostItem = z.looseObject({ key: z.string(), value: z.unknown().optional(), entityName: z.string().optional() });
const CostBody = z.union([
  z.array(CostItem),
  z.looseObject({ key: z.string().optional(), value: z.unknown().optional(), entityName: z.string().optional(), set: z.array(CostItem).optional(), delete: z.array(CostItem).optional(), where: z.array(z.looseObject({ values: z.array(z.unknown()) })).optional() }),
]);

/**
 * What a KVS request costs against the operation limits (limits/kvs-quota.ts), read from its path and
 * body before it runs: read or write, batch or transaction, request bytes, and the bytes each key
 * receives. A body this cannot read costs its size (the request itself then fails with 400).
 */
export function kvsRequestCost(path: string, init: { body?: unknown } | undefined): KvsRequestCost {
  const endpoint = path.replace(/\?.*$/, '');
  const text = typeof init?.body === 'string' ? init.body : '';
  const cost: KvsRequestCost = {
    access: WRITE_ENDPOINTS.has(endpoint) ? 'write' : 'read',
    batch: endpoint.startsWith('/api/v1/batch/'),
    transaction: endpoint === '/api/v1/transaction',
    requestBytes: Buffer.byteLength(text),
    keyWrites: [],
  };
  let raw: unknown;
  try {
    raw = text ? JSON.parse(text) : undefined;
  } catch {
    return cost;
  }
  const parsed = CostBody.safeParse(raw);
  if (!parsed.success) return cost;
  const keyOf = (it: { key: string; entityName?: string | undefined }): string => `${endpoint.includes('/secret/') ? 'secret' : it.entityName ?? ''}\u0000${it.key}`;
  const writeOf = (it: z.infer<typeof CostItem>): { key: string; bytes: number } => ({
    key: keyOf(it), bytes: it.value === undefined ? Buffer.byteLength(it.key) : Buffer.byteLength(JSON.stringify(it.value) ?? ''),
  });
  const b = parsed.data;
  if (endpoint === '/api/v1/query') {
    const v = Array.isArray(b) ? undefined : b.where?.[0]?.values[0];
    cost.queryPrefix = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  } else if (cost.access === 'write') {
    if (Array.isArray(b)) cost.keyWrites = b.map(writeOf);
    else if (cost.transaction) cost.keyWrites = [...(b.set ?? []), ...(b.delete ?? [])].map(writeOf);
    else if (b.key !== undefined) cost.keyWrites = [writeOf({ ...b, key: b.key })];
  }
  return cost;
}

/** true when kvsKeyReads needs the answer's text (a batch get); the other reads need its size only */
export function kvsKeyReadsNeedAnswer(path: string): boolean {
  return path.replace(/\?.*$/, '') === '/api/v1/batch/get';
}

/**
 * The bytes each key answered in a read's response (for the per-key read limit): a get answers for
 * its key (the whole answer, `answerBytes`); a batch get for each item it found (from `answer`).
 */
export function kvsKeyReads(path: string, init: { body?: unknown } | undefined, answerBytes: number, answer?: string): { key: string; bytes: number }[] {
  const endpoint = path.replace(/\?.*$/, '');
  const ns = (entityName: unknown): string => (endpoint.includes('/secret/') ? 'secret' : typeof entityName === 'string' ? entityName : '');
  try {
    if (endpoint.endsWith('/get') && !endpoint.startsWith('/api/v1/batch/')) {
      const req = CostItem.safeParse(typeof init?.body === 'string' ? JSON.parse(init.body) : undefined);
      return req.success ? [{ key: `${ns(req.data.entityName)}\u0000${req.data.key}`, bytes: answerBytes }] : [];
    }
    if (endpoint === '/api/v1/batch/get' && answer) {
      const r = z.looseObject({ successfulKeys: z.array(CostItem) }).safeParse(JSON.parse(answer));
      return r.success ? r.data.successfulKeys.map((it) => ({ key: `${ns(it.entityName)}\u0000${it.key}`, bytes: Buffer.byteLength(JSON.stringify(it)) })) : [];
    }
  } catch {
    return []; // a body that is not JSON was refused with 400 and read nothing
  }
  return [];
}

/** Serve one KVS request for the installation owning `store`. */
export function handleKvsRequest(store: KvsStore, path: string, init: { method?: string; body?: unknown } | undefined): Response {
  try {
    store.countOp();
    if (process.env['SANDBOX_KVS_TRACE'] === '1') process.stderr.write(`kvs ${path} ${typeof init?.body === 'string' ? init.body.slice(0, 160) : ''}\n`);
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST') throw new KvsError(405, 'METHOD_NOT_ALLOWED', 'KVS endpoints accept POST only.');
    let body: unknown;
    try {
      body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    } catch {
      throw new KvsError(400, 'BAD_REQUEST', 'Provided request body is not valid JSON.');
    }
    const endpoint = path.replace(/\?.*$/, '');
    checkPayloadSize(store, endpoint, typeof init?.body === 'string' ? Buffer.byteLength(init.body) : 0);
    return route(store, endpoint, body);
  } catch (e) {
    if (e instanceof KvsError) return json(e.status, { code: e.code, message: e.message });
    return json(500, { code: 'INTERNAL_SERVER_ERROR', message: e instanceof Error ? e.message : String(e) });
  }
}

function route(store: KvsStore, path: string, body: unknown): Response {
  const getOne = (ns: Namespace, b: z.infer<typeof GetBody>): Response => {
    const item = store.get(ns, b.key);
    if (!item) return json(404, { code: 'KEY_NOT_FOUND', message: 'Provided key does not exist' });
    return json(200, render(item, undefined, true));
  };
  const setOne = (ns: Namespace, b: z.infer<typeof SetBody>): Response => {
    const o = b.options;
    if (o?.returnValue && o.keyPolicy !== 'OVERRIDE') throw new KvsError(400, 'BAD_REQUEST', 'returnValue requires keyPolicy OVERRIDE.');
    const ttl = ttlMs(o?.ttl);
    const { previous, latest } = store.set(ns, b.key, b.value, { ...(ttl !== undefined ? { ttlMs: ttl } : {}), ...(o?.keyPolicy ? { keyPolicy: o.keyPolicy } : {}) });
    if (!o?.returnValue) return empty();
    const item = o.returnValue === 'PREVIOUS' ? previous : latest;
    return item ? json(200, render(item, undefined, true)) : empty();
  };
  const deleteOne = (ns: Namespace, key: string): Response => {
    store.delete(ns, key);
    return empty();
  };

  switch (path) {
    case '/api/v1/get': return getOne('', parse(GetBody, body));
    case '/api/v1/set': return setOne('', parse(SetBody, body));
    case '/api/v1/delete': return deleteOne('', parse(KeyBody, body).key);
    case '/api/v1/secret/get': return getOne('secret', parse(GetBody, body));
    case '/api/v1/secret/set': return setOne('secret', parse(SetBody, body));
    case '/api/v1/secret/delete': return deleteOne('secret', parse(KeyBody, body).key);
    case '/api/v1/entity/get': { const b = parse(EntityGetBody, body); return getOne(entityNs(b.entityName), b); }
    case '/api/v1/entity/set': { const b = parse(EntitySetBody, body); return setOne(entityNs(b.entityName), b); }
    case '/api/v1/entity/delete': { const b = parse(EntityKeyBody, body); return deleteOne(entityNs(b.entityName), b.key); }
    case '/api/v1/entity/query':
      throw new KvsError(400, 'INVALID_ENTITY_INDEX', 'Custom entity index queries are not provided by the sandbox (the app does not declare storage entities).');
    case '/api/v1/query': {
      const b = parse(QueryBody, body);
      const limit = b.limit ?? store.limits.defaultQueryLimit;
      if (limit < 1 || limit > store.limits.maxQueryLimit) throw new KvsError(400, 'LIST_QUERY_LIMIT_EXCEEDED', `Limit for list query should be between 1 and ${store.limits.maxQueryLimit}.`);
      const where = b.where ?? [];
      if (where.length > 1) throw new KvsError(400, 'QUERY_WHERE_INVALID', 'KVS queries should contain only a single "where" clause.');
      let prefix = '';
      const w = where[0];
      if (w) {
        if (w.property !== 'key') throw new KvsError(400, 'QUERY_WHERE_FIELD_INVALID', `The field '${w.property}' is not supported for filters.`);
        if (w.condition !== 'BEGINS_WITH') throw new KvsError(400, 'INVALID_FILTER_CONDITION', `The condition '${w.condition}' is not supported for filters.`);
        const v = w.values[0];
        if (w.values.length !== 1 || (typeof v !== 'string' && typeof v !== 'number')) throw new KvsError(400, 'INVALID_FILTER_VALUES', 'BEGINS_WITH takes exactly one string value.');
        prefix = String(v);
      }
      const after = b.after !== undefined ? decodeCursor(b.after) : undefined;
      const { items, more } = store.query('', prefix, after, limit);
      const last = items[items.length - 1];
      const data = items.map((it) => render(it, b.options?.metadataFields));
      return json(200, more && last ? { data, cursor: encodeCursor(last.key) } : { data });
    }
    case '/api/v1/batch/set': {
      const items = parse(BatchSetBody, body);
      checkBatchSize(store, items.length);
      uniqueKeys(items, 'batch');
      return json(200, eachItem(items, (it) => {
        const ttl = ttlMs(it.options?.ttl);
        store.set(nsOf(it.entityName), it.key, it.value, ttl !== undefined ? { ttlMs: ttl } : {});
        return itemRef(it);
      }));
    }
    case '/api/v1/batch/get': {
      const items = parse(BatchKeysBody, body);
      checkBatchSize(store, items.length);
      return json(200, eachItem(items, (it) => {
        const found = store.get(nsOf(it.entityName), it.key);
        if (!found) throw new KvsError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
        const out = render(found, it.options?.metadataFields);
        return it.entityName === undefined ? out : { ...out, entityName: it.entityName };
      }));
    }
    case '/api/v1/batch/delete': {
      const items = parse(BatchKeysBody, body);
      checkBatchSize(store, items.length);
      uniqueKeys(items, 'batch');
      return json(200, eachItem(items, (it) => {
        store.delete(nsOf(it.entityName), it.key);
        return itemRef(it);
      }));
    }
    case '/api/v1/transaction': {
      const t = parse(TransactionBody, body);
      const sets = t.set ?? [];
      const deletes = t.delete ?? [];
      const checks = t.check ?? [];
      const all = [...sets, ...deletes, ...checks];
      if (all.length === 0) throw new KvsError(400, 'BAD_REQUEST', 'A transaction must contain at least one operation.');
      if (all.length > store.limits.transactionMaxOps) throw new KvsError(400, 'TOO_MANY_OPERATIONS', `Each transaction can contain a maximum of ${store.limits.transactionMaxOps} operations (got ${all.length}).`);
      uniqueKeys(all, 'transaction');
      // validate everything before touching storage
      for (const s of sets) { checkKey(s.key, store.limits); checkValue(s.value, store.limits); nsOf(s.entityName); }
      for (const d of [...deletes, ...checks]) { checkKey(d.key, store.limits); nsOf(d.entityName); }
      store.atomically(() => {
        const failed: string[] = [];
        for (const op of all) {
          if (!('conditions' in op) || op.conditions === undefined) continue;
          const current = store.get(nsOf(op.entityName), op.key)?.value;
          if (!conditionsHold(current, op.conditions)) failed.push(op.key);
        }
        if (failed.length) throw new KvsError(409, 'CONDITION_FAILED', `Transaction conditions were not met for key(s): ${failed.join(', ')}. Nothing was written.`);
        for (const s of sets) {
          const ttl = ttlMs(s.options?.ttl);
          store.set(nsOf(s.entityName), s.key, s.value, ttl !== undefined ? { ttlMs: ttl } : {});
        }
        for (const d of deletes) store.delete(nsOf(d.entityName), d.key);
      });
      return empty();
    }
    default:
      throw new KvsError(404, 'NOT_FOUND', `Unknown KVS endpoint ${path}.`);
  }
}
