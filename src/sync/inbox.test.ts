import { randomUUID } from 'node:crypto';
import { handleInbox } from './inbox';
import { signBody } from './signing';
import { keys } from './state/keys';
import { World } from './testing/world';
import { textDoc } from './testing/memory-jira';

/** Envelope verification (architecture §4), table-driven against the in-memory site. */
describe('inbox verification', () => {
  let world: World;
  let connectionId: string;
  let secret: string;
  const now = () => world.clock.now();

  beforeEach(async () => {
    world = new World({ seed: 7, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 });
    connectionId = await world.connect();
    const stored = await world.b.store.getSecret(keys.connectionSecret(connectionId));
    if (typeof stored !== 'string') throw new Error('no secret');
    secret = stored;
  });

  const envelope = (over: Record<string, unknown> = {}) => ({
    v: 1, type: 'replica', connectionId, messageId: randomUUID(), sentAt: new Date(now()).toISOString(), from: { siteName: 'internal', cloudId: 'cloud-a' },
    issue: { id: '1', key: 'INT-1' }, twin: null, seq: 1, ack: 0, syncBack: false, editedAt: null, fieldEditedAt: {}, commentBases: {}, deletedOrigins: [],
    replica: {
      key: 'INT-1', id: '1', projectKey: 'INT', summary: 's', description: textDoc('d'), type: { name: 'Task' }, priority: null, labels: [],
      status: { name: 'Open', category: null }, dueDate: null, assignee: null, reporter: null, comments: [], customFields: {}, created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z',
    },
    ...over,
  });
  const headers = (body: string, o: { ts?: number; key?: string; conn?: string; drop?: string } = {}) => {
    const ts = String(o.ts ?? now());
    const h: Record<string, string> = { 'x-twin-connection': o.conn ?? connectionId, 'x-twin-timestamp': ts, 'x-twin-signature': signBody(o.key ?? secret, ts, body) };
    if (o.drop) delete h[o.drop];
    return h;
  };

  type Case = [string, number, () => { headers: Record<string, string>; body: string; method?: string }];
  const good = () => JSON.stringify(envelope());
  it.each<Case>([
    ['GET instead of POST', 405, () => ({ method: 'GET', headers: headers(good()), body: good() })],
    ['no signature', 401, () => { const body = good(); return { headers: headers(body, { drop: 'x-twin-signature' }), body }; }],
    ['no timestamp', 401, () => { const body = good(); return { headers: headers(body, { drop: 'x-twin-timestamp' }), body }; }],
    ['no connection header', 401, () => { const body = good(); return { headers: headers(body, { drop: 'x-twin-connection' }), body }; }],
    ['wrong secret', 401, () => { const body = good(); return { headers: headers(body, { key: 'nope' }), body }; }],
    ['skew of 5 min 1 s', 401, () => { const body = good(); return { headers: headers(body, { ts: now() - 301_000 }), body }; }],
    ['unknown connection', 401, () => { const body = good(); return { headers: headers(body, { conn: 'c0ffee' }), body }; }],
    ['body over the limit', 413, () => { const body = 'x'.repeat(4 * 1024 * 1024 + 1); return { headers: headers(body), body }; }],
    ['invalid JSON', 400, () => { const body = '{'; return { headers: headers(body), body }; }],
    ['wrong version', 422, () => { const body = JSON.stringify(envelope({ v: 2 })); return { headers: headers(body), body }; }],
    ['missing replica', 422, () => { const body = JSON.stringify(envelope({ replica: undefined })); return { headers: headers(body), body }; }],
    ['extra field', 422, () => { const body = JSON.stringify(envelope({ extra: 1 })); return { headers: headers(body), body }; }],
    ['skew of 4 min is fine', 202, () => { const body = good(); return { headers: headers(body, { ts: now() - 240_000 }), body }; }],
    ['a good envelope', 202, () => { const body = good(); return { headers: headers(body), body }; }],
  ])('%s → %i', async (_name, status, build) => {
    const before = world.b.store.snapshot();
    const request = build();
    const response = await handleInbox(world.b.deps, { method: request.method ?? 'POST', headers: request.headers, body: request.body });
    expect(response.status).toBe(status);
    if (status >= 400) expect(world.b.store.snapshot()).toBe(before);
    else expect(world.b.store.snapshot()).not.toBe(before);
  });

  it('stores a message once: the same message id again is a duplicate and writes nothing', async () => {
    const body = good();
    const h = headers(body);
    expect((await handleInbox(world.b.deps, { method: 'POST', headers: h, body })).status).toBe(202);
    const before = world.b.store.snapshot();
    const again = await handleInbox(world.b.deps, { method: 'POST', headers: h, body });
    expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
    expect(world.b.store.snapshot()).toBe(before);
  });
});
