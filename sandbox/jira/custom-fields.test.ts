import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { adf, startSite, type SiteHarness } from './testing/site-harness';

/** Custom fields of every type, their contexts and options, and their values on issues (over HTTP). */

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const Field = z.object({ id: z.string(), searchable: z.boolean(), schema: z.object({ type: z.string(), items: z.string().optional(), custom: z.string(), customId: z.number() }) });
const Created = z.object({ id: z.string(), key: z.string() });
const Context = z.object({ id: z.string() });
const Options = z.object({ options: z.array(z.object({ id: z.string(), value: z.string(), disabled: z.boolean(), optionId: z.string().optional() })) });
const Page = z.object({ total: z.number(), values: z.array(z.record(z.string(), z.unknown())) });
const Errors = z.object({ errorMessages: z.array(z.string()), errors: z.record(z.string(), z.string()) });
const Issue = z.object({ fields: z.record(z.string(), z.unknown()) });

const SEARCHER: Record<string, string> = {
  textfield: 'textsearcher', textarea: 'textsearcher', url: 'exacttextsearcher', float: 'numberrange', datepicker: 'daterange',
  datetime: 'datetimerange', labels: 'labelsearcher', userpicker: 'userpickergroupsearcher', multiuserpicker: 'userpickergroupsearcher',
  select: 'multiselectsearcher', radiobuttons: 'multiselectsearcher', multiselect: 'multiselectsearcher', multicheckboxes: 'multiselectsearcher',
  cascadingselect: 'cascadingselectsearcher',
};

/** table rows [type, input, expected] with the input's source as a label for the test's title */
function labelled<E>(rows: [string, () => unknown, E][]): [string, string, () => unknown, E][] {
  return rows.map(([short, input, expected]) => [short, input.toString().replace(/^\(\) => /, ''), input, expected]);
}

async function createField(h: SiteHarness, name: string, short: string, searcher: string | null = SEARCHER[short] ?? null): Promise<string> {
  const r = await h.call('POST', '/rest/api/3/field', { name, type: `${CF}${short}`, ...(searcher === null ? {} : { searcherKey: `${CF}${searcher}` }) });
  expect(r.status).toBe(201);
  return Field.parse(r.body).id;
}

async function globalContext(h: SiteHarness, fieldId: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await h.call('POST', `/rest/api/3/field/${fieldId}/context`, { name: 'Default', ...body });
  expect(r.status).toBe(201);
  return Context.parse(r.body).id;
}

async function addOptions(h: SiteHarness, fieldId: string, contextId: string, options: Record<string, unknown>[]): Promise<Map<string, string>> {
  const r = await h.call('POST', `/rest/api/3/field/${fieldId}/context/${contextId}/option`, { options });
  expect(r.status).toBe(200);
  return new Map(Options.parse(r.body).options.map((o) => [o.value, o.id]));
}

async function createIssue(h: SiteHarness, fields: Record<string, unknown>, issueType = 'Task'): Promise<{ status: number; body: unknown }> {
  return h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: issueType }, summary: 'custom', ...fields } });
}

async function read(h: SiteHarness, key: string, fieldIds: string): Promise<Record<string, unknown>> {
  return Issue.parse((await h.call('GET', `/rest/api/3/issue/${key}?fields=${fieldIds}`)).body).fields;
}

