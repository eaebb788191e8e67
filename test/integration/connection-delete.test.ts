import { z } from 'zod';
import type { Sandbox } from '../../sandbox/start';
import { ADMIN, connectedSandbox, connectionId, createIssue, rest, twinOf } from './helpers';

const ActivitySchema = z.array(z.looseObject({ id: z.string(), direction: z.string(), type: z.string(), outcome: z.string() }));
const ConnectionsSchema = z.array(z.looseObject({ id: z.string(), status: z.string(), closedAt: z.string().nullable() }));

/** An admin deletes the connection on one site: the other site is told, shows it closed and sends nothing more. */
describe('deleting a connection on the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await connectedSandbox();
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  const activity = async (site: 'internal' | 'external') => ActivitySchema.parse(await sandbox.installations[site].invoke(ADMIN, 'listActivity', { limit: 500 }));

  it('internal deletes it; external lists it closed; editing the CLOUD twin afterwards sends nothing and records no error', async () => {
    const created = await createIssue(rest(sandbox, 'internal'), { summary: 'Synced before the end' });
    await sandbox.waitForIdle();
    const [twin] = await twinOf(sandbox, created.id);
    if (!twin) throw new Error('no twin on external');
    const id = await connectionId(sandbox, 'internal');

    const answer = await sandbox.installations.internal.invoke(ADMIN, 'deleteConnection', { id });
    expect(answer).toEqual({ deleted: true, links: 1, remoteNotified: true });
    expect(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {})).toEqual([]);
    const external = ConnectionsSchema.parse(await sandbox.installations.external.invoke(ADMIN, 'listConnections', {}));
    expect(external).toEqual([expect.objectContaining({ id, status: 'closed', closedAt: expect.any(String) })]);

    const seen = { internal: new Set((await activity('internal')).map((a) => a.id)), external: new Set((await activity('external')).map((a) => a.id)) };
    expect((await rest(sandbox, 'external')('PUT', `/rest/api/3/issue/${twin.key}`, { fields: { summary: 'Edited after the end' } })).status).toBe(204);
    await sandbox.waitForIdle();

    expect(await sandbox.installations.internal.invoke(ADMIN, 'listErrors', {})).toEqual([]);
    expect(await sandbox.installations.external.invoke(ADMIN, 'listErrors', {})).toEqual([]);
    // no message either way: nothing new received on internal, nothing sent (or tried) by external
    expect((await activity('internal')).filter((a) => !seen.internal.has(a.id))).toEqual([]);
    expect((await activity('external')).filter((a) => !seen.external.has(a.id) && a.direction !== 'local')).toEqual([]);
  }, 60_000);
});
