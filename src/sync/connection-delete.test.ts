import { listActivity, listErrors } from './admin-api';
import { createInvitation, deleteConnection, listConnections } from './connections';
import { keys } from './state/keys';
import { World, type WorldSite } from './testing/world';

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function syncedWorld() {
  const world = new World({ seed: 7, ...calm });
  const connectionId = await world.connect();
  const issue = world.a.jira.userCreate('INT', 'shared');
  await world.quiesce();
  const twin = [...world.b.jira.issues.values()][0];
  if (!twin) throw new Error('no twin on b');
  return { world, connectionId, issue, twin };
}

const errorsOf = async (site: WorldSite) => listErrors(site.deps);

describe('deleting a connection tells the other site', () => {
  it('the other site shows it closed with when, forgets its secret and links, and sends nothing more', async () => {
    const { world, connectionId, twin } = await syncedWorld();
    const answer = await deleteConnection(world.a.deps, connectionId);
    expect(answer).toEqual({ deleted: true, links: 1, remoteNotified: true });
    expect(await listConnections(world.a.deps)).toEqual([]);
    const closedAt = new Date(world.clock.now()).toISOString();
    expect(await listConnections(world.b.deps)).toEqual([expect.objectContaining({ id: connectionId, status: 'closed', closedAt })]);
    expect(await world.b.store.getSecret(keys.connectionSecret(connectionId))).toBeUndefined();
    expect(await world.b.store.get(keys.link(connectionId, twin.id))).toBeUndefined();
    expect((await listActivity(world.b.deps, 50)).find((e) => e.type === 'goodbye')).toMatchObject({ direction: 'in', outcome: 'info' });

    const postsBefore = world.posts;
    world.b.jira.userEdit(twin.id, { summary: 'edited after the end' });
    world.b.jira.userSetStatus(twin.id, 'In Progress');
    expect(world.pending).toBeGreaterThan(0); // the trigger events are there, and decide nothing
    await world.quiesce();
    expect(world.posts).toBe(postsBefore);
    expect(await errorsOf(world.a)).toEqual([]);
    expect(await errorsOf(world.b)).toEqual([]);
  });

  it('an unreachable remote does not block the deletion: remoteNotified is false and the warning is logged', async () => {
    const world = new World({ seed: 8, ...calm });
    const connectionId = await world.connect();
    world.options.failureRate = 1; // every post fails before delivery
    const answer = await deleteConnection(world.a.deps, connectionId);
    expect(answer).toEqual({ deleted: true, links: 0, remoteNotified: false });
    expect(await listConnections(world.a.deps)).toEqual([]);
    expect(await world.a.store.getSecret(keys.connectionSecret(connectionId))).toBeUndefined();
    expect((await listActivity(world.a.deps, 50)).find((e) => e.type === 'goodbye')).toMatchObject({ direction: 'out', outcome: 'warning' });
    expect(await listConnections(world.b.deps)).toEqual([expect.objectContaining({ id: connectionId, status: 'active' })]);
  });

  it('a pending connection (invitation not accepted) is deleted without telling anyone', async () => {
    const world = new World({ seed: 9, ...calm });
    const invitation = await createInvitation(world.a.deps, 'never accepted');
    const posts = world.posts;
    expect(await deleteConnection(world.a.deps, invitation.connectionId)).toEqual({ deleted: true, links: 0, remoteNotified: false });
    expect(world.posts).toBe(posts);
  });

  it('a closed connection accepts no more messages, and a new invitation connects the sites again', async () => {
    const { world, connectionId, issue } = await syncedWorld();
    await deleteConnection(world.a.deps, connectionId);
    const again = await world.connect();
    expect(again).not.toBe(connectionId);
    expect((await listConnections(world.b.deps)).map((c) => [c.id, c.status]).sort()).toEqual([[again, 'active'], [connectionId, 'closed']].sort());
    world.a.jira.userEdit(issue.id, { summary: 'shared again' });
    await world.quiesce();
    const bSummaries = [...world.b.jira.issues.values()].map((i) => i.summary);
    expect(bSummaries).toContain('shared again');
    expect(await errorsOf(world.a)).toEqual([]);
    expect(await errorsOf(world.b)).toEqual([]);
  });
});