describe('custom fields', () => {
  let h: SiteHarness;
  const f: Record<string, string> = {};
  let opts: Map<string, string>;
  let multiOpts: Map<string, string>;
  let cascade: Map<string, string>;
  let children: Map<string, string>;
  let dana: string;
  let eli: string;
  const self = (id: string | undefined): string => `${h.baseUrl}/rest/api/3/customFieldOption/${id ?? '?'}`;

  beforeAll(async () => {
    h = await startSite({ rateLimits: false, searchIndexLagMs: 0 });
    dana = h.site.people.find((p) => p.email === 'dana@internal.test')?.accountId ?? '';
    eli = h.site.people.find((p) => p.email === 'eli@internal.test')?.accountId ?? '';
    for (const short of Object.keys(SEARCHER)) f[short] = await createField(h, `My ${short}`, short);
    opts = await addOptions(h, f.select ?? '', await globalContext(h, f.select ?? ''), [{ value: 'Production' }, { value: 'Staging' }, { value: 'Retired', disabled: true }]);
    await addOptions(h, f.radiobuttons ?? '', await globalContext(h, f.radiobuttons ?? ''), [{ value: 'Yes' }, { value: 'No' }]);
    multiOpts = await addOptions(h, f.multiselect ?? '', await globalContext(h, f.multiselect ?? ''), [{ value: 'Red' }, { value: 'Green' }, { value: 'Blue' }]);
    await addOptions(h, f.multicheckboxes ?? '', await globalContext(h, f.multicheckboxes ?? ''), [{ value: 'A' }, { value: 'B' }]);
    const cascadeContext = await globalContext(h, f.cascadingselect ?? '');
    cascade = await addOptions(h, f.cascadingselect ?? '', cascadeContext, [{ value: 'Hardware' }, { value: 'Software' }]);
    children = await addOptions(h, f.cascadingselect ?? '', cascadeContext, [
      { value: 'Laptop', optionId: cascade.get('Hardware') }, { value: 'Phone', optionId: cascade.get('Hardware') }, { value: 'Editor', optionId: cascade.get('Software') },
    ]);
  });
  afterAll(() => h.stop());

  describe('POST /field', () => {
    it('lists every type with its schema; a field without searcher is not searchable', async () => {
      const noSearch = await createField(h, 'Not searched', 'float', null);
      const all = z.array(z.object({ id: z.string(), searchable: z.boolean(), schema: z.unknown().optional() })).parse((await h.call('GET', '/rest/api/3/field')).body);
      const schemaOf = (id: string | undefined): unknown => all.find((x) => x.id === id)?.schema;
      expect(schemaOf(f.select)).toEqual({ type: 'option', custom: `${CF}select`, customId: Number(f.select?.slice(12)) });
      expect(schemaOf(f.multiselect)).toMatchObject({ type: 'array', items: 'option' });
      expect(schemaOf(f.multicheckboxes)).toMatchObject({ type: 'array', items: 'option' });
      expect(schemaOf(f.cascadingselect)).toMatchObject({ type: 'option-with-child' });
      expect(schemaOf(f.radiobuttons)).toMatchObject({ type: 'option' });
      expect(schemaOf(f.float)).toMatchObject({ type: 'number' });
      expect(schemaOf(f.datepicker)).toMatchObject({ type: 'date' });
      expect(schemaOf(f.datetime)).toMatchObject({ type: 'datetime' });
      expect(schemaOf(f.url)).toMatchObject({ type: 'string' });
      expect(schemaOf(f.textarea)).toMatchObject({ type: 'string' });
      expect(schemaOf(f.labels)).toMatchObject({ type: 'array', items: 'string' });
      expect(schemaOf(f.userpicker)).toMatchObject({ type: 'user' });
      expect(schemaOf(f.multiuserpicker)).toMatchObject({ type: 'array', items: 'user' });
      expect(all.find((x) => x.id === noSearch)?.searchable).toBe(false);
      expect(all.find((x) => x.id === f.float)?.searchable).toBe(true);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown type', { name: 'X', type: `${CF}grouppicker` }, 'type'],
      ['a searcher of another type', { name: 'X', type: `${CF}select`, searcherKey: `${CF}textsearcher` }, 'searcherKey'],
      ['an unknown searcher', { name: 'X', type: `${CF}float`, searcherKey: `${CF}nonsense` }, 'searcherKey'],
      ['exacttextsearcher on a text field (the spec lists textsearcher only)', { name: 'X', type: `${CF}textfield`, searcherKey: `${CF}exacttextsearcher` }, 'searcherKey'],
    ])('refuses %s with 400', async (_name, body, member) => {
      const r = await h.call('POST', '/rest/api/3/field', body);
      expect(r.status).toBe(400);
      expect(Object.keys(Errors.parse(r.body).errors)).toEqual([member]);
    });

    it('is for administrators only (400, as the spec declares)', async () => {
      const r = await h.call('POST', '/rest/api/3/field', { name: 'X', type: `${CF}float` }, { as: h.site.user });
      expect(r.status).toBe(400);
      expect(Errors.parse(r.body).errorMessages).toEqual(['Only Jira administrators can create custom fields.']);
    });
  });

  describe('contexts', () => {
    it('a field created through REST has none until one is created', async () => {
      const id = await createField(h, 'Bare', 'select');
      expect((await h.call('GET', `/rest/api/3/field/${id}/context`)).body).toMatchObject({ total: 0, values: [], isLast: true });
      const created = await h.call('POST', `/rest/api/3/field/${id}/context`, { name: 'Global', description: 'for all' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Global', description: 'for all', projectIds: [], issueTypeIds: [] });
      const listed = Page.parse((await h.call('GET', `/rest/api/3/field/${id}/context`)).body);
      expect(listed.values).toEqual([{ id: Context.parse(created.body).id, name: 'Global', description: 'for all', isGlobalContext: true, isAnyIssueType: true }]);
    });

    it('keeps one context per project and one global context; filters by isGlobalContext and contextId', async () => {
      const id = await createField(h, 'Scoped', 'select');
      const project = z.object({ id: z.string() }).parse((await h.call('GET', '/rest/api/3/project/INT')).body).id;
      const global = await globalContext(h, id);
      expect((await h.call('POST', `/rest/api/3/field/${id}/context`, { name: 'Again' })).status).toBe(400);
      const scoped = await globalContext(h, id, { name: 'INT only', projectIds: [project], issueTypeIds: ['10002'] });
      expect((await h.call('POST', `/rest/api/3/field/${id}/context`, { name: 'INT twice', projectIds: [project] })).status).toBe(400);
      const only = Page.parse((await h.call('GET', `/rest/api/3/field/${id}/context?isGlobalContext=false`)).body);
      expect(only.values).toEqual([{ id: scoped, name: 'INT only', description: '', isGlobalContext: false, isAnyIssueType: false }]);
      expect(Page.parse((await h.call('GET', `/rest/api/3/field/${id}/context?contextId=${global}`)).body).values.map((c) => c.id)).toEqual([global]);
      expect((await h.call('GET', `/rest/api/3/field/${id}/context?isGlobalContext=maybe`)).status).toBe(400);
    });

    it.each<[string, string, unknown, number]>([
      ['an unknown project', 'POST', { name: 'X', projectIds: ['999'] }, 404],
      ['an unknown issue type', 'POST', { name: 'X', issueTypeIds: ['999'] }, 404],
      ['no name', 'POST', { description: 'x' }, 400],
      ['an empty name', 'POST', { name: ' ' }, 400],
      ['an unknown member', 'POST', { name: 'X', scope: 'all' }, 400],
      ['numbers for ids (the spec has strings)', 'POST', { name: 'X', projectIds: [10000] }, 400],
    ])('refuses a context with %s', async (_name, method, body, status) => {
      const id = await createField(h, 'Refusing', 'select');
      const r = await h.call(method, `/rest/api/3/field/${id}/context`, body);
      expect(r.status).toBe(status);
      expect((await h.call('GET', `/rest/api/3/field/${id}/context`)).body).toMatchObject({ total: 0 });
    });

    it('answers 404 for unknown and system fields and a bare number, 403 for people without Administer Jira; apps may', async () => {
      for (const id of ['customfield_99999', 'summary', f.select?.slice(12) ?? '']) {
        const r = await h.call('GET', `/rest/api/3/field/${id}/context`);
        expect([id, r.status, Errors.parse(r.body).errorMessages]).toEqual([id, 404, ['The custom field was not found.']]);
      }
      const denied = await h.call('GET', `/rest/api/3/field/${f.select ?? ''}/context`, undefined, { as: h.site.user });
      expect(denied.status).toBe(403);
      expect(Errors.parse(denied.body).errorMessages).toEqual(['Only Jira administrators can access custom field contexts.']);
      // an app's request passed the Forge runtime's scope check (manage:jira-configuration): its app user may
      const app = h.site.createAppAccount('Twin Sync');
      expect((await h.call('GET', `/rest/api/3/field/${f.select ?? ''}/context`, undefined, { as: app })).status).toBe(200);
      const byApp = await h.call('POST', '/rest/api/3/field', { name: 'By the app', type: `${CF}select` }, { as: app });
      expect(byApp.status).toBe(201);
      expect((await h.call('POST', `/rest/api/3/field/${Field.parse(byApp.body).id}/context`, { name: 'X' }, { as: app })).status).toBe(201);
    });
  });

  describe('options', () => {
    it('lists top-level options first, then cascading options; onlyOptions and optionId filter', async () => {
      const contexts = Page.parse((await h.call('GET', `/rest/api/3/field/${f.cascadingselect ?? ''}/context`)).body);
      const ctx = String(contexts.values[0]?.id);
      const base = `/rest/api/3/field/${f.cascadingselect ?? ''}/context/${ctx}/option`;
      const all = Page.parse((await h.call('GET', base)).body);
      expect(all.values).toEqual([
        { id: cascade.get('Hardware'), value: 'Hardware', disabled: false },
        { id: cascade.get('Software'), value: 'Software', disabled: false },
        { id: children.get('Laptop'), value: 'Laptop', disabled: false, optionId: cascade.get('Hardware') },
        { id: children.get('Phone'), value: 'Phone', disabled: false, optionId: cascade.get('Hardware') },
        { id: children.get('Editor'), value: 'Editor', disabled: false, optionId: cascade.get('Software') },
      ]);
      expect(Page.parse((await h.call('GET', `${base}?onlyOptions=true`)).body).values.map((o) => o.value)).toEqual(['Hardware', 'Software']);
      expect(Page.parse((await h.call('GET', `${base}?optionId=${cascade.get('Software') ?? ''}`)).body).values.map((o) => o.value)).toEqual(['Software', 'Editor']);
      expect((await h.call('GET', `${base}?maxResults=2&startAt=1`)).body).toMatchObject({ total: 5, startAt: 1, maxResults: 2, isLast: false, values: [{ value: 'Software' }, { value: 'Laptop' }] });
    });

    it.each<[string, unknown[]]>([
      ['a value already there (any case)', [{ value: 'production' }]],
      ['the same value twice in one request', [{ value: 'Canary' }, { value: 'CANARY' }]],
      ['an empty value', [{ value: '' }]],
      ['a parent option on a select field', [{ value: 'Sub', optionId: '10000' }]],
      ['no options', []],
    ])('refuses %s with 400, creating nothing', async (_name, options) => {
      const ctx = String(Page.parse((await h.call('GET', `/rest/api/3/field/${f.select ?? ''}/context`)).body).values[0]?.id);
      const url = `/rest/api/3/field/${f.select ?? ''}/context/${ctx}/option`;
      const before = (await h.call('GET', url)).body;
      expect((await h.call('POST', url, { options })).status).toBe(400);
      expect((await h.call('GET', url)).body).toEqual(before);
    });

    it('refuses a cascading option whose parent is not a top-level option of the context', async () => {
      const ctx = String(Page.parse((await h.call('GET', `/rest/api/3/field/${f.cascadingselect ?? ''}/context`)).body).values[0]?.id);
      const url = `/rest/api/3/field/${f.cascadingselect ?? ''}/context/${ctx}/option`;
      expect((await h.call('POST', url, { options: [{ value: 'Deeper', optionId: children.get('Laptop') }] })).status).toBe(400);
      expect((await h.call('POST', url, { options: [{ value: 'Orphan', optionId: opts.get('Production') }] })).status).toBe(400);
      // a child value may repeat under another parent
      expect((await h.call('POST', url, { options: [{ value: 'Laptop', optionId: cascade.get('Software') }] })).status).toBe(200);
    });

    it('answers 400 for a field without options, 404 for a context of another field, 403 for non-admins', async () => {
      const textContext = await globalContext(h, await createField(h, 'Text with context', 'textfield'));
      expect((await h.call('GET', `/rest/api/3/field/${f.textfield ?? ''}/context/${textContext}/option`)).body).toEqual({ errorMessages: ["The custom field doesn't support options."], errors: {} });
      const selectContext = String(Page.parse((await h.call('GET', `/rest/api/3/field/${f.select ?? ''}/context`)).body).values[0]?.id);
      expect((await h.call('GET', `/rest/api/3/field/${f.radiobuttons ?? ''}/context/${selectContext}/option`)).status).toBe(404);
      expect((await h.call('GET', `/rest/api/3/field/${f.select ?? ''}/context/${selectContext}/option`, undefined, { as: h.site.user })).status).toBe(403);
    });

    it('renames and disables options with PUT, answering only what changed; an unknown id changes nothing', async () => {
      const id = await createField(h, 'Renamed', 'select');
      const ctx = await globalContext(h, id);
      const made = await addOptions(h, id, ctx, [{ value: 'One' }, { value: 'Two' }]);
      const url = `/rest/api/3/field/${id}/context/${ctx}/option`;
      const one = made.get('One') ?? '';
      const two = made.get('Two') ?? '';
      const { key } = Created.parse((await createIssue(h, { [id]: { id: one } })).body);
      expect((await h.call('PUT', url, { options: [{ id: one, value: 'Uno' }, { id: two, value: 'Two' }, { id: '1', disabled: true }] })).status).toBe(404);
      expect((await h.call('PUT', url, { options: [{ id: two, value: 'one' }] })).status).toBe(400);
      const r = await h.call('PUT', url, { options: [{ id: one, value: 'Uno' }, { id: two, value: 'Two', disabled: true }] });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ options: [{ id: one, value: 'Uno', disabled: false }, { id: two, value: 'Two', disabled: true }] });
      expect((await h.call('PUT', url, { options: [{ id: one, value: 'Uno' }] })).body).toEqual({ options: [] });
      // the issue shows the new value; a disabled option is no longer taken
      expect((await read(h, key, id))[id]).toEqual({ self: self(one), value: 'Uno', id: one });
      expect(Errors.parse((await createIssue(h, { [id]: { value: 'Two' } })).body).errors).toEqual({ [id]: "Option value 'Two' is not valid" });
      expect((await h.call('GET', `/rest/api/3/customFieldOption/${one}`)).body).toEqual({ self: self(one), value: 'Uno' });
      expect((await h.call('GET', '/rest/api/3/customFieldOption/1')).status).toBe(404);
    });
  });

  describe('values on issues', () => {
    const DOC = adf('multi-line text');
    it.each(labelled<() => unknown>([
      ['textfield', () => 'REF-1', () => 'REF-1'],
      ['textarea', () => DOC, () => DOC],
      ['url', () => 'https://example.com/x?y=1', () => 'https://example.com/x?y=1'],
      ['float', () => 42.07, () => 42.07],
      ['float', () => -3, () => -3],
      ['datepicker', () => '2026-12-02', () => '2026-12-02'],
      ['datetime', () => '2026-12-02T21:00:30.000+1100', () => '2026-12-02T10:00:00.000+0000'],
      ['datetime', () => '2026-12-02T10:00Z', () => '2026-12-02T10:00:00.000+0000'],
      ['labels', () => ['one', 'two', 'one'], () => ['one', 'two']],
      ['userpicker', () => ({ accountId: dana }), () => expect.objectContaining({ accountId: dana, displayName: 'Dana Quill (internal)', active: true, accountType: 'atlassian' })],
      ['multiuserpicker', () => [{ accountId: eli }, { accountId: dana }, { accountId: eli }], () => [expect.objectContaining({ accountId: eli }), expect.objectContaining({ accountId: dana })]],
      ['select', () => ({ value: 'Staging' }), () => ({ self: self(opts.get('Staging')), value: 'Staging', id: opts.get('Staging') })],
      ['select', () => ({ id: opts.get('Production') }), () => ({ self: self(opts.get('Production')), value: 'Production', id: opts.get('Production') })],
      ['select', () => ({ id: Number(opts.get('Production')) }), () => ({ self: self(opts.get('Production')), value: 'Production', id: opts.get('Production') })],
      ['radiobuttons', () => ({ value: 'No' }), () => expect.objectContaining({ value: 'No' })],
      ['multiselect', () => [{ value: 'Blue' }, { id: multiOpts.get('Red') }, { value: 'Blue' }], () => [
        { self: self(multiOpts.get('Red')), value: 'Red', id: multiOpts.get('Red') }, { self: self(multiOpts.get('Blue')), value: 'Blue', id: multiOpts.get('Blue') },
      ]],
      ['multicheckboxes', () => [{ value: 'B' }], () => [expect.objectContaining({ value: 'B' })]],
      ['cascadingselect', () => ({ value: 'Hardware', child: { value: 'Phone' } }), () => ({
        self: self(cascade.get('Hardware')), value: 'Hardware', id: cascade.get('Hardware'),
        child: { self: self(children.get('Phone')), value: 'Phone', id: children.get('Phone') },
      })],
      ['cascadingselect', () => ({ id: cascade.get('Software') }), () => ({ self: self(cascade.get('Software')), value: 'Software', id: cascade.get('Software') })],
    ]))('%s takes %s and answers it as Jira Cloud does', async (short, _label, input, expected) => {
      const id = f[short] ?? '';
      const created = await createIssue(h, { [id]: input() });
      expect(created.status).toBe(201);
      const { key } = Created.parse(created.body);
      expect((await read(h, key, id))[id]).toEqual(expected());
      // update.set gives the same; null clears
      const other = Created.parse((await createIssue(h, {})).body).key;
      expect((await h.call('PUT', `/rest/api/3/issue/${other}`, { update: { [id]: [{ set: input() }] } })).status).toBe(204);
      expect((await read(h, other, id))[id]).toEqual(expected());
      expect((await h.call('PUT', `/rest/api/3/issue/${other}`, { fields: { [id]: null } })).status).toBe(204);
      expect((await read(h, other, id))[id]).toBeNull();
    });

    it.each(labelled<() => unknown>([
      ['textfield', () => 7, () => 'Operation value must be a string'],
      ['textfield', () => 'x'.repeat(256), () => 'The entered text is too long. It exceeds the allowed limit of 255 characters.'],
      ['textarea', () => 'plain text', () => expect.stringContaining('Operation value must be an Atlassian Document')],
      ['url', () => 'not a url', () => 'Not a valid URL'],
      ['url', () => 'mailto:a@b.test', () => 'Not a valid URL'],
      ['float', () => '42', () => 'Operation value must be a number'],
      ['datepicker', () => '02/12/2026', () => 'Error parsing date string: 02/12/2026'],
      ['datepicker', () => '2026-02-30', () => 'Error parsing date string: 2026-02-30'],
      ['datetime', () => '2026-12-02T10:00:00', () => 'Error parsing date string: 2026-12-02T10:00:00'],
      ['datetime', () => 1764669600000, () => 'Error parsing date string: 1764669600000'],
      ['labels', () => 'one', () => 'data was not an array'],
      ['labels', () => ['has space'], () => "The label 'has space' contains spaces which is invalid."],
      ['userpicker', () => ({ accountId: 'nobody' }), () => 'Specified user does not exist or you do not have required permissions'],
      ['userpicker', () => dana, () => 'Specified user does not exist or you do not have required permissions'],
      ['multiuserpicker', () => ({ accountId: dana }), () => 'data was not an array'],
      ['multiuserpicker', () => [{ accountId: dana }, { accountId: 'nobody' }], () => 'Specified user does not exist or you do not have required permissions'],
      ['select', () => 'Production', () => "Could not find valid 'id' or 'value' in the Parent Option object."],
      ['select', () => ({ value: 'Nope' }), () => "Option value 'Nope' is not valid"],
      ['select', () => ({ value: 'production' }), () => "Option value 'production' is not valid"],
      ['select', () => ({ id: '1' }), () => "Option id '1' is not valid"],
      ['select', () => ({ value: 'Retired' }), () => "Option value 'Retired' is not valid"],
      ['select', () => ({ id: multiOpts.get('Red') }), () => `Option id '${multiOpts.get('Red') ?? ''}' is not valid`],
      ['radiobuttons', () => [{ value: 'Yes' }], () => "Could not find valid 'id' or 'value' in the Parent Option object."],
      ['multiselect', () => ({ value: 'Red' }), () => 'data was not an array'],
      ['multiselect', () => [{ value: 'Red' }, { value: 'Pink' }], () => "Option value 'Pink' is not valid"],
      ['multicheckboxes', () => [{}], () => "Could not find valid 'id' or 'value' in the Parent Option object."],
      ['cascadingselect', () => ({ child: { value: 'Laptop' } }), () => "Could not find valid 'id' or 'value' in the Parent Option object."],
      ['cascadingselect', () => ({ value: 'Software', child: { value: 'Phone' } }), () => "Option value 'Phone' is not valid"],
      ['cascadingselect', () => ({ value: 'Hardware', child: { id: children.get('Editor') } }), () => `Option id '${children.get('Editor') ?? ''}' is not valid`],
      ['cascadingselect', () => ({ value: 'Hardware', child: 'Laptop' }), () => "Could not find valid 'id' or 'value' in the Child Option object."],
      ['cascadingselect', () => ({ value: 'Laptop' }), () => "Option value 'Laptop' is not valid"],
    ]))('%s refuses %s, naming the field', async (short, _label, input, message) => {
      const id = f[short] ?? '';
      const before = h.site.issueCount();
      const r = await createIssue(h, { [id]: input() });
      expect(r.status).toBe(400);
      expect(Errors.parse(r.body).errors).toEqual({ [id]: message() });
      expect(h.site.issueCount()).toBe(before);
    });

    it('an option field without a context takes no option value; other types need no context', async () => {
      const bare = await createField(h, 'No context', 'select');
      const number = await createField(h, 'No context number', 'float');
      expect(Errors.parse((await createIssue(h, { [bare]: { value: 'Anything' } })).body).errors).toEqual({ [bare]: "Option value 'Anything' is not valid" });
      expect((await createIssue(h, { [bare]: null, [number]: 1.5 })).status).toBe(201);
    });

    it('takes options of the context applying to the project; a context for other issue types keeps the field off', async () => {
      const id = await createField(h, 'Overridden', 'select');
      const project = z.object({ id: z.string() }).parse((await h.call('GET', '/rest/api/3/project/INT')).body).id;
      await addOptions(h, id, await globalContext(h, id), [{ value: 'Global only' }]);
      await addOptions(h, id, await globalContext(h, id, { name: 'INT', projectIds: [project] }), [{ value: 'INT only' }]);
      expect(Errors.parse((await createIssue(h, { [id]: { value: 'Global only' } })).body).errors).toEqual({ [id]: "Option value 'Global only' is not valid" });
      expect((await createIssue(h, { [id]: { value: 'INT only' } })).status).toBe(201);

      const bugsOnly = await createField(h, 'Bugs only', 'float');
      await globalContext(h, bugsOnly, { issueTypeIds: ['10002'] });
      expect(Errors.parse((await createIssue(h, { [bugsOnly]: 2 })).body).errors).toEqual({ [bugsOnly]: `Field '${bugsOnly}' cannot be set. It is not on the appropriate screen, or unknown.` });
      expect((await createIssue(h, { [bugsOnly]: 2 }, 'Bug')).status).toBe(201);
      const meta = (type: string): Promise<unknown> => h.call('GET', `/rest/api/3/issue/createmeta/INT/issuetypes/${type}`).then((r) => r.body);
      const metaFields = (body: unknown): { fieldId: string; allowedValues?: unknown[] | undefined }[] => z.object({ fields: z.array(z.object({ fieldId: z.string(), allowedValues: z.array(z.unknown()).optional() })) }).parse(body).fields;
      expect(metaFields(await meta('10001')).map((x) => x.fieldId)).not.toContain(bugsOnly);
      expect(metaFields(await meta('10002')).map((x) => x.fieldId)).toContain(bugsOnly);
      expect(metaFields(await meta('10001')).find((x) => x.fieldId === id)?.allowedValues).toEqual([expect.objectContaining({ value: 'INT only' })]);
      expect(metaFields(await meta('10001')).find((x) => x.fieldId === f.cascadingselect)?.allowedValues).toEqual([
        expect.objectContaining({ value: 'Hardware', children: [expect.objectContaining({ value: 'Laptop' }), expect.objectContaining({ value: 'Phone' })] }),
        expect.objectContaining({ value: 'Software', children: [expect.objectContaining({ value: 'Editor' }), expect.objectContaining({ value: 'Laptop' })] }),
      ]);
      // the disabled option is not offered
      expect(metaFields(await meta('10001')).find((x) => x.fieldId === f.select)?.allowedValues).toEqual([expect.objectContaining({ value: 'Production' }), expect.objectContaining({ value: 'Staging' })]);
    });

    it('writes changelog items with option ids and values, user ids and names, and sends them with the event', async () => {
      const { key } = Created.parse((await createIssue(h, { [f.select ?? '']: { value: 'Production' }, [f.userpicker ?? '']: { accountId: dana }, [f.multiselect ?? '']: [{ value: 'Red' }] })).body);
      const seen = h.events.length;
      const edit = { [f.select ?? '']: { value: 'Staging' }, [f.userpicker ?? '']: { accountId: eli }, [f.multiselect ?? '']: [{ value: 'Red' }, { value: 'Green' }], [f.float ?? '']: 3, [f.datetime ?? '']: '2026-12-02T10:00:00.000+0000', [f.cascadingselect ?? '']: { value: 'Hardware', child: { value: 'Laptop' } } };
      expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: edit })).status).toBe(204);
      const events = await h.eventsReached(seen + 1);
      const items = z.array(z.record(z.string(), z.unknown())).parse(events[seen]?.changelog?.items);
      const byField = (id: string | undefined): unknown => items.find((i) => i.fieldId === id);
      expect(byField(f.select)).toEqual({ field: 'My select', fieldId: f.select, fieldtype: 'custom', from: opts.get('Production'), fromString: 'Production', to: opts.get('Staging'), toString: 'Staging' });
      expect(byField(f.userpicker)).toEqual({ field: 'My userpicker', fieldId: f.userpicker, fieldtype: 'custom', from: dana, fromString: 'Dana Quill (internal)', to: eli, toString: 'Eli Marsh (internal)' });
      expect(byField(f.multiselect)).toMatchObject({ from: multiOpts.get('Red'), fromString: 'Red', to: `${multiOpts.get('Red') ?? ''}, ${multiOpts.get('Green') ?? ''}`, toString: 'Red, Green' });
      expect(byField(f.float)).toMatchObject({ from: null, fromString: null, to: null, toString: '3' });
      expect(byField(f.datetime)).toMatchObject({ toString: '2026-12-02T10:00:00.000+0000' });
      expect(byField(f.cascadingselect)).toMatchObject({ toString: 'Hardware - Laptop' });
      const history = z.object({ changelog: z.object({ histories: z.array(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) }) })
        .parse((await h.call('GET', `/rest/api/3/issue/${key}?expand=changelog&fields=summary`)).body);
      expect(history.changelog.histories[0]?.items).toEqual(items);
      // setting the same value again changes nothing
      expect((await h.call('PUT', `/rest/api/3/issue/${key}`, { fields: edit })).status).toBe(204);
      expect(z.array(z.unknown()).parse(z.object({ changelog: z.object({ histories: z.array(z.unknown()) }) }).parse((await h.call('GET', `/rest/api/3/issue/${key}?expand=changelog`)).body).changelog.histories)).toHaveLength(1);
      const rendered = z.object({ renderedFields: z.record(z.string(), z.unknown()) }).parse((await h.call('PUT', `/rest/api/3/issue/${key}?returnIssue=true&expand=renderedFields`, { fields: { [f.textarea ?? '']: adf('shown') } })).body);
      expect(rendered.renderedFields[f.textarea ?? '']).toBe('<p>shown</p>');
    });

    it('answers every type in *all, names them, and search shows the same', async () => {
      const values: Record<string, unknown> = {
        [f.select ?? '']: { value: 'Production' }, [f.float ?? '']: 8, [f.datepicker ?? '']: '2026-03-01', [f.labels ?? '']: ['x'],
        [f.textarea ?? '']: DOC, [f.multiuserpicker ?? '']: [{ accountId: dana }],
      };
      const { key } = Created.parse((await createIssue(h, values)).body);
      const got = z.object({ fields: z.record(z.string(), z.unknown()), names: z.record(z.string(), z.string()), schema: z.record(z.string(), z.unknown()) })
        .parse((await h.call('GET', `/rest/api/3/issue/${key}?expand=names,schema`)).body);
      for (const [short, id] of Object.entries(f)) {
        expect(got.names[id]).toBe(`My ${short}`);
        expect(Object.keys(got.fields)).toContain(id);
      }
      expect(got.schema[f.cascadingselect ?? '']).toEqual({ type: 'option-with-child', custom: `${CF}cascadingselect`, customId: Number(f.cascadingselect?.slice(12)) });
      expect(got.fields[f.radiobuttons ?? '']).toBeNull();
      expect(got.fields[f.multiselect ?? '']).toBeNull();
      const search = z.object({ issues: z.array(z.object({ fields: z.record(z.string(), z.unknown()) })) })
        .parse((await h.call('POST', '/rest/api/3/search/jql', { jql: `key = ${key}`, fields: ['*all'] })).body);
      expect(search.issues[0]?.fields).toEqual(got.fields);
      // hidden emails stay hidden in user pickers
      expect(JSON.stringify(got.fields)).not.toContain('dana@internal.test');
    });

    it('finds issues by option value, number, date and user with JQL; a field without searcher is unknown to JQL', async () => {
      const { key } = Created.parse((await createIssue(h, { [f.select ?? '']: { value: 'Staging' }, [f.float ?? '']: 99.5, [f.datepicker ?? '']: '2031-01-15', [f.userpicker ?? '']: { accountId: eli }, [f.cascadingselect ?? '']: { value: 'Software', child: { value: 'Editor' } } })).body);
      const keys = async (jql: string): Promise<string[]> => {
        const r = await h.call('POST', '/rest/api/3/search/jql', { jql, fields: ['summary'] });
        expect([jql, r.status]).toEqual([jql, 200]);
        return z.object({ issues: z.array(z.object({ key: z.string() })) }).parse(r.body).issues.map((i) => i.key);
      };
      expect(await keys(`"My select" = Staging AND key = ${key}`)).toEqual([key]);
      expect(await keys(`cf[${f.float?.slice(12) ?? ''}] > 99`)).toEqual([key]);
      expect(await keys(`"My datepicker" >= 2031-01-01`)).toEqual([key]);
      expect(await keys(`"My userpicker" = "${eli}" AND key = ${key}`)).toEqual([key]);
      expect(await keys(`"My cascadingselect" = Editor AND key = ${key}`)).toEqual([key]);
      const unsearchable = await createField(h, 'Unsearchable', 'textfield', null);
      expect((await h.call('POST', '/rest/api/3/search/jql', { jql: `cf[${unsearchable.slice(12)}] ~ x` })).status).toBe(400);
    });
  });
});

