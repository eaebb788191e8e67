import { withoutAttribution } from '../../src/sync/parts/comments/comment-attribution';
import { AdfDocSchema, type AdfDoc } from '../../src/model/replica';
import { z } from 'zod';
import { startSandbox, type Sandbox, type StartSandboxOptions } from '../../sandbox/start';

export const ADMIN = 'twin-sync-admin';

/**
 * A jira REST client on one sandbox site, as its admin user. The test's own JQL searches see the
 * site as it is now: the search index is settled before each (the app's searches still lag, as on
 * Jira Cloud).
 */
export function rest(sandbox: Sandbox, site: 'internal' | 'external') {
  const creds = sandbox.credentials[site];
  const auth = `Basic ${Buffer.from(`${creds.email}:${creds.apiToken}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    if (path.startsWith('/rest/api/3/search')) sandbox.sites[site].settleSearchIndex();
    let response: Response;
    // a well-behaved client: Jira's burst limit applies to people too, and a 429 says when to come back
    for (let attempt = 0; ; attempt++) {
      response = await fetch(`${creds.url}${path}`, {
        method,
        headers: { Authorization: auth, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (response.status !== 429 || attempt >= 5) break;
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? '1')));
    }
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  };
}

export type Rest = ReturnType<typeof rest>;

export const IssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    status: z.looseObject({ name: z.string() }),
    priority: z.looseObject({ name: z.string() }).nullish(),
    labels: z.array(z.string()).optional(),
    issuetype: z.looseObject({ name: z.string() }),
    duedate: z.string().nullish(),
    description: z.unknown().optional(),
    comment: z.looseObject({ comments: z.array(z.looseObject({ id: z.string(), body: z.unknown() })) }).optional(),
  }).catchall(z.unknown()),
});

export async function customFieldId(api: Rest, name: string): Promise<string> {
  const fields = z.array(z.looseObject({ id: z.string(), name: z.string() })).parse((await api('GET', '/rest/api/3/field')).json);
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field.id;
}

export async function getIssue(api: Rest, key: string) {
  const response = await api('GET', `/rest/api/3/issue/${key}`);
  if (response.status !== 200) throw new Error(`GET ${key} → ${response.status} ${JSON.stringify(response.json)}`);
  return IssueSchema.parse(response.json);
}

export async function search(api: Rest, jql: string) {
  const response = await api('POST', '/rest/api/3/search/jql', { jql, fields: ['*all'], maxResults: 100 });
  if (response.status !== 200) throw new Error(`search ${jql} → ${response.status} ${JSON.stringify(response.json)}`);
  return z.looseObject({ issues: z.array(IssueSchema) }).parse(response.json).issues;
}

export async function createIssue(api: Rest, fields: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const response = await api('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, ...fields } });
  if (response.status !== 201) throw new Error(`create → ${response.status} ${JSON.stringify(response.json)}`);
  return z.looseObject({ id: z.string(), key: z.string() }).parse(response.json);
}

export function doc(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const ConnectionsSchema = z.array(z.looseObject({ id: z.string(), scopeJql: z.string().nullable() }));

/**
 * The sandbox with both sites connected. `INT` is a reserved JQL word (as on real Jira), so the
 * scope must be quoted: we make sure it is `project = "INT"` whatever startSandbox asked for.
 */
export async function connectedSandbox(options: Partial<StartSandboxOptions> = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: true, ...options });
  const connections = ConnectionsSchema.parse(await sandbox.installations.internal.invoke(ADMIN, 'listConnections', {}));
  const connection = connections[0];
  if (!connection) throw new Error('the sandbox did not connect the sites');
  if (connection.scopeJql !== 'project = "INT"') {
    const answer = await sandbox.installations.internal.invoke(ADMIN, 'updateConnection', { id: connection.id, scopeJql: 'project = "INT"' });
    if (answer !== null && typeof answer === 'object' && 'error' in answer) throw new Error(`updateConnection: ${JSON.stringify(answer)}`);
  }
  return sandbox;
}

export async function connectionId(sandbox: Sandbox, site: 'internal' | 'external'): Promise<string> {
  const connections = ConnectionsSchema.parse(await sandbox.installations[site].invoke(ADMIN, 'listConnections', {}));
  const connection = connections[0];
  if (!connection) throw new Error(`no connection on ${site}`);
  return connection.id;
}

/** the twin of an internal issue on the external site (by the origin property) */
export async function twinOf(sandbox: Sandbox, internalIssueId: string) {
  const twins = await search(rest(sandbox, 'external'), `issue.property[twinSync.origin].remoteIssueId = "${internalIssueId}"`);
  return twins;
}

/** A comment body as both sites must agree on it: a copy's attribution line ("… on internal wrote:") aside. */
export function commentContent(body: unknown): unknown {
  const parsed = AdfDocSchema.safeParse(body);
  return parsed.success ? withoutAttribution(parsed.data) : body;
}

/** The attribution line a copy starts with, if it starts with one (src/sync/comment-attribution.ts). */
export function attributionOf(body: unknown): string | null {
  const parsed = AttributionLineSchema.safeParse(body);
  return parsed.success ? parsed.data.content[0].content[0].text : null;
}

const AttributionLineSchema = z.looseObject({ content: z.tuple([z.looseObject({ content: z.tuple([z.looseObject({ text: z.string().endsWith(' wrote:'), marks: z.tuple([z.looseObject({ type: z.literal('em') })]) })]) })], z.unknown()) });
