import { createHash } from 'node:crypto';
import { CountingStore } from '../../sync/testing/counting-store';
import { ForgeJira } from './forge-jira';

const META = {
  metadata: {
    issueTypes: { INT: [{ id: '1', name: 'Task', subtask: false }] },
    priorities: [{ id: '3', name: 'Medium' }],
    resolutions: [{ id: '10000', name: 'Done' }],
    statuses: [{ id: '10', name: 'To Do', category: 'new' }],
    users: [],
    customFields: [
      { id: 'customfield_10000', name: 'Remote issue key', kind: 'text', options: null },
      { id: 'customfield_10001', name: 'Severity', kind: 'select', options: [{ value: 'High', children: [] }, { value: 'Low', children: [] }] },
    ],
    linkTypes: [{ name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }],
  },
  projectIds: { INT: '10000' },
  loadedAt: Date.parse('2026-11-26T09:59:00.000Z'),
  /** Severity's options were loaded (a replica named it): no field's options are read again */
  optionsLoaded: ['customfield_10001'],
  baseUrl: 'https://int.example.net',
  siteTitle: 'INT',
  attachments: { enabled: true, uploadLimit: 10_485_760 },
};
const META_KEY = 'meta:v2';
const EMAIL = 'ada@example.com';
const USER = { accountId: 'acc-ada', displayName: 'Ada', email: EMAIL };
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
const userKey = (email: string) => `user-email:${hash(email)}`;
const idKey = (accountId: string) => `user-id:${hash(accountId)}`;
const BOB = { accountId: 'acc-bob', displayName: 'Bob', email: null };

async function warmStore(): Promise<CountingStore> {
  const store = new CountingStore();
  await store.set(META_KEY, META);
  await store.set(userKey(EMAIL), { user: USER });
  await store.set(idKey('acc-ada'), { user: USER });
  await store.set(idKey('acc-bob'), { user: BOB });
  await store.set(idKey('acc-gone'), { user: null });
  return store;
}

describe('ForgeJira reads its KVS caches at most once per instance (one instance per invocation)', () => {
  it('reads meta:v2 once for any number of metadata users, concurrent or not', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [url, info, metadata] = await Promise.all([jira.siteUrl(), jira.siteInfo(), jira.getMetadata()]);
    expect(await jira.siteUrl()).toBe(url);
    expect(url).toBe('https://int.example.net');
    expect(info).toEqual({ baseUrl: 'https://int.example.net', siteTitle: 'INT' });
    expect(metadata.customFields).toEqual(META.metadata.customFields);
    expect(store.readsOf(META_KEY)).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('answers the attachment settings from meta:v2, read once with the rest of the metadata, without any REST call', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [a, b, url] = await Promise.all([jira.getAttachmentSettings(), jira.getAttachmentSettings(), jira.siteUrl()]);
    expect(await jira.getAttachmentSettings()).toEqual({ enabled: true, uploadLimit: 10_485_760 });
    expect([a, b]).toEqual([{ enabled: true, uploadLimit: 10_485_760 }, { enabled: true, uploadLimit: 10_485_760 }]);
    expect(url).toBe('https://int.example.net');
    expect(store.readsOf(META_KEY)).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('reads a user-email entry once however often the invocation asks, concurrently or not', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [a, b] = await Promise.all([jira.getMetadata({ userEmails: [EMAIL] }), jira.getMetadata({ userEmails: ['ADA@example.com'] })]);
    const c = await jira.getMetadata({ userEmails: [EMAIL] });
    for (const m of [a, b, c]) expect(m.users).toEqual([USER]);
    expect(store.readsOf(userKey(EMAIL))).toBe(1);
    expect(store.readsOf(META_KEY)).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('reads a user-id entry once per id, leaves out nobody, and lists each person once however found', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const [a, b] = await Promise.all([
      jira.getMetadata({ accountIds: ['acc-bob', 'acc-gone', 'acc-bob'] }),
      jira.getMetadata({ userEmails: [EMAIL], accountIds: ['acc-ada', 'acc-bob'] }),
    ]);
    expect(a.users).toEqual([BOB]);
    expect(b.users).toEqual([USER, BOB]);
    expect(store.readsOf(idKey('acc-bob'))).toBe(1);
    expect(store.readsOf(idKey('acc-gone'))).toBe(1);
    expect(jira.counter.calls).toBe(0);
  });

  it('does not load the metadata again for the fields, options and people it knows', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    const metadata = await jira.getMetadata({ customFields: { 'remote ISSUE key': ['CLOUD-7'], severity: ['High', 'Low'] }, accountIds: ['acc-bob'] });
    expect(metadata.customFields).toEqual(META.metadata.customFields);
    expect(metadata.linkTypes).toEqual(META.metadata.linkTypes);
    expect(jira.counter.calls).toBe(0);
  });

  it('shares nothing between instances: the next invocation reads the store again and sees its current value', async () => {
    const store = await warmStore();
    await new ForgeJira(store).getMetadata({ userEmails: [EMAIL] });
    await store.set(META_KEY, { ...META, baseUrl: 'https://moved.example.net' });
    await store.set(userKey(EMAIL), { user: { ...USER, displayName: 'Ada L.' } });
    const next = new ForgeJira(store);
    expect(await next.siteUrl()).toBe('https://moved.example.net');
    expect((await next.getMetadata({ userEmails: [EMAIL] })).users).toEqual([{ ...USER, displayName: 'Ada L.' }]);
    expect(store.readsOf(META_KEY)).toBe(2);
    expect(store.readsOf(userKey(EMAIL))).toBe(2);
  });

  it('does not remember a failed read: the next call in the invocation reads again', async () => {
    const store = await warmStore();
    const jira = new ForgeJira(store);
    store.failNextGet = true;
    await expect(jira.siteUrl()).rejects.toThrow('storage unavailable');
    expect(await jira.siteUrl()).toBe('https://int.example.net');
    expect(store.readsOf(META_KEY)).toBe(2);
  });
});
