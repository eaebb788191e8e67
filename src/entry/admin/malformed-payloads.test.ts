import { z } from 'zod';
import type { ResolverCall, ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { adminPayloads, rulesPayloads } from '../../contracts/admin-payloads';
import { panelPayloads } from '../../contracts/panel-payloads';
import { DEFAULT_SCRIPTS_CONFIG, defaultScripts } from '../../rules/default-scripts';
import { encodeInvitation } from '../../sync/invitation-code';
import { safePart } from '../../sync/state/keys';
import { World } from '../../sync/testing/world';
import { panelResolverDefinitions, panelResolverDefinitionsOver } from '../panel/panel-resolvers';
import type { DepsFor } from '../resolver-context';
import { defineResolver } from '../resolver-support';
import { allAdminDefinitions, allAdminDefinitionsOver } from '.';

/*
 * Every function of the admin page's and the issue panel's resolvers, sent malformed payloads: each
 * must answer `invalid-payload` naming the field at fault, without running (the engine's deps are
 * never asked for) and without changing anything on either site. Then payloads that parse but are
 * refused deeper: each answers a clear error of its own, never the platform's internal error.
 *
 * The functions come from the resolver definitions; each needs a spec below (its fields and their
 * kinds), and each spec must name exactly the fields of the function's payload schema
 * (src/contracts): a function or a field added without one fails here.
 */

/** what the payloads refer to: an active connection and an issue synced on it (site a, "internal") */
interface Ctx {
  connectionId: string;
  issue: { id: string; key: string };
}

type Payload = (ctx: Ctx) => unknown;
type Bad = readonly [label: string, value: unknown];

type Kind =
  | 'storage-id' | 'issue-key' | 'issue-id' | 'name' | 'field-name' | 'project-key' | 'jql' | 'script' | 'code' | 'boolean'
  | 'direction' | 'conflict-policy' | 'limits' | 'rules-config' | 'mappings' | 'field-names' | 'cursor' | 'query' | { int: readonly [min: number, max: number] };

interface FieldSpec {
  kind: Kind;
  /** absent from the valid payload unless required; a null is valid */
  required?: boolean;
  nullable?: boolean;
}

interface Spec {
  /** a payload that parses, with every required field: each case breaks exactly one thing of it */
  valid: (ctx: Ctx) => Record<string, unknown>;
  fields: Record<string, FieldSpec>;
}

const LONG = 'x'.repeat(10_000);
const nested = { nested: { deeper: { deepest: [1, { x: 'y' }] } } };

/** an invitation code as site a would write one, naming `connectionId` */
function invitationCode(connectionId: string, expiresAt = '2099-01-01T00:00:00.000Z'): string {
  return encodeInvitation({ v: 1, connectionId, inboxUrl: 'https://internal.test/inbox', token: 't'.repeat(43), expiresAt, name: 'forged', siteName: 'internal' });
}

const wrongTypes = (kind: Kind): Bad[] => {
  const asString: Bad[] = [['a number', 42], ['a boolean', true], ['an array', ['a']], ['a nested object', nested]];
  if (typeof kind === 'object') return [['a numeric string', '5'], ['a boolean', true], ['an array', [1]], ['a nested object', nested]];
  if (kind === 'boolean') return [['a string', 'true'], ['a number', 1], ['a nested object', nested]];
  if (kind === 'limits' || kind === 'rules-config' || kind === 'mappings') return [['a string', 'x'], ['a number', 7], ['an array', []]];
  if (kind === 'field-names') return [['a string', 'Severity'], ['a number', 7], ['a nested object', nested]];
  return asString;
};

/** values of the right type but the wrong shape, by kind */
const badValues = (kind: Kind): Bad[] => {
  if (typeof kind === 'object') {
    const [min, max] = kind.int;
    return [
      ['below the minimum', min - 1], ['negative', -1_000_000], ['above the maximum', max + 1], ['huge', 1e308], ['beyond a safe integer', Number.MAX_SAFE_INTEGER + 2],
      ['a fraction', min + 0.5], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY],
    ];
  }
  switch (kind) {
    case 'storage-id':
      return [
        ['empty', ''], ['with a colon', 'a:b'], ['with a slash', 'a/b'], ['a path up', '../../admin'], ['with a backslash', '..\\x'], ['unicode', 'verbindung-ü'],
        ['unicode digits', '١٢٣'], ['with a space', 'a b'], ['with a line break', 'a\n'], ['url-encoded', '%2e%2e'], ['121 characters', 'x'.repeat(121)], ['10,000 characters', LONG],
      ];
    case 'issue-key':
      return [
        ['empty', ''], ['lower case', 'int-1'], ['no number', 'INT-'], ['no project', '-1'], ['with a colon', 'INT-1:2'], ['with a path', 'INT-1/../2'], ['a path up', '../INT-1'],
        ['unicode', 'ÍNT-1'], ['full-width digits', 'INT-１'], ['a trailing space', 'INT-1 '], ['JQL', 'INT-1 OR project = SECRET'], ['10,000 characters', LONG],
        ['a 10,000-digit number', `INT-${'1'.repeat(10_000)}`],
      ];
    case 'issue-id':
      return [
        ['empty', ''], ['negative', '-1'], ['a fraction', '1.5'], ['an exponent', '1e3'], ['hex', '0x10'], ['with a colon', '1:2'], ['a path up', '../1'], ['unicode digits', '١٢٣'],
        ['a key', 'INT-1'], ['a leading space', ' 1'], ['10,000 digits', '1'.repeat(10_000)],
      ];
    case 'name':
      return [['empty', ''], ['blank', '   '], ['201 characters', 'x'.repeat(201)], ['10,000 characters', LONG], ['a NUL', 'a\u0000b'], ['a line break', 'two\nlines']];
    case 'field-name':
      return [['empty', ''], ['10,000 characters', LONG], ['a control character', 'bell\u0007']];
    case 'project-key':
      return [['empty', ''], ['lower case', 'int'], ['a path up', '../INT'], ['with a colon', 'IN:T'], ['unicode', 'ÜNT'], ['a leading digit', '1NT'], ['10,000 characters', 'X'.repeat(10_000)]];
    case 'jql':
      return [
        ['10,000 characters', `project = X AND summary ~ "${LONG}"`], ['escaping its parentheses', 'project = INT) OR (project = SECRET'], ['an unclosed parenthesis', '(project = INT'],
        ['an unclosed quote', 'summary ~ "open'], ['a NUL', 'project = INT\u0000'],
      ];
    case 'script':
      return [['over 1,000,000 characters', 'x'.repeat(1_000_001)]];
    case 'code':
      return [
        ['empty', ''], ['10,000 characters', LONG], ['forged, naming the id "a:b"', invitationCode('a:b')], ['forged, naming the id "../x"', invitationCode('../x')],
        ['forged, naming a unicode id', invitationCode('verbindung-ü')],
      ];
    case 'boolean':
      return [];
    case 'direction':
    case 'conflict-policy':
      return [['empty', ''], ['unknown', 'sideways'], ['upper case', 'BOTH'], ['10,000 characters', LONG]];
    case 'limits':
      return [
        ['cpuMs 0', { cpuMs: 0 }], ['cpuMs above 1 s', { cpuMs: 10_001 }], ['cpuMs a fraction', { cpuMs: 1.5 }], ['memoryBytes negative', { memoryBytes: -1 }],
        ['an unknown limit', { wallMs: 5 }], ['a nested object', { cpuMs: nested }],
      ];
    case 'mappings': {
      const row = { local: 'Done', remote: 'Closed' };
      return [
        ['an unknown table', { states: [row] }], ['a row without its remote side', { status: [{ local: 'Done' }] }], ['an empty value', { status: [{ local: '', remote: 'x' }] }],
        ['a blank value', { priority: [{ local: '  ', remote: 'x' }] }], ['a 10,000-character value', { status: [{ local: LONG, remote: 'x' }] }],
        ['a control character', { status: [{ local: 'Do\u0007ne', remote: 'x' }] }], ['an unknown direction', { status: [{ ...row, direction: 'sideways' }] }],
        ['501 rows', { status: Array.from({ length: 501 }, (_, i) => ({ local: 'Done', remote: `r${i}` })) }], ['a field row naming no field', { fields: [{ local: null, remote: null }] }],
        ['options not by field', { options: [row] }], ['an extra field on a row', { status: [{ ...row, extra: nested }] }],
      ];
    }
    case 'field-names':
      return [['an empty name', ['']], ['21 names', Array.from({ length: 21 }, (_, i) => `f${i}`)], ['a 10,000-character name', [LONG]], ['a number in the list', [7]]];
    case 'cursor':
      return [['empty', ''], ['10,000 characters', LONG]];
    case 'query':
      return [['empty', ''], ['blank', '   '], ['101 characters', 'x'.repeat(101)]];
    case 'rules-config': {
      const config = { targetProjectKey: 'INT', syncBackOnFirstSync: false, remoteKeyField: 'Remote issue key' };
      return [
        ['empty', {}], ['a project key with a path', { ...config, targetProjectKey: '../INT' }], ['a 10,000-character project key', { ...config, targetProjectKey: 'X'.repeat(10_000) }],
        ['a 10,000-character field name', { ...config, remoteKeyField: LONG }], ['syncBackOnFirstSync a string', { ...config, syncBackOnFirstSync: 'yes' }],
        ['an extra nested object', { ...config, extra: nested }],
      ];
    }
  }
};

