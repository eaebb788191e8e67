import { MAX_VALUE_BYTES } from '../ports/store';
import { listErrors } from './admin-api';
import { commentText, docText, textDoc } from './testing/memory-jira';
import type { MemoryStore } from './testing/memory-store';
import { World, type WorldSite } from './testing/world';

const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };

/** text of `n` characters with quotes, backslashes and non-ASCII, which escaping makes longer */
const text = (n: number, seed: string): string => `${seed} "quoted" \\ é 😀 `.repeat(Math.ceil(n / 24)).slice(0, n);

const largestValue = (store: MemoryStore): number => Math.max(...[...store.data.values()].map((v) => Buffer.byteLength(v.value)));
const twinOf = (site: WorldSite) => [...site.jira.issues.values()][0];

describe('a long-lived issue (200 comments of 2,000 characters, a 100 KB description)', () => {
  jest.setTimeout(120_000);

  it('syncs both ways, and a comment added later syncs, with no error and no stored value over the KVS limit', async () => {
    const world = new World({ seed: 5, ...calm });
    await world.connect();
    const types: string[] = [];
    const post = world.a.deps.transport.post.bind(world.a.deps.transport);
    world.a.deps.transport.post = (request) => {
      types.push(String((JSON.parse(request.body) as { type: unknown }).type));
      return post(request);
    };
    const source = world.a.jira.userCreate('INT', 'long-lived');
    world.a.jira.userEdit(source.id, { description: textDoc(text(100_000, 'description')) });
    for (let i = 0; i < 200; i++) world.a.jira.userComment(source.id, text(2000, `comment ${i}`));
    await world.quiesce(100_000);

    const twin = twinOf(world.b);
    expect(twin).toBeDefined();
    if (!twin) return;
    expect(docText(twin.description)).toBe(docText(world.a.jira.issues.get(source.id)?.description ?? null));
    expect(twin.comments.map((c) => commentText(c.body))).toEqual(source.comments.map((c) => commentText(c.body)));
    expect(source.customFields['Remote issue key']?.value).toBe(twin.key);
    // the replica outgrew one request: it travelled in parts
    expect(types.filter((t) => t === 'part').length).toBeGreaterThan(3);

    // and back: a comment on the twin reaches the source once
    world.b.jira.userComment(twin.id, text(2000, 'from the twin'));
    await world.quiesce(100_000);
    expect(world.a.jira.issues.get(source.id)?.comments).toHaveLength(201);
    expect(commentText(world.a.jira.issues.get(source.id)?.comments[200]?.body ?? null)).toBe(commentText(twin.comments[200]?.body ?? null));
    // a later comment on the source
    world.a.jira.userComment(source.id, 'one more');
    await world.quiesce(100_000);
    expect(twinOf(world.b)?.comments).toHaveLength(202);

    expect(await listErrors(world.a.deps)).toEqual([]);
    expect(await listErrors(world.b.deps)).toEqual([]);
    for (const site of [world.a, world.b]) expect(largestValue(site.store)).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    // nothing of the parts is left once the messages were taken in
    for (const site of [world.a, world.b]) expect([...site.store.data.keys()].filter((k) => k.startsWith('inpart:'))).toEqual([]);
  });
});
