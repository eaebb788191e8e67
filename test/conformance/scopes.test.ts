import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ForgePlatform, type Installation } from '../../sandbox/forge/platform';
import { scopeTableFromOpenApi } from '../../sandbox/jira/scopes/from-openapi';
import { loadScopeTable, SCOPE_TABLE_FILE, serializeScopeTable } from '../../sandbox/jira/scopes/scope-table';
import { JiraSite } from '../../sandbox/jira/site';
import type { JiraProductEvent } from '../../sandbox/jira/contract';
import { FIXTURE_APP } from '../forge/fixture';
import { specPath } from '../support/openapi';
import { describeConformance } from './spec-gate';

/**
 * OAuth 2.0 scopes, as Jira Cloud enforces them on a Forge app's requests:
 * - the committed table (sandbox/jira/scopes/jira-scopes.json) is exactly what Atlassian's OpenAPI
 *   description gives (needs the spec; gated like the rest of the suite);
 * - the Forge runtime refuses an app request whose operation the manifest's scopes do not cover,
 *   and any request to a path that is no operation, with Jira's 401 "scope does not match", and
 *   nothing reaches the site (needs only the committed table).
 */

jest.setTimeout(60_000);

const REPO = path.resolve(__dirname, '..', '..');
const SCOPE_DOES_NOT_MATCH = { code: 401, message: 'Unauthorized; scope does not match' };

describeConformance('the committed scope table', () => {
  it('is what the OpenAPI description gives (regenerate with `npx tsx sandbox/jira/scopes/generate.ts`)', () => {
    const fromSpec = scopeTableFromOpenApi(JSON.parse(readFileSync(specPath(), 'utf8')));
    const committed = loadScopeTable();
    const keys = new Set([...Object.keys(fromSpec.operations), ...Object.keys(committed.operations)]);
    const differing = [...keys].filter((k) => JSON.stringify(fromSpec.operations[k]) !== JSON.stringify(committed.operations[k]));
    expect({ source: committed.source, differing }).toEqual({ source: fromSpec.source, differing: [] });
    expect(readFileSync(SCOPE_TABLE_FILE, 'utf8')).toBe(serializeScopeTable(fromSpec));
  });
});

/** a resolver of our own, added to the copy of the fixture app: any request to Jira, as the app or as the user */
const PROBE_SOURCE = `
import api, { assumeTrustedRoute } from '@forge/api';
import Resolver from '@forge/resolver';
import { z } from 'zod';

const Request = z.object({ as: z.enum(['app', 'user']), method: z.string(), path: z.string(), body: z.unknown().optional() });
const resolver = new Resolver();
resolver.define('request', async ({ payload }) => {
  const p = Request.parse(payload);
  const requester = p.as === 'app' ? api.asApp() : api.asUser();
  const res = await requester.requestJira(assumeTrustedRoute(p.path), {
    method: p.method,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    ...(p.body !== undefined ? { body: JSON.stringify(p.body) } : {}),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return { status: res.status, headers, body: await res.text() };
});
export const handler = resolver.getDefinitions();
`;

const ProbeResult = z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.string() });
type ProbeResult = z.infer<typeof ProbeResult>;

interface ScopedApp {
  site: JiraSite;
  inst: Installation;
  events: JiraProductEvent[];
  logs: string[];
  request(as: 'app' | 'user', method: string, path: string, body?: unknown): Promise<ProbeResult>;
  close(): Promise<void>;
}

