import { z } from 'zod';
import { adfDocument, fieldProblems, jiraTimestamp, userShape } from './field-shapes';
import { useSite, uncheckedOperations } from './harness';
import { adf, issueFields } from './issue-input';
import { basicAuth, expectConforming, type JiraProbe } from './jira-probe';
import { createdIssue, errorCollection, fieldDetails, issueBean, searchResults } from './responses';
import { describeConformance } from './spec-gate';

/**
 * Custom fields of every common type over real HTTP: create (`POST /field`), list, contexts, options
 * (create, list, update, get one), and their values on issues (create, edit, get with `*all`, `names`,
 * `schema`, search, changelog, createmeta). Values are checked by hand against Jira Cloud's shapes
 * (the spec leaves `IssueBean.fields` free-form); users also against the spec's `UserDetails`.
 */

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

const TYPES: readonly { short: string; searcher: string; schema: { type: string; items?: string } }[] = [
  { short: 'textfield', searcher: 'textsearcher', schema: { type: 'string' } },
  { short: 'textarea', searcher: 'textsearcher', schema: { type: 'string' } },
  { short: 'url', searcher: 'exacttextsearcher', schema: { type: 'string' } },
  { short: 'float', searcher: 'exactnumber', schema: { type: 'number' } },
  { short: 'datepicker', searcher: 'daterange', schema: { type: 'date' } },
  { short: 'datetime', searcher: 'datetimerange', schema: { type: 'datetime' } },
  { short: 'labels', searcher: 'labelsearcher', schema: { type: 'array', items: 'string' } },
  { short: 'userpicker', searcher: 'userpickergroupsearcher', schema: { type: 'user' } },
  { short: 'multiuserpicker', searcher: 'userpickergroupsearcher', schema: { type: 'array', items: 'user' } },
  { short: 'select', searcher: 'multiselectsearcher', schema: { type: 'option' } },
  { short: 'radiobuttons', searcher: 'multiselectsearcher', schema: { type: 'option' } },
  { short: 'multiselect', searcher: 'multiselectsearcher', schema: { type: 'array', items: 'option' } },
  { short: 'multicheckboxes', searcher: 'multiselectsearcher', schema: { type: 'array', items: 'option' } },
  { short: 'cascadingselect', searcher: 'cascadingselectsearcher', schema: { type: 'option-with-child' } },
];

/** FieldDetails with the schema's `items` (responses.ts's parser drops it) */
const customFieldDetails = fieldDetails.extend({
  searchable: z.boolean(),
  schema: z.object({ type: z.string(), items: z.string().optional(), custom: z.string().optional(), customId: z.number().int().optional() }).optional(),
});

/** an option as issues answer it: `{self, value, id}` and nothing else */
const optionValue = z.strictObject({ self: z.url(), value: z.string().min(1), id: z.string().regex(/^\d+$/) });
const cascadingValue = optionValue.extend({ child: optionValue.optional() });
const contextPage = z.object({ total: z.number().int(), isLast: z.boolean(), values: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), isGlobalContext: z.boolean(), isAnyIssueType: z.boolean() })) });
const createdContext = z.object({ id: z.string().regex(/^\d+$/), name: z.string(), projectIds: z.array(z.string()), issueTypeIds: z.array(z.string()) });
const optionList = z.object({ options: z.array(z.object({ id: z.string().regex(/^\d+$/), value: z.string(), disabled: z.boolean(), optionId: z.string().optional() })) });
const optionPage = z.object({ total: z.number().int(), values: optionList.shape.options });

/** the shapes of each type's value on an issue (Jira Cloud's; null when empty) */
function shapeOf(short: string): z.ZodType {
  switch (short) {
    case 'textarea': return adfDocument.nullable();
    case 'float': return z.number().nullable();
    case 'datepicker': return z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable();
    case 'datetime': return jiraTimestamp.nullable();
    case 'labels': return z.array(z.string().regex(/^\S+$/)).nullable();
    case 'userpicker': return userShape.nullable();
    case 'multiuserpicker': return z.array(userShape).nullable();
    case 'select':
    case 'radiobuttons': return optionValue.nullable();
    case 'multiselect':
    case 'multicheckboxes': return z.array(optionValue).nullable();
    case 'cascadingselect': return cascadingValue.nullable();
    default: return z.string().nullable();
  }
}

