import { z } from 'zod';
import { SHARED_PERSON_EMAIL } from '../../sandbox/jira/seed';
import type { JiraPerson } from '../../sandbox/jira/site';
import { fieldProblems, userShape } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { basicAuth, expectConforming } from './jira-probe';
import { createdIssue, issueBean, user } from './responses';
import { describeConformance } from './spec-gate';

/**
 * User objects of people who hide their email (profile visibility,
 * https://developer.atlassian.com/cloud/jira/platform/profile-visibility/): every operation answering
 * users still matches the spec, with no `emailAddress` at all (never null: the spec types it as a string).
 */

const users = z.array(z.unknown());

describeConformance('users whose email is hidden', (spec) => {
  const site = useSite(spec);
  const person = (email: string): JiraPerson => {
    const p = site.running.site.people.find((x) => x.email === email);
    if (!p) throw new Error(`no seeded ${email}`);
    return p;
  };
  const hidden = (): JiraPerson[] => site.running.site.people.filter((p) => p.emailVisibility === 'private');
  const expectNoEmail = (value: unknown): void => {
    expect(value).not.toHaveProperty('emailAddress');
    expect(userShape.safeParse(value).error).toBeUndefined();
  };

  it('seeds hidden people, one of them on every site', () => {
    expect(hidden().map((p) => p.email)).toEqual(['dana@internal.test', 'eli@internal.test', 'farah@internal.test', SHARED_PERSON_EMAIL]);
  });

  it('getUser and getCurrentUser answer them without emailAddress', async () => {
    for (const p of hidden()) {
      const res = await site.jira.get('/rest/api/3/user', { query: { accountId: p.accountId } });
      expectConforming(res, 200);
      expectNoEmail(res.body);
      const me = await site.probeAs(basicAuth(p.email, p.apiToken)).get('/rest/api/3/myself');
      expectConforming(me, 200);
      expect(user.parse(me.body).accountId).toBe(p.accountId);
      expectNoEmail(me.body);
    }
    const admin = await site.jira.get('/rest/api/3/user', { query: { accountId: site.running.site.admin.accountId } });
    expectConforming(admin, 200);
    expect(user.parse(admin.body).emailAddress).toBe('admin@internal.test');
  });

  it('findUsers finds them by name, not by their hidden email, and shows no email', async () => {
    const byName = await site.jira.get('/rest/api/3/user/search', { query: { query: 'Dana' } });
    expectConforming(byName, 200);
    const found = users.parse(byName.body);
    expect(found.map((u) => user.parse(u).accountId)).toEqual([person('dana@internal.test').accountId]);
    for (const u of found) expectNoEmail(u);
    const byEmail = await site.jira.get('/rest/api/3/user/search', { query: { query: 'dana@internal.test' } });
    expectConforming(byEmail, 200);
    expect(byEmail.body).toEqual([]);
  });

  it('getIssue and getComments answer reporter, assignee, creator and authors without emailAddress', async () => {
    const dana = person('dana@internal.test');
    const asDana = site.probeAs(basicAuth(dana.email, dana.apiToken));
    const created = await asDana.post('/rest/api/3/issue', { fields: issueFields({ summary: 'hidden people', assignee: { accountId: person(SHARED_PERSON_EMAIL).accountId } }) });
    expectConforming(created, 201);
    const key = createdIssue.parse(created.body).key;
    expectConforming(await asDana.post(`/rest/api/3/issue/${key}/comment`, { body: adf('from Dana') }), 201);
    const got = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'reporter,assignee,creator,comment' } });
    expectConforming(got, 200);
    const fields = issueBean.parse(got.body).fields;
    expect(fieldProblems(spec, fields)).toEqual([]);
    for (const id of ['reporter', 'assignee', 'creator']) expectNoEmail(fields[id]);
    const comments = await site.jira.get(`/rest/api/3/issue/${key}/comment`);
    expectConforming(comments, 200);
    const page = z.object({ comments: z.array(z.object({ author: z.unknown(), updateAuthor: z.unknown() })) }).parse(comments.body);
    for (const c of page.comments) {
      expectNoEmail(c.author);
      expectNoEmail(c.updateAuthor);
    }
  });

  it('got only responses that match the spec', () => {
    expect(site.specFailures()).toEqual([]);
    expect(uncheckedOperations(spec, ['getUser', 'getCurrentUser', 'findUsers', 'getIssue', 'getComments', 'createIssue', 'addComment'])).toEqual([]);
  });
});