describe('option ids of two sites', () => {
  it('differ for the same values created in the same order, and survive a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jira-options-'));
    try {
      const ids: Record<string, string[]> = {};
      for (const name of ['internal', 'external']) {
        const h = await startSite({ name, db: path.join(dir, `${name}.sqlite`), rateLimits: false });
        try {
          const id = await createField(h, 'Environment', 'select');
          const ctx = await globalContext(h, id);
          ids[name] = [ctx, ...(await addOptions(h, id, ctx, [{ value: 'Production' }, { value: 'Staging' }])).values()];
        } finally {
          await h.stop();
        }
      }
      expect(ids.internal).toHaveLength(3);
      expect(ids.internal?.filter((x) => ids.external?.includes(x))).toEqual([]);
      // a restart numbers on from where the counter was
      const again = await startSite({ name: 'internal', db: path.join(dir, 'internal.sqlite'), rateLimits: false });
      try {
        const field = z.array(z.object({ id: z.string(), name: z.string() })).parse((await again.call('GET', '/rest/api/3/field')).body).find((x) => x.name === 'Environment')?.id ?? '';
        const ctx = ids.internal?.[0] ?? '';
        const more = await addOptions(again, field, ctx, [{ value: 'Canary' }]);
        expect(Number(more.get('Canary'))).toBe(Number(ids.internal?.[2]) + 1);
        const { key } = Created.parse((await createIssue(again, { [field]: { value: 'Staging' } })).body);
        expect((await read(again, key, field))[field]).toMatchObject({ value: 'Staging', id: ids.internal?.[2] });
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a site file written before custom field contexts existed', () => {
  it('opens, keeps its text field values, and gains contexts and options', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jira-old-fields-'));
    const file = path.join(dir, 'jira-internal.sqlite');
    try {
      const first = await startSite({ name: 'internal', db: file, rateLimits: false });
      const created = Created.parse((await createIssue(first, { customfield_10000: 'CLOUD-7' })).body);
      await first.stop();
      // what an older sandbox left: no context or option tables
      const old = new Database(file);
      old.exec('DROP TABLE field_options; DROP TABLE field_contexts;');
      old.close();
      const h = await startSite({ name: 'internal', db: file, rateLimits: false, searchIndexLagMs: 0 });
      try {
        expect((await read(h, created.key, 'customfield_10000')).customfield_10000).toBe('CLOUD-7');
        expect((await h.call('GET', '/rest/api/3/field/customfield_10000/context')).body).toMatchObject({ total: 0 });
        const id = await createField(h, 'Later select', 'select');
        const opts = await addOptions(h, id, await globalContext(h, id), [{ value: 'On' }]);
        expect((await h.call('PUT', `/rest/api/3/issue/${created.key}`, { fields: { [id]: { value: 'On' } } })).status).toBe(204);
        expect((await read(h, created.key, id))[id]).toMatchObject({ id: opts.get('On'), value: 'On' });
      } finally {
        await h.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
