import { z } from 'zod';
import { startSandbox, type Sandbox } from '../../sandbox/start';
import { doc } from './helpers';

/**
 * Issue 16 end to end on the sandbox: three emulated Jira sites with the app installed, connected
 * in a full mesh and in a hub, driven through Jira Cloud's public REST API. An issue created on any
 * site has exactly one twin on each other site; an edit on any member reaches the other two; a
 * comment arrives once everywhere; the platform goes quiet.
 */
jest.setTimeout(180_000);

const SITES = ['internal', 'external', 'partner'];
const Found = z.looseObject({ issues: z.array(z.looseObject({ id: z.string(), key: z.string(), fields: z.looseObject({ summary: z.string() }) })) });
const Comments = z.looseObject({ comments: z.array(z.looseObject({ body: z.unknown() })) });
const Panel = z.looseObject({ result: z.looseObject({ twins: z.array(z.looseObject({ remoteIssueKey: z.string().nullable(), groupMembers: z.array(z.looseObject({ site: z.string(), key: z.string() })) })) }) });

function api(sandbox: Sandbox, name: string) {
  const { url, email, apiToken } = sandbox.of(name).credentials;
  const auth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    if (path.startsWith('/rest/api/3/search')) sandbox.of(name).site.settleSearchIndex();
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${url}${path}`, { method, headers: { Authorization: auth, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      if (response.status === 429 && attempt < 5) {
        await response.body?.cancel();
        await sandbox.platform.advance(Number(response.headers.get('retry-after') ?? '1') * 1000);
        continue;
      }
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${name} ${method} ${path} → ${response.status} ${text}`);
      return text === '' ? null : JSON.parse(text);
    }
  };
}

/** the site's issues whose summary starts with `title` */
async function members(sandbox: Sandbox, name: string, title: string) {
  const found = Found.parse(await api(sandbox, name)('POST', '/rest/api/3/search/jql', { jql: `project = "${sandbox.of(name).projectKey}" ORDER BY created ASC`, fields: ['summary'], maxResults: 100 }));
  return found.issues.filter((i) => i.fields.summary.startsWith(title));
}

const textOf = (body: unknown): string => (JSON.stringify(body).match(/"text":"([^"]*)"/g) ?? []).map((m) => m.slice(8, -1)).filter((t) => !/ wrote:$/.test(t)).join(' ');

describe.each(['mesh', 'hub'] as const)('three sandbox sites in a %s', (topology) => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ portBase: 0, memory: true, customUi: false, sites: SITES, topology });
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  it.each(SITES)('an issue created on %s: one twin on each other site, edits from every member reach the others, comments once everywhere', async (origin) => {
    const title = `${topology}: made on ${origin}`;
    await api(sandbox, origin)('POST', '/rest/api/3/issue', { fields: { project: { key: sandbox.of(origin).projectKey }, issuetype: { name: 'Task' }, summary: title } });
    await sandbox.waitForIdle();
    for (const name of SITES) expect([name, (await members(sandbox, name, title)).length]).toEqual([name, 1]);

    for (const editor of SITES) {
      const [member] = await members(sandbox, editor, title);
      await api(sandbox, editor)('PUT', `/rest/api/3/issue/${member!.key}`, { fields: { summary: `${title}, edited on ${editor}` } });
      await sandbox.waitForIdle();
      for (const name of SITES) expect([name, (await members(sandbox, name, title)).map((i) => i.fields.summary)]).toEqual([name, [`${title}, edited on ${editor}`]]);
    }
    for (const commenter of SITES) {
      const [member] = await members(sandbox, commenter, title);
      await api(sandbox, commenter)('POST', `/rest/api/3/issue/${member!.key}/comment`, { body: doc(`said on ${commenter}`) });
      await sandbox.waitForIdle();
    }
    for (const name of SITES) {
      const [member] = await members(sandbox, name, title);
      const said = Comments.parse(await api(sandbox, name)('GET', `/rest/api/3/issue/${member!.key}/comment`)).comments.map((c) => textOf(c.body));
      expect([name, said.sort()]).toEqual([name, SITES.map((s) => `said on ${s}`).sort()]);
    }
    // quiet: nothing runs or is due
    expect(sandbox.platform.pending()).toBe(0);

    // the panel of each member lists the group on the two other sites: its twins, and (in a hub, on a
    // spoke) the member its twin's site told of
    for (const name of SITES) {
      const [member] = await members(sandbox, name, title);
      const answer = await fetch(`${sandbox.of(name).url}/_sandbox/invoke`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ moduleKey: 'twin-sync-panel', functionKey: 'getTwin', payload: {}, context: { accountId: sandbox.of(name).site.admin.accountId, extension: { issue: { id: member!.id, key: member!.key } } } }),
      });
      const panel = Panel.parse(await answer.json()).result;
      const shown = new Set([...panel.twins.map((t) => t.remoteIssueKey), ...panel.twins.flatMap((t) => t.groupMembers.map((m) => m.key))]);
      const others = await Promise.all(SITES.filter((s) => s !== name).map(async (s) => (await members(sandbox, s, title))[0]!.key));
      expect([name, others.every((k) => shown.has(k))]).toEqual([name, true]);
    }
  });
});
