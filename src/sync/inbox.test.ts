import { randomUUID } from 'node:crypto';
import { textSha256 } from './canonical-json';
import { handleInbox } from './inbox';
import { SignedReplySchema } from './outgoing';
import { sliceText } from './state/split-value';
import { directionKey, signBody } from './signing';
import { keys } from './state/keys';
import { World } from './testing/world';
import { textDoc } from './testing/memory-jira';
import { replicaEnvelope } from './testing/envelopes';

/** Envelope verification (architecture §4), table-driven against the in-memory site. */
describe('inbox verification', () => {
  let world: World;
  let connectionId: string;
  let secret: string;
  let connectionSecret: string;
  const now = () => world.clock.now();

  beforeEach(async () => {
    world = new World({ seed: 7, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 });
    connectionId = await world.connect();
    // verification and storage: every accepted message is stored for the queue (the inline apply is below)
    world.b.deps.settings = { ...world.b.deps.settings, inlineApply: false };
    const stored = await world.b.store.getSecret(keys.connectionSecret(connectionId));
    if (typeof stored !== 'string') throw new Error('no secret');
    connectionSecret = stored;
    // what site a signs with: the key of the direction a → b
    secret = directionKey(stored, 'cloud-a', 'cloud-b');
  });

  const envelope = (over: Record<string, unknown> = {}) => replicaEnvelope({
    connectionId, sentAt: new Date(now()).toISOString(), replica: { description: textDoc('d') }, ...over,
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
    ['signed with the connection secret itself, not its direction key', 401, () => { const body = good(); return { headers: headers(body, { key: connectionSecret }), body }; }],
    ['reflected: signed for the other direction (b → a), as b itself would send it', 401, () => { const body = good(); return { headers: headers(body, { key: directionKey(connectionSecret, 'cloud-b', 'cloud-a') }), body }; }],
    ['naming another sending site than the connection\'s', 422, () => { const body = JSON.stringify(envelope({ from: { siteName: 'internal', cloudId: 'cloud-b' } })); return { headers: headers(body), body }; }],
    ['an issue id that is not a Jira id (a:b)', 422, () => { const body = JSON.stringify(envelope({ issue: { id: 'a:b', key: 'INT-1' } })); return { headers: headers(body), body }; }],
    ['an issue id that is not ASCII', 422, () => { const body = JSON.stringify(envelope({ issue: { id: '１２', key: 'INT-1' } })); return { headers: headers(body), body }; }],
    ['a twin key with a path in it', 422, () => { const body = JSON.stringify(envelope({ twin: { id: '5', key: '../INT-1' } })); return { headers: headers(body), body }; }],
    ['skew of 5 min 1 s', 401, () => { const body = good(); return { headers: headers(body, { ts: now() - 301_000 }), body }; }],
    ['unknown connection', 401, () => { const body = good(); return { headers: headers(body, { conn: 'c0ffee' }), body }; }],
    ['body over the request limit (256 KiB)', 413, () => { const body = 'x'.repeat(256 * 1024 + 1); return { headers: headers(body), body }; }],
    ['one message too big to store in one value: send it in parts', 413, () => { const body = JSON.stringify(envelope({ replica: { ...envelope().replica, summary: 'y'.repeat(220 * 1024) } })); return { headers: headers(body), body }; }],
    ['invalid JSON', 400, () => { const body = '{'; return { headers: headers(body), body }; }],
    ['wrong version', 422, () => { const body = JSON.stringify(envelope({ v: 2 })); return { headers: headers(body), body }; }],
    ['missing replica', 422, () => { const { replica: _replica, ...rest } = envelope(); const body = JSON.stringify(rest); return { headers: headers(body), body }; }],
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

  describe('applied while the sender waits', () => {
    const inline = () => { world.b.deps.settings = { ...world.b.deps.settings, inlineApply: true }; };
    const inboxKeys = () => [...world.b.store.data.keys()].filter((k) => k.startsWith('inbox:'));

    it('a good envelope is applied at once (200), with nothing stored for the queue, and its sync back in the answer', async () => {
      inline();
      const body = good();
      const response = await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body });
      expect(response).toMatchObject({ status: 200, body: { ok: true, applied: true, message: 'created', reply: { timestamp: expect.any(String), signature: expect.any(String) } } });
      expect(inboxKeys()).toEqual([]);
      expect([...world.b.jira.issues.values()].map((i) => i.summary)).toEqual(['s']);
      // the reply is a replica of the new twin, signed with the connection's key, marked as the sync back
      const reply = SignedReplySchema.parse(response.body['reply']);
      expect(signBody(directionKey(connectionSecret, 'cloud-b', 'cloud-a'), reply.timestamp, reply.body)).toBe(reply.signature);
      expect(JSON.parse(reply.body)).toMatchObject({ type: 'replica', syncBack: true, twin: { id: '1', key: 'INT-1' }, seq: 1, ack: 1 });
    });

    it('the same message again is a duplicate (its id was remembered with the apply), another with an older seq is stale: nothing written to Jira', async () => {
      inline();
      const body = good();
      await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body });
      const calls = world.b.jira.totalCalls;
      const again = await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body });
      expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
      const older = JSON.stringify(envelope());
      expect(await handleInbox(world.b.deps, { method: 'POST', headers: headers(older), body: older })).toMatchObject({ status: 200, body: { message: 'stale' } });
      expect(world.b.jira.totalCalls).toBe(calls);
    });

    it('a message for an issue another invocation is working on goes to the queue (202), applied there once the lock is free', async () => {
      inline();
      const first = good();
      await handleInbox(world.b.deps, { method: 'POST', headers: headers(first), body: first });
      const twin = [...world.b.jira.issues.values()][0];
      if (!twin) throw new Error('no twin');
      // a consumer is on the twin right now
      const lock = keys.issueLock(`${connectionId}:${twin.id}`);
      await world.b.store.set(lock, { holder: 'worker', until: now() + 60_000 });
      const body = JSON.stringify(envelope({ seq: 2, replica: { ...envelope().replica, summary: 'second' } }));
      expect(await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body })).toMatchObject({ status: 202, body: { message: 'accepted' } });
      expect(twin.summary).toBe('s');
      await world.b.store.delete(lock);
      await world.quiesce();
      expect([...world.b.jira.issues.values()].map((i) => i.summary)).toEqual(['second']);
    });

    it('a change needing more Jira writes than fit a web trigger (a new twin with 25 comments) goes to the queue before any write', async () => {
      inline();
      const comments = Array.from({ length: 25 }, (_, i) => ({ id: String(100 + i), author: null, body: textDoc(`c${i}`), created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z', originId: null }));
      const body = JSON.stringify(envelope({ replica: { ...envelope().replica, comments } }));
      expect(await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body })).toMatchObject({ status: 202, body: { message: 'accepted' } });
      expect(world.b.jira.issues.size).toBe(0);
      await world.quiesce();
      expect([...world.b.jira.issues.values()][0]?.comments).toHaveLength(25);
    });

    it('a failing apply goes to the queue (202), which retries it and records the error on its issue', async () => {
      inline();
      world.b.jira.beforeCall = (name) => {
        if (name === 'createIssue') throw new Error('boom');
      };
      const body = good();
      expect(await handleInbox(world.b.deps, { method: 'POST', headers: headers(body), body })).toMatchObject({ status: 202 });
      expect(inboxKeys().filter((k) => k.startsWith('inbox:'))).toHaveLength(1);
    });
  });

  describe('a message sent in parts', () => {
    /** a replica whose text is ~600 KB, cut into signed parts as the sender does */
    const partsOf = (whole: ReturnType<typeof envelope>, over: (part: Record<string, unknown>, i: number) => Record<string, unknown> = (p) => p) => {
      const text = JSON.stringify(whole);
      const slices = sliceText(text, 160 * 1024);
      return slices.map((t, i) => {
        const part = over({
          v: 1, type: 'part', connectionId, messageId: randomUUID(), sentAt: new Date(now()).toISOString(), from: { siteName: 'internal', cloudId: 'cloud-a' },
          whole: { messageId: whole.messageId, index: i + 1, count: slices.length, sha256: textSha256(text) }, text: t,
        }, i);
        const body = JSON.stringify(part);
        return { method: 'POST', headers: headers(body), body };
      });
    };
    const big = () => envelope({ replica: { ...envelope().replica, description: textDoc('"long" text '.repeat(50_000)) } });
    const post = (request: { method: string; headers: Record<string, string>; body: string }) => handleInbox(world.b.deps, request);
    const inboxKeys = () => [...world.b.store.data.keys()].filter((k) => k.startsWith('inbox:'));

    it('takes the whole in when the last part arrives, in any order, once', async () => {
      const whole = big();
      const parts = partsOf(whole);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      const [first, ...rest] = parts;
      if (!first) throw new Error('no parts');
      for (const part of rest.reverse()) {
        expect(await post(part)).toMatchObject({ status: 202, body: { part: true } });
        expect(inboxKeys()).toEqual([]);
      }
      expect(await post(rest[0] ?? first)).toMatchObject({ status: 202, body: { duplicate: true } });
      expect(await post(first)).toMatchObject({ status: 202, body: { message: 'accepted' } });
      expect(inboxKeys()).toEqual([keys.inbox(connectionId, whole.messageId)]);
      await world.quiesce();
      expect([...world.b.jira.issues.values()].map((i) => i.summary)).toEqual(['s']);
      expect([...world.b.store.data.keys()].filter((k) => k.startsWith('inpart:'))).toEqual([]);
    });

    it('refuses a whole whose parts do not match its hash, and one that names another message', async () => {
      const whole = big();
      const tampered = partsOf(whole, (p) => ({ ...p, whole: { ...(p.whole as object), sha256: 'a'.repeat(64) } }));
      const results = [];
      for (const part of tampered) results.push(await post(part));
      expect(results.at(-1)).toMatchObject({ status: 422 });
      const other = big();
      const elsewhere = randomUUID();
      const renamed = partsOf(other, (p) => ({ ...p, whole: { ...(p.whole as object), messageId: elsewhere } }));
      const last = [];
      for (const part of renamed) last.push(await post(part));
      expect(last.at(-1)).toMatchObject({ status: 422, body: { message: 'the parts name another connection or message than the whole they form' } });
      expect(inboxKeys()).toEqual([]);
    });

    it('refuses a part signed with another key, storing nothing', async () => {
      const [part] = partsOf(big());
      if (!part) throw new Error('no parts');
      const before = world.b.store.snapshot();
      expect((await post({ ...part, headers: headers(part.body, { key: 'nope' }) })).status).toBe(401);
      expect(world.b.store.snapshot()).toBe(before);
    });
  });
});
