import type { QueueEvent } from '../model/queue-event';
import { updateConnection } from './connections';
import type { EngineDeps } from './deps';
import { keys } from './state/keys';
import { World, type WorldSite } from './testing/world';
import { handleIssueEvent, handleIssueLinkEvent, scopeProjects } from './trigger';

describe('scopeProjects', () => {
  it.each([
    ['project = "INT"', ['INT']],
    ['project = INT', ['INT']],
    ["PROJECT = 'int'", ['INT']],
    ['project in ("INT", CLOUD)', ['INT', 'CLOUD']],
    ['project = INT AND labels = x', null],
    ['labels = x', null],
    ['project in ()', null],
  ])('%s → %j', (jql, projects) => {
    expect(scopeProjects(jql)).toEqual(projects);
  });
});

/** A world whose two sites are connected (a: scope `project = INT`; b: no scope), and a queue that keeps what the trigger pushes. */
async function connected() {
  const world = new World({ seed: 3, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 });
  const connectionId = await world.connect();
  const pushed: QueueEvent[] = [];
  const capture = (site: WorldSite): EngineDeps => ({ ...site.deps, queue: { push: async (events) => { pushed.push(...events); } } });
  return { world, connectionId, pushed, capture };
}

const outgoing = (connectionId: string, localIssueId: string) => ({
  kind: 'outgoing', connectionId, localIssueId, syncBack: false, reason: 'event', lock: `${connectionId}:${localIssueId}`, attempt: 0,
});

describe('handleIssueLinkEvent: a link made or removed syncs both its issues, as an update of each does', () => {
  it.each(['avi:jira:created:issuelink', 'avi:jira:deleted:issuelink'])('%s: both issues in the scope are queued and marked changed by a person', async (eventType) => {
    const { world, connectionId, pushed, capture } = await connected();
    const deps = capture(world.a);
    expect(await handleIssueLinkEvent(deps, { eventType, sourceIssueId: '10010', destinationIssueId: '10011' })).toBe(2);
    expect(pushed).toEqual([outgoing(connectionId, '10010'), outgoing(connectionId, '10011')]);
    for (const id of ['10010', '10011']) expect(await world.a.store.get(keys.dirty(connectionId, id))).toEqual({ at: world.clock.t });
  });

  it('an issue linked to itself is queued once', async () => {
    const { world, connectionId, pushed, capture } = await connected();
    expect(await handleIssueLinkEvent(capture(world.a), { eventType: 'avi:jira:created:issuelink', sourceIssueId: '10010', destinationIssueId: '10010' })).toBe(1);
    expect(pushed).toEqual([outgoing(connectionId, '10010')]);
  });

  it('without a scope, only the end of the link that is synced is queued', async () => {
    const { world, connectionId, pushed, capture } = await connected();
    world.a.jira.userCreate('INT', 'synced');
    await world.quiesce();
    const [twin] = [...world.b.jira.issues.values()];
    if (!twin) throw new Error('no twin');
    expect(await handleIssueLinkEvent(capture(world.b), { eventType: 'avi:jira:created:issuelink', sourceIssueId: '99999', destinationIssueId: twin.id })).toBe(1);
    expect(pushed).toEqual([outgoing(connectionId, twin.id)]);
    expect(await world.b.store.get(keys.dirty(connectionId, '99999'))).toBeUndefined();
  });

  it('queues nothing for a connection that does not send', async () => {
    const { world, connectionId, pushed, capture } = await connected();
    await updateConnection(world.a.deps, { id: connectionId, direction: 'receive-only' });
    expect(await handleIssueLinkEvent(capture(world.a), { eventType: 'avi:jira:deleted:issuelink', sourceIssueId: '10010', destinationIssueId: '10011' })).toBe(0);
    expect(pushed).toEqual([]);
  });
});

describe('handleIssueEvent', () => {
  it('queues an update, skips one touching only ignored fields, and does not mark a new issue as changed', async () => {
    const { world, connectionId, pushed, capture } = await connected();
    const deps = capture(world.a);
    expect(await handleIssueEvent(deps, { eventType: 'avi:jira:updated:issue', issueId: '10010', changedFields: ['Rank', 'Remote issue key'], projectKey: 'INT' }, () => ['Remote issue key'])).toBe(0);
    expect(await handleIssueEvent(deps, { eventType: 'avi:jira:updated:issue', issueId: '10010', changedFields: ['summary'], projectKey: 'INT' })).toBe(1);
    expect(await handleIssueEvent(deps, { eventType: 'avi:jira:created:issue', issueId: '10012', changedFields: null, projectKey: 'INT' })).toBe(1);
    expect(await handleIssueEvent(deps, { eventType: 'avi:jira:created:issue', issueId: '10013', changedFields: null, projectKey: 'OTHER' })).toBe(0);
    expect(pushed).toEqual([outgoing(connectionId, '10010'), outgoing(connectionId, '10012')]);
    expect(await world.a.store.get(keys.dirty(connectionId, '10010'))).toEqual({ at: world.clock.t });
    expect(await world.a.store.get(keys.dirty(connectionId, '10012'))).toBeUndefined();
  });
});
