import type { Sandbox } from '../../sandbox/start';
import { ADMIN, attributionOf, commentContent, connectedSandbox, createIssue, customFieldId, doc, getIssue, rest, search, twinOf, type Rest } from './helpers';

/**
 * The seed story end to end on the sandbox: two emulated sites, the app installed from this
 * repository's manifest on both, connected through its own resolvers, default rules.
 */
describe('sync between the two sandbox sites (default rules)', () => {
  let sandbox: Sandbox;
  let int: Rest;
  let ext: Rest;
  let intKeyField: string;
  let extKeyField: string;

  beforeAll(async () => {
    sandbox = await connectedSandbox();
    int = rest(sandbox, 'internal');
    ext = rest(sandbox, 'external');
    intKeyField = await customFieldId(int, 'Remote issue key');
    extKeyField = await customFieldId(ext, 'Remote issue key');
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  async function onlyTwin(internalId: string) {
    const twins = await twinOf(sandbox, internalId);
    expect(twins).toHaveLength(1);
    const twin = twins[0];
    if (!twin) throw new Error('no twin');
    return getIssue(ext, twin.key);
  }

  it('seed story: an INT issue gets exactly one CLOUD twin with the same fields, and INT learns its key', async () => {
    const created = await createIssue(int, {
      summary: 'Printer on fire', description: doc('It is really on fire'), priority: { name: 'High' }, labels: ['hardware', 'urgent'], duedate: '2026-12-24', issuetype: { name: 'Bug' },
    });
    await sandbox.waitForIdle();
    const twin = await onlyTwin(created.id);
    expect(twin.key).toMatch(/^CLOUD-\d+$/);
    expect(twin.fields).toMatchObject({
      summary: 'Printer on fire', description: doc('It is really on fire'), priority: { name: 'High' }, labels: ['hardware', 'urgent'], duedate: '2026-12-24',
      issuetype: { name: 'Bug' }, status: { name: 'Open' },
    });
    expect(twin.fields[extKeyField]).toBe(created.key);
    const source = await getIssue(int, created.key);
    expect(source.fields[intKeyField]).toBe(twin.key);
  });

  it('a status changed to In Progress right after creation ends In Progress on both sides', async () => {
    const created = await createIssue(int, { summary: 'Quick start' });
    const transitions = (await int('GET', `/rest/api/3/issue/${created.key}/transitions`)).json as { transitions: { id: string; to: { name: string } }[] };
    const toProgress = transitions.transitions.find((t) => t.to.name === 'In Progress');
    if (!toProgress) throw new Error('no transition to In Progress');
    expect((await int('POST', `/rest/api/3/issue/${created.key}/transitions`, { transition: { id: toProgress.id } })).status).toBe(204);
    await sandbox.waitForIdle();
    const twin = await onlyTwin(created.id);
    expect(twin.fields.status.name).toBe('In Progress');
    const source = await getIssue(int, created.key);
    expect(source.fields.status.name).toBe('In Progress');
    expect(source.fields[intKeyField]).toBe(twin.key);
  });

  it('edits flow both ways', async () => {
    const created = await createIssue(int, { summary: 'Edit me', labels: ['one'] });
    await sandbox.waitForIdle();
    const twin = await onlyTwin(created.id);

    expect((await int('PUT', `/rest/api/3/issue/${created.key}`, { fields: { summary: 'Edited on internal', priority: { name: 'Low' } } })).status).toBe(204);
    await sandbox.waitForIdle();
    expect((await getIssue(ext, twin.key)).fields).toMatchObject({ summary: 'Edited on internal', priority: { name: 'Low' } });

    expect((await ext('PUT', `/rest/api/3/issue/${twin.key}`, { fields: { labels: ['one', 'two'], duedate: '2027-01-31' } })).status).toBe(204);
    await sandbox.waitForIdle();
    expect((await getIssue(int, created.key)).fields).toMatchObject({ summary: 'Edited on internal', labels: ['one', 'two'], duedate: '2027-01-31' });
    expect((await getIssue(ext, twin.key)).fields).toMatchObject({ summary: 'Edited on internal', labels: ['one', 'two'], duedate: '2027-01-31' });
  });

  it('comments flow both ways exactly once', async () => {
    const created = await createIssue(int, { summary: 'Talk to me' });
    await sandbox.waitForIdle();
    const twin = await onlyTwin(created.id);

    expect((await int('POST', `/rest/api/3/issue/${created.key}/comment`, { body: doc('hello from internal') })).status).toBe(201);
    await sandbox.waitForIdle();
    expect((await ext('POST', `/rest/api/3/issue/${twin.key}/comment`, { body: doc('hello from external') })).status).toBe(201);
    await sandbox.waitForIdle();

    const comments = async (api: Rest, key: string) => (await getIssue(api, key)).fields.comment?.comments ?? [];
    const bodies = async (api: Rest, key: string) => (await comments(api, key)).map((c) => JSON.stringify(commentContent(c.body))).sort();
    const expected = [JSON.stringify(doc('hello from external')), JSON.stringify(doc('hello from internal'))];
    expect(await bodies(int, created.key)).toEqual(expected);
    expect(await bodies(ext, twin.key)).toEqual(expected);
    // each copy says who wrote it and where; the originals carry no such line
    const lines = async (api: Rest, key: string) => (await comments(api, key)).map((c) => attributionOf(c.body));
    expect(await lines(int, created.key)).toEqual([null, expect.stringMatching(/^Admin on .*external.* wrote:$/)]);
    expect(await lines(ext, twin.key)).toEqual([expect.stringMatching(/^Admin on .*internal.* wrote:$/), null]);
  });

  it('a burst of 30 creates makes 30 twins and writes 30 keys back', async () => {
    const created = [];
    for (let i = 0; i < 30; i += 1) created.push(await createIssue(int, { summary: `Burst ${i}`, labels: ['burst'] }));
    await sandbox.waitForIdle();
    const twins = await search(ext, 'labels = burst');
    expect(twins).toHaveLength(30);
    expect(new Set(twins.map((t) => t.fields.summary))).toEqual(new Set(created.map((_, i) => `Burst ${i}`)));
    const sources = await search(int, 'labels = burst');
    const twinKeys = new Set(twins.map((t) => t.key));
    expect(sources.map((s) => s.fields[intKeyField]).filter((k) => typeof k === 'string' && twinKeys.has(k))).toHaveLength(30);
  }, 120_000);

  it('no traffic once quiet: the sweeper re-reads only issues last applied from a snapshot, sends nothing, then costs one search per connection', async () => {
    await sandbox.waitForIdle();
    const reset = () => {
      sandbox.sites.internal.resetStats();
      sandbox.sites.external.resetStats();
      sandbox.installations.internal.resetStats();
      sandbox.installations.external.resetStats();
    };
    const sweepBoth = async () => {
      await sandbox.installations.internal.runScheduled('sweeper');
      await sandbox.installations.external.runScheduled('sweeper');
      await sandbox.waitForIdle();
    };
    const routes = () => ({ ...sandbox.sites.internal.stats().byRoute, ...sandbox.sites.external.stats().byRoute });
    const invocations = (inst: 'internal' | 'external') => Object.entries(sandbox.installations[inst].stats().invocations).filter(([fn]) => !/sweep/.test(fn)).reduce((a, [, n]) => a + n, 0);
    // waitForIdle resolving at all shows no sync loop keeps the queues busy. The first runs read again
    // the issues whose last apply was based on a snapshot (a person's change there, with its event
    // lost, could hide behind the app's writes), and send those whose last state sent is unknown:
    // reads and no-op sends only, no Jira write on either site.
    reset();
    await sweepBoth();
    expect(Object.keys(routes()).filter((r) => r !== 'POST /rest/api/3/search/jql' && r !== 'GET /rest/api/3/issue/{issueIdOrKey}')).toEqual([]);
    // then each sweeper's one REST call is its search (one per connection), which finds nothing to do
    reset();
    await sweepBoth();
    expect(sandbox.sites.internal.stats().byRoute).toEqual({ 'POST /rest/api/3/search/jql': 1 });
    expect(sandbox.sites.external.stats().byRoute).toEqual({ 'POST /rest/api/3/search/jql': 1 });
    expect(invocations('internal') + invocations('external')).toBe(0);
    const errors = await sandbox.installations.internal.invoke(ADMIN, 'listErrors', {});
    expect(errors).toEqual([]);
    expect(await sandbox.installations.external.invoke(ADMIN, 'listErrors', {})).toEqual([]);
  });
});
