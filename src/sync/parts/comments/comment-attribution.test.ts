import { bodyHash } from './comment-merge';
import { attributionLine, withAttribution, withoutAttribution } from './comment-attribution';
import { textDoc } from '../../testing/memory-jira';
import { World, type WorldSite } from '../../testing/world';
import { updateConnection } from '../../connections';
import { DEFAULT_RULES_CONFIG } from '../../state/records';

const ana = { accountId: 'a-1', displayName: 'Ana Silva', email: null };
const italic = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text, marks: [{ type: 'em' }] }] });

describe('the attribution line of a copied comment', () => {
  it.each([
    ['a named author', ana, 'external', 'Ana Silva on external wrote:'],
    ['no author', null, 'external', 'Someone on external wrote:'],
    ['a blank name and site', { ...ana, displayName: '  ' }, ' ', 'Someone on the other site wrote:'],
  ])('%s', (_what, author, site, line) => {
    expect(attributionLine(author, site)).toBe(line);
  });

  it('is added once, replaced rather than stacked, and taken away exactly', () => {
    const body = textDoc('hello');
    const once = withAttribution(body, ana, 'external');
    expect(once.content).toEqual([italic('Ana Silva on external wrote:'), ...body.content]);
    expect(withAttribution(once, ana, 'partner').content).toEqual([italic('Ana Silva on partner wrote:'), ...body.content]);
    expect(withoutAttribution(once)).toEqual(body);
    expect(bodyHash(once)).toBe(bodyHash(body));
  });

  it.each([
    ['plain text ending in "wrote:"', { type: 'paragraph', content: [{ type: 'text', text: 'Ana on external wrote:' }] }],
    ['bold, not italic', { type: 'paragraph', content: [{ type: 'text', text: 'Ana on external wrote:', marks: [{ type: 'strong' }] }] }],
    ['two text nodes', { type: 'paragraph', content: [{ type: 'text', text: 'Ana on ', marks: [{ type: 'em' }] }, { type: 'text', text: 'x wrote:', marks: [{ type: 'em' }] }] }],
    ['italic without " on "', italic('Ana wrote:')],
    ['a heading', { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'A on b wrote:', marks: [{ type: 'em' }] }] }],
  ])('leaves a person\'s own first line alone: %s', (_what, node) => {
    const body = { type: 'doc' as const, version: 1 as const, content: [node, ...textDoc('rest').content] };
    expect(withoutAttribution(body)).toEqual(body);
  });
});

describe('copied comments in the sync', () => {
  const calm = { failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 };
  const texts = (site: WorldSite) => [...site.jira.issues.values()].flatMap((i) => i.comments.map((c) => JSON.stringify(c.body.content)));

  it('say who wrote them and where; an edit goes back to the original without the line; nothing is copied twice', async () => {
    const world = new World({ seed: 3, ...calm });
    await world.connect();
    const issue = world.a.jira.userCreate('INT', 'talk');
    world.a.jira.userComment(issue.id, 'from a');
    await world.quiesce();
    const twin = [...world.b.jira.issues.values()][0];
    if (!twin) throw new Error('no twin');
    world.b.jira.userComment(twin.id, 'from b');
    await world.quiesce();
    const aComments = world.a.jira.issues.get(issue.id)?.comments ?? [];
    const bComments = world.b.jira.issues.get(twin.id)?.comments ?? [];
    expect(aComments.map((c) => c.body)).toEqual([textDoc('from a'), withAttribution(textDoc('from b'), { accountId: 'user-external', displayName: 'User', email: null }, 'external')]);
    expect(bComments.map((c) => c.body)).toEqual([withAttribution(textDoc('from a'), { accountId: 'user-internal', displayName: 'User', email: null }, 'internal'), textDoc('from b')]);
    // a person edits the copy on b (the line goes with the edit): the original on a takes the text only
    world.b.jira.userEditComment(twin.id, 0, 'from a, corrected on b');
    await world.quiesce();
    expect(world.a.jira.issues.get(issue.id)?.comments[0]?.body).toEqual(textDoc('from a, corrected on b'));
    expect(world.a.jira.issues.get(issue.id)?.comments).toHaveLength(2);
    expect(world.b.jira.issues.get(twin.id)?.comments).toHaveLength(2);
    // quiet: nothing more to send either way
    const posts = world.posts;
    await world.sweepAll();
    await world.quiesce();
    expect(world.posts).toBe(posts);
  });

  it('can be turned off in the connection\'s rules configuration', async () => {
    const world = new World({ seed: 4, ...calm });
    const connectionId = await world.connect();
    await updateConnection(world.b.deps, { id: connectionId, rulesConfig: { ...DEFAULT_RULES_CONFIG, targetProjectKey: 'CLOUD', commentAttribution: false } });
    const issue = world.a.jira.userCreate('INT', 'plain');
    world.a.jira.userComment(issue.id, 'no line');
    await world.quiesce();
    expect(texts(world.b)).toEqual([JSON.stringify(textDoc('no line').content)]);
  });
});