describeConformance('custom fields', (spec) => {
  const site = useSite(spec);
  const ids: Record<string, string> = {};
  const contexts: Record<string, string> = {};
  const options: Record<string, Map<string, string>> = {};
  let dana = '';

  const jira = (): JiraProbe => site.jira;
  const asUser = (): JiraProbe => site.probeAs(basicAuth(site.running.site.user.email, site.running.site.user.apiToken));
  const addOptions = async (short: string, body: unknown[]): Promise<Map<string, string>> => {
    const res = await jira().post(`/rest/api/3/field/${ids[short] ?? ''}/context/${contexts[short] ?? ''}/option`, { options: body });
    expectConforming(res, 200);
    const made = new Map(optionList.parse(res.body).options.map((o) => [o.value, o.id]));
    options[short] = new Map([...(options[short] ?? new Map<string, string>()), ...made]);
    return made;
  };
  const option = (short: string, value: string): string => options[short]?.get(value) ?? `no option ${value}`;

  describe('fields', () => {
    it.each(TYPES.map((t) => [t.short, t] as const))('creates a %s field (201) with its schema', async (_short, t) => {
      const res = await jira().post('/rest/api/3/field', { name: `CF ${t.short}`, description: `a ${t.short} field`, type: `${CF}${t.short}`, searcherKey: `${CF}${t.searcher}` });
      expectConforming(res, 201);
      const field = customFieldDetails.parse(res.body);
      expect(field).toMatchObject({ name: `CF ${t.short}`, custom: true, schema: { ...t.schema, custom: `${CF}${t.short}` } });
      expect(field.schema?.customId).toBe(Number(field.id.replace('customfield_', '')));
      expect(field.clauseNames).toEqual(expect.arrayContaining([`cf[${field.schema?.customId ?? 0}]`, `CF ${t.short}`]));
      ids[t.short] = field.id;
    });

    it('lists them all with GET /field, searchable, with their schema', async () => {
      const res = await jira().get('/rest/api/3/field');
      expectConforming(res, 200);
      const listed = z.array(customFieldDetails.partial({ searchable: true })).parse(res.body);
      for (const t of TYPES) expect(listed.find((f) => f.id === ids[t.short])).toMatchObject({ searchable: true, schema: { ...t.schema, custom: `${CF}${t.short}` } });
      const found = await jira().get('/rest/api/3/field/search', { query: { type: 'custom', query: 'CF multi' } });
      expectConforming(found, 200);
      expect(z.object({ values: z.array(z.object({ id: z.string() })) }).parse(found.body).values.map((f) => f.id).sort()).toEqual([ids.multicheckboxes, ids.multiselect, ids.multiuserpicker].sort());
    });

    it.each([
      ['an unknown type', { name: 'X', type: `${CF}grouppicker` }, 'type'],
      ['a searcher another type takes', { name: 'X', type: `${CF}float`, searcherKey: `${CF}daterange` }, 'searcherKey'],
    ])('refuses %s with 400', async (_name, body, member) => {
      const res = await jira().post('/rest/api/3/field', body);
      expectConforming(res, 400);
      expect(Object.keys(errorCollection.parse(res.body).errors)).toEqual([member]);
    });

    it('refuses a person without Administer Jira (400, as the spec declares)', async () => {
      expectConforming(await asUser().post('/rest/api/3/field', { name: 'X', type: `${CF}float` }), 400);
    });
  });

  describe('contexts and options', () => {
    it('a new field has no context; a global context is created (201) and listed', async () => {
      for (const t of TYPES) {
        const none = await jira().get(`/rest/api/3/field/${ids[t.short] ?? ''}/context`);
        expectConforming(none, 200);
        expect(contextPage.parse(none.body)).toMatchObject({ total: 0, isLast: true, values: [] });
      }
      for (const short of ['select', 'radiobuttons', 'multiselect', 'multicheckboxes', 'cascadingselect']) {
        const res = await jira().post(`/rest/api/3/field/${ids[short] ?? ''}/context`, { name: `${short} context`, description: 'everywhere', projectIds: [], issueTypeIds: [] });
        expectConforming(res, 201);
        contexts[short] = createdContext.parse(res.body).id;
      }
      const listed = await jira().get(`/rest/api/3/field/${ids.select ?? ''}/context`, { query: { isGlobalContext: true } });
      expectConforming(listed, 200);
      expect(contextPage.parse(listed.body).values).toEqual([{ id: contexts.select, name: 'select context', description: 'everywhere', isGlobalContext: true, isAnyIssueType: true }]);
    });

    it('refuses a second global context (400), an unknown project (404), an unknown field (404), a non-admin (403)', async () => {
      expectConforming(await jira().post(`/rest/api/3/field/${ids.select ?? ''}/context`, { name: 'again' }), 400);
      expectConforming(await jira().post(`/rest/api/3/field/${ids.float ?? ''}/context`, { name: 'nowhere', projectIds: ['99999'] }), 404);
      expectConforming(await jira().get('/rest/api/3/field/customfield_99999/context'), 404);
      expectConforming(await asUser().get(`/rest/api/3/field/${ids.select ?? ''}/context`), 403);
    });

    it('creates options (200) with ids, cascading options under their parent', async () => {
      const made = await addOptions('select', [{ value: 'Production' }, { value: 'Staging' }, { value: 'Retired', disabled: true }]);
      expect([...made.keys()]).toEqual(['Production', 'Staging', 'Retired']);
      await addOptions('radiobuttons', [{ value: 'Yes' }, { value: 'No' }]);
      await addOptions('multiselect', [{ value: 'Red' }, { value: 'Green' }, { value: 'Blue' }]);
      await addOptions('multicheckboxes', [{ value: 'A' }, { value: 'B' }]);
      await addOptions('cascadingselect', [{ value: 'Hardware' }, { value: 'Software' }]);
      const res = await jira().post(`/rest/api/3/field/${ids.cascadingselect ?? ''}/context/${contexts.cascadingselect ?? ''}/option`, {
        options: [{ value: 'Laptop', optionId: option('cascadingselect', 'Hardware') }, { value: 'Editor', optionId: option('cascadingselect', 'Software'), disabled: false }],
      });
      expectConforming(res, 200);
      expect(optionList.parse(res.body).options).toEqual([
        { id: expect.any(String), value: 'Laptop', disabled: false, optionId: option('cascadingselect', 'Hardware') },
        { id: expect.any(String), value: 'Editor', disabled: false, optionId: option('cascadingselect', 'Software') },
      ]);
      for (const o of optionList.parse(res.body).options) options.cascadingselect?.set(o.value, o.id);
    });

    it('lists a context\'s options (top level first, then cascading), and pages them', async () => {
      const res = await jira().get(`/rest/api/3/field/${ids.cascadingselect ?? ''}/context/${contexts.cascadingselect ?? ''}/option`);
      expectConforming(res, 200);
      expect(optionPage.parse(res.body).values.map((o) => [o.value, o.optionId ?? null])).toEqual([
        ['Hardware', null], ['Software', null], ['Laptop', option('cascadingselect', 'Hardware')], ['Editor', option('cascadingselect', 'Software')],
      ]);
      const paged = await jira().get(`/rest/api/3/field/${ids.select ?? ''}/context/${contexts.select ?? ''}/option`, { query: { startAt: 1, maxResults: 1 } });
      expectConforming(paged, 200);
      expect(paged.body).toMatchObject({ startAt: 1, maxResults: 1, total: 3, isLast: false, values: [{ value: 'Staging', disabled: false }] });
    });

    it('refuses a duplicate (400), options on a field without them (400), a context of another field (404), a non-admin (403)', async () => {
      expectConforming(await jira().post(`/rest/api/3/field/${ids.select ?? ''}/context/${contexts.select ?? ''}/option`, { options: [{ value: 'staging' }] }), 400);
      const textContext = await jira().post(`/rest/api/3/field/${ids.textfield ?? ''}/context`, { name: 'text' });
      expectConforming(textContext, 201);
      expectConforming(await jira().get(`/rest/api/3/field/${ids.textfield ?? ''}/context/${createdContext.parse(textContext.body).id}/option`), 400);
      expectConforming(await jira().get(`/rest/api/3/field/${ids.select ?? ''}/context/${contexts.multiselect ?? ''}/option`), 404);
      expectConforming(await asUser().post(`/rest/api/3/field/${ids.select ?? ''}/context/${contexts.select ?? ''}/option`, { options: [{ value: 'Mine' }] }), 403);
    });

    it('updates options (200, only what changed), 404 for an unknown option, and gets one option', async () => {
      const url = `/rest/api/3/field/${ids.multiselect ?? ''}/context/${contexts.multiselect ?? ''}/option`;
      const res = await jira().put(url, { options: [{ id: option('multiselect', 'Blue'), value: 'Navy' }, { id: option('multiselect', 'Red'), value: 'Red' }] });
      expectConforming(res, 200);
      expect(res.body).toEqual({ options: [{ id: option('multiselect', 'Blue'), value: 'Navy', disabled: false }] });
      options.multiselect?.set('Navy', option('multiselect', 'Blue'));
      expectConforming(await jira().put(url, { options: [{ id: '1', disabled: true }] }), 404);
      const one = await jira().get(`/rest/api/3/customFieldOption/${option('multiselect', 'Blue')}`);
      expectConforming(one, 200);
      expect(one.body).toEqual({ self: `${site.running.baseUrl}/rest/api/3/customFieldOption/${option('multiselect', 'Blue')}`, value: 'Navy' });
      expectConforming(await jira().get('/rest/api/3/customFieldOption/1'), 404);
    });

    it('offers enabled options as createmeta allowedValues', async () => {
      const res = await jira().get('/rest/api/3/issue/createmeta/INT/issuetypes/10001');
      expectConforming(res, 200);
      const fields = z.object({ fields: z.array(z.object({ fieldId: z.string(), schema: z.object({ type: z.string() }), allowedValues: z.array(z.unknown()).optional() })) }).parse(res.body).fields;
      expect(fields.find((f) => f.fieldId === ids.select)?.allowedValues).toEqual([
        { self: expect.any(String), value: 'Production', id: option('select', 'Production') }, { self: expect.any(String), value: 'Staging', id: option('select', 'Staging') },
      ]);
      expect(fields.find((f) => f.fieldId === ids.cascadingselect)?.allowedValues).toEqual([
        expect.objectContaining({ value: 'Hardware', children: [expect.objectContaining({ value: 'Laptop' })] }),
        expect.objectContaining({ value: 'Software', children: [expect.objectContaining({ value: 'Editor' })] }),
      ]);
      expect(fields.find((f) => f.fieldId === ids.datetime)?.schema.type).toBe('datetime');
    });
  });

  describe('values on issues', () => {
    let key = '';
    const input = (): Record<string, unknown> => ({
      [ids.textfield ?? '']: 'REF-1',
      [ids.textarea ?? '']: adf('multi-line'),
      [ids.url ?? '']: 'https://example.com/a?b=c',
      [ids.float ?? '']: 42.07,
      [ids.datepicker ?? '']: '2026-12-02',
      [ids.datetime ?? '']: '2026-12-02T21:00:00.000+1100',
      [ids.labels ?? '']: ['alpha', 'beta'],
      [ids.userpicker ?? '']: { accountId: dana },
      [ids.multiuserpicker ?? '']: [{ accountId: dana }, { accountId: site.running.site.admin.accountId }],
      [ids.select ?? '']: { value: 'Production' },
      [ids.radiobuttons ?? '']: { id: option('radiobuttons', 'No') },
      [ids.multiselect ?? '']: [{ value: 'Green' }, { value: 'Red' }],
      [ids.multicheckboxes ?? '']: [{ value: 'B' }],
      [ids.cascadingselect ?? '']: { value: 'Hardware', child: { value: 'Laptop' } },
    });
    const shapes = (): Record<string, z.ZodType> => Object.fromEntries(TYPES.map((t) => [ids[t.short] ?? '', shapeOf(t.short)]));

    it('creates an issue with a value of every type (201)', async () => {
      dana = site.running.site.people.find((p) => p.email === 'dana@internal.test')?.accountId ?? '';
      const res = await jira().post('/rest/api/3/issue', { fields: issueFields({ summary: 'every type', ...input() }) });
      expectConforming(res, 201);
      key = createdIssue.parse(res.body).key;
    });

    it('answers every value as Jira Cloud does in fields=*all, with names and schema', async () => {
      const res = await jira().get(`/rest/api/3/issue/${key}`, { query: { fields: '*all', expand: 'names,schema,renderedFields' } });
      expectConforming(res, 200);
      const issue = issueBean.extend({ schema: z.record(z.string(), z.unknown()) }).parse(res.body);
      expect(fieldProblems(spec, issue.fields, shapes())).toEqual([]);
      const api = `${site.running.baseUrl}/rest/api/3`;
      const opt = (short: string, value: string): unknown => ({ self: `${api}/customFieldOption/${option(short, value)}`, value, id: option(short, value) });
      expect(Object.fromEntries(TYPES.filter((t) => !t.short.includes('user')).map((t) => [t.short, issue.fields[ids[t.short] ?? '']]))).toEqual({
        textfield: 'REF-1',
        textarea: adf('multi-line'),
        url: 'https://example.com/a?b=c',
        float: 42.07,
        datepicker: '2026-12-02',
        datetime: '2026-12-02T10:00:00.000+0000',
        labels: ['alpha', 'beta'],
        select: opt('select', 'Production'),
        radiobuttons: opt('radiobuttons', 'No'),
        multiselect: [opt('multiselect', 'Red'), opt('multiselect', 'Green')],
        multicheckboxes: [opt('multicheckboxes', 'B')],
        cascadingselect: { ...z.object({}).loose().parse(opt('cascadingselect', 'Hardware')), child: opt('cascadingselect', 'Laptop') },
      });
      const user = z.object({ accountId: z.string(), emailAddress: z.string().optional() }).loose();
      const picked = user.parse(issue.fields[ids.userpicker ?? '']);
      expect(picked).toMatchObject({ accountId: dana, displayName: 'Dana Quill (internal)' });
      expect(picked.emailAddress).toBeUndefined();
      const many = z.array(user).parse(issue.fields[ids.multiuserpicker ?? '']);
      expect(many.map((u) => [u.accountId, u.emailAddress])).toEqual([[dana, undefined], [site.running.site.admin.accountId, 'admin@internal.test']]);
      for (const u of [picked, ...many]) expect(spec.validateComponent('UserDetails', u)).toEqual([]);
      for (const t of TYPES) {
        expect(issue.names?.[ids[t.short] ?? '']).toBe(`CF ${t.short}`);
        expect(issue.schema[ids[t.short] ?? '']).toEqual({ ...t.schema, custom: `${CF}${t.short}`, customId: Number(ids[t.short]?.replace('customfield_', '')) });
      }
      expect(issue.renderedFields?.[ids.textarea ?? '']).toBe('<p>multi-line</p>');
    });

    it('refuses invalid values with 400 naming the field, and changes nothing', async () => {
      const cases: [string, unknown, string][] = [
        ['select', { value: 'Nope' }, "Option value 'Nope' is not valid"],
        ['select', { value: 'Retired' }, "Option value 'Retired' is not valid"],
        ['select', { id: '1' }, "Option id '1' is not valid"],
        ['select', 'Production', "Could not find valid 'id' or 'value' in the Parent Option object."],
        ['cascadingselect', { value: 'Software', child: { value: 'Laptop' } }, "Option value 'Laptop' is not valid"],
        ['multiselect', { value: 'Red' }, 'data was not an array'],
        ['float', 'many', 'Operation value must be a number'],
        ['datetime', '2026-12-02 10:00', 'Error parsing date string: 2026-12-02 10:00'],
        ['url', 'nowhere', 'Not a valid URL'],
        ['userpicker', { accountId: 'nobody' }, 'Specified user does not exist or you do not have required permissions'],
        ['labels', ['with space'], "The label 'with space' contains spaces which is invalid."],
      ];
      for (const [short, value, message] of cases) {
        const res = await jira().put(`/rest/api/3/issue/${key}`, { fields: { [ids[short] ?? '']: value } });
        expectConforming(res, 400);
        expect([short, errorCollection.parse(res.body).errors]).toEqual([short, { [ids[short] ?? '']: message }]);
      }
      const after = await jira().get(`/rest/api/3/issue/${key}`, { query: { fields: ids.select ?? '' } });
      expectConforming(after, 200);
      expect(issueBean.parse(after.body).fields[ids.select ?? '']).toMatchObject({ value: 'Production' });
    });

    it('edits with fields and update.set (204), clears with null, and writes Jira-like changelog items', async () => {
      const edited = await jira().put(`/rest/api/3/issue/${key}`, {
        fields: { [ids.select ?? '']: { value: 'Staging' }, [ids.labels ?? '']: null },
        update: { [ids.cascadingselect ?? '']: [{ set: { value: 'Software', child: { value: 'Editor' } } }], [ids.userpicker ?? '']: [{ set: { accountId: site.running.site.admin.accountId } }] },
      });
      expectConforming(edited, 204);
      const res = await jira().get(`/rest/api/3/issue/${key}/changelog`);
      expectConforming(res, 200);
      const items = z.object({ values: z.array(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) }).parse(res.body).values.at(-1)?.items ?? [];
      const item = (short: string): unknown => items.find((i) => i.fieldId === ids[short]);
      expect(item('select')).toEqual({ field: 'CF select', fieldId: ids.select, fieldtype: 'custom', from: option('select', 'Production'), fromString: 'Production', to: option('select', 'Staging'), toString: 'Staging' });
      expect(item('labels')).toMatchObject({ fromString: 'alpha beta', toString: null });
      expect(item('cascadingselect')).toMatchObject({ fromString: 'Hardware - Laptop', toString: 'Software - Editor' });
      expect(item('userpicker')).toMatchObject({ from: dana, fromString: 'Dana Quill (internal)', to: site.running.site.admin.accountId, toString: 'Admin' });
      const got = await jira().get(`/rest/api/3/issue/${key}`, { query: { fields: [ids.labels, ids.select].join(',') } });
      expectConforming(got, 200);
      expect(issueBean.parse(got.body).fields).toMatchObject({ [ids.labels ?? '']: null, [ids.select ?? '']: { value: 'Staging' } });
    });

    it('search answers the same values and finds the issue by them', async () => {
      const res = await jira().post('/rest/api/3/search/jql', {
        jql: `"CF select" = Staging AND "CF float" > 42 AND "CF datepicker" = 2026-12-02 AND "CF multiselect" = Green`, fields: ['*all'],
      });
      expectConforming(res, 200);
      const found = searchResults.parse(res.body).issues;
      expect(found.map((i) => i.key)).toEqual([key]);
      expect(fieldProblems(spec, found[0]?.fields ?? {}, shapes())).toEqual([]);
      const direct = issueBean.parse((await jira().get(`/rest/api/3/issue/${key}`, { query: { fields: '*all' } })).body);
      expect(found[0]?.fields).toEqual(direct.fields);
    });
  });

  it('got only responses that match the spec, including the ones no test asserted on', () => {
    expect(site.specFailures()).toEqual([]);
  });

  it('checked every custom field operation against the spec', () => {
    expect(
      uncheckedOperations(spec, [
        'createCustomField',
        'getFields',
        'getFieldsPaginated',
        'getContextsForField',
        'createCustomFieldContext',
        'getOptionsForContext',
        'createCustomFieldOption',
        'updateCustomFieldOption',
        'getCustomFieldOption',
        'getCreateIssueMetaIssueTypeId',
        'createIssue',
        'getIssue',
        'editIssue',
        'getChangeLogs',
        'searchAndReconsileIssuesUsingJqlPost',
      ]),
    ).toEqual([]);
  });
});
