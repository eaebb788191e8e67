import { RulesError } from '../ports/rules';
import type { RulesProvider } from '../ports/rules-provider';
import type { StorePort } from '../ports/store';
import { BuiltinRulesProvider } from '../rules/builtin/provider';
import { KvRulesStore } from '../rules/kv-rules-store';
import { listActivity, listErrors, syncToRemote } from './admin-api';
import { startBulkSync } from './bulk-sync';
import { createInvitation, deleteConnection, listConnections, updateConnection } from './connections';
import { WORKER_LEASE_MS } from './issue-lock';
import { classifyKey, connectionKeyLocations, errorId, KEY_FAMILIES, keys, parseErrorId, splitPartKey } from './state/keys';
import { sweep } from './sweeper';
import { textDoc } from './testing/memory-jira';
import type { MemoryStore } from './testing/memory-store';
import { World, type WorldSite } from './testing/world';
import { handleQueueEvent, retryError } from './worker';

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

// ---------------------------------------------------------------------------------------------
// Everything a connection owned goes with it (the key registry: src/sync/state/keys.ts)
// ---------------------------------------------------------------------------------------------

/** every key stored, through the store's own query, a page of 100 at a time */
async function storedKeys(store: StorePort): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<StorePort['list']>> = await store.list('', cursor === null ? { limit: 100 } : { limit: 100, cursor });
    out.push(...page.entries.map((e) => e.key));
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
}

const ownerOf = (key: string, storage: 'value' | 'secret' = 'value'): string | null => classifyKey(key, storage)[0]?.connectionId ?? null;

/** what `site` still has of connection `id`: keys it owns or that name it, secrets, and values that mention it */
async function traces(site: WorldSite, id: string): Promise<{ keys: string[]; secrets: string[]; mentions: string[] }> {
  return {
    keys: (await storedKeys(site.store)).filter((k) => k.includes(id) || ownerOf(k) === id).sort(),
    secrets: [...site.store.secrets.keys()].filter((k) => k.includes(id) || ownerOf(k, 'secret') === id).sort(),
    mentions: [...site.store.data.entries()].filter(([, v]) => v.value.includes(id)).map(([k]) => k).sort(),
  };
}

/** the families `site` has keys of for connection `id` */
const familiesOf = (site: WorldSite, id: string): string[] =>
  [...new Set([...site.store.data.keys()].flatMap((k) => classifyKey(k)).filter((c) => c.connectionId === id).map((c) => (c.part ? `${c.family.name} (part)` : c.family.name)))].sort();

/** keys and values of connection `id` on `site` */
const ownedBy = (site: WorldSite, id: string): string[] => [...site.store.data.entries()].filter(([k]) => ownerOf(k) === id).map(([k, v]) => `${k}=${v.value}`).sort();

/** site a's outgoing rules refuse issues whose summary starts with "bad", on connection `failOn()` only */
function failingOn(failOn: () => string | null): RulesProvider {
  const builtin = new BuiltinRulesProvider();
  return {
    forConnection: async (connection) => {
      const rules = await builtin.forConnection(connection);
      return {
        outgoing: async (input) => {
          if (connection.id === failOn() && input.issue.summary.startsWith('bad')) throw new RulesError('this issue cannot be sent', 'outgoing', 1, 1);
          return rules.outgoing(input);
        },
        incoming: (input) => rules.incoming(input),
      };
    },
  };
}

const rulesDraft = (n: number) => ({ outgoing: `// out ${n}`, incoming: `// in ${n}`, limits: null, savedBy: 'acc-admin', savedAt: '2026-03-01T00:00:00.000Z' });

/**
 * Two connections between a and b. The first (the one deleted) has everything: synced issues with
 * comments both ways (one with a description large enough that its last replica is kept apart, or
 * in parts with `large`), an error blocking an issue, an inbox entry stored and never queued (with
 * its de-duplication mark), a send reserved and never posted (its outbox entry and the issue's lock
 * a dead consumer left, and the queue's redelivery pending), a finished bulk job with its page,
 * saved rules, the sweeper's mark, markers of changes by people, activity. The second has links,
 * rules and activity of its own.
 */
