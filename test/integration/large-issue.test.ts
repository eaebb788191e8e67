import { z } from 'zod';
import type { Sandbox } from '../../sandbox/start';
import { ADMIN, commentContent, connectedSandbox, connectionId, customFieldId, getIssue, rest, twinOf, type Rest } from './helpers';

/**
 * A long-lived issue on the sandbox under every default limit (KVS value size and quotas, Jira's
 * points, burst and per-issue write limits, web trigger body sizes): 200 comments of 2,000
 * characters and a 100 KB description. Its replica outgrows one request (it travels in parts), and
 * copying 200 comments runs into Jira's per-issue write limit (100 writes in 30 s) half way: the
 * apply is taken up again after the Retry-After without copying a comment twice.
 */
jest.setTimeout(300_000);

/** text of `n` characters with quotes, backslashes and non-ASCII, which escaping makes longer */
const text = (n: number, seed: string): string => `${seed} "quoted" \\ é 😀 `.repeat(Math.ceil(n / 24)).slice(0, n);
const paragraph = (t: string) => ({ type: 'paragraph', content: [{ type: 'text', text: t }] });
const docOf = (...texts: string[]) => ({ type: 'doc', version: 1, content: texts.map(paragraph) });
const CommentsSchema = z.looseObject({ comments: z.array(z.looseObject({ id: z.string(), body: z.unknown() })), total: z.number() });
const KVS_VALUE_LIMIT = 240 * 1024;

async function commentsOf(api: Rest, key: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let startAt = 0; ; startAt += 100) {
    const page = CommentsSchema.parse((await api('GET', `/rest/api/3/issue/${key}/comment?startAt=${startAt}&maxResults=100`)).json);
    out.push(...page.comments.map((c) => commentContent(c.body)));
    if (out.length >= page.total || page.comments.length === 0) return out;
  }
}

async function idle(sandbox: Sandbox): Promise<boolean> {
  const res = await fetch(`${sandbox.urls.internal}/_sandbox/idle`);
  return z.looseObject({ idle: z.boolean() }).parse(await res.json()).idle;
}

/** runs the platform clock on, 30 s at a time, until nothing is left to do */
async function settle(sandbox: Sandbox, until: () => Promise<boolean>): Promise<void> {
  for (let step = 0; step < 240; step++) {
    await sandbox.platform.waitForSettled();
    if ((await idle(sandbox)) && (await until())) return;
    await sandbox.platform.advance(30_000);
  }
  throw new Error('the sandbox did not settle');
}

describe('a long-lived issue: 200 comments of 2,000 characters and a 100 KB description', () => {
  it('syncs both ways, and a comment added later syncs, with no error and no stored value over the KVS limit', async () => {
    // a frozen base clock: time moves by advance() only, so the limits' windows do not depend on the machine's speed
    const base = Date.parse('2026-12-01T09:00:00Z');
    const sandbox = await connectedSandbox({ now: () => base });
    try {
      const int = rest(sandbox, 'internal');
      const ext = rest(sandbox, 'external');
      const intConnection = await connectionId(sandbox, 'internal');
      // the issue grew for months before the sync covered it: its project is not in scope yet
      await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: intConnection, scopeJql: null });
      // seeding: people's requests too are limited per issue (100 writes in 30 s); the test is not what is tested
      sandbox.sites.internal.setRateLimits(false);
      const description = docOf(...Array.from({ length: 50 }, (_, i) => text(2000, `description ${i}`)));
      const created = await int('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'long-lived', description } });
      const source = z.looseObject({ id: z.string(), key: z.string() }).parse(created.json);
      for (let i = 0; i < 200; i++) {
        const r = await int('POST', `/rest/api/3/issue/${source.key}/comment`, { body: docOf(text(2000, `comment ${i}`)) });
        if (r.status !== 201) throw new Error(`comment ${i}: ${r.status}`);
      }
      sandbox.sites.internal.setRateLimits({});
      await settle(sandbox, async () => true);

      // now in scope: the next change sends the whole issue
      await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: intConnection, scopeJql: 'project = "INT"' });
      await int('PUT', `/rest/api/3/issue/${source.key}`, { fields: { labels: ['long-lived'] } });
      const twinKey = async (): Promise<string | null> => (await twinOf(sandbox, source.id))[0]?.key ?? null;
      const keyField = await customFieldId(int, 'Remote issue key');
      await settle(sandbox, async () => (await twinKey()) !== null && typeof (await getIssue(int, source.key)).fields[keyField] === 'string');

      const twins = await twinOf(sandbox, source.id);
      expect(twins).toHaveLength(1);
      const twin = twins[0];
      if (!twin) throw new Error('no twin');
      expect((await getIssue(int, source.key)).fields[keyField]).toBe(twin.key);
      expect((await getIssue(ext, twin.key)).fields.description).toEqual(description);
      const sourceComments = await commentsOf(int, source.key);
      expect(sourceComments).toHaveLength(200);
      // the same 200, in order: none copied twice though the copying was cut off half way
      expect(await commentsOf(ext, twin.key)).toEqual(sourceComments);
      // Jira said "slow down" on the way (its per-issue write limit): the apply was taken up again after its Retry-After
      expect(sandbox.sites.external.stats().rateLimited['jira-per-issue-on-write'] ?? 0).toBeGreaterThan(0);

      // back: a comment on the twin reaches the source once
      await ext('POST', `/rest/api/3/issue/${twin.key}/comment`, { body: docOf(text(2000, 'from the twin')) });
      await settle(sandbox, async () => (await commentsOf(int, source.key)).length === 201);
      // and a later comment on the source reaches the twin
      await int('POST', `/rest/api/3/issue/${source.key}/comment`, { body: docOf('one more') });
      await settle(sandbox, async () => (await commentsOf(ext, twin.key)).length === 202);
      expect(await commentsOf(ext, twin.key)).toEqual(await commentsOf(int, source.key));

      for (const site of ['internal', 'external'] as const) {
        const installation = sandbox.installations[site];
        expect([site, z.array(z.unknown()).parse(await installation.invoke(ADMIN, 'listErrors', {}))]).toEqual([site, []]);
        expect([site, await installation.deadLetters()]).toEqual([site, []]);
        expect([site, (installation.kvsLargestValue()?.bytes ?? 0) <= KVS_VALUE_LIMIT]).toEqual([site, true]);
        // the parts of the messages that came in parts are gone once taken in
        expect([site, installation.kvsKeys('inpart:')]).toEqual([site, []]);
      }
    } finally {
      await sandbox.close();
    }
  });
});
