import { z } from 'zod';
import type { Sandbox } from '../../sandbox/start';
import { connectedSandbox, createIssue, getIssue, rest, twinOf, type Rest } from './helpers';

/**
 * The resolution, end to end on the sandbox through Jira Cloud's public REST API. The sandbox's
 * Jira takes it only from a transition into a done status (an edit naming it is a 400, as Jira
 * Cloud's edit screen lacks it), clears it on a transition out of done, and sets the site's first
 * resolution ("Done") on a transition into done that names none (sandbox/jira/README.md).
 * Needs the default scripts to carry `resolution` (replica.resolution = issue.resolution, and the
 * incoming script's issue.resolution = replica.resolution).
 */
const Fields = z.looseObject({ status: z.looseObject({ name: z.string() }), resolution: z.looseObject({ name: z.string() }).nullish() });

describe('the resolution between the sandbox sites', () => {
  let sandbox: Sandbox;
  let int: Rest;
  let ext: Rest;

  beforeAll(async () => {
    sandbox = await connectedSandbox();
    int = rest(sandbox, 'internal');
    ext = rest(sandbox, 'external');
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  async function quiet(): Promise<void> {
    for (let round = 0; round < 30 && sandbox.platform.pending() > 0; round++) {
      await sandbox.platform.waitForSettled();
      if (sandbox.platform.pending() === 0) break;
      await sandbox.platform.advance(15_000);
    }
    await sandbox.waitForIdle();
  }

  async function onlyTwin(id: string): Promise<{ id: string; key: string }> {
    const twins = await twinOf(sandbox, id);
    expect(twins).toHaveLength(1);
    const twin = twins[0];
    if (!twin) throw new Error('no twin');
    return twin;
  }

  const state = async (api: Rest, key: string): Promise<[string, string | null]> => {
    const f = Fields.parse((await getIssue(api, key)).fields);
    return [f.status.name, f.resolution?.name ?? null];
  };

  async function move(api: Rest, key: string, status: string, resolution?: string): Promise<void> {
    const listed = z.looseObject({ transitions: z.array(z.looseObject({ id: z.string(), to: z.looseObject({ name: z.string() }) })) })
      .parse((await api('GET', `/rest/api/3/issue/${key}/transitions`)).json);
    const transition = listed.transitions.find((t) => t.to.name === status);
    if (!transition) throw new Error(`no transition to ${status}`);
    const body = { transition: { id: transition.id }, ...(resolution !== undefined ? { fields: { resolution: { name: resolution } } } : {}) };
    expect((await api('POST', `/rest/api/3/issue/${key}/transitions`, body)).status).toBe(204);
  }

  async function panelWarnings(issue: { id: string; key: string }, site: 'internal' | 'external'): Promise<string[]> {
    const answer = await fetch(`${sandbox.urls[site]}/_sandbox/invoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ moduleKey: 'twin-sync-panel', functionKey: 'getTwin', payload: {}, context: { accountId: sandbox.sites[site].admin.accountId, extension: { issue } } }),
    });
    const panel = z.looseObject({ result: z.looseObject({ twins: z.array(z.looseObject({ warnings: z.array(z.string()) })) }) }).parse(await answer.json()).result;
    return panel.twins[0]?.warnings ?? [];
  }

  it('a resolution set by a transition into Done travels with the status, and is cleared with a reopen, both ways', async () => {
    const issue = await createIssue(int, { summary: 'Printer on fire' });
    await quiet();
    const twin = await onlyTwin(issue.id);
    expect(await state(ext, twin.key)).toEqual(['Open', null]);

    await move(int, issue.key, 'Done', "Won't Do");
    await quiet();
    expect(await state(ext, twin.key)).toEqual(['Done', "Won't Do"]);
    expect(await state(int, issue.key)).toEqual(['Done', "Won't Do"]);

    await move(ext, twin.key, 'In Progress');
    await quiet();
    expect(await state(int, issue.key)).toEqual(['In Progress', null]);

    await move(ext, twin.key, 'Done', 'Duplicate');
    await quiet();
    expect(await state(int, issue.key)).toEqual(['Done', 'Duplicate']);
    expect(await state(ext, twin.key)).toEqual(['Done', 'Duplicate']);
    expect(await panelWarnings(twin, 'external')).toEqual([]);
  });

  it('a twin created from a resolved issue is moved to Done with that resolution', async () => {
    const issue = await createIssue(int, { summary: 'Already fixed' });
    await move(int, issue.key, 'Done', 'Cannot Reproduce');
    await quiet();
    const twin = await onlyTwin(issue.id);
    expect(await state(ext, twin.key)).toEqual(['Done', 'Cannot Reproduce']);
    expect(await state(int, issue.key)).toEqual(['Done', 'Cannot Reproduce']);
  });
});