async function busyWorld(options: { large?: boolean } = {}) {
  let failOn: string | null = null;
  const world = new World({ seed: 21, ...calm, rules: { a: failingOn(() => failOn) } });
  const first = await world.connect();
  failOn = first;
  const second = await world.connect();
  // the second syncs only what it is asked to
  await updateConnection(world.a.deps, { id: second, scopeJql: null });

  const shared = world.a.jira.userCreate('INT', 'shared');
  world.a.jira.userComment(shared.id, 'a comment from a');
  const big = world.a.jira.userCreate('INT', 'a long description');
  world.a.jira.userEdit(big.id, { description: textDoc('x'.repeat(options.large === true ? 210_000 : 20_000)) });
  await world.quiesce();
  await syncToRemote(world.a.deps, { issueId: shared.id, connectionId: second });
  await world.quiesce();
  const twins = [...world.b.jira.issues.values()];
  const twinOfShared = twins.find((i) => i.summary === 'shared');
  if (!twinOfShared) throw new Error('no twin of "shared" on b');
  world.b.jira.userComment(twinOfShared.id, 'a comment from b');
  world.a.jira.userEdit(shared.id, { summary: 'shared, edited' });
  world.a.jira.userSetStatus(shared.id, 'In Progress');
  await world.quiesce();

  // an error blocking an issue (the outgoing rules refuse it)
  world.a.jira.userCreate('INT', 'bad one');
  await world.quiesce();
  // rules saved, a bulk job done, the sweeper's mark
  await new KvRulesStore(world.a.store).save(first, rulesDraft(1), 0);
  await new KvRulesStore(world.a.store).save(second, rulesDraft(2), 0);
  await startBulkSync(world.a.deps, first);
  await world.quiesce();
  world.clock.t += 6 * 60_000;
  await sweep(world.a.deps);
  await world.quiesce();

  // an inbox entry stored for the queue whose push failed (only the sweeper would take it up)
  const settings = world.a.deps.settings;
  const queue = world.a.deps.queue;
  world.a.deps.settings = { ...settings, inlineApply: false };
  world.a.deps.queue = { push: async () => { throw new Error('queue unavailable'); } };
  const twinOfBig = [...world.b.jira.issues.values()].find((i) => i.summary === 'a long description');
  if (!twinOfBig) throw new Error('no twin of the long one on b');
  world.b.jira.userEdit(twinOfShared.id, { summary: 'shared, edited on b' });
  await world.quiesce();
  world.a.deps.settings = settings;
  world.a.deps.queue = queue;

  // a send reserved and never posted: the consumer dies right before its POST
  const crashes = world.crashes;
  world.killBefore(world.a, 'transport', 'post');
  world.a.jira.userEdit(big.id, { summary: 'a long description, edited' });
  while (world.crashes === crashes) if (!(await world.step())) throw new Error('the consumer never posted');
  return { world, first, second };
}

