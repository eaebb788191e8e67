import * as z from 'zod/mini';
import type { Sandbox } from '../../sandbox/start';
import type { ResolverDefinitions } from '../../src/adapters/forge/forge-resolver';
import { adminResults } from '../../src/contracts/admin-results';
import { panelResults } from '../../src/contracts/panel-results';
import { ResolverFailureSchema } from '../../src/contracts/resolver-failure';
import { rulesResults } from '../../src/contracts/rules-results';
import { allAdminDefinitions } from '../../src/entry/admin';
import { panelResolverDefinitions } from '../../src/entry/panel/panel-resolvers';
import { ADMIN, connectedSandbox, connectionId, createIssue, rest, twinOf } from './helpers';

/*
 * The resolver contract (src/contracts/*-results.ts) against the running app: every function of the
 * admin page's and the issue panel's resolvers (the rules functions included), called the way the
 * Custom UI calls them (the sandbox's resolver bridge, `/_sandbox/invoke`: JSON both ways), in the
 * states a site goes through: a connection active, an issue synced, rules saved, an error present,
 * a bulk job, an invitation pending, a connection the other site ended. Each answer must parse with
 * the function's result schema (strict objects: a field gained or lost fails), or, where the case
 * expects a refusal, with the failure schema and the expected code.
 *
 * The table covers every function of the resolver definitions: a function added without a case
 * here, or without a result schema, fails.
 */

const PANEL = 'twin-sync-panel';
const InvokeAnswer = z.strictObject({ result: z.unknown() });

type Module = 'admin' | 'panel';
type Site = 'internal' | 'external';

interface Issue {
  id: string;
  key: string;
}

/** what the cases refer to, filled as the story goes on */
interface Ctx {
  connection: string;
  /** synced, then blocked by an error (its incoming rules throw), then unlinked by the admin page */
  synced: Issue;
  /** its twin on the external site */
  twin: Issue;
  /** synced, then unlinked from the panel */
  unlinkable: Issue;
  outgoing: string;
  incoming: string;
  errorId: string;
  /** an invitation created on internal, never accepted */
  pendingId: string;
  /** an invitation created on external, accepted on internal */
  code: string;
  secondId: string;
}

interface Case {
  module: Module;
  fn: string;
  /** the state the call meets */
  state: string;
  site?: Site;
  payload: (c: Ctx) => unknown;
  /** the panel's issue (module context); null: the panel opened without one */
  issue?: (c: Ctx) => Issue | null;
  /** the caller, when not the site's admin */
  accountId?: (sandbox: Sandbox) => string;
  /** brings the sites into the state before the call */
  before?: (c: Ctx, sandbox: Sandbox) => Promise<void>;
  /** that the answer shows the state the case names (the contract itself is checked for every case) */
  check?: (answer: unknown) => void;
  /** keeps what later cases need from the answer */
  after?: (answer: unknown, c: Ctx) => void;
  /** 'result': a success answer; else the code of the expected failure answer */
  expect: 'result' | string;
}

const admin = (fn: string, state: string, payload: Case['payload'], more: Partial<Case> = {}): Case => ({ module: 'admin', fn, state, payload, expect: 'result', ...more });
const panel = (fn: string, state: string, payload: Case['payload'], issue: (c: Ctx) => Issue | null, more: Partial<Case> = {}): Case => ({ module: 'panel', fn, state, payload, issue, expect: 'result', ...more });

/** the incoming rules throw for a summary with "boom": the guard the error state needs */
const GUARD = 'if (replica.summary.indexOf("boom") >= 0) throw new Error("boom rule");\n';

