import { z } from 'zod';
import { startSandbox, type Sandbox } from '../../sandbox/start';
import { ADMIN, createIssue, rest, twinOf } from './helpers';

const Invitation = z.looseObject({ code: z.string(), expiresAt: z.string(), connectionId: z.string() });
const Failure = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });
const Connection = z.looseObject({ id: z.string(), status: z.string(), remoteSiteName: z.string().nullable(), role: z.string() });

function recode(code: string, change: (json: Record<string, unknown>) => void): string {
  const json = z.record(z.string(), z.unknown()).parse(JSON.parse(Buffer.from(code, 'base64url').toString('utf8')));
  change(json);
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

describe('connecting two sites with an invitation code (resolvers)', () => {
  let sandbox: Sandbox;
  const admin = (site: 'internal' | 'external', fn: string, payload: unknown) => sandbox.installations[site].invoke(ADMIN, fn, payload);

  beforeAll(async () => {
    sandbox = await startSandbox({ portBase: 0, memory: true, connect: false });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  it('refuses garbage, forged and expired codes clearly, then connects with the genuine one, once', async () => {
    expect(await admin('internal', 'listConnections', {})).toEqual([]);
    const invitation = Invitation.parse(await admin('internal', 'createInvitation', { name: 'internal ↔ external' }));

    expect(Failure.parse(await admin('external', 'acceptInvitation', { code: 'not a code' })).error.code).toBe('invalid-code');
    const forged = recode(invitation.code, (j) => { j.token = 'x'.repeat(43); });
    const forgedAnswer = Failure.parse(await admin('external', 'acceptInvitation', { code: forged }));
    expect(forgedAnswer.error).toMatchObject({ code: 'refused' });
    expect(forgedAnswer.error.message).toMatch(/refused this invitation/);
    const expired = recode(invitation.code, (j) => { j.expiresAt = '2020-01-01T00:00:00.000Z'; });
    expect(Failure.parse(await admin('external', 'acceptInvitation', { code: expired })).error).toMatchObject({ code: 'expired' });
    expect(Failure.parse(await admin('internal', 'acceptInvitation', { code: invitation.code })).error.message).toMatch(/created on this site/);
    expect(await admin('external', 'listConnections', {})).toEqual([]);

    const accepted = Connection.parse(await admin('external', 'acceptInvitation', { code: invitation.code }));
    expect(accepted).toMatchObject({ id: invitation.connectionId, status: 'active', role: 'accepter' });
    expect(accepted.remoteSiteName).toMatch(/internal/);
    const inviterSide = z.array(Connection).parse(await admin('internal', 'listConnections', {}));
    expect(inviterSide).toEqual([expect.objectContaining({ id: invitation.connectionId, status: 'active', role: 'inviter' })]);
    expect(inviterSide[0]?.remoteSiteName).toMatch(/external/);

    // the code is dead now: accepting it again here, or anywhere after forgetting the connection, is refused
    expect(Failure.parse(await admin('external', 'acceptInvitation', { code: invitation.code })).error.code).toBe('already-used');
    expect(await admin('external', 'deleteConnection', { id: invitation.connectionId })).toMatchObject({ deleted: true });
    expect(Failure.parse(await admin('external', 'acceptInvitation', { code: invitation.code })).error.code).toBe('refused');
  });

  it('a connection made by invitation syncs once it has a scope', async () => {
    const invitation = Invitation.parse(await admin('internal', 'createInvitation', { name: 'second' }));
    Connection.parse(await admin('external', 'acceptInvitation', { code: invitation.code }));
    expect(Failure.safeParse(await admin('internal', 'updateConnection', { id: invitation.connectionId, scopeJql: 'project = INT' })).data?.error.code).toBe('invalid-jql');
    // a scope is a filter: an order would break the engine's own `id = X AND (scope)`
    const ordered = Failure.parse(await admin('internal', 'updateConnection', { id: invitation.connectionId, scopeJql: 'project = "INT" ORDER BY created DESC' }));
    expect(ordered.error).toMatchObject({ code: 'invalid-jql', message: expect.stringMatching(/leave out ORDER BY/) });
    // ... but the words inside a quoted value are a value
    expect(await admin('internal', 'updateConnection', { id: invitation.connectionId, scopeJql: 'project = "INT" AND summary !~ "order by"' })).toMatchObject({ scopeJql: 'project = "INT" AND summary !~ "order by"' });
    expect(await admin('internal', 'updateConnection', { id: invitation.connectionId, scopeJql: 'project = "INT"', conflictPolicy: 'later-wins' })).toMatchObject({ scopeJql: 'project = "INT"' });
    const created = await createIssue(rest(sandbox, 'internal'), { summary: 'Made after an invitation' });
    await sandbox.waitForIdle();
    expect((await twinOf(sandbox, created.id)).map((t) => t.fields.summary)).toEqual(['Made after an invitation']);

    // the one-time token the secret was derived from shows nowhere an admin (or a log reader) can look
    const token = z.looseObject({ token: z.string().min(20) }).parse(JSON.parse(Buffer.from(invitation.code, 'base64url').toString('utf8'))).token;
    for (const site of ['internal', 'external'] as const) {
      const visible = JSON.stringify([
        await admin(site, 'listConnections', {}),
        await admin(site, 'listActivity', { limit: 500 }),
        await admin(site, 'listErrors', {}),
        sandbox.installations[site].kvsKeys(),
      ]);
      expect(visible).not.toContain(token);
      expect(visible).not.toMatch(/secret/i);
    }
  });
});