/** a store that dies (throws, as a killed invocation's calls do) after `writes` writes */
function dyingAfter(store: MemoryStore, writes: number): StorePort {
  let left = writes;
  const writing = new Set(['set', 'setIfAbsent', 'delete', 'transact', 'setSecret', 'deleteSecret']);
  return new Proxy(store, {
    get: (target, prop, receiver) => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (writing.has(String(prop))) {
          if (left <= 0) throw new Error('the invocation died (simulated)');
          left -= 1;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** the invocations that may still have read the connection are over: one sweeper run after that */
async function settled(world: World): Promise<void> {
  await world.quiesce();
  world.clock.t += WORKER_LEASE_MS;
  await world.sweepAll();
  await world.quiesce();
}

describe('deleting a connection removes everything it owned', () => {
  jest.setTimeout(60_000);

  it('every key, secret and value of it goes (in bounded pages), the other connection\'s stay as they were', async () => {
    const { world, first, second } = await busyWorld();
    expect(familiesOf(world.a, first)).toEqual(expect.arrayContaining([
      'activity', 'blocked', 'bulk-job', 'bulk-page', 'connection', 'dirty', 'error', 'hello', 'inbox', 'issue-lock', 'link', 'outbox', 'previous', 'remote-index', 'rules', 'seen', 'sweep-mark',
    ]));
    expect(await world.a.store.getSecret(keys.connectionSecret(first))).toEqual(expect.any(String));
    const links = [...world.a.store.data.keys()].filter((k) => k.startsWith(keys.linkPrefix(first))).length;
    const secondBefore = ownedBy(world.a, second);
    expect(secondBefore.filter((k) => k.startsWith('link:'))).toHaveLength(1);

    const answer = await deleteConnection(world.a.deps, first);
    expect(answer).toEqual({ deleted: true, links, remoteNotified: true });
    // gone at once: only the mark of the deletion is left, until the invocations that may have read it are over
    expect(await traces(world.a, first)).toEqual({ keys: [keys.purging(first)], secrets: [], mentions: [keys.purging(first)] });
    expect(ownedBy(world.a, second)).toEqual(secondBefore);
    expect((await listConnections(world.a.deps)).map((c) => c.id)).toEqual([second]);
    expect((await listErrors(world.a.deps)).map((e) => e.connectionId)).not.toContain(first);
    expect((await listActivity(world.a.deps, 500)).map((e) => e.connectionId)).not.toContain(first);

    // the dead consumer's send is delivered again, finds no connection, leaves nothing; a sweep after the lease removes the mark
    await settled(world);
    expect(await traces(world.a, first)).toEqual({ keys: [], secrets: [], mentions: [] });
    expect(ownedBy(world.a, second).filter((k) => k.startsWith('link:'))).toEqual(secondBefore.filter((k) => k.startsWith('link:')));
    expect(familiesOf(world.a, second)).toEqual(expect.arrayContaining(['activity', 'connection', 'link', 'remote-index', 'rules']));
    expect(await world.a.store.getSecret(keys.connectionSecret(second))).toEqual(expect.any(String));

    // the other site closed it: the connection and its activity stay, nothing else
    expect((await listConnections(world.b.deps)).find((c) => c.id === first)).toMatchObject({ status: 'closed' });
    expect(familiesOf(world.b, first)).toEqual(['activity', 'connection']);
    expect((await traces(world.b, first)).secrets).toEqual([]);
    expect(familiesOf(world.b, second)).toEqual(expect.arrayContaining(['activity', 'connection', 'link', 'remote-index']));
    // and when b deletes the closed connection too, nothing of it is left there either
    expect(await deleteConnection(world.b.deps, first)).toMatchObject({ deleted: true, remoteNotified: false });
    await settled(world);
    expect(await traces(world.b, first)).toEqual({ keys: [], secrets: [], mentions: [] });
  });

  it('a connection with more keys than one invocation removes is finished by the sweeper, a page at a time', async () => {
    const { world, first, second } = await busyWorld();
    const secondBefore = ownedBy(world.a, second);
    const pages: number[] = [];
    const list = world.a.store.list.bind(world.a.store);
    world.a.store.list = async (prefix, options) => {
      const page = await list(prefix, options);
      pages.push(page.entries.length);
      return page;
    };
    const answer = await deleteConnection(world.a.deps, first, { budget: 5 });
    expect(answer).toMatchObject({ deleted: true, remoteNotified: true });
    expect((await traces(world.a, first)).keys.length).toBeGreaterThan(1);
    expect((await listConnections(world.a.deps)).map((c) => c.id)).toEqual([second]);
    for (let run = 0; run < 5 && (await traces(world.a, first)).keys.length > 1; run++) {
      world.clock.t += 5 * 60_000;
      await sweep(world.a.deps);
    }
    await settled(world);
    expect(await traces(world.a, first)).toEqual({ keys: [], secrets: [], mentions: [] });
    expect(ownedBy(world.a, second).filter((k) => k.startsWith('link:'))).toEqual(secondBefore.filter((k) => k.startsWith('link:')));
    expect(Math.max(...pages)).toBeLessThanOrEqual(100);
  });
});

describe('a delete that dies half way', () => {
  jest.setTimeout(60_000);

  it.each([0, 1, 2, 4, 8, 16])('dying after %i writes, it is finished by a second delete', async (writes) => {
    const { world, first, second } = await busyWorld();
    const secondBefore = ownedBy(world.a, second);
    await expect(deleteConnection({ ...world.a.deps, store: dyingAfter(world.a.store, writes) }, first)).rejects.toThrow('the invocation died');
    const again = await deleteConnection(world.a.deps, first);
    expect(again).toMatchObject({ deleted: true });
    expect((await traces(world.a, first)).keys).toEqual([keys.purging(first)]);
    expect(ownedBy(world.a, second)).toEqual(secondBefore);
    await settled(world);
    expect(await traces(world.a, first)).toEqual({ keys: [], secrets: [], mentions: [] });
    await expect(deleteConnection(world.a.deps, first)).rejects.toThrow(/No connection/);
  });

  it('mid-delete nothing of it is listed, shown, retried or re-driven, its blocked issue blocks nothing, and the sweeper finishes it', async () => {
    const { world, first, second } = await busyWorld();
    const [error] = (await listErrors(world.a.deps)).filter((e) => e.connectionId === first);
    if (!error) throw new Error('no error on the first connection');
    // dies right after the mark (the connection record went with it): every other key is still there
    await expect(deleteConnection({ ...world.a.deps, store: dyingAfter(world.a.store, 1) }, first)).rejects.toThrow('the invocation died');
    expect(familiesOf(world.a, first)).toEqual(expect.arrayContaining(['blocked', 'error', 'inbox', 'link', 'outbox', 'purging']));
    expect((await listConnections(world.a.deps)).map((c) => c.id)).toEqual([second]);
    expect(await listErrors(world.a.deps)).toEqual([]);
    expect((await listActivity(world.a.deps, 500)).map((e) => e.connectionId)).not.toContain(first);
    expect(await retryError(world.a.deps, error.id)).toEqual({ retried: false, events: 0 });

    // work still queued for its blocked issue is not folded into the error: the marker blocks nothing, the work is dropped
    const errorKey = keys.error(error.id);
    const record = world.a.store.data.get(errorKey)?.value;
    const lock = (JSON.parse(record ?? '{}') as { lock: string }).lock;
    const localIssueId = lock.split(':')[1] ?? '';
    await handleQueueEvent(world.a.deps, { kind: 'outgoing', connectionId: first, localIssueId, syncBack: false, reason: 'manual', lock, attempt: 0 });
    expect(world.a.store.data.get(errorKey)?.value).toBe(record);
    expect(world.a.store.data.has(keys.blocked(lock))).toBe(false);

    // a sweep whose own purge fails acts on none of it
    const pending = world.pending;
    world.clock.t += 6 * 60_000;
    const refusing = new Proxy(world.a.store, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== 'transact' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (ops: { key: string }[]) => {
          if (ops.some((op) => ownerOf(op.key) === first)) throw new Error('storage refused (simulated)');
          return (value as (...a: unknown[]) => unknown).call(target, ops);
        };
      },
    });
    const blocked = await sweep({ ...world.a.deps, store: refusing });
    expect(blocked).toMatchObject({ redrivenInbox: 0, redrivenOutbox: 0, retriedErrors: 0, kickedBulkJobs: 0, purgesFinished: 0, purgesPending: 1 });
    expect(world.pending).toBe(pending);
    expect(familiesOf(world.a, first)).toEqual(expect.arrayContaining(['inbox', 'outbox', 'error']));

    // the sweeper finishes it (no second delete)
    await sweep(world.a.deps);
    expect((await traces(world.a, first)).keys).toEqual([keys.purging(first)]);
    await settled(world);
    expect(await traces(world.a, first)).toEqual({ keys: [], secrets: [], mentions: [] });
  });
});

describe('the key registry', () => {
  jest.setTimeout(60_000);

  it('claims every key a busy world writes exactly once, and finds each per-connection one under its connection\'s locations', async () => {
    const { world, first } = await busyWorld({ large: true });
    // the sweeper takes up the stranded inbox entry and send (and notes it in the site's log)
    world.clock.t += 6 * 60_000;
    expect(await sweep(world.a.deps)).toMatchObject({ redrivenInbox: 1, redrivenOutbox: 1 });
    await world.quiesce();
    await deleteConnection(world.a.deps, first);
    await settled(world);
    const families = new Set<string>();
    for (const site of [world.a, world.b]) {
      for (const [storage, written] of [['value', site.store.writtenKeys], ['secret', site.store.writtenSecrets]] as const) {
        for (const key of written) {
          const classes = classifyKey(key, storage);
          expect([key, classes.map((c) => c.family.name)]).toEqual([key, [expect.any(String)]]);
          const [only] = classes;
          if (!only) continue;
          families.add(only.part ? `${only.family.name} (part)` : only.family.name);
          if (only.connectionId === null || only.family.name === 'purging') continue;
          const found = connectionKeyLocations(only.connectionId).some((l) => l.storage === storage && ('key' in l.location ? l.location.key === key : key.startsWith(l.location.prefix)));
          expect([key, found]).toEqual([key, true]);
        }
      }
    }
    expect([...families].sort()).toEqual(expect.arrayContaining([
      'activity', 'blocked', 'bulk-job', 'bulk-page', 'connection', 'connection-secret', 'creating', 'dirty', 'error', 'hello', 'inbox', 'inbox-part', 'invitation', 'invitation-token',
      'issue-lock', 'link', 'outbox', 'previous', 'previous (part)', 'purging', 'remote-index', 'rules', 'seen', 'site-activity', 'sweep-mark', 'workflow-graph',
      'group-member', 'group-index',
    ]));
  });

  it('builds every key of a family its pattern claims, and no other family\'s', () => {
    const c = 'c0ffee00-1111-4222-a333-444455556666';
    const built: [string, string, 'value' | 'secret'][] = [
      ['connection', keys.connection(c), 'value'], ['invitation', keys.invitation(c), 'value'], ['hello', keys.hello(c), 'value'],
      ['invitation-token', keys.invitationTokenSecret(c), 'secret'], ['connection-secret', keys.connectionSecret(c), 'secret'],
      ['link', keys.link(c, '10001'), 'value'], ['remote-index', keys.remoteIndex(c, '20001'), 'value'], ['previous', keys.previous(c, '10001'), 'value'],
      ['creating', keys.creating(c, '20001'), 'value'], ['dirty', keys.dirty(c, '10001'), 'value'], ['unlinked', keys.unlinked(c, '10001'), 'value'],
      ['unlinked-remote', keys.unlinkedRemote(c, '20001'), 'value'], ['inbox', keys.inbox(c, 'm-1'), 'value'], ['inbox-part', keys.inboxPart(c, 'm-1', 2), 'value'],
      ['outbox', keys.outbox(c, '10001'), 'value'], ['sweep-mark', keys.sweepMark(c), 'value'], ['seen', keys.seen(c, 'm-1'), 'value'], ['bulk-job', keys.bulkJob(c), 'value'],
      ['bulk-page', keys.bulkPage(c, 'job-1', 3), 'value'], ['error', keys.error(errorId(c, 'e0ffee00-1111-4222-a333-444455556666')), 'value'],
      ['issue-lock', keys.issueLock(`${c}:10001`), 'value'], ['issue-lock', keys.issueLock(`${c}:r20001`), 'value'], ['blocked', keys.blocked(`${c}:bulk`), 'value'],
      ['activity', keys.activity(c, 1_700_000_000_000, 'a-1'), 'value'], ['site-activity', keys.activity(null, 1_700_000_000_000, 'a-1'), 'value'],
      ['rules', keys.rulesCurrent(c), 'value'], ['rules', keys.rulesVersion(c, 12), 'value'], ['purging', keys.purging(c), 'value'],
      ['workflow-graph', keys.workflowGraph('0123456789abcdef0123456789abcdef'), 'value'], ['site-meta', keys.siteMeta, 'value'],
      ['user-by-email', keys.userByEmail('0123456789abcdef0123456789abcdef'), 'value'], ['user-by-id', keys.userById('0123456789abcdef0123456789abcdef'), 'value'], ['config-version', keys.configVersion, 'value'],
      ['group-member', keys.groupMember('10001'), 'value'], ['group-index', keys.groupIndex('0123456789abcdef0123456789abcdef'), 'value'],
      ['link', splitPartKey(keys.link(c, '10001'), 1), 'value'],
    ];
    for (const [family, key, storage] of built) {
      const classes = classifyKey(key, storage);
      expect([key, classes.map((k) => k.family.name)]).toEqual([key, [family]]);
      expect([key, classes[0]?.connectionId]).toEqual([key, classes[0]?.family.owner === 'connection' ? c : null]);
    }
    // every family is built above, every per-connection one (but the mark) is walked by a delete
    expect(new Set(built.map(([f]) => f))).toEqual(new Set(KEY_FAMILIES.map((f) => f.name)));
    const walked = new Set(connectionKeyLocations(c).map((l) => l.family.name));
    expect(KEY_FAMILIES.filter((f) => f.owner === 'connection' && !walked.has(f.name)).map((f) => f.name)).toEqual(['purging']);
    expect(KEY_FAMILIES.filter((f) => f.owner === 'site' && f.of !== undefined)).toEqual([]);
    // closing keeps what a closed connection shows
    expect(new Set(connectionKeyLocations(c, true).map((l) => l.family.name))).toEqual(new Set([...walked].filter((f) => !['rules', 'activity', 'connection'].includes(f))));
  });

  it('a connection\'s locations hold no other connection\'s keys, even one whose id starts with its id', () => {
    const other = ['abc.d', 'abc-d', 'abcd', 'abc_'];
    const theirs = other.flatMap((c) => [keys.link(c, '1'), keys.connection(c), keys.bulkJob(c), keys.sweepMark(c), keys.error(errorId(c, 'x1')), keys.activity(c, 1, 'a'), keys.rulesCurrent(c), keys.blocked(`${c}:1`)]);
    for (const { location } of connectionKeyLocations('abc')) {
      for (const key of theirs) expect([key, 'key' in location ? location.key === key : key.startsWith(location.prefix)]).toEqual([key, false]);
    }
    expect(parseErrorId(errorId('abc.d', 'x1'))).toEqual({ connectionId: 'abc.d', local: 'x1' });
    expect(errorId('c'.repeat(100), 'e0ffee00-1111-4222-a333-444455556666').length).toBeLessThanOrEqual(120);
  });
});