const connection = (ctx: Ctx) => ({ connectionId: ctx.connectionId });
const bulk: Spec = { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true }, jql: { kind: 'jql', nullable: true } } };
const optionalConnection: Spec = { valid: () => ({}), fields: { connectionId: { kind: 'storage-id' } } };
const none: Spec = { valid: () => ({}), fields: {} };

/** one spec per resolver function, by `<module>.<function key>` */
const specs: Record<string, Spec> = {
  'admin.createInvitation': { valid: () => ({ name: 'partner' }), fields: { name: { kind: 'name', required: true }, scopeJql: { kind: 'jql', nullable: true } } },
  'admin.acceptInvitation': { valid: () => ({ code: 'not a code' }), fields: { code: { kind: 'code', required: true }, scopeJql: { kind: 'jql', nullable: true } } },
  'admin.listConnections': none,
  'admin.updateConnection': {
    valid: (ctx) => ({ id: ctx.connectionId }),
    fields: {
      id: { kind: 'storage-id', required: true }, name: { kind: 'name' }, direction: { kind: 'direction' }, scopeJql: { kind: 'jql', nullable: true },
      conflictPolicy: { kind: 'conflict-policy' }, rulesConfig: { kind: 'rules-config' },
    },
  },
  'admin.deleteConnection': { valid: (ctx) => ({ id: ctx.connectionId }), fields: { id: { kind: 'storage-id', required: true } } },
  'admin.syncIssue': { valid: (ctx) => ({ issueKey: ctx.issue.key, connectionId: ctx.connectionId }), fields: { issueKey: { kind: 'issue-key', required: true }, connectionId: { kind: 'storage-id', required: true } } },
  'admin.listErrors': none,
  'admin.retryError': { valid: () => ({ id: 'error-1' }), fields: { id: { kind: 'storage-id', required: true } } },
  'admin.listActivity': { valid: () => ({}), fields: { limit: { kind: { int: [1, 500] } }, issueKey: { kind: 'issue-key' } } },
  'admin.countBulkSync': bulk,
  'admin.startBulkSync': bulk,
  'admin.getBulkSyncProgress': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true } } },
  'admin.unlink': { valid: (ctx) => ({ issueId: ctx.issue.id, connectionId: ctx.connectionId }), fields: { issueId: { kind: 'issue-id', required: true }, connectionId: { kind: 'storage-id', required: true } } },
  'admin.getIssueSyncState': { valid: (ctx) => ({ issueKey: ctx.issue.key }), fields: { issueKey: { kind: 'issue-key', required: true } } },
  'admin.listProjects': none,
  'admin.getRules': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true }, version: { kind: { int: [1, 99_999_999] } } } },
  'admin.validateRules': {
    valid: () => ({ outgoing: '', incoming: '' }),
    fields: { outgoing: { kind: 'script', required: true }, incoming: { kind: 'script', required: true }, connectionId: { kind: 'storage-id' }, limits: { kind: 'limits' } },
  },
  'admin.saveRules': {
    valid: (ctx) => ({ connectionId: ctx.connectionId, outgoing: '', incoming: '' }),
    fields: {
      connectionId: { kind: 'storage-id', required: true }, outgoing: { kind: 'script', required: true }, incoming: { kind: 'script', required: true },
      baseVersion: { kind: { int: [0, 99_999_999] } }, limits: { kind: 'limits', nullable: true },
    },
  },
  'admin.dryRun': {
    valid: (ctx) => ({ connectionId: ctx.connectionId, issueKey: ctx.issue.key }),
    fields: { connectionId: { kind: 'storage-id', required: true }, issueKey: { kind: 'issue-key', required: true }, outgoing: { kind: 'script' }, incoming: { kind: 'script' }, mappings: { kind: 'mappings' } },
  },
  'admin.getMappings': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true }, version: { kind: { int: [0, 99_999_999] } } } },
  'admin.saveMappings': {
    valid: (ctx) => ({ connectionId: ctx.connectionId, mappings: {} }),
    fields: { connectionId: { kind: 'storage-id', required: true }, mappings: { kind: 'mappings', required: true }, baseVersion: { kind: { int: [0, 99_999_999] } } },
  },
  'admin.listMappingValues': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true }, optionsOf: { kind: 'field-names' } } },
  'admin.listUnmappedValues': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true } } },
  'admin.searchPeople': { valid: () => ({ query: 'ana' }), fields: { query: { kind: 'query', required: true } } },
  'admin.previewRulesChange': {
    valid: connection,
    fields: {
      connectionId: { kind: 'storage-id', required: true }, outgoing: { kind: 'script' }, incoming: { kind: 'script' }, mappings: { kind: 'mappings' },
      limit: { kind: { int: [1, 50] } }, cursor: { kind: 'cursor' },
    },
  },
  'admin.restoreRules': {
    valid: (ctx) => ({ connectionId: ctx.connectionId, version: 0 }),
    fields: { connectionId: { kind: 'storage-id', required: true }, version: { kind: { int: [0, 99_999_999] }, required: true }, baseVersion: { kind: { int: [0, 99_999_999] } } },
  },
  'admin.diffRules': {
    valid: (ctx) => ({ connectionId: ctx.connectionId, version: 0 }),
    fields: { connectionId: { kind: 'storage-id', required: true }, version: { kind: { int: [0, 99_999_999] }, required: true }, against: { kind: { int: [0, 99_999_999] } } },
  },
  'panel.getTwin': none,
  'panel.syncNow': optionalConnection,
  'panel.unlink': optionalConnection,
  'panel.syncToRemote': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true } } },
  'panel.retry': { valid: connection, fields: { connectionId: { kind: 'storage-id', required: true } } },
  'panel.linkToExisting': { valid: (ctx) => ({ connectionId: ctx.connectionId, remoteIssueKey: 'CLOUD-1' }), fields: { connectionId: { kind: 'storage-id', required: true }, remoteIssueKey: { kind: 'issue-key', required: true } } },
};

