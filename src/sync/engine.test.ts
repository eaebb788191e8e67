import { JiraError } from '../ports/jira';
import { RulesError, type RulesEngine } from '../ports/rules';
import type { RulesProvider } from '../ports/rules-provider';
import { defaultRulesEngine } from '../rules/builtin/provider';
import { listActivity, listErrors } from './admin-api';
import { updateConnection } from './connections';
import { handleInbox } from './inbox';
import { directionKey, signBody } from './signing';
import { keys } from './state/keys';
import type { Connection } from './state/records';
import { getBulkSyncProgress, startBulkSync } from './bulk-sync';
import { sweep } from './sweeper';
import { commentText, textDoc } from './testing/memory-jira';
import { World, type WorldSite } from './testing/world';
import { replicaEnvelope } from './testing/envelopes';
import { retryError } from './worker';

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

async function connected(options: Partial<ConstructorParameters<typeof World>[0]> = {}) {
  const world = new World({ seed: 11, ...calm, ...options });
  const connectionId = await world.connect();
  return { world, connectionId };
}

/** A replica envelope from site a's point of view, signed with the connection secret, posted to site b's inbox. */
async function sendToB(world: World, connectionId: string, over: { seq: number; summary: string; ack?: number; syncBack?: boolean; issueId?: string }) {
  const stored = await world.b.store.getSecret(keys.connectionSecret(connectionId));
  if (typeof stored !== 'string') throw new Error('no secret');
  // the key of the direction a → b
  const secret = directionKey(stored, 'cloud-a', 'cloud-b');
  const id = over.issueId ?? '900';
  const body = JSON.stringify(replicaEnvelope({
    connectionId, sentAt: new Date(world.clock.now()).toISOString(), issue: { id, key: `INT-${id}` }, seq: over.seq, ack: over.ack ?? 0, syncBack: over.syncBack ?? false,
    editedAt: new Date(world.clock.now()).toISOString(), replica: { summary: over.summary },
  }));
  const ts = String(world.clock.now());
  const response = await handleInbox(world.b.deps, { method: 'POST', headers: { 'x-twin-connection': connectionId, 'x-twin-timestamp': ts, 'x-twin-signature': signBody(secret, ts, body) }, body });
  // applied while the sender waits (200), or stored for the queue (202)
  expect([200, 202]).toContain(response.status);
}

/** A message site b stored in its inbox while its queue was down: only the sweeper takes it up. */
async function storedButNotQueued(world: World, connectionId: string, summary: string): Promise<void> {
  queueOnly(world.b);
  const push = world.b.deps.queue.push;
  world.b.deps.queue = { push: async () => { throw new Error('queue unavailable'); } };
  await sendToB(world, connectionId, { seq: 1, summary });
  world.b.deps.queue = { push };
}

/** Site `site` takes every message through its inbox entry and the queue, never applying while the sender waits. */
function queueOnly(site: WorldSite): void {
  site.deps.settings = { ...site.deps.settings, inlineApply: false };
}

const issuesOf = (site: WorldSite) => [...site.jira.issues.values()];
const outcomes = async (site: WorldSite) => (await listActivity(site.deps, 500)).map((a) => a.outcome);

/** Rules provider returning the given engine for every connection. */
const provider = (engine: RulesEngine): RulesProvider => ({ forConnection: async () => engine });

describe('sequence numbers', () => {
  it('applies a newer seq and drops an older one that arrives late (counted as stale)', async () => {
    const { world, connectionId } = await connected();
    await sendToB(world, connectionId, { seq: 2, summary: 'two' });
    await world.quiesce();
    await sendToB(world, connectionId, { seq: 1, summary: 'one' });
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['two']);
    expect(await outcomes(world.b)).toContain('stale');
  });

  it('applies the same seq only once even when it arrives as two messages', async () => {
    const { world, connectionId } = await connected({ rules: { b: provider(defaultRulesEngine({ targetProjectKey: 'CLOUD', syncBackOnFirstSync: false, remoteKeyField: null })) } });
    await sendToB(world, connectionId, { seq: 1, summary: 'first' });
    await world.quiesce();
    const calls = world.b.jira.totalCalls;
    await sendToB(world, connectionId, { seq: 1, summary: 'first' });
    await world.quiesce();
    expect(issuesOf(world.b)).toHaveLength(1);
    expect(world.b.jira.totalCalls).toBe(calls);
  });
});

