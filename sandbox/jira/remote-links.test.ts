import { z } from 'zod';
import { startSite, type SiteHarness } from './testing/site-harness';

const identifies = z.object({ id: z.number(), self: z.string() });

describe('remote issue links', () => {
  let h: SiteHarness;
  beforeEach(async () => {
    h = await startSite({ rateLimits: false }); // this suite checks answers at many requests a second; the limits have their own tests (rate-limits/)
    expect((await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'linked' } })).status).toBe(201);
  });
  afterEach(async () => {
    await h.stop();
  });

  const link = (title: string, globalId?: string): unknown => ({
    ...(globalId ? { globalId } : {}), relationship: 'twin', application: { type: 'twin-sync', name: 'Twin Sync' },
    object: { url: 'https://cloud.example/browse/CLOUD-1', title },
  });

  it('creates, lists, updates by globalId, gets, and deletes links', async () => {
    const first = await h.call('POST', '/rest/api/3/issue/INT-1/remotelink', link('CLOUD-1', 'twin:CLOUD-1'));
    expect(first.status).toBe(201);
    const { id, self } = identifies.parse(first.body);
    expect(self).toBe(`${h.baseUrl}/rest/api/3/issue/10000/remotelink/${id}`);
    const again = await h.call('POST', '/rest/api/3/issue/INT-1/remotelink', link('CLOUD-1 renamed', 'twin:CLOUD-1'));
    expect(again.status).toBe(200);
    expect(identifies.parse(again.body).id).toBe(id);
    expect((await h.call('POST', '/rest/api/3/issue/INT-1/remotelink', link('no global id'))).status).toBe(201);

    const list = await h.call('GET', '/rest/api/3/issue/INT-1/remotelink');
    expect(list.body).toMatchObject([
      { id, globalId: 'twin:CLOUD-1', relationship: 'twin', application: { name: 'Twin Sync' }, object: { title: 'CLOUD-1 renamed' } },
      { object: { title: 'no global id' } },
    ]);
    expect((await h.call('GET', '/rest/api/3/issue/INT-1/remotelink?globalId=twin%3ACLOUD-1')).body).toMatchObject({ id });
    expect((await h.call('PUT', `/rest/api/3/issue/INT-1/remotelink/${id}`, link('via PUT', 'twin:CLOUD-1'))).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/issue/INT-1/remotelink/${id}`)).body).toMatchObject({ object: { title: 'via PUT' } });

    expect((await h.call('DELETE', '/rest/api/3/issue/INT-1/remotelink?globalId=twin%3ACLOUD-1')).status).toBe(204);
    expect((await h.call('GET', `/rest/api/3/issue/INT-1/remotelink/${id}`)).status).toBe(404);
    expect(z.array(z.unknown()).parse((await h.call('GET', '/rest/api/3/issue/INT-1/remotelink')).body)).toHaveLength(1);
  });

  it.each([
    ['no object', { globalId: 'g' }, { title: "'title' is required.", url: "'url' is required." }],
    ['no title', { object: { url: 'https://x.example' } }, { title: "'title' is required." }],
    ['a bad url', { object: { url: 'not a url', title: 't' } }, { url: "'not a url' is not a valid URL." }],
  ])('refuses a link with %s and stores nothing', async (_name, body, errors) => {
    const r = await h.call('POST', '/rest/api/3/issue/INT-1/remotelink', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errorMessages: [], errors });
    expect((await h.call('GET', '/rest/api/3/issue/INT-1/remotelink')).body).toEqual([]);
  });

  it('answers 404 for an unknown issue or link and 400 without a globalId to delete', async () => {
    expect((await h.call('GET', '/rest/api/3/issue/INT-9/remotelink')).status).toBe(404);
    expect((await h.call('GET', '/rest/api/3/issue/INT-1/remotelink/123')).status).toBe(404);
    expect((await h.call('DELETE', '/rest/api/3/issue/INT-1/remotelink')).status).toBe(400);
  });
});
