import { BuiltinRulesProvider } from './builtin/provider';
import { listErrors } from '../sync/admin-api';
import { World, type WorldSite } from '../sync/testing/world';
import { retryError } from '../sync/worker';
import { DEFAULT_SCRIPTS_CONFIG, defaultScripts, defaultOutgoingScript } from './default-scripts';
import { MemoryRulesStore } from './memory-rules-store';
import { ScriptRulesProvider } from './script-rules-provider';

/**
 * Script rules driving the real sync engine between two in-memory sites (site a "internal",
 * project INT; site b "external", project CLOUD), with the seed's snippets as the incoming scripts.
 */

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

const fields = 'issue.summary = replica.summary;\nissue.labels = [...replica.labels];\n';
const guard = 'if (!firstSync && previous?.status.name == replica?.status.name) { /* keep local status */ } else { issue.status = replica.status.name }\n';
const externalIncoming =
  'if (firstSync) { issue.projectKey = "CLOUD"; issue.typeName = nodeHelper.getIssueType(replica.type?.name, issue.projectKey)?.name ?? "Task"; syncHelper.syncBackAfterProcessing(); }\n' +
  fields +
  guard;
const internalIncoming = 'issue.customFields["remote issue key"].value = replica.key\n' + fields + guard;

async function scriptWorld(incoming: { a: string; b: string }) {
  const stores = { a: new MemoryRulesStore(), b: new MemoryRulesStore() };
  const world = new World({
    seed: 5,
    ...calm,
    rules: { a: new ScriptRulesProvider(stores.a, new BuiltinRulesProvider()), b: new ScriptRulesProvider(stores.b, new BuiltinRulesProvider()) },
  });
  const connectionId = await world.connect();
  const save = (store: MemoryRulesStore, script: string, version: number) =>
    store.save(connectionId, { outgoing: defaultOutgoingScript(), incoming: script, limits: null, savedBy: null, savedAt: '' }, version);
  await save(stores.a, incoming.a, 0);
  await save(stores.b, incoming.b, 0);
  return { world, connectionId, stores, save };
}

const only = (site: WorldSite) => {
  const issues = [...site.jira.issues.values()];
  expect(issues).toHaveLength(1);
  const [issue] = issues;
  if (!issue) throw new Error('no issue');
  return issue;
};

