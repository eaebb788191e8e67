import { z } from 'zod';
import { KVS_LIMITS, KvsError, type KvsStore, type Namespace, type StoredItem, checkKey, checkValue } from './kvs-store';

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
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
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

/** Serve one KVS request for the installation owning `store`. */
export function handleKvsRequest(store: KvsStore, path: string, init: { method?: string; body?: unknown } | undefined): Response {
  try {
    store.countOp();
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST') throw new KvsError(405, 'METHOD_NOT_ALLOWED', 'KVS endpoints accept POST only.');
    let body: unknown;
    try {
      body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    } catch {
      throw new KvsError(400, 'BAD_REQUEST', 'Provided request body is not valid JSON.');
    }
    return route(store, path.replace(/\?.*$/, ''), body);
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
      const limit = b.limit ?? KVS_LIMITS.defaultQueryLimit;
      if (limit < 1 || limit > KVS_LIMITS.maxQueryLimit) throw new KvsError(400, 'LIST_QUERY_LIMIT_EXCEEDED', `Limit for list query should be between 1 and ${KVS_LIMITS.maxQueryLimit}.`);
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
      if (items.length === 0) throw new KvsError(400, 'BAD_REQUEST', 'A batch must contain at least one request.');
      uniqueKeys(items, 'batch');
      return json(200, eachItem(items, (it) => {
        const ttl = ttlMs(it.options?.ttl);
        store.set(nsOf(it.entityName), it.key, it.value, ttl !== undefined ? { ttlMs: ttl } : {});
        return itemRef(it);
      }));
    }
    case '/api/v1/batch/get': {
      const items = parse(BatchKeysBody, body);
      if (items.length === 0) throw new KvsError(400, 'BAD_REQUEST', 'A batch must contain at least one request.');
      return json(200, eachItem(items, (it) => {
        const found = store.get(nsOf(it.entityName), it.key);
        if (!found) throw new KvsError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
        const out = render(found, it.options?.metadataFields);
        return it.entityName === undefined ? out : { ...out, entityName: it.entityName };
      }));
    }
    case '/api/v1/batch/delete': {
      const items = parse(BatchKeysBody, body);
      if (items.length === 0) throw new KvsError(400, 'BAD_REQUEST', 'A batch must contain at least one request.');
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
      if (all.length > KVS_LIMITS.maxTransactionOps) throw new KvsError(400, 'TOO_MANY_OPERATIONS', `Each transaction can contain a maximum of ${KVS_LIMITS.maxTransactionOps} operations (got ${all.length}).`);
      uniqueKeys(all, 'transaction');
      // validate everything before touching storage
      for (const s of sets) { checkKey(s.key); checkValue(s.value); nsOf(s.entityName); }
      for (const d of [...deletes, ...checks]) { checkKey(d.key); nsOf(d.entityName); }
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
