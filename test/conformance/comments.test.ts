import { commentPageShape, commentShape, fieldProblems } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { expectConforming, type JiraProbe } from './jira-probe';
import { comment, commentPage, createdIssue, errorCollection, issueBean } from './responses';
import { describeConformance } from './spec-gate';

/** Comments: list with paging, add, get, update, delete; bodies in ADF. */

async function createIssue(jira: JiraProbe): Promise<string> {
  const res = await jira.post('/rest/api/3/issue', { fields: issueFields({ summary: 'commented' }) });
  expectConforming(res, 201);
  return createdIssue.parse(res.body).key;
}

async function addComment(jira: JiraProbe, key: string, text: string): Promise<string> {
  const res = await jira.post(`/rest/api/3/issue/${key}/comment`, { body: adf(text) });
  expectConforming(res, 201);
  return comment.parse(res.body).id;
}

describeConformance('comments', (spec) => {
  const site = useSite(spec);

  it('adds a comment and returns it, authored by the caller', async () => {
    const key = await createIssue(site.jira);
    const res = await site.jira.post(`/rest/api/3/issue/${key}/comment`, { body: adf('first') });
    expectConforming(res, 201);
    expect(commentShape.safeParse(res.body).error).toBeUndefined();
    const added = comment.parse(res.body);
    expect(added.body).toEqual(adf('first'));
    expect(added.author.accountId).toBe(site.running.site.admin.accountId);
  });

  it('lists comments oldest first, in pages', async () => {
    const key = await createIssue(site.jira);
    const ids = [];
    for (const text of ['one', 'two', 'three']) ids.push(await addComment(site.jira, key, text));

    const first = await site.jira.get(`/rest/api/3/issue/${key}/comment`, { query: { startAt: 0, maxResults: 2 } });
    expectConforming(first, 200);
    expect(commentPageShape.safeParse(first.body).error).toBeUndefined();
    const page1 = commentPage.parse(first.body);
    expect(page1).toMatchObject({ startAt: 0, maxResults: 2, total: 3 });
    expect(page1.comments.map((c) => c.id)).toEqual(ids.slice(0, 2));

    const second = await site.jira.get(`/rest/api/3/issue/${key}/comment`, { query: { startAt: 2, maxResults: 2 } });
    expectConforming(second, 200);
    const page2 = commentPage.parse(second.body);
    expect(page2).toMatchObject({ startAt: 2, total: 3 });
    expect(page2.comments.map((c) => c.body)).toEqual([adf('three')]);

    const all = commentPage.parse((await site.jira.get(`/rest/api/3/issue/${key}/comment`)).body);
    expect(all.comments.map((c) => c.id)).toEqual(ids);
  });

  it('shows the comments in the issue\'s comment field', async () => {
    const key = await createIssue(site.jira);
    await addComment(site.jira, key, 'visible');
    const res = await site.jira.get(`/rest/api/3/issue/${key}`, { query: { fields: 'comment' } });
    expectConforming(res, 200);
    const fields = issueBean.parse(res.body).fields;
    expect(fieldProblems(spec, fields)).toEqual([]);
    expect(commentPageShape.parse(fields.comment).comments.map((c) => c.body)).toEqual([adf('visible')]);
  });

  it('gets, updates and deletes one comment', async () => {
    const key = await createIssue(site.jira);
    const id = await addComment(site.jira, key, 'draft');
    const kept = await addComment(site.jira, key, 'kept');

    const got = await site.jira.get(`/rest/api/3/issue/${key}/comment/${id}`);
    expectConforming(got, 200);
    const original = comment.parse(got.body);
    expect(original.body).toEqual(adf('draft'));

    const updated = await site.jira.put(`/rest/api/3/issue/${key}/comment/${id}`, { body: adf('final') });
    expectConforming(updated, 200);
    const after = comment.parse(updated.body);
    expect(after).toMatchObject({ id, body: adf('final'), created: original.created });
    expect(Date.parse(after.updated.replace(/(\d{2})(\d{2})$/, '$1:$2'))).toBeGreaterThanOrEqual(Date.parse(original.created.replace(/(\d{2})(\d{2})$/, '$1:$2')));

    const deleted = await site.jira.delete(`/rest/api/3/issue/${key}/comment/${id}`);
    expectConforming(deleted, 204);
    expectConforming(await site.jira.get(`/rest/api/3/issue/${key}/comment/${id}`), 404);
    const remaining = commentPage.parse((await site.jira.get(`/rest/api/3/issue/${key}/comment`)).body);
    expect(remaining.comments.map((c) => c.id)).toEqual([kept]);
    expect(remaining.total).toBe(1);
  });

  it.each([
    ['a plain-text body', 'just text'],
    ['an invalid ADF document', { type: 'doc', version: 1, content: [{ type: 'no-such-node' }] }],
    ['no body', undefined],
  ])('refuses %s with 400 and adds nothing', async (_name, body) => {
    const key = await createIssue(site.jira);
    const res = await site.jira.post(`/rest/api/3/issue/${key}/comment`, body === undefined ? {} : { body });
    expectConforming(res, 400);
    const errors = errorCollection.parse(res.body);
    expect(errors.errorMessages.length + Object.keys(errors.errors).length).toBeGreaterThan(0);
    expect(commentPage.parse((await site.jira.get(`/rest/api/3/issue/${key}/comment`)).body).total).toBe(0);
  });

  it('refuses an invalid ADF update and keeps the comment', async () => {
    const key = await createIssue(site.jira);
    const id = await addComment(site.jira, key, 'stays');
    expectConforming(await site.jira.put(`/rest/api/3/issue/${key}/comment/${id}`, { body: 'text' }), 400);
    expect(comment.parse((await site.jira.get(`/rest/api/3/issue/${key}/comment/${id}`)).body).body).toEqual(adf('stays'));
  });

  it.each([
    ['GET', '/rest/api/3/issue/INT-999999/comment', undefined],
    ['POST', '/rest/api/3/issue/INT-999999/comment', { body: adf('x') }],
  ])('answers 404 to %s %s', async (method, path, json) => {
    expectConforming(await site.jira.send(method, path, json === undefined ? {} : { json }), 404);
  });

  it.each([['GET'], ['PUT'], ['DELETE']])('answers 404 to %s on an unknown comment', async (method) => {
    const key = await createIssue(site.jira);
    const res = await site.jira.send(method, `/rest/api/3/issue/${key}/comment/999999`, method === 'PUT' ? { json: { body: adf('x') } } : {});
    expectConforming(res, 404);
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every comment operation against the spec', () => {
    expect(uncheckedOperations(spec, ['getComments', 'addComment', 'getComment', 'updateComment', 'deleteComment'])).toEqual([]);
  });
});
