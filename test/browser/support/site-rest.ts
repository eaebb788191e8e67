import { z } from 'zod';
import type { Sandbox } from '../../../sandbox/start';

type SiteName = 'internal' | 'external';

/** The site's REST API as its admin (for setting up and checking what the pages did). */
export function siteRest(sandbox: Sandbox, site: SiteName) {
  const creds = sandbox.credentials[site];
  const auth = `Basic ${Buffer.from(`${creds.email}:${creds.apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${creds.url}${path}`, {
      method,
      headers: { Authorization: auth, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  };
}

const Created = z.looseObject({ id: z.string(), key: z.string() });
const Found = z.looseObject({ issues: z.array(z.looseObject({ id: z.string(), key: z.string(), fields: z.record(z.string(), z.unknown()) })) });

export async function createIntIssue(sandbox: Sandbox, summary: string): Promise<{ id: string; key: string }> {
  const rest = siteRest(sandbox, 'internal');
  return Created.parse(await rest('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary } }));
}

/** the test's own search: it sees the site as it is now (the index settled first; the app's searches still lag) */
export async function searchIssues(sandbox: Sandbox, site: SiteName, jql: string) {
  sandbox.sites[site].settleSearchIndex();
  const rest = siteRest(sandbox, site);
  return Found.parse(await rest('POST', '/rest/api/3/search/jql', { jql, fields: ['summary'], maxResults: 100 })).issues;
}

/** Connects the two installations through their admin resolvers (as `npm start` does). */
export async function connectByResolvers(sandbox: Sandbox): Promise<void> {
  const admin = 'twin-sync-admin';
  const { code } = z.looseObject({ code: z.string() }).parse(await sandbox.installations.internal.invoke(admin, 'createInvitation', { name: 'internal ↔ external' }));
  await sandbox.installations.external.invoke(admin, 'acceptInvitation', { code });
  const [connection] = z.array(z.looseObject({ id: z.string() })).parse(await sandbox.installations.internal.invoke(admin, 'listConnections', {}));
  if (connection === undefined) throw new Error('no connection after accepting the invitation');
  await sandbox.installations.internal.invoke(admin, 'updateConnection', { id: connection.id, direction: 'both', scopeJql: 'project = "INT"', conflictPolicy: 'later-wins' });
  await sandbox.waitForIdle();
}
