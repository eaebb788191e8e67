import type { ResolverCall, ResolverDefinitions } from '../adapters/forge/forge-resolver';
import { JiraError } from '../ports/jira';
import type { PermissionsPort } from '../ports/permissions';
import { ADMIN_ONLY_MESSAGE, CANNOT_EDIT_ISSUE_MESSAGE, CANNOT_SEE_ISSUE_MESSAGE, denial, guardDefinitions, requireJiraAdmin, type Access } from './authorization';

/** A permissions port with fixed answers that counts what it was asked. */
class FakePermissions implements PermissionsPort {
  readonly asked: string[] = [];
  constructor(private readonly answers: { admin?: boolean; browse?: boolean; edit?: boolean; fail?: boolean } = {}) {}
  private answer(what: string, value: boolean | undefined): Promise<boolean> {
    this.asked.push(what);
    if (this.answers.fail === true) return Promise.reject(new JiraError('GET /rest/api/3/mypermissions → 503', 503));
    return Promise.resolve(value ?? false);
  }
  isJiraAdmin() { return this.answer('admin', this.answers.admin); }
  canBrowseIssue(issueId: string) { return this.answer(`browse:${issueId}`, this.answers.browse); }
  canEditIssue(issueId: string) { return this.answer(`edit:${issueId}`, this.answers.edit); }
}

function call(overrides: Partial<ResolverCall['context']> = {}, payload: unknown = {}): ResolverCall {
  return { payload, context: { accountId: 'acc-1', cloudId: 'cloud-1', extension: { issue: { id: '10001', key: 'INT-1' } }, ...overrides } };
}

describe('denial', () => {
  it.each<[Access, { admin?: boolean; browse?: boolean; edit?: boolean }, string | null, string[]]>([
    ['jira-admin', { admin: true }, null, ['admin']],
    ['jira-admin', { admin: false }, ADMIN_ONLY_MESSAGE, ['admin']],
    ['browse-issue', { browse: true }, null, ['browse:10001']],
    ['browse-issue', { browse: false }, CANNOT_SEE_ISSUE_MESSAGE, ['browse:10001']],
    ['edit-issue', { browse: true, edit: true }, null, ['browse:10001', 'edit:10001']],
    ['edit-issue', { browse: true, edit: false }, CANNOT_EDIT_ISSUE_MESSAGE, ['browse:10001', 'edit:10001']],
    ['edit-issue', { browse: false, edit: true }, CANNOT_SEE_ISSUE_MESSAGE, ['browse:10001']],
  ])('%s with %j → %s, asking %j once each', async (access, answers, message, asked) => {
    const permissions = new FakePermissions(answers);
    const answer = await denial(access, call(), permissions);
    expect(answer).toEqual(message === null ? null : { error: { code: 'forbidden', message } });
    expect(permissions.asked).toEqual(asked);
  });

  it.each<[string, Partial<ResolverCall['context']>, Access, string, RegExp]>([
    ['no accountId', { accountId: null }, 'jira-admin', 'invalid-context', /signed-in/],
    ['no cloudId', { cloudId: null }, 'jira-admin', 'invalid-context', /cloudId/],
    ['no issue', { extension: {} }, 'browse-issue', 'no-issue', /without an issue/],
    ['an issue without id', { extension: { issue: { key: 'INT-1' } } }, 'edit-issue', 'no-issue', /without an issue/],
    ['an issue id that is not a number', { extension: { issue: { id: '../admin' } } }, 'browse-issue', 'no-issue', /without an issue/],
  ])('refuses a context with %s before asking Jira', async (_what, context, access, code, message) => {
    const permissions = new FakePermissions({ admin: true, browse: true, edit: true });
    expect(await denial(access, call(context), permissions)).toEqual({ error: { code, message: expect.stringMatching(message) } });
    expect(permissions.asked).toEqual([]);
  });

  it('takes a numeric issue id from the context', async () => {
    const permissions = new FakePermissions({ browse: true });
    expect(await denial('browse-issue', call({ extension: { issue: { id: 10002 } } }), permissions)).toBeNull();
    expect(permissions.asked).toEqual(['browse:10002']);
  });

  it('fails closed with the reason when Jira cannot answer', async () => {
    const answer = await denial('jira-admin', call(), new FakePermissions({ fail: true }));
    expect(answer).toEqual({ error: { code: 'permission-check-failed', message: expect.stringContaining('503') } });
  });

  it('lets an unexpected error (e.g. the consent a user has not given) propagate', async () => {
    const permissions: PermissionsPort = { isJiraAdmin: () => Promise.reject(new Error('NEEDS_AUTHENTICATION_ERR')), canBrowseIssue: () => Promise.resolve(true), canEditIssue: () => Promise.resolve(true) };
    await expect(denial('jira-admin', call(), permissions)).rejects.toThrow('NEEDS_AUTHENTICATION_ERR');
  });
});

describe('guarded definitions', () => {
  function definitions(ran: string[]): ResolverDefinitions {
    return {
      read: async (c) => { ran.push('read'); return { payload: c.payload }; },
      write: async () => { ran.push('write'); return { ok: true }; },
    };
  }

  it('requireJiraAdmin runs a function for an admin, with its payload, and asks once per call', async () => {
    const ran: string[] = [];
    const ports: FakePermissions[] = [];
    const guarded = requireJiraAdmin(definitions(ran), () => { const p = new FakePermissions({ admin: true }); ports.push(p); return p; });
    expect(await guarded.read?.(call({}, { x: 1 }))).toEqual({ payload: { x: 1 } });
    expect(await guarded.write?.(call())).toEqual({ ok: true });
    expect(ran).toEqual(['read', 'write']);
    // a fresh port per call, each asked once: nothing is cached across invocations
    expect(ports.map((p) => p.asked)).toEqual([['admin'], ['admin']]);
  });

  it('requireJiraAdmin refuses a non-admin and runs nothing, whatever the payload', async () => {
    const ran: string[] = [];
    const guarded = requireJiraAdmin(definitions(ran), () => new FakePermissions({ admin: false }));
    for (const key of ['read', 'write']) {
      expect(await guarded[key]?.(call({}, { garbage: true }))).toEqual({ error: { code: 'forbidden', message: ADMIN_ONLY_MESSAGE } });
    }
    expect(ran).toEqual([]);
  });

  it('a permission that changes between calls is seen on the next call', async () => {
    const ran: string[] = [];
    let admin = true;
    const guarded = requireJiraAdmin(definitions(ran), () => new FakePermissions({ admin }));
    expect(await guarded.write?.(call())).toEqual({ ok: true });
    admin = false;
    expect(await guarded.write?.(call())).toMatchObject({ error: { code: 'forbidden' } });
    expect(ran).toEqual(['write']);
  });

  it('guardDefinitions applies each function its own access level', async () => {
    const ran: string[] = [];
    const guarded = guardDefinitions(definitions(ran), { read: 'browse-issue', write: 'edit-issue' }, () => new FakePermissions({ browse: true, edit: false }));
    expect(await guarded.read?.(call())).toEqual({ payload: {} });
    expect(await guarded.write?.(call())).toEqual({ error: { code: 'forbidden', message: CANNOT_EDIT_ISSUE_MESSAGE } });
    expect(ran).toEqual(['read']);
  });

  it('guardDefinitions refuses to build when a function has no access level', () => {
    expect(() => guardDefinitions(definitions([]), { read: 'browse-issue' }, () => new FakePermissions())).toThrow('resolver function write has no access level');
  });
});