describe('exactly one twin', () => {
  it('a consumer that dies right after creating the twin does not make a second one', async () => {
    const { world } = await connected();
    let crashes = 1;
    world.b.jira.afterCall = (name) => {
      if (name === 'createIssue' && crashes-- > 0) throw new JiraError('died after create', 0);
    };
    world.a.jira.userCreate('INT', 'once');
    await world.quiesce();
    expect(issuesOf(world.b)).toHaveLength(1);
    expect(world.b.jira.calls.createIssue).toBe(1);
    expect(world.b.jira.calls.search).toBe(1);
    expect(issuesOf(world.a)[0]?.customFields['Remote issue key']?.value).toBe(issuesOf(world.b)[0]?.key);
  });

  it.each([
    ['an error right after the create (the marker notes the twin)', (world: World) => { let n = 1; world.b.jira.afterCall = (name) => { if (name === 'createIssue' && n-- > 0) throw new JiraError('died after create', 0); }; }],
    ['the invocation killed right after the create (nothing noted: found by its origin)', (world: World) => world.killBefore(world.b, 'store', 'transact')],
  ] as const)('a person\'s comment on a twin whose creation was cut off before linking: kept, and sent to the source (%s)', async (_how, cutOff) => {
    const { world } = await connected();
    world.a.jira.userComment(world.a.jira.userCreate('INT', 'commented early').key, 'from the source');
    cutOff(world);
    // the creation runs and is cut off; a person comments on the new twin before its retry
    for (let i = 0; i < 50 && issuesOf(world.b).length === 0; i++) await world.runSome(1);
    const twin = issuesOf(world.b)[0]!;
    world.b.jira.userComment(twin.key, 'said early on the twin');
    await world.quiesce();
    expect(issuesOf(world.b)).toHaveLength(1);
    const said = (issue: { comments: { body: unknown }[] }) => issue.comments.map((c) => (JSON.stringify(c.body).match(/"text":"([^"]*)"/g) ?? []).map((m) => m.slice(8, -1)).filter((t) => !/ wrote:$/.test(t)).join(' ')).sort();
    expect(said(twin)).toEqual(['from the source', 'said early on the twin']);
    expect(said(issuesOf(world.a)[0]!)).toEqual(['from the source', 'said early on the twin']);
  });

  it('searches for an existing twin only after a create was attempted (no search on the normal path)', async () => {
    const { world } = await connected();
    world.a.jira.userCreate('INT', 'plain');
    await world.quiesce();
    expect(world.b.jira.calls.search).toBeUndefined();
  });
});

describe('sync back and loops', () => {
  it('a sync back never causes another sync back: rules calling it on every message are ignored with a warning', async () => {
    const always: RulesEngine = {
      outgoing: (input) => defaultRulesEngine({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' }).outgoing(input),
      incoming: async (input) => ({ ...(await defaultRulesEngine({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' }).incoming(input)), syncBack: true }),
    };
    const { world } = await connected({ rules: { a: provider(always), b: provider(always) } });
    const before = world.posts;
    world.a.jira.userCreate('INT', 'ping-pong?');
    await world.quiesce();
    // two posts: the sync back rides in its answer, and its outcome tells the replier it was applied
    expect(world.posts - before).toBe(2);
    const warnings = (await listActivity(world.a.deps, 100)).filter((a) => a.outcome === 'warning');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/ignored: this message is itself a sync back/)]);
  });

  it('syncBackAfterProcessing() on a receive-only connection is a configuration error shown as such', async () => {
    const { world, connectionId } = await connected();
    await updateConnection(world.b.deps, { id: connectionId, direction: 'receive-only' });
    world.a.jira.userCreate('INT', 'one way');
    await world.quiesce();
    const errors = await listErrors(world.b.deps);
    expect(errors).toEqual([expect.objectContaining({ kind: 'permanent', direction: 'incoming', remoteIssueKey: 'INT-1', cause: expect.stringMatching(/receive-only: a sync back needs direction "both"/) })]);
    expect(issuesOf(world.b)).toHaveLength(0);
  });

  it('an unchanged replica is not sent again', async () => {
    const { world } = await connected();
    const issue = world.a.jira.userCreate('INT', 'same');
    await world.quiesce();
    const posts = world.posts;
    world.a.jira.userEdit(issue.id, { summary: 'same' });
    await world.quiesce();
    expect(world.posts).toBe(posts);
  });
});

describe('errors block only their issue', () => {
  it('records a rules failure with its cause, folds later work behind it, and completes on retry', async () => {
    let broken = true;
    const flaky: RulesEngine = {
      outgoing: (input) => defaultRulesEngine({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' }).outgoing(input),
      incoming: async (input) => {
        if (broken && input.replica.summary.startsWith('bad')) throw new RulesError('cannot map this', 'incoming', 3, 7);
        return defaultRulesEngine({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' }).incoming(input);
      },
    };
    const { world } = await connected({ rules: { b: provider(flaky) } });
    const bad = world.a.jira.userCreate('INT', 'bad one');
    world.a.jira.userCreate('INT', 'good one');
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['good one']);
    const [error] = await listErrors(world.b.deps);
    expect(error).toMatchObject({ cause: 'incoming rules (line 3:7): cannot map this', attempts: 1, remoteIssueKey: bad.key, pending: 0 });

    world.a.jira.userEdit(bad.id, { summary: 'bad but edited' });
    await world.quiesce();
    expect((await listErrors(world.b.deps))[0]?.pending).toBe(1);

    broken = false;
    await retryError(world.b.deps, error?.id ?? '');
    await world.quiesce();
    expect(await listErrors(world.b.deps)).toEqual([]);
    expect(issuesOf(world.b).map((i) => i.summary).sort()).toEqual(['bad but edited', 'good one']);
  });

  it('retries transient failures with backoff, then records them with the attempts made; the sweeper retries them later', async () => {
    const { world } = await connected({ retry: { maxAttempts: 3, baseDelaySeconds: 1, maxDelaySeconds: 10 } });
    let down = true;
    world.b.jira.beforeCall = (name) => {
      if (down && name === 'createIssue') throw new JiraError('service unavailable', 503, 2);
    };
    world.a.jira.userCreate('INT', 'later');
    await world.quiesce();
    const [error] = await listErrors(world.b.deps);
    expect(error).toMatchObject({ kind: 'transient', attempts: 3, cause: expect.stringMatching(/503/) });
    expect(await outcomes(world.b)).toEqual(expect.arrayContaining(['retry', 'error']));

    down = false;
    world.clock.t += 31 * 60 * 1000;
    expect((await sweep(world.b.deps)).retriedErrors).toBe(1);
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['later']);
  });
});

describe('comments', () => {
  it('flow both ways exactly once, and deletions follow', async () => {
    const { world } = await connected();
    const issue = world.a.jira.userCreate('INT', 'chat');
    await world.quiesce();
    const twin = issuesOf(world.b)[0];
    if (!twin) throw new Error('no twin');
    world.a.jira.userComment(issue.id, 'from a');
    await world.quiesce();
    world.b.jira.userComment(twin.id, 'from b');
    await world.quiesce();
    const texts = (site: WorldSite) => issuesOf(site)[0]?.comments.map((c) => commentText(c.body)).sort();
    expect(texts(world.a)).toEqual([commentText(textDoc('from a')), commentText(textDoc('from b'))].sort());
    expect(texts(world.b)).toEqual(texts(world.a));
    world.b.jira.userDeleteComment(twin.id, 0);
    await world.quiesce();
    expect(issuesOf(world.a)[0]?.comments).toHaveLength(1);
    expect(issuesOf(world.b)[0]?.comments).toHaveLength(1);
  });
});

describe('an apply that fails half way', () => {
  it.each([['a new twin'], ['an existing twin']])('comment copies made before a 429 (per-issue write limit) are not made again by the retry: %s', async (which) => {
    const { world } = await connected();
    const issue = world.a.jira.userCreate('INT', 'many comments');
    if (which === 'an existing twin') await world.quiesce();
    for (let i = 0; i < 6; i++) world.a.jira.userComment(issue.id, `c${i}`);
    let added = 0;
    world.b.jira.beforeCall = (name) => {
      if (name === 'addComment' && ++added === 4) throw new JiraError('too many writes to this issue', 429, 30);
    };
    await world.quiesce();
    expect(added).toBeGreaterThan(4);
    const twin = issuesOf(world.b)[0];
    expect(issuesOf(world.b)).toHaveLength(1);
    expect(twin?.comments.map((c) => commentText(c.body))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].map((t) => commentText(textDoc(t))));
    expect(issuesOf(world.a)[0]?.comments).toHaveLength(6);
    expect(issuesOf(world.a)[0]?.customFields['Remote issue key']?.value).toBe(twin?.key);
    expect(await listErrors(world.b.deps)).toEqual([]);
    // the interrupted create searched for nothing: the marker named the twin
    expect(world.b.jira.calls.search).toBeUndefined();
  });
});

describe('status through the workflow', () => {
  it('takes several transitions when there is no direct one (Open → Done is two steps)', async () => {
    const { world } = await connected();
    const issue = world.a.jira.userCreate('INT', 'walk');
    await world.quiesce();
    world.a.jira.userSetStatus(issue.id, 'Done');
    await world.quiesce();
    expect(issuesOf(world.b)[0]?.status.name).toBe('Done');
    expect(world.b.jira.calls.transitionIssue).toBe(2);
  });
});

describe('connections', () => {
  it('keeps a connection per site with the remote names', async () => {
    const { world, connectionId } = await connected();
    const a = await world.a.store.get(keys.connection(connectionId));
    const b = await world.b.store.get(keys.connection(connectionId));
    expect(a).toMatchObject({ status: 'active', role: 'inviter', remoteSiteName: 'external' } satisfies Partial<Connection>);
    expect(b).toMatchObject({ status: 'active', role: 'accepter', remoteSiteName: 'internal' } satisfies Partial<Connection>);
  });
});

describe('the seed conflict: a status changed right after creation', () => {
  it.each<['a' | 'b']>([['a'], ['b']])('changed on site %s while the sync back is in flight: both sides end In Progress', async (side) => {
    const { world } = await connected();
    // through the queues: applied while the sender waits, the sync back arrives with the answer and
    // nothing can happen in between
    queueOnly(world.a);
    queueOnly(world.b);
    const issue = world.a.jira.userCreate('INT', 'quick');
    // run until the twin exists on b, before a has applied the sync back
    while (world.b.jira.issues.size === 0) if (!(await world.step())) throw new Error('no twin');
    expect(world.a.jira.issues.get(issue.id)?.customFields['Remote issue key']?.value).toBeNull();
    const target = side === 'a' ? issue.id : [...world.b.jira.issues.keys()][0] ?? '';
    (side === 'a' ? world.a : world.b).jira.userSetStatus(target, 'In Progress');
    await world.quiesce();
    expect(issuesOf(world.a)[0]?.status.name).toBe('In Progress');
    expect(issuesOf(world.b)[0]?.status.name).toBe('In Progress');
    expect(issuesOf(world.a)[0]?.customFields['Remote issue key']?.value).toBe(issuesOf(world.b)[0]?.key);
  });
});

describe('sweeper', () => {
  it('trims the activity log to its limit, newest kept', async () => {
    const { world } = await connected();
    world.b.deps.settings = { ...world.b.deps.settings, activityLimit: 3 };
    for (let i = 0; i < 8; i += 1) {
      world.a.jira.userCreate('INT', `n${i}`);
      await world.quiesce();
    }
    const before = await listActivity(world.b.deps, 500);
    expect(before.length).toBeGreaterThan(3);
    const result = await sweep(world.b.deps);
    expect(result.trimmedActivity).toBe(before.length - 3);
    expect(await listActivity(world.b.deps, 500)).toEqual(before.slice(0, 3));
  });

  it('re-drives an inbox entry whose queue event was lost', async () => {
    const { world, connectionId } = await connected();
    await storedButNotQueued(world, connectionId, 'stuck');
    await world.quiesce();
    expect(issuesOf(world.b)).toHaveLength(0);
    world.clock.t += 6 * 60 * 1000;
    expect((await sweep(world.b.deps)).redrivenInbox).toBe(1);
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['stuck']);
  });
});

describe('the sweeper: one bad item never stops the others', () => {
  it('a poisoned inbox entry (an id no Jira has, stored before ids were checked) is noted and dropped; the next entry is re-driven', async () => {
    const { world, connectionId } = await connected();
    await storedButNotQueued(world, connectionId, 'stuck but fine');
    const receivedAt = new Date(world.clock.now()).toISOString();
    await world.b.store.set(keys.inbox(connectionId, 'poison-1'), { connectionId, messageId: 'poison-1', receivedAt, body: JSON.stringify({ v: 1, type: 'replica', issue: { id: 'a:b', key: 'X-1' } }) });
    await world.b.store.set(keys.inbox(connectionId, 'poison-2'), { connectionId, messageId: 'poison-2', receivedAt, body: 'not json' });
    world.clock.t += 6 * 60 * 1000;
    expect((await sweep(world.b.deps)).redrivenInbox).toBe(1);
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['stuck but fine']);
    const notes = (await listActivity(world.b.deps, 100)).filter((a) => a.type === 'sweeper' && a.outcome === 'error').map((a) => a.message);
    expect(notes.sort()).toEqual([expect.stringMatching(/^inbox entry poison-1: its message is not a valid envelope; it can never be applied: dropped$/), expect.stringMatching(/^inbox entry poison-2: /)]);
    expect([...world.b.store.data.keys()].filter((k) => k.startsWith('inbox:'))).toEqual([]);
    // and the next run has nothing left to trip on
    expect(await sweep(world.b.deps)).toMatchObject({ redrivenInbox: 0 });
  });
});

describe('bulk sync', () => {
  it('queues every issue in scope and reports progress until all are synced', async () => {
    const { world, connectionId } = await connected();
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: null });
    for (const s of ['x', 'y', 'z']) world.a.jira.userCreate('INT', s);
    await world.quiesce();
    expect(issuesOf(world.b)).toHaveLength(0);
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: 'project = "INT"' });
    expect(await startBulkSync(world.a.deps, connectionId)).toEqual({ jobId: expect.any(String), estimate: 3, resumed: false });
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ total: 3, done: 0, running: true, state: 'listing' });
    // a second press while it runs takes the same job up, never starts over
    expect(await startBulkSync(world.a.deps, connectionId)).toMatchObject({ resumed: true });
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary).sort()).toEqual(['x', 'y', 'z']);
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ total: 3, done: 3, created: 3, updated: 0, failed: 0, running: false, state: 'done' });
    // every key written back
    expect(issuesOf(world.a).map((i) => i.customFields['Remote issue key']?.value).sort()).toEqual(issuesOf(world.b).map((i) => i.key).sort());
    // done again: a new job, whose twins exist already (updates)
    expect(await startBulkSync(world.a.deps, connectionId)).toMatchObject({ resumed: false });
    await world.quiesce();
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ total: 3, done: 3, created: 0, updated: 3, state: 'done' });
    expect(issuesOf(world.b)).toHaveLength(3);
  });

  it('a chain of steps hands over to the sweeper past its share of pushes, and the job goes on to the end', async () => {
    const { world, connectionId } = await connected();
    world.a.deps.settings = { ...world.a.deps.settings, bulkChainSteps: 2 };
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: null });
    for (let i = 0; i < 9; i++) world.a.jira.userCreate('INT', `n${i}`);
    await world.quiesce();
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: 'project = "INT"' });
    await startBulkSync(world.a.deps, connectionId);
    await world.quiesce();
    // two steps of two issues each, then the chain stopped
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ queued: 4, running: true });
    for (let kick = 0; kick < 10 && (await getBulkSyncProgress(world.a.deps, connectionId)).running; kick++) {
      world.clock.t += 3 * 60 * 1000;
      expect((await sweep(world.a.deps)).kickedBulkJobs).toBe(1);
      await world.quiesce();
    }
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ queued: 9, done: 9, state: 'done' });
    expect(issuesOf(world.b)).toHaveLength(9);
  });

  it('never says done before the other side confirmed: sends that the remote has not applied stay open', async () => {
    const { world, connectionId } = await connected();
    for (const s of ['p', 'q']) world.a.jira.userCreate('INT', s);
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: null });
    await world.quiesce();
    await updateConnection(world.a.deps, { id: connectionId, scopeJql: 'project = "INT"' });
    // the other site takes messages but never processes them: nothing is confirmed
    queueOnly(world.b);
    const inbox = world.b.deps.queue.push;
    world.b.deps.queue.push = async () => undefined;
    await startBulkSync(world.a.deps, connectionId);
    await world.runSome(200);
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ queued: 2, done: 0, running: true, state: 'confirming' });
    world.b.deps.queue.push = inbox;
    await sweep(world.b.deps); // ... until its sweeper re-drives what it stored
    world.clock.t += 10 * 60 * 1000;
    await sweep(world.b.deps);
    await world.quiesce();
    expect(await getBulkSyncProgress(world.a.deps, connectionId)).toMatchObject({ done: 2, state: 'done' });
  });
});

describe('exactly one twin under search index lag', () => {
  it('a create that died before its result was noted waits for the index, then finds the twin instead of creating another', async () => {
    const { world, connectionId } = await connected();
    world.b.jira.searchLagMs = 2 * 60 * 1000;
    let crashes = 1;
    world.b.jira.afterCall = (name) => {
      if (name === 'createIssue' && crashes > 0) {
        crashes -= 1;
        throw new JiraError('consumer died after creating the twin (simulated)', 0);
      }
    };
    world.a.jira.userCreate('INT', 'once');
    await world.quiesce();
    expect(issuesOf(world.b).map((i) => i.summary)).toEqual(['once']);
    const twin = issuesOf(world.b)[0];
    expect(issuesOf(world.a)[0]?.customFields['Remote issue key']?.value).toBe(twin?.key);
    expect(await listErrors(world.b.deps)).toEqual([]);
    expect(connectionId).toBeTruthy();
  });
});