describe('script rules through the sync engine', () => {
  it('the seed: the twin is created in CLOUD, synced back, and the remote key lands in "Remote issue key"', async () => {
    const { world } = await scriptWorld({ a: internalIncoming, b: externalIncoming });
    const source = world.a.jira.userCreate('INT', 'Printer on fire');
    await world.quiesce();
    const twin = only(world.b);
    expect(twin).toMatchObject({ projectKey: 'CLOUD', summary: 'Printer on fire', typeName: 'Task' });
    expect(world.a.jira.issues.get(source.id)?.customFields['Remote issue key']).toEqual({ value: twin.key });

    world.b.jira.userSetStatus(twin.key, 'In Progress');
    await world.quiesce();
    expect(world.a.jira.issues.get(source.id)?.status.name).toBe('In Progress');
    expect(world.b.jira.issues.get(twin.id)?.status.name).toBe('In Progress');
  });

  it('a script error blocks only that issue, names script and line; fixing the script and retrying completes it', async () => {
    const broken = externalIncoming + 'if (replica.summary.includes("boom")) throw new Error("cannot map this");\n';
    const { world, connectionId, stores, save } = await scriptWorld({ a: internalIncoming, b: broken });
    world.a.jira.userCreate('INT', 'boom one');
    world.a.jira.userCreate('INT', 'fine');
    await world.quiesce();
    expect([...world.b.jira.issues.values()].map((i) => i.summary)).toEqual(['fine']);
    const errors = await listErrors(world.b.deps);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.cause).toMatch(/cannot map this/);
    expect(errors[0]?.cause).toMatch(/^incoming rules \(line 5:\d+\): Error: cannot map this$/);

    const current = await stores.b.getCurrent(connectionId);
    await save(stores.b, externalIncoming, current?.version ?? 0);
    await retryError(world.b.deps, errors[0]?.id ?? '');
    await world.quiesce();
    expect([...world.b.jira.issues.values()].map((i) => i.summary).sort()).toEqual(['boom one', 'fine']);
    expect(await listErrors(world.b.deps)).toEqual([]);
  });

  it('a script past its CPU limit is an error for its issue only', async () => {
    const { world, connectionId, stores } = await scriptWorld({ a: internalIncoming, b: externalIncoming });
    await stores.b.save(
      connectionId,
      { outgoing: defaultOutgoingScript(), incoming: externalIncoming + 'if (replica.summary === "spin") for (;;) {}\n', limits: { cpuMs: 30 }, savedBy: null, savedAt: '' },
      1,
    );
    world.a.jira.userCreate('INT', 'spin');
    world.a.jira.userCreate('INT', 'calm');
    await world.quiesce();
    expect([...world.b.jira.issues.values()].map((i) => i.summary)).toEqual(['calm']);
    expect((await listErrors(world.b.deps))[0]?.cause).toMatch(/CPU time limit of 30 ms exceeded/);
  });

  it('an outgoing script filtering attachments: only the files it keeps are copied to the twin', async () => {
    const world = new World({ seed: 7, ...calm });
    const a = new MemoryRulesStore();
    Object.assign(world.a.deps, { rules: new ScriptRulesProvider(a, new BuiltinRulesProvider()) });
    const connectionId = await world.connect();
    const outgoing = defaultOutgoingScript() + 'replica.attachments = attachmentHelper.filter(issue.attachments, { maxSize: 1024, mimeTypes: ["image/*", "application/pdf"] });\n';
    await a.save(connectionId, { outgoing, incoming: defaultScripts().incoming, limits: null, savedBy: null, savedAt: '' }, 0);
    const source = world.a.jira.userCreate('INT', 'With files');
    world.a.jira.attach(source.key, 'small.png', 'png bytes', 'image/png');
    world.a.jira.attach(source.key, 'big.png', 'x'.repeat(2048), 'image/png');
    world.a.jira.attach(source.key, 'notes.pdf', 'pdf bytes', 'application/pdf');
    world.a.jira.attach(source.key, 'run.log', 'log bytes', 'text/plain');
    await world.quiesce();
    expect(only(world.b).attachments.map((f) => f.filename).sort()).toEqual(['notes.pdf', 'small.png']);
    expect(await listErrors(world.b.deps)).toEqual([]);
  });

  it('a connection without saved scripts syncs exactly as one that saved the default scripts', async () => {
    const run = async (scripts: boolean) => {
      const world = new World({ seed: 9, ...calm });
      if (scripts) {
        const provider = (store: MemoryRulesStore) => new ScriptRulesProvider(store, new BuiltinRulesProvider());
        const a = new MemoryRulesStore();
        const b = new MemoryRulesStore();
        Object.assign(world.a.deps, { rules: provider(a) });
        Object.assign(world.b.deps, { rules: provider(b) });
        const id = await world.connect();
        const draft = { ...defaultScripts(DEFAULT_SCRIPTS_CONFIG), limits: null, savedBy: null, savedAt: '' };
        await a.save(id, draft, 0);
        await b.save(id, draft, 0);
      } else {
        await world.connect();
      }
      const issue = world.a.jira.userCreate('INT', 'Same either way');
      await world.quiesce();
      world.a.jira.userComment(issue.key, 'from internal');
      world.a.jira.userEdit(issue.key, { labels: ['x', 'y'], priority: 'High' });
      await world.quiesce();
      const twin = only(world.b);
      world.b.jira.userComment(twin.key, 'from external');
      world.b.jira.userSetStatus(twin.key, 'In Progress');
      await world.quiesce();
      const strip = (site: WorldSite) =>
        [...site.jira.issues.values()].map((i) => ({
          key: i.key,
          summary: i.summary,
          labels: i.labels,
          priority: i.priority,
          status: i.status.name,
          customFields: i.customFields,
          comments: i.comments.map((c) => c.body),
        }));
      return { a: strip(world.a), b: strip(world.b) };
    };
    const unsaved = await run(false);
    const saved = await run(true);
    expect(saved).toEqual(unsaved);
    expect(unsaved.b[0]?.comments).toHaveLength(2);
  });
});
