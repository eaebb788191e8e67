import { JiraSite } from '../../sandbox/jira/site';

export interface RunningSite {
  site: JiraSite;
  baseUrl: string;
  close(): Promise<void>;
}

/** A fresh in-memory site with the default seed, listening on a random loopback port. */
export async function startSite(name: 'internal' | 'external' = 'internal'): Promise<RunningSite> {
  const site = await JiraSite.create({ name, db: ':memory:', seed: 'default' });
  const baseUrl = await site.listen(0, '127.0.0.1');
  return { site, baseUrl, close: () => site.close() };
}
