import { JiraSite } from './site';

describe('JiraSite people and credentialsFor', () => {
  it.each(['default', 'none'] as const)('seeds admin and the non-admin user with seed %s', async (seed) => {
    const site = JiraSite.create({ name: 'staging', db: ':memory:', seed });
    try {
      expect(site.admin).toEqual({ accountId: expect.stringMatching(/^712020:/), email: 'admin@staging.test', apiToken: 'sandbox-token' });
      expect(site.user).toEqual({ accountId: expect.stringMatching(/^712020:/), email: 'user@staging.test', apiToken: 'sandbox-token' });
      expect(site.user.accountId).not.toBe(site.admin.accountId);
    } finally {
      await site.close();
    }
  });

  it('gives credentials for people only', async () => {
    const site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'none' });
    try {
      const app = site.createAppAccount('Twin Sync');
      expect(site.credentialsFor(site.admin.accountId)).toEqual(site.admin);
      expect(site.credentialsFor(site.user.accountId)).toEqual(site.user);
      expect(site.credentialsFor(app.accountId)).toBeNull();
      expect(site.credentialsFor('712020:00000000-0000-0000-0000-000000000000')).toBeNull();
    } finally {
      await site.close();
    }
  });

  it('keeps the same account ids on another site object with the same name', async () => {
    const a = JiraSite.create({ name: 'internal', db: ':memory:' });
    const b = JiraSite.create({ name: 'internal', db: ':memory:' });
    try {
      expect(b.user).toEqual(a.user);
      expect(b.admin).toEqual(a.admin);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
