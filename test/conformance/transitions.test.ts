import { z } from 'zod';
import { fieldProblems, statusShape } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { issueFields } from './issue-input';
import { expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, errorCollection, issueBean, transitions } from './responses';
import { describeConformance } from './spec-gate';

/** The workflow: Open, In Progress, Done, with a transition from every status to every other. */

async function createIssue(jira: JiraProbe): Promise<string> {
  const res = await jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'workflow' }) });
  expectConforming(res, 201);
  return createdIssue.parse(res.body).key;
}

async function available(jira: JiraProbe, key: string): Promise<{ id: string; to: string; category: string }[]> {
  const res = await jira.get(`/rest/api/3/issue/${key}/transitions`);
  expectConforming(res, 200);
  return transitions.parse(res.body).transitions.map((t) => ({ id: t.id, to: t.to.name, category: t.to.statusCategory.key }));
}

async function statusOf(jira: JiraProbe, key: string): Promise<{ name: string; category: string }> {
  const res = await jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'status' } });
  expectConforming(res, 200);
  const status = statusShape.parse(issueBean.parse(res.body).fields.status);
  return { name: status.name, category: status.statusCategory.key };
}

describeConformance('transitions', (spec) => {
  const site = useSite(spec);

  it('offers the other statuses of the workflow, with their categories', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.get(`/rest/api/3/issue/${key}/transitions`);
    expectConforming(res, 200);
    const raw = z.object({ transitions: z.array(z.object({ to: z.unknown() })) }).parse(res.body).transitions;
    expect(raw.length).toBeGreaterThan(0);
    for (const t of raw) expect(fieldProblems(spec, { status: t.to })).toEqual([]);
    const targets = (await available(site.jira, key)).map((t) => `${t.to}/${t.category}`);
    expect(targets).toEqual(expect.arrayContaining(['In Progress/indeterminate', 'Done/done']));
    expect(targets).not.toContain('Open/new');
  });

  it.each([
    [['In Progress'], { name: 'In Progress', category: 'indeterminate' }],
    [['Done'], { name: 'Done', category: 'done' }],
    [['In Progress', 'Done', 'Open'], { name: 'Open', category: 'new' }],
  ])('moves an issue through %j', async (path, expected) => {
    const key = await createIssue(site.jira);
    for (const target of path) {
      const transition = (await available(site.jira, key)).find((t) => t.to === target);
      if (transition === undefined) throw new Error(`no transition to ${target}`);
      const res = await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: transition.id } });
      expectConforming(res, 204);
      expect(res.body).toBeUndefined();
    }
    expect(await statusOf(site.jira, key)).toEqual(expected);
  });

  it('refuses a transition id the issue does not have, and stays put', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '999999' } });
    expectConforming(res, 400);
    const errors = errorCollection.parse(res.body);
    expect([...errors.errorMessages, ...Object.values(errors.errors)].join(' ')).toMatch(/999999|transition/i);
    expect(await statusOf(site.jira, key)).toEqual({ name: 'Open', category: 'new' });
  });

  it('refuses a body without a transition', async () => {
    const key = await createIssue(site.jira);
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/transitions`, {}), 400);
  });

  it.each([
    ['GET', undefined],
    ['POST', { transition: { id: '11' } }],
  ])('answers 404 to %s on an unknown issue', async (method, json) => {
    expectConforming(await site.jira.send(method, '/rest/api/3/issue/INT-999999/transitions', json === undefined ? {} : { json }), 404);
  });

  it('sets the resolution from a transition into Done, clears it on the way out, and refuses it in an edit', async () => {
    const key = await createIssue(site.jira);
    const resolutionOf = async (): Promise<string | null> => {
      const res = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'resolution' } });
      expectConforming(res, 200);
      const field = z.object({ resolution: z.object({ name: z.string() }).nullable() }).parse(issueBean.parse(res.body).fields);
      return field.resolution?.name ?? null;
    };
    const to = async (target: string): Promise<string> => {
      const transition = (await available(site.jira, key)).find((t) => t.to === target);
      if (transition === undefined) throw new Error(`no transition to ${target}`);
      return transition.id;
    };
    expect(await resolutionOf()).toBeNull();
    const refused = await site.jira.put(`/rest/api/3/issue/${key}`, { fields: { resolution: { name: 'Done' } } });
    expectConforming(refused, 400);
    expect(errorCollection.parse(refused.body).errors).toEqual({ resolution: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown." });
    const unknown = await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: await to('Done') }, fields: { resolution: { name: 'Fixed' } } });
    expectConforming(unknown, 400);
    expect(Object.keys(errorCollection.parse(unknown.body).errors)).toEqual(['resolution']);
    expect(await statusOf(site.jira, key)).toEqual({ name: 'Open', category: 'new' });
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: await to('Done') }, fields: { resolution: { name: "Won't Do" } } }), 204);
    expect(await resolutionOf()).toBe("Won't Do");
    const out = await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: await to('In Progress') }, fields: { resolution: { name: 'Done' } } });
    expectConforming(out, 400);
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: await to('In Progress') } }), 204);
    expect(await resolutionOf()).toBeNull();
    // into Done without one: the workflow's post function sets the site's first resolution
    expectConforming(await site.jira.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: await to('Done') } }), 204);
    expect(await resolutionOf()).toBe('Done');
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every transition operation against the spec', () => {
    expect(uncheckedOperations(spec, ['getTransitions', 'doTransition'])).toEqual([]);
  });
});