interface Case {
  resolver: string;
  what: string;
  payload: Payload;
  /** the field the answer must name (itself or one inside it) */
  field: string;
}

function casesOf(resolver: string, spec: Spec): Case[] {
  const cases: Case[] = [
    { resolver, what: 'a number for the payload', payload: () => 42, field: 'payload' },
    { resolver, what: 'a string for the payload', payload: () => 'connectionId=x', field: 'payload' },
    { resolver, what: 'null for the payload', payload: () => null, field: 'payload' },
    { resolver, what: 'an array for the payload', payload: (ctx) => [spec.valid(ctx)], field: 'payload' },
    { resolver, what: 'an extra nested object', payload: (ctx) => ({ ...spec.valid(ctx), extra: nested }), field: 'extra' },
    { resolver, what: 'an extra field with a 10,000-character name', payload: (ctx) => ({ ...spec.valid(ctx), [LONG]: 1 }), field: 'x'.repeat(60) },
    { resolver, what: 'a "__proto__" field', payload: (ctx) => JSON.parse(JSON.stringify({ ...spec.valid(ctx), polluter: { polluted: true } }).replace('"polluter"', '"__proto__"')), field: '__proto__' },
  ];
  for (const [field, { kind, required = false, nullable = false }] of Object.entries(spec.fields)) {
    if (required) cases.push({ resolver, what: `${field} missing`, payload: (ctx) => Object.fromEntries(Object.entries(spec.valid(ctx)).filter(([k]) => k !== field)), field });
    const bad: Bad[] = [...wrongTypes(kind), ...(nullable ? [] : [['null', null] as const]), ...badValues(kind)];
    for (const [label, value] of bad) cases.push({ resolver, what: `${field}: ${label}`, payload: (ctx) => ({ ...spec.valid(ctx), [field]: value }), field });
  }
  return cases;
}