/** a copy of the fixture app whose manifest grants exactly `scopes`, installed on a fresh site */
async function appWithScopes(scopes: string[]): Promise<ScopedApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-scopes-'));
  cpSync(FIXTURE_APP, dir, { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'src', 'scope-probe.ts'), PROBE_SOURCE);
  const manifest = parseDocument(readFileSync(path.join(dir, 'manifest.yml'), 'utf8'));
  manifest.setIn(['permissions', 'scopes'], scopes);
  // product events need read:jira-work; the trigger is not what these tests are about
  manifest.deleteIn(['modules', 'trigger']);
  manifest.addIn(['modules', 'function'], { key: 'scope-probe', handler: 'scope-probe.handler' });
  manifest.setIn(['modules', 'jira:globalPage'], [{ key: 'scope-probe-page', resource: 'page', resolver: { function: 'scope-probe' }, title: 'Scope probe' }]);
  writeFileSync(path.join(dir, 'manifest.yml'), manifest.toString());

  const logs: string[] = [];
  const platform = new ForgePlatform({ appRoot: dir, dataDir: null, log: (line) => logs.push(line) });
  const site = JiraSite.create({ name: 'internal', db: ':memory:', seed: 'default' });
  const events: JiraProductEvent[] = [];
  site.onEvent((e) => events.push(e));
  try {
    await site.listen(0, '127.0.0.1');
    const inst = await platform.install(site);
    return {
      site, inst, events, logs,
      async request(as, method, p, body) {
        const out = await inst.invoke('scope-probe-page', 'request', { as, method, path: p, ...(body !== undefined ? { body } : {}) });
        return ProbeResult.parse(out);
      },
      async close() {
        await platform.close();
        await site.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await platform.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const newIssue = { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'scoped' } };
const requirementOf = (key: string) => {
  const r = loadScopeTable().operations[key];
  if (!r) throw new Error(`no ${key} in the scope table`);
  return r;
};

/** the refusal, exactly as Jira Cloud sends it */
function expectScopeRefusal(res: ProbeResult, reason: RegExp): void {
  expect(res.status).toBe(401);
  expect(JSON.parse(res.body)).toEqual(SCOPE_DOES_NOT_MATCH);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-failure-category']).toBe('FAILURE_CLIENT_SCOPE_CHECK');
  expect(res.headers['x-sandbox-refusal']).toMatch(reason);
}

describe('Forge app requests to Jira are checked against the manifest scopes', () => {
  describe('an app without write:jira-work', () => {
    let app: ScopedApp;
    beforeAll(async () => { app = await appWithScopes(['read:jira-work', 'read:jira-user', 'storage:app']); });
    afterAll(async () => { await app.close(); });

    it.each(['app', 'user'] as const)('gets 401 "scope does not match" for create issue as%s, and nothing reaches the site', async (as) => {
      const before = { issues: app.site.issueCount(), requests: app.site.stats().requests, events: app.events.length };
      const res = await app.request(as, 'POST', '/rest/api/3/issue', newIssue);
      expectScopeRefusal(res, /^POST \/rest\/api\/3\/issue needs classic \[write:jira-work\] or granular \[.*write:issue:jira.*\]; the manifest grants \[read:jira-work, read:jira-user, storage:app\]$/);
      await new Promise((r) => setImmediate(r));
      expect({ issues: app.site.issueCount(), requests: app.site.stats().requests, events: app.events.length }).toEqual(before);
    });

    it('counts the refusals, not as product requests, and logs them', () => {
      expect(app.inst.stats()).toEqual(expect.objectContaining({ productRequests: 0, scopeRefusals: { 'POST /rest/api/3/issue': 2 } }));
      expect(app.logs).toEqual(expect.arrayContaining([expect.stringContaining('[internal] scope-probe-page: Jira request refused (401 scope does not match): POST /rest/api/3/issue needs classic [write:jira-work]')]));
    });

    it('still reads what read:jira-work and read:jira-user cover', async () => {
      expect((await app.request('app', 'GET', '/rest/api/3/field')).status).toBe(200);
      expect((await app.request('user', 'GET', '/rest/api/3/myself')).status).toBe(200);
      expect(app.inst.stats().productRequests).toBe(2);
    });

    it('refuses a path that is no operation of the REST API, before the site sees it', async () => {
      app.inst.resetStats();
      const before = app.site.stats().requests;
      expectScopeRefusal(await app.request('app', 'GET', '/rest/api/3/no-such-resource'), /matches no path of Jira Cloud's REST API v3/);
      expectScopeRefusal(await app.request('app', 'GET', '/rest/api/3/myself/'), /GET \/rest\/api\/3\/myself\/ matches no path/);
      expectScopeRefusal(await app.request('user', 'GET', '/rest/agile/1.0/board'), /matches no path/);
      expectScopeRefusal(await app.request('app', 'PATCH', '/rest/api/3/issue/INT-1', {}), /matches \/rest\/api\/3\/issue\/\{issueIdOrKey\}, which has no PATCH operation/);
      expectScopeRefusal(await app.request('app', 'PUT', '/rest/api/3/mypreferences/locale', { locale: 'en_US' }), /does not accept OAuth 2\.0/);
      expect(app.site.stats().requests).toBe(before);
      expect(app.inst.stats().scopeRefusals).toEqual({
        'GET /rest/api/3/no-such-resource': 1,
        'GET /rest/api/3/myself/': 1,
        'GET /rest/agile/1.0/board': 1,
        'PATCH /rest/api/3/issue/INT-1': 1,
        'PUT /rest/api/3/mypreferences/locale': 1,
      });
    });
  });

  describe('an app with write:jira-work', () => {
    let app: ScopedApp;
    beforeAll(async () => { app = await appWithScopes(['read:jira-work', 'write:jira-work', 'storage:app']); });
    afterAll(async () => { await app.close(); });

    it.each(['app', 'user'] as const)('creates an issue as%s', async (as) => {
      const before = app.site.issueCount();
      const res = await app.request(as, 'POST', '/rest/api/3/issue', newIssue);
      expect(res.status).toBe(201);
      expect(app.site.issueCount()).toBe(before + 1);
    });

    it('is refused what it lacks: GET /rest/api/3/myself needs read:jira-user', async () => {
      expectScopeRefusal(await app.request('user', 'GET', '/rest/api/3/myself'), /GET \/rest\/api\/3\/myself needs classic \[read:jira-user\]/);
      expect(app.inst.stats().scopeRefusals).toEqual({ 'GET /rest/api/3/myself': 1 });
    });
  });

  describe('an app with granular scopes only', () => {
    const create = requirementOf('POST /rest/api/3/issue').granular ?? [];
    const read = requirementOf('GET /rest/api/3/issue/{issueIdOrKey}').granular ?? [];
    let app: ScopedApp;
    beforeAll(async () => { app = await appWithScopes([...new Set([...create, ...read, 'storage:app'])]); });
    afterAll(async () => { await app.close(); });

    it('creates and reads an issue with the full granular sets', async () => {
      expect(create.length).toBeGreaterThan(1);
      const created = await app.request('app', 'POST', '/rest/api/3/issue', newIssue);
      expect(created.status).toBe(201);
      const { key } = z.object({ key: z.string() }).loose().parse(JSON.parse(created.body));
      expect((await app.request('user', 'GET', `/rest/api/3/issue/${key}?fields=summary`)).status).toBe(200);
      expect(app.inst.stats().scopeRefusals).toEqual({});
    });

    it('is refused an operation whose granular set it holds only in part', async () => {
      // add comment needs write:comment:jira, read:user:jira, read:avatar:jira (held) and more (not held)
      const comment = requirementOf('POST /rest/api/3/issue/{issueIdOrKey}/comment').granular ?? [];
      const held = new Set([...create, ...read]);
      expect(comment.filter((s) => held.has(s))).toEqual(expect.arrayContaining(['write:comment:jira', 'read:user:jira']));
      expect(comment.filter((s) => !held.has(s))).not.toEqual([]);
      const body = { body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] } };
      const before = app.site.stats().requests;
      expectScopeRefusal(await app.request('app', 'POST', '/rest/api/3/issue/INT-1/comment', body), /POST \/rest\/api\/3\/issue\/\{issueIdOrKey\}\/comment needs classic \[write:jira-work\] or granular \[read:comment.property:jira, read:comment:jira, read:group:jira, read:project-role:jira, read:project:jira\]/);
      expect(app.site.stats().requests).toBe(before);
    });
  });

  describe('an app with no Jira scopes at all', () => {
    let app: ScopedApp;
    beforeAll(async () => { app = await appWithScopes(['storage:app']); });
    afterAll(async () => { await app.close(); });

    it('reaches only operations that need no scope (GET /rest/api/3/serverInfo)', async () => {
      expect((await app.request('app', 'GET', '/rest/api/3/serverInfo')).status).toBe(200);
      expectScopeRefusal(await app.request('app', 'GET', '/rest/api/3/mypermissions?permissions=ADMINISTER'), /GET \/rest\/api\/3\/mypermissions needs classic \[read:jira-work\] or granular \[read:permission:jira\]/);
    });
  });
});
