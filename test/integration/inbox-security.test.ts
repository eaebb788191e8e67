import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../../sandbox/start';
import { deriveConnectionSecret, directionKey, signBody } from '../../src/sync/signing';
import { ADMIN, doc } from './helpers';
import { replicaEnvelope } from '../../src/sync/testing/envelopes';

/**
 * The inbox web trigger under attack. The test plays the remote site: it accepts an invitation of
 * the internal site by itself (hello signed with the one-time token), so it holds a real connection
 * secret and can send correctly signed requests that are wrong in exactly one way.
 */
describe('inbox security', () => {
  let sandbox: Sandbox;
  let inboxUrl: string;
  let connectionId: string;
  let secret: string;
  let connectionSecret: string;

  const post = async (headers: Record<string, string>, body: string) => {
    const response = await fetch(inboxUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, body: await response.text() };
  };
  const signed = (body: string, options: { timestamp?: number; connection?: string; key?: string } = {}) => {
    const timestamp = String(options.timestamp ?? Date.now());
    return { 'x-twin-connection': options.connection ?? connectionId, 'x-twin-timestamp': timestamp, 'x-twin-signature': signBody(options.key ?? secret, timestamp, body) };
  };
  const envelope = (over: Record<string, unknown> = {}) => replicaEnvelope({
    connectionId, from: { siteName: 'attacker test', cloudId: 'test-cloud' }, issue: { id: '777', key: 'REM-7' },
    replica: { summary: 'From the test', description: doc('x') }, ...over,
  });
  const state = async () => ({
    kvs: sandbox.installations.internal.kvsKeys().sort(),
    // the test's own listActivity below asks Jira for the caller's permissions: not the inbox's doing
    jira: Object.fromEntries(Object.entries(sandbox.sites.internal.stats().byRoute).filter(([route]) => route !== 'GET /rest/api/3/mypermissions')),
    activity: await sandbox.installations.internal.invoke(ADMIN, 'listActivity', { limit: 500 }),
  });

  /** plays a remote site accepting an invitation of the internal site: the connection and its secret */
  const connectFake = async (name: string, cloudId: string) => {
    const invitation = z.looseObject({ code: z.string() }).parse(await sandbox.installations.internal.invoke(ADMIN, 'createInvitation', { name }));
    const code = z.looseObject({ connectionId: z.string(), inboxUrl: z.string(), token: z.string() }).parse(JSON.parse(Buffer.from(invitation.code, 'base64url').toString('utf8')));
    const nonce = randomBytes(32).toString('base64url');
    const hello = JSON.stringify({
      v: 1, type: 'hello', connectionId: code.connectionId, messageId: randomUUID(), sentAt: new Date().toISOString(), from: { siteName: `${name} test`, cloudId },
      inboxUrl: 'http://127.0.0.1:9/inbox', siteUrl: null, nonce,
    });
    const timestamp = String(Date.now());
    const answer = await fetch(code.inboxUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twin-connection': code.connectionId, 'x-twin-timestamp': timestamp, 'x-twin-signature': signBody(code.token, timestamp, hello) }, body: hello });
    expect(answer.status).toBe(200);
    return { connectionId: code.connectionId, inboxUrl: code.inboxUrl, connectionSecret: deriveConnectionSecret(code.token, code.connectionId, nonce) };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ portBase: 0, memory: true, connect: false });
    const first = await connectFake('attacker', 'test-cloud');
    inboxUrl = first.inboxUrl;
    connectionId = first.connectionId;
    connectionSecret = first.connectionSecret;
    // this fake remote signs with the key of its direction: test-cloud → the internal site
    secret = directionKey(connectionSecret, 'test-cloud', sandbox.installations.internal.cloudId);
    // The fake remote has no inbox: no sync back to it.
    const update = await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connectionId, rulesConfig: { targetProjectKey: 'INT', syncBackOnFirstSync: false, remoteKeyField: 'Remote issue key' } });
    expect(update).toMatchObject({ rulesConfig: { syncBackOnFirstSync: false } });
    await sandbox.waitForIdle();
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  it('answers a correctly signed ping (the harness itself works)', async () => {
    const body = JSON.stringify({ v: 1, type: 'ping', connectionId, messageId: randomUUID(), sentAt: new Date().toISOString(), from: { siteName: 't', cloudId: 'test-cloud' } });
    expect((await post(signed(body), body)).status).toBe(202);
  });

  const good = () => JSON.stringify(envelope());
  it.each<[string, number, () => { headers: Record<string, string>; body: string }]>([
    ['no signature', 401, () => { const body = good(); const { 'x-twin-signature': _s, ...headers } = signed(body); return { headers, body }; }],
    ['a bad signature', 401, () => { const body = good(); return { headers: { ...signed(body), 'x-twin-signature': 'ab'.repeat(32) }, body }; }],
    ['a signature made with another secret', 401, () => { const body = good(); return { headers: signed(body, { key: 'not the secret' }), body }; }],
    ['a reflection: signed as the internal site signs what it sends on this connection', 401, () => { const body = good(); return { headers: signed(body, { key: directionKey(connectionSecret, sandbox.installations.internal.cloudId, 'test-cloud') }), body }; }],
    ['a message naming the receiving site as its sender', 422, () => { const body = JSON.stringify(envelope({ from: { siteName: 'me', cloudId: sandbox.installations.internal.cloudId } })); return { headers: signed(body), body }; }],
    ['an issue id with a colon', 422, () => { const body = JSON.stringify(envelope({ issue: { id: 'a:b', key: 'REM-7' } })); return { headers: signed(body), body }; }],
    ['an issue id that is not ASCII', 422, () => { const body = JSON.stringify(envelope({ issue: { id: 'ü7', key: 'REM-7' } })); return { headers: signed(body), body }; }],
    ['an old timestamp (6 minutes)', 401, () => { const body = good(); return { headers: signed(body, { timestamp: Date.now() - 6 * 60_000 }), body }; }],
    ['a timestamp in the future (6 minutes)', 401, () => { const body = good(); return { headers: signed(body, { timestamp: Date.now() + 6 * 60_000 }), body }; }],
    ['an unknown connection', 401, () => { const body = good(); return { headers: signed(body, { connection: randomUUID() }), body }; }],
    ['an oversized body', 413, () => { const body = JSON.stringify(envelope({ padding: 'x'.repeat(4 * 1024 * 1024) })); return { headers: signed(body), body }; }],
    ['invalid JSON', 400, () => { const body = '{"v":1,'; return { headers: signed(body), body }; }],
    ['a schema-invalid envelope', 422, () => { const body = JSON.stringify(envelope({ seq: -3 })); return { headers: signed(body), body }; }],
    ['an unknown message type', 422, () => { const body = JSON.stringify(envelope({ type: 'steal' })); return { headers: signed(body), body }; }],
    ['an envelope for another connection than its header', 422, () => { const body = JSON.stringify(envelope({ connectionId: randomUUID() })); return { headers: signed(body), body }; }],
    ['a second hello on an active connection', 409, () => { const body = JSON.stringify({ v: 1, type: 'hello', connectionId, messageId: randomUUID(), sentAt: new Date().toISOString(), from: { siteName: 't', cloudId: 'c' }, inboxUrl: 'http://127.0.0.1:9/x', siteUrl: null, nonce: 'n'.repeat(43) }); return { headers: signed(body), body }; }],
  ])('refuses %s with %i and changes nothing', async (_name, status, build) => {
    const before = await state();
    const { headers, body } = build();
    expect((await post(headers, body)).status).toBe(status);
    await sandbox.waitForIdle();
    expect(await state()).toEqual(before);
  });

  it('accepts a replayed message id once: the replay answers 202 as a duplicate and changes nothing', async () => {
    const body = good();
    const headers = signed(body);
    const first = await post(headers, body);
    // applied while the sender waited
    expect(first.status).toBe(200);
    await sandbox.waitForIdle();
    const before = await state();
    const replay = await post(headers, body);
    expect(replay.status).toBe(202);
    expect(JSON.parse(replay.body)).toMatchObject({ duplicate: true });
    await sandbox.waitForIdle();
    expect(await state()).toEqual(before);
    expect(sandbox.installations.internal.kvsKeys().some((k) => k.startsWith('link:'))).toBe(true);
  });

  it('refuses a message of one connection replayed on another (each has its own secret)', async () => {
    const other = await connectFake('second peer', 'other-cloud');
    const body = good();
    const headers = signed(body);
    const before = await state();
    // the same request, under the other connection's header
    expect((await post({ ...headers, 'x-twin-connection': other.connectionId }, body)).status).toBe(401);
    // and rewritten for it, but still signed with the first connection's key
    const rewritten = JSON.stringify({ ...JSON.parse(body), connectionId: other.connectionId });
    expect((await post({ ...signed(rewritten), 'x-twin-connection': other.connectionId }, rewritten)).status).toBe(401);
    await sandbox.waitForIdle();
    const after = await state();
    expect(after.jira).toEqual(before.jira);
    expect(after.kvs.filter((k) => !k.startsWith('connection:') && !k.startsWith('hello:') && !k.startsWith('config:'))).toEqual(before.kvs.filter((k) => !k.startsWith('connection:') && !k.startsWith('hello:') && !k.startsWith('config:')));
  });
});