// --- the resolvers under test, over one world's site a; depsFor counts the calls that ran --------

let world: World;
let ctx: Ctx;
let depsAsked = 0;
const depsFor: DepsFor = () => {
  depsAsked += 1;
  return world.a.deps;
};

const modules: Record<'admin' | 'panel', { definitions: ResolverDefinitions; onForge: ResolverDefinitions; contracts: Record<string, z.ZodObject> }> = {
  admin: { definitions: allAdminDefinitionsOver(depsFor), onForge: allAdminDefinitions, contracts: { ...adminPayloads, ...rulesPayloads } },
  panel: { definitions: panelResolverDefinitionsOver(depsFor), onForge: panelResolverDefinitions, contracts: panelPayloads },
};
const resolvers = Object.entries(modules).flatMap(([module, m]) => Object.keys(m.definitions).map((key) => `${module}.${key}`));

function definitionOf(resolver: string) {
  const [module, key] = resolver.split('.');
  const definition = module === 'admin' || module === 'panel' ? modules[module].definitions[key ?? ''] : undefined;
  if (!definition) throw new Error(`no resolver ${resolver}`);
  return definition;
}

function contractOf(resolver: string): z.ZodObject {
  const [module, key] = resolver.split('.');
  const contract = module === 'admin' || module === 'panel' ? modules[module].contracts[key ?? ''] : undefined;
  if (!contract) throw new Error(`no payload schema for ${resolver}`);
  return contract;
}

