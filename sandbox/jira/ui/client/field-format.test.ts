import { element, textNode } from './adf-render';
import { formatDateTime, formatFieldValue, issueFieldRows, valueText, type FieldDisplay } from './field-format';

describe('formatDateTime', () => {
  it.each([
    ['2026-11-26T18:03:00.000+0000', '2026-11-26 18:03 UTC'],
    ['2026-11-26T20:03:00.000+0200', '2026-11-26 18:03 UTC'],
    ['2026-11-26T18:03:00Z', '2026-11-26 18:03 UTC'],
    ['2026-11-26', '2026-11-26'],
    ['not a date', 'not a date'],
  ])('%s → %s', (input, expected) => {
    expect(formatDateTime(input)).toBe(expected);
  });
});

describe('valueText', () => {
  it.each<[string, unknown, string]>([
    ['null', null, ''],
    ['a number', 3, '3'],
    ['a boolean', false, 'false'],
    ['a status', { self: 'x', name: 'In Progress', id: '3', statusCategory: { key: 'indeterminate' } }, 'In Progress'],
    ['a user', { accountId: 'a', displayName: 'Ann Admin', emailAddress: 'a@x.test' }, 'Ann Admin'],
    ['a project', { id: '1', key: 'INT', name: 'Internal', projectTypeKey: 'software' }, 'Internal (INT)'],
    ['an option', { id: '1', value: 'Red' }, 'Red'],
    ['a linked issue', { id: '1', key: 'INT-2' }, 'INT-2'],
    ['labels', ['a', 'b'], 'a, b'],
    ['components', [{ name: 'UI' }, { name: 'API' }], 'UI, API'],
    ['issue links', [
      { id: '1', type: { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }, outwardIssue: { id: '2', key: 'INT-2' } },
      { id: '3', type: { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }, inwardIssue: { id: '4', key: 'INT-4' } },
    ], 'blocks INT-2, is blocked by INT-4'],
    ['fix versions', [{ self: 'x', id: '10000', name: '1.0', archived: false, released: false }], '1.0'],
    ['an unknown object', { progress: 0, total: 0 }, '{"progress":0,"total":0}'],
  ])('%s', (_name, input, expected) => {
    expect(valueText(input)).toBe(expected);
  });
});

describe('formatFieldValue', () => {
  it.each<[string, unknown, FieldDisplay]>([
    ['null', null, { kind: 'empty' }],
    ['empty string', '', { kind: 'empty' }],
    ['empty array', [], { kind: 'empty' }],
    ['text', 'INT-9', { kind: 'text', text: 'INT-9' }],
    ['ADF', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }, { kind: 'adf', nodes: [element('p', [textNode('x')])] }],
  ])('%s', (_name, input, expected) => {
    expect(formatFieldValue(input)).toEqual(expected);
  });
});

describe('issueFieldRows', () => {
  it('names custom fields, leaves out fields shown elsewhere, and orders system fields first', () => {
    const rows = issueFieldRows(
      {
        summary: 'S',
        description: null,
        comment: { comments: [] },
        customfield_10010: 'CLOUD-3',
        updated: '2026-01-01T00:00:00.000+0000',
        status: { name: 'Open' },
        zeta: 'z',
        issuetype: { name: 'Task' },
      },
      { customfield_10010: 'Remote issue key', status: 'Status', issuetype: 'Issue Type', updated: 'Updated' },
    );
    expect(rows.map((r) => [r.id, r.name])).toEqual([
      ['issuetype', 'Issue Type'],
      ['status', 'Status'],
      ['updated', 'Updated'],
      ['customfield_10010', 'Remote issue key'],
      ['zeta', 'zeta'],
    ]);
    expect(rows[3]?.display).toEqual({ kind: 'text', text: 'CLOUD-3' });
  });
});
