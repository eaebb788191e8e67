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

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every transition operation against the spec', () => {
    expect(uncheckedOperations(spec, ['getTransitions', 'doTransition'])).toEqual([]);
  });
});