const callOf = (payload: unknown, extension: Record<string, unknown> = { issue: { id: ctx.issue.id, key: ctx.issue.key } }): ResolverCall => ({
  payload, context: { accountId: 'acc-admin', cloudId: 'cloud-a', extension },
});

/** everything a call could change: both sites' storage, the work queued, the messages posted, Jira writes */
function state() {
  const writes = (calls: Record<string, number>) => Object.entries(calls).filter(([name]) => !/^(get|search|count|validate|find|list|fetch)/i.test(name));
  return { a: world.a.store.snapshot(), b: world.b.store.snapshot(), pending: world.pending, posts: world.posts, jira: [writes(world.a.jira.calls), writes(world.b.jira.calls)] };
}

beforeAll(async () => {
  world = new World({ seed: 11, failureRate: 0, delayRate: 0, duplicateRate: 0, crashAfterCreateRate: 0 });
  const connectionId = await world.connect();
  const issue = world.a.jira.userCreate('INT', 'Synced');
  await world.quiesce();
  ctx = { connectionId, issue: { id: issue.id, key: issue.key } };
  expect(world.a.store.snapshot()).toContain(`link:${connectionId}:${issue.id}`);
});

describe('the malformed-payload table', () => {
  it('covers the functions the admin page and the panel serve on Forge', () => {
    for (const m of Object.values(modules)) {
      expect(Object.keys(m.definitions).sort()).toEqual(Object.keys(m.onForge).sort());
      expect(Object.keys(m.contracts).sort()).toEqual(Object.keys(m.definitions).sort());
    }
    expect(resolvers.length).toBe(33);
  });

  it.each(resolvers)('has a spec for %s naming exactly its payload fields', (resolver) => {
    const spec = specs[resolver];
    expect(spec).toBeDefined();
    if (!spec) return;
    const contract = contractOf(resolver);
    expect(Object.keys(spec.fields).sort()).toEqual(Object.keys(contract.shape).sort());
    expect(contract.safeParse(spec.valid(ctx)).success).toBe(true);
  });

  it('has no spec for a function that does not exist', () => {
    expect(Object.keys(specs).filter((name) => !resolvers.includes(name))).toEqual([]);
  });
});

