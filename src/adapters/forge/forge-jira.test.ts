import { createHash } from 'node:crypto';
import { CountingStore } from '../../sync/testing/counting-store';
import { ForgeJira } from './forge-jira';

const META = {
  metadata: {
    issueTypes: { INT: [{ id: '1', name: 'Task', subtask: false }] },
    priorities: [{ id: '3', name: 'Medium' }],
    statuses: [{ id: '10', name: 'To Do', category: 'new' }],
    users: [],
    customFields: [{ id: 'customfield_10000', name: 'Remote issue key' }],
  },
  baseUrl: 'https://int.example.net',
  siteTitle: 'INT',
  attachments: { enabled: true, uploadLimit: 10_485_760 },
};
const EMAIL = 'ada@example.com';
const USER = { accountId: 'acc-ada', displayName: 'Ada', email: EMAIL };
const userKey = (email: string) => `user-email:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;

async function warmStore(): Promise<CountingStore> {
  const store = new CountingStore();
  await store.set('meta:v1', META);
  await store.set(userKey(EMAIL), { user: USER });
  return store;
}

describe('ForgeJira reads its KVS caches at most once per instance (one instance per invocation)', () => {
  it('reads meta:v1 once for any number of metadata users, concurrent or not', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [url, info, metadata] = await Promise.all([jira.siteUrl(), jira.siteInfo(), jira.getMetadata()]);
    expect(await jira.siteUrl()).toBe(url);
    expect(url).toBe('https://int.example.net');
    expect(info).toEqual({ baseUrl: 'https://int.example.net', siteTitle: 'INT' });
    expect(metadata.customFields).toEqual(META.metadata.customFields);
    expect(store.readsOf('meta:v1')).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('answers the attachment settings from meta:v1, read once with the rest of the metadata, without any REST call', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [a, b, url] = await Promise.all([jira.getAttachmentSettings(), jira.getAttachmentSettings(), jira.siteUrl()]);
    expect(await jira.getAttachmentSettings()).toEqual({ enabled: true, uploadLimit: 10_485_760 });
    expect([a, b]).toEqual([{ enabled: true, uploadLimit: 10_485_760 }, { enabled: true, uploadLimit: 10_485_760 }]);
    expect(url).toBe('https://int.example.net');
    expect(store.readsOf('meta:v1')).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('reads a user-email entry once however often the invocation asks, concurrently or not', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [a, b] = await Promise.all([jira.getMetadata({ userEmails: [EMAIL] }), jira.getMetadata({ userEmails: ['ADA@example.com'] })]);
    const c = await jira.getMetadata({ userEmails: [EMAIL] });
    for (const m of [a, b, c]) expect(m.users).toEqual([USER]);
    expect(store.readsOf(userKey(EMAIL))).toBe(1);
    expect(store.readsOf('meta:v1')).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('shares nothing between instances: the next invocation reads the store again and sees its current value', async () => {
    const store = await warmStore();
    await new ForgeJira(store).getMetadata({ userEmails: [EMAIL] });
    await store.set('meta:v1', { ...META, baseUrl: 'https://moved.example.net' });
    await store.set(userKey(EMAIL), { user: { ...USER, displayName: 'Ada L.' } });
    const next = new ForgeJira(store);
    expect(await next.siteUrl()).toBe('https://moved.example.net');
    expect((await next.getMetadata({ userEmails: [EMAIL] })).users).toEqual([{ ...USER, displayName: 'Ada L.' }]);
    expect(store.readsOf('meta:v1')).toBe(2);
    expect(store.readsOf(userKey(EMAIL))).toBe(2);
  });

  it('does not remember a failed read: the next call in the invocation reads again', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    store.failNextGet = true;
    await expect(jira.siteUrl()).rejects.toThrow('storage unavailable');
    expect(await jira.siteUrl()).toBe('https://int.example.net');
    expect(store.readsOf('meta:v1')).toBe(2);
  });
});