const cases: Case[] = [
  admin('listConnections', 'one active connection', () => ({})),
  admin('getIssueSyncState', 'an issue synced', (c) => ({ issueKey: c.synced.key }), { check: (a) => expect(twinStates(a)).toEqual(['synced']) }),
  admin('getIssueSyncState', 'an issue that does not exist', () => ({ issueKey: 'INT-999999' }), { expect: 'issue-not-found' }),
  panel('getTwin', 'an issue synced', () => ({}), (c) => c.synced),
  admin('createInvitation', 'a payload of the wrong shape', () => ({ name: 42 }), { expect: 'invalid-payload' }),
  admin('listConnections', 'called by a user who is no Jira administrator', () => ({}), { accountId: (s) => s.sites.internal.user.accountId, expect: 'forbidden' }),

  // rules: defaults, validation, saved versions, dry runs
  admin('getRules', 'nothing saved: the default rules', (c) => ({ connectionId: c.connection }), {
    after: (answer, c) => {
      const rules = z.parse(rulesResults.getRules, answer);
      c.outgoing = rules.outgoing;
      c.incoming = rules.incoming;
    },
  }),
  admin('getRules', 'a connection that does not exist', () => ({ connectionId: 'no-such-connection' }), { expect: 'not-found' }),
  admin('validateRules', 'the default rules, for the connection', (c) => ({ connectionId: c.connection, outgoing: c.outgoing, incoming: c.incoming })),
  admin('validateRules', 'a syntax error, without a connection', () => ({ outgoing: 'replica.summary = ', incoming: '' })),
  admin('saveRules', 'invalid rules: refused as a value', (c) => ({ connectionId: c.connection, outgoing: 'replica.summary = ', incoming: c.incoming })),
  admin('saveRules', 'valid rules on top of the defaults', (c) => ({ connectionId: c.connection, outgoing: c.outgoing, incoming: GUARD + c.incoming, baseVersion: 0 })),
  admin('saveRules', 'an edit of a version no longer current', (c) => ({ connectionId: c.connection, outgoing: c.outgoing, incoming: c.incoming, baseVersion: 0 }), { expect: 'conflict' }),
  admin('getRules', 'a saved version', (c) => ({ connectionId: c.connection })),
  admin('getRules', 'a kept version asked for', (c) => ({ connectionId: c.connection, version: 1 })),
  admin('getRules', 'a version not kept', (c) => ({ connectionId: c.connection, version: 7 }), { expect: 'not-found' }),
  admin('dryRun', 'the saved rules against a synced issue', (c) => ({ connectionId: c.connection, issueKey: c.synced.key })),
  admin('dryRun', 'draft rules that log and change the summary', (c) => ({ connectionId: c.connection, issueKey: c.synced.key, outgoing: `console.log("out");\n${c.outgoing}`, incoming: `console.warn("in");\n${c.incoming}\nissue.summary = "changed";` }), {
    check: (a) => {
      const dry = z.parse(rulesResults.dryRun, a);
      expect([dry.outgoing.logs, dry.incoming.logs, dry.incoming.changes.map((x) => x.field)]).toEqual([[{ level: 'log', message: 'out' }], [{ level: 'warn', message: 'in' }], ['summary']]);
    },
  }),
  admin('dryRun', 'a draft whose outgoing script throws', (c) => ({ connectionId: c.connection, issueKey: c.synced.key, outgoing: 'throw new Error("draft")' })),
  admin('dryRun', 'an issue that does not exist', (c) => ({ connectionId: c.connection, issueKey: 'INT-999999' }), { expect: 'not-found' }),

  // mappings: the tables, the values to pick from, the unmapped ones, a preview, the history
  admin('getMappings', 'the tables of the current version', (c) => ({ connectionId: c.connection })),
  admin('saveMappings', 'a status this site lacks: refused with its row', (c) => ({ connectionId: c.connection, mappings: { status: [{ local: 'Nowhere', remote: 'Closed' }] } }), {
    check: (a) => expect(z.parse(rulesResults.saveMappings, a)).toMatchObject({ ok: false, errors: [{ table: 'status', row: 0, side: 'local' }] }),
  }),
  admin('listMappingValues', 'this site\'s values and the other site\'s seen', (c) => ({ connectionId: c.connection, optionsOf: ['Remote issue key'] }), {
    check: (a) => expect(z.parse(rulesResults.listMappingValues, a).local.status).toEqual(expect.arrayContaining(['Open', 'Done'])),
  }),
  admin('listUnmappedValues', 'nothing unplaced', (c) => ({ connectionId: c.connection })),
  admin('searchPeople', 'a name', () => ({ query: 'a' })),
  admin('previewRulesChange', 'a draft priority row', (c) => ({ connectionId: c.connection, mappings: { priority: [{ local: 'Low', remote: 'Medium' }] } })),
  admin('previewRulesChange', 'a cursor it did not give', (c) => ({ connectionId: c.connection, cursor: 'forged' }), { expect: 'not-found' }),
  admin('saveMappings', 'a priority row', (c) => ({ connectionId: c.connection, mappings: { priority: [{ local: 'Low', remote: 'Lowest', direction: 'incoming' }] } }), {
    check: (a) => expect(z.parse(rulesResults.saveMappings, a)).toMatchObject({ ok: true, errors: [] }),
  }),
  admin('diffRules', 'what the tables\' version changed', (c) => ({ connectionId: c.connection, version: 2 }), {
    check: (a) => expect(z.parse(rulesResults.diffRules, a).mappings).toEqual([{ table: 'priority', field: null, op: '+', local: 'Low', remote: 'Lowest', direction: 'incoming' }]),
  }),
  admin('diffRules', 'a version not kept', (c) => ({ connectionId: c.connection, version: 7 }), { expect: 'not-found' }),
  admin('restoreRules', 'version 1 again', (c) => ({ connectionId: c.connection, version: 1 })),
  admin('restoreRules', 'a version not kept', (c) => ({ connectionId: c.connection, version: 7 }), { expect: 'not-found' }),

  // an error: the twin's summary changed to "boom" on the other site, the incoming rules here throw
  admin('listErrors', 'an error present', () => ({}), {
    before: async (c, sandbox) => {
      const changed = await rest(sandbox, 'external')('PUT', `/rest/api/3/issue/${c.twin.key}`, { fields: { summary: 'boom: the contract' } });
      if (changed.status !== 204) throw new Error(`PUT ${c.twin.key} → ${changed.status}`);
      await sandbox.waitForIdle();
    },
    after: (answer, c) => {
      const error = z.parse(adminResults.listErrors, answer)[0];
      if (!error) throw new Error('no error recorded: the incoming rules did not throw');
      c.errorId = error.id;
    },
  }),
  admin('getIssueSyncState', 'an error present', (c) => ({ issueKey: c.synced.key }), { check: (a) => expect(twinStates(a)).toEqual(['error']) }),
  panel('getTwin', 'an error present', () => ({}), (c) => c.synced),
  admin('getIssueSyncState', 'the other site failed to apply our change', (c) => ({ issueKey: c.twin.key }), { site: 'external', check: (a) => expect(twinStates(a)).toEqual(['remote-error']) }),
  panel('getTwin', 'the other site failed to apply our change', () => ({}), (c) => c.twin, { site: 'external' }),
  admin('listActivity', 'messages in and out, an error', () => ({ limit: 500 })),
  admin('listActivity', 'the default limit', () => ({})),
  admin('listActivity', 'the entries of one issue', (c) => ({ issueKey: c.synced.key }), {
    // (after: it needs the issue's key)
    after: (a, c) => {
      const entries = z.parse(adminResults.listActivity, a);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter((e) => e.issueKey !== c.synced.key && e.remoteIssueKey !== c.synced.key)).toEqual([]);
    },
  }),
  admin('listActivity', 'an issue with no entries', () => ({ issueKey: 'INT-999999' }), { check: (a) => expect(a).toEqual([]) }),
  admin('listProjects', 'the site’s projects', () => ({}), { check: (a) => expect(z.parse(adminResults.listProjects, a).map((p) => p.key)).toContain('INT') }),
  admin('retryError', 'an error present', (c) => ({ id: c.errorId })),
  admin('retryError', 'an error that is gone', () => ({ id: 'no-such-error' })),
  admin('syncIssue', 'an issue blocked by an error', (c) => ({ issueKey: c.synced.key, connectionId: c.connection })),
  admin('syncIssue', 'an issue that does not exist', (c) => ({ issueKey: 'INT-999999', connectionId: c.connection }), { expect: 'issue-not-found' }),
  admin('syncIssue', 'a connection that does not exist', (c) => ({ issueKey: c.synced.key, connectionId: 'no-such-connection' }), { expect: 'not-found' }),
  panel('syncNow', 'an issue linked on the connection', () => ({}), (c) => c.synced, { before: async (_c, sandbox) => sandbox.waitForIdle() }),
  panel('syncNow', 'a connection the issue is not linked on', () => ({ connectionId: 'no-such-connection' }), (c) => c.synced),
  panel('syncNow', 'called without an issue in the context', () => ({}), () => null, { expect: 'no-issue' }),
  admin('updateConnection', 'a new name', (c) => ({ id: c.connection, name: 'Contract connection' })),
  admin('updateConnection', 'a scope with ORDER BY', (c) => ({ id: c.connection, scopeJql: 'project = "INT" ORDER BY key' }), { expect: 'invalid-jql' }),
  admin('updateConnection', 'a connection that does not exist', () => ({ id: 'no-such-connection', name: 'x' }), { expect: 'not-found' }),

  // a bulk job
  admin('getBulkSyncProgress', 'no bulk sync ever ran', (c) => ({ connectionId: c.connection })),
  admin('countBulkSync', 'the whole scope', (c) => ({ connectionId: c.connection })),
  admin('countBulkSync', 'the scope narrowed by a filter', (c) => ({ connectionId: c.connection, jql: 'summary ~ "contract"' })),
  admin('startBulkSync', 'no job yet', (c) => ({ connectionId: c.connection, jql: 'summary ~ "contract"' }), {
    // the job's search and count see the issues created (Jira's search index lags, as on Jira Cloud)
    before: async (_c, sandbox) => sandbox.sites.internal.settleSearchIndex(),
    check: (a) => expect(z.parse(adminResults.startBulkSync, a)).toMatchObject({ estimate: 2, resumed: false }),
  }),
  // (whether the first job is still running here depends on the queue: resumed, or a new job, are the same shape)
  admin('startBulkSync', 'pressed again at once', (c) => ({ connectionId: c.connection, jql: 'summary ~ "contract"' })),
  admin('getBulkSyncProgress', 'a bulk job started', (c) => ({ connectionId: c.connection }), { check: (a) => expect(z.parse(adminResults.getBulkSyncProgress, a).jobId).not.toBeNull() }),
  admin('getBulkSyncProgress', 'a bulk job done', (c) => ({ connectionId: c.connection }), {
    before: async (_c, sandbox) => sandbox.waitForIdle(),
    check: (a) => {
      const progress = z.parse(adminResults.getBulkSyncProgress, a);
      expect(progress).toMatchObject({ state: 'done', running: false, total: 2, finishedAt: expect.any(String) });
      expect(progress.done + progress.failed).toBe(2);
    },
  }),

  // unlinking, from the panel and the admin page; syncing to the other site again
  panel('unlink', 'an issue synced', () => ({}), (c) => c.unlinkable),
  panel('unlink', 'an issue no longer linked', () => ({}), (c) => c.unlinkable),
  panel('getTwin', 'an issue linked nowhere, a connection to sync it on', () => ({}), (c) => c.unlinkable, {
    check: (a) => expect(z.parse(panelResults.getTwin, a)).toMatchObject({ twins: [], candidates: [expect.anything()] }),
  }),
  panel('syncToRemote', 'an issue linked nowhere', (c) => ({ connectionId: c.connection }), (c) => c.unlinkable),
  panel('syncToRemote', 'a connection that does not exist', () => ({ connectionId: 'no-such-connection' }), (c) => c.unlinkable, { expect: 'not-found' }),
  panel('retry', 'an issue with no error', (c) => ({ connectionId: c.connection }), (c) => c.unlinkable),
  panel('linkToExisting', 'an issue synced already', (c) => ({ connectionId: c.connection, remoteIssueKey: 'CLOUD-1' }), (c) => c.synced, { expect: 'already-linked' }),
  panel('linkToExisting', 'a connection that does not exist', () => ({ connectionId: 'no-such-connection', remoteIssueKey: 'CLOUD-1' }), (c) => c.unlinkable, { expect: 'not-found' }),
  admin('unlink', 'an issue linked', (c) => ({ issueId: c.synced.id, connectionId: c.connection }), { before: async (_c, sandbox) => sandbox.waitForIdle() }),
  admin('unlink', 'an issue no longer linked', (c) => ({ issueId: c.synced.id, connectionId: c.connection })),
  panel('linkToExisting', 'an issue unlinked, paired with its old twin by key', (c) => ({ connectionId: c.connection, remoteIssueKey: c.twin.key }), (c) => c.synced),

  // invitations, a second connection, deletes on both sides
  admin('createInvitation', 'a scope the site refuses', () => ({ name: 'Never created', scopeJql: 'projct = "INT"' }), { expect: 'invalid-jql' }),
  admin('createInvitation', 'a new invitation, with this site’s scope', () => ({ name: 'Never accepted', scopeJql: 'project = "INT"' }), { after: (answer, c) => { c.pendingId = z.parse(adminResults.createInvitation, answer).connectionId; } }),
  admin('listConnections', 'an active connection and a pending invitation', () => ({}), {
    check: (a) => {
      expect(connectionStates(a)).toEqual(['active', 'pending']);
      expect(z.parse(adminResults.listConnections, a).find((x) => x.status === 'pending')).toMatchObject({ scopeJql: 'project = "INT"', remoteSiteUrl: null });
    },
  }),
  admin('countBulkSync', 'a connection not accepted yet', (c) => ({ connectionId: c.pendingId }), { expect: 'not-active' }),
  admin('createInvitation', 'an invitation of the other site', () => ({ name: 'Second connection' }), {
    site: 'external',
    after: (answer, c) => {
      const invitation = z.parse(adminResults.createInvitation, answer);
      c.code = invitation.code;
      c.secondId = invitation.connectionId;
    },
  }),
  admin('acceptInvitation', 'a scope this site refuses: the invitation is not used', (c) => ({ code: c.code, scopeJql: 'projct = "INT"' }), { expect: 'invalid-jql' }),
  admin('acceptInvitation', 'a valid invitation of the other site', (c) => ({ code: c.code }), { check: (a) => expect(z.parse(adminResults.acceptInvitation, a)).toMatchObject({ scopeJql: null, remoteSiteUrl: expect.any(String) }) }),
  admin('acceptInvitation', 'an invitation accepted here already', (c) => ({ code: c.code }), { expect: 'already-used' }),
  admin('acceptInvitation', 'text that is no invitation', () => ({ code: 'not-a-code' }), { expect: 'invalid-code' }),
  admin('deleteConnection', 'an active connection: the other site is told', (c) => ({ id: c.secondId }), { site: 'external' }),
  admin('listConnections', 'a connection the other site ended', () => ({}), {
    check: (a) => expect(z.parse(adminResults.listConnections, a).find((x) => x.status === 'closed')).toMatchObject({ closedAt: expect.any(String) }),
  }),
  admin('deleteConnection', 'a connection the other site ended', (c) => ({ id: c.secondId })),
  admin('deleteConnection', 'an invitation never accepted', (c) => ({ id: c.pendingId })),
  admin('deleteConnection', 'a connection that does not exist', () => ({ id: 'no-such-connection' }), { expect: 'not-found' }),
];

