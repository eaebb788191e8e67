import { customTextFields, editPayload, editValuesOf, type EditValues } from './issue-edit';

describe('customTextFields', () => {
  it('keeps custom single-line text fields only, sorted by name', () => {
    expect(
      customTextFields([
        { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
        { id: 'customfield_10010', name: 'Remote issue key', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10010 } },
        { id: 'customfield_10011', name: 'Notes', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' } },
        { id: 'customfield_10012', name: 'Count', custom: true, schema: { type: 'number' } },
        { id: 'customfield_10013', name: 'Another text', schema: { type: 'string' } },
        { name: 'no id', custom: true, schema: { type: 'string' } },
        'garbage',
      ]),
    ).toEqual([
      { id: 'customfield_10013', name: 'Another text' },
      { id: 'customfield_10010', name: 'Remote issue key' },
    ]);
  });
});

describe('editValuesOf', () => {
  it('reads the form values from the issue fields', () => {
    expect(
      editValuesOf(
        {
          summary: 'S',
          description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'd' }] }] },
          priority: { id: '3', name: 'Medium' },
          labels: ['a', 'b'],
          customfield_10010: 'CLOUD-1',
        },
        [{ id: 'customfield_10010', name: 'Remote issue key' }, { id: 'customfield_10020', name: 'Empty' }],
      ),
    ).toEqual({ summary: 'S', description: 'd', priorityId: '3', labels: 'a b', custom: { customfield_10010: 'CLOUD-1', customfield_10020: '' } });
  });
});

describe('editPayload', () => {
  const before: EditValues = { summary: 'S', description: 'one\n\ntwo', priorityId: '3', labels: 'a b', custom: { customfield_10010: 'X-1' } };
  it.each<[string, Partial<EditValues>, Record<string, unknown> | null]>([
    ['nothing changed', {}, null],
    ['labels reordered only', { labels: 'b, a' }, null],
    ['Windows newlines only', { description: 'one\r\n\r\ntwo' }, null],
    ['the summary', { summary: 'T' }, { summary: 'T' }],
    ['the description', { description: 'new' }, { description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'new' }] }] } }],
    ['the description cleared', { description: '  ' }, { description: null }],
    ['the priority', { priorityId: '1' }, { priority: { id: '1' } }],
    ['the priority set to none (not sent)', { priorityId: '' }, null],
    ['the labels', { labels: 'a c' }, { labels: ['a', 'c'] }],
    ['the labels cleared', { labels: '' }, { labels: [] }],
    ['a custom field', { custom: { customfield_10010: 'X-2' } }, { customfield_10010: 'X-2' }],
    ['a custom field cleared', { custom: { customfield_10010: '' } }, { customfield_10010: null }],
  ])('for %s', (_name, change, expected) => {
    expect(editPayload(before, { ...before, ...change })).toEqual(expected);
  });
});