const cases = resolvers.flatMap((resolver) => {
  const spec = specs[resolver];
  return spec ? casesOf(resolver, spec) : [];
});

describe('every resolver function refuses a malformed payload, naming the field, and changes nothing', () => {
  it.each(cases.map((c) => [c.resolver, c.what, c] as const))('%s: %s', async (resolver, _what, c) => {
    const before = state();
    depsAsked = 0;
    const answer = await definitionOf(resolver)(callOf(c.payload(ctx)));
    expect(answer).toEqual({ error: { code: 'invalid-payload', message: expect.any(String), field: expect.any(String) } });
    const { field, message } = z.object({ error: z.object({ field: z.string(), message: z.string() }) }).parse(answer).error;
    expect(field === c.field || field.startsWith(`${c.field}.`)).toBe(true);
    expect(message.startsWith(`${field}: `)).toBe(true);
    expect(depsAsked).toBe(0);
    expect(state()).toEqual(before);
  });

  it('has at least one malformed payload per function, several for each field', () => {
    const perResolver = new Map(resolvers.map((r) => [r, cases.filter((c) => c.resolver === r).length]));
    expect([...perResolver.values()].every((n) => n >= 7)).toBe(true);
    expect(cases.length).toBeGreaterThan(300);
  });
});

/** payloads that parse but are refused deeper: a clear answer (not a thrown, internal error), nothing changed */
const deeper: [resolver: string, what: string, payload: Payload, answer: unknown, extension?: Record<string, unknown>][] = [
  ['admin.acceptInvitation', 'text that is no code', () => ({ code: 'not a code' }), { error: { code: 'invalid-code', message: expect.any(String) } }],
  ['admin.acceptInvitation', 'an expired code', () => ({ code: invitationCode('fresh-id', '2020-01-01T00:00:00.000Z') }), { error: { code: 'expired', message: expect.any(String) } }],
  ['admin.acceptInvitation', 'a code of a connection known here', (c) => ({ code: invitationCode(c.connectionId) }), { error: { code: 'already-used', message: expect.any(String) } }],
  ['admin.acceptInvitation', 'a scope Jira refuses (the invitation is not used)', () => ({ code: invitationCode('fresh-id'), scopeJql: 'nonsense ~~ 1' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.createInvitation', 'a scope Jira refuses', () => ({ name: 'partner', scopeJql: 'nonsense ~~ 1' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.createInvitation', 'a scope with ORDER BY', () => ({ name: 'partner', scopeJql: 'project = INT ORDER BY created' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.updateConnection', 'an unknown connection', () => ({ id: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.updateConnection', 'a scope with ORDER BY', (c) => ({ id: c.connectionId, scopeJql: 'project = INT ORDER BY created' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.updateConnection', 'a scope Jira refuses', (c) => ({ id: c.connectionId, scopeJql: 'nonsense ~~ 1' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.deleteConnection', 'an unknown connection', () => ({ id: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.syncIssue', 'an unknown issue', (c) => ({ issueKey: 'INT-999999', connectionId: c.connectionId }), { error: { code: 'issue-not-found', message: expect.any(String) } }],
  ['admin.syncIssue', 'an unknown connection', (c) => ({ issueKey: c.issue.key, connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.retryError', 'an unknown error', () => ({ id: 'no-such-error' }), { retried: false, events: 0 }],
  ['admin.countBulkSync', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.countBulkSync', 'a filter Jira refuses', (c) => ({ connectionId: c.connectionId, jql: 'nonsense ~~ 1' }), { error: { code: 'invalid-jql', message: expect.any(String) } }],
  ['admin.startBulkSync', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.getBulkSyncProgress', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), expect.objectContaining({ state: 'none' })],
  ['admin.unlink', 'an unknown connection', (c) => ({ issueId: c.issue.id, connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.unlink', 'an issue not linked', (c) => ({ issueId: '999999', connectionId: c.connectionId }), { unlinked: false, remoteNotified: false }],
  ['admin.getIssueSyncState', 'an unknown issue', () => ({ issueKey: 'INT-999999' }), { error: { code: 'issue-not-found', message: expect.any(String) } }],
  ['admin.getRules', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.getRules', 'a version not kept', (c) => ({ connectionId: c.connectionId, version: 99_999_999 }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.validateRules', 'an unknown connection', () => ({ connectionId: 'no-such-connection', outgoing: '', incoming: '' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.saveRules', 'an unknown connection', () => ({ connectionId: 'no-such-connection', outgoing: '', incoming: '' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.saveRules', 'a base version never saved', (c) => ({ connectionId: c.connectionId, ...defaultScripts(DEFAULT_SCRIPTS_CONFIG), baseVersion: 99_999_999 }), { error: { code: 'conflict', message: expect.any(String) } }],
  ['admin.saveRules', 'a script over the length the rules take', (c) => ({ connectionId: c.connectionId, outgoing: 'x'.repeat(200_000), incoming: '' }), expect.objectContaining({ ok: false, version: 0 })],
  ['admin.dryRun', 'an unknown issue', (c) => ({ connectionId: c.connectionId, issueKey: 'INT-999999' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.dryRun', 'an unknown connection', (c) => ({ connectionId: 'no-such-connection', issueKey: c.issue.key }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.saveMappings', 'a status this site lacks', (c) => ({ connectionId: c.connectionId, mappings: { status: [{ local: 'Nowhere', remote: 'Closed' }] } }), expect.objectContaining({ ok: false, version: 0, errors: [expect.objectContaining({ table: 'status', row: 0, side: 'local' })] })],
  ['admin.saveMappings', 'an unknown connection', () => ({ connectionId: 'no-such-connection', mappings: {} }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.getMappings', 'a version not kept', (c) => ({ connectionId: c.connectionId, version: 99_999_999 }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.restoreRules', 'a version not kept', (c) => ({ connectionId: c.connectionId, version: 99_999_999 }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.diffRules', 'a version not kept', (c) => ({ connectionId: c.connectionId, version: 99_999_999 }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['admin.previewRulesChange', 'a cursor the preview did not give', (c) => ({ connectionId: c.connectionId, cursor: 'forged' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['panel.getTwin', 'a context without an issue', () => ({}), { error: { code: 'no-issue', message: expect.any(String) } }, {}],
  ['panel.syncNow', 'a context issue id with a path', () => ({}), { error: { code: 'no-issue', message: expect.any(String) } }, { issue: { id: '../1' } }],
  ['panel.syncNow', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { queued: 0 }],
  ['panel.unlink', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
  ['panel.syncToRemote', 'an unknown connection', () => ({ connectionId: 'no-such-connection' }), { error: { code: 'not-found', message: expect.any(String) } }],
];

describe('a payload that parses but is refused deeper answers a clear error and changes nothing', () => {
  it.each(deeper.map((row) => [row[0], row[1], row] as const))('%s: %s', async (resolver, _what, [, , payload, expected, extension]) => {
    expect(contractOf(resolver).safeParse(payload(ctx)).success).toBe(true);
    const before = state();
    const answer = await definitionOf(resolver)(callOf(payload(ctx), extension));
    expect(answer).toEqual(expected);
    expect(state()).toEqual(before);
  });

  it('answers an id that still reaches a storage key unchecked as invalid-payload, not an internal error', async () => {
    const loose = defineResolver(z.strictObject({ id: z.string() }), z.string(), async (p) => safePart(p.id));
    expect(await loose(callOf({ id: 'a:b' }))).toEqual({ error: { code: 'invalid-payload', message: expect.stringContaining('unsafe storage key part'), field: 'payload' } });
  });
});