const twinStates = (answer: unknown) => z.parse(adminResults.getIssueSyncState, answer).twins.map((t) => t.state);
const connectionStates = (answer: unknown) => z.parse(adminResults.listConnections, answer).map((x) => x.status).sort();

const resultSchemas: Record<Module, Record<string, z.ZodMiniType | undefined>> = {
  admin: { ...adminResults, ...rulesResults },
  panel: panelResults,
};
const definitions: Record<Module, ResolverDefinitions> = { admin: allAdminDefinitions, panel: panelResolverDefinitions };
const keysOf = (module: Module) => [...new Set(cases.filter((k) => k.module === module).map((k) => k.fn))].sort();

describe('the resolver contract, against the sandbox', () => {
  it.each<Module>(['admin', 'panel'])('has a case, and a success case, for every %s function, and a result schema the definition carries', (module) => {
    const keys = Object.keys(definitions[module]).sort();
    expect(keysOf(module)).toEqual(keys);
    expect(Object.keys(resultSchemas[module]).sort()).toEqual(keys);
    for (const key of keys) {
      expect([key, cases.some((k) => k.module === module && k.fn === key && k.expect === 'result')]).toEqual([key, true]);
      const definition = definitions[module][key];
      expect([key, definition !== undefined && 'result' in definition && definition.result === resultSchemas[module][key]]).toEqual([key, true]);
    }
  });

  describe('every answer parses with its function’s contract', () => {
    let sandbox: Sandbox;
    const c: Ctx = { connection: '', synced: { id: '', key: '' }, twin: { id: '', key: '' }, unlinkable: { id: '', key: '' }, outgoing: '', incoming: '', errorId: '', pendingId: '', code: '', secondId: '' };

    /** `/_sandbox/invoke` on one site: the way the Custom UI calls (JSON both ways) */
    async function invoke(site: Site, module: Module, fn: string, payload: unknown, context: { accountId?: string; extension?: Record<string, unknown> }): Promise<unknown> {
      const response = await fetch(`${sandbox.urls[site]}/_sandbox/invoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ moduleKey: module === 'admin' ? ADMIN : PANEL, functionKey: fn, payload, context }),
      });
      const json: unknown = await response.json();
      if (response.status !== 200) throw new Error(`invoke ${fn} → ${response.status} ${JSON.stringify(json)}`);
      return z.parse(InvokeAnswer, json).result;
    }

    beforeAll(async () => {
      sandbox = await connectedSandbox();
      c.connection = await connectionId(sandbox, 'internal');
      const int = rest(sandbox, 'internal');
      c.synced = await createIssue(int, { summary: 'Contract: synced' });
      c.unlinkable = await createIssue(int, { summary: 'Contract: to unlink' });
      await sandbox.waitForIdle();
      const [twin] = await twinOf(sandbox, c.synced.id);
      if (!twin) throw new Error('the synced issue has no twin');
      c.twin = { id: twin.id, key: twin.key };
      expect(await twinOf(sandbox, c.unlinkable.id)).toHaveLength(1);
    }, 60_000);

    afterAll(async () => {
      await sandbox?.close();
    });

    it.each(cases.map((k) => [`${k.module}.${k.fn}`, k.state, k] as const))('%s: %s', async (name, _state, k) => {
      await k.before?.(c, sandbox);
      const issue = k.issue?.(c);
      const context = {
        ...(k.accountId ? { accountId: k.accountId(sandbox) } : {}),
        ...(issue ? { extension: { issue: { id: issue.id, key: issue.key } } } : {}),
      };
      const answer = await invoke(k.site ?? 'internal', k.module, k.fn, k.payload(c), context);
      const schema = k.expect === 'result' ? resultSchemas[k.module][k.fn] : ResolverFailureSchema;
      if (schema === undefined) throw new Error(`no result schema for ${name}`);
      const parsed = z.safeParse(schema, answer);
      // the answer, and where it strays from the contract
      expect({ name, answer, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ name, answer, issues: [] });
      if (k.expect !== 'result') expect(z.parse(ResolverFailureSchema, answer).error.code).toBe(k.expect);
      k.check?.(answer);
      k.after?.(answer, c);
    }, 120_000);
  });
});
