import type { CustomFieldKind } from '../../model/custom-field';
import type { JsonValue } from '../../model/replica';
import { CustomFieldValueError, fromJira, kindOfType, SYSTEM_TYPE_PREFIX, toJira } from './custom-field-values';

const ADF = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] };
const ADA = { accountId: 'acc-ada', displayName: 'Ada', emailAddress: 'ada@example.com', active: true, self: 'https://int.example.net/rest/api/3/user?accountId=acc-ada' };
const BOB = { accountId: 'acc-bob', displayName: 'Bob' };
const ADA_REF = { accountId: 'acc-ada', displayName: 'Ada', email: 'ada@example.com' };
const BOB_REF = { accountId: 'acc-bob', displayName: 'Bob', email: null };
const option = (value: string, id = '10100') => ({ self: `https://int.example.net/rest/api/3/customFieldOption/${id}`, value, id });

describe('kindOfType', () => {
  it.each<[string, CustomFieldKind]>([
    ['textfield', 'text'], ['textarea', 'paragraph'], ['url', 'url'], ['float', 'number'], ['datepicker', 'date'], ['datetime', 'datetime'],
    ['labels', 'labels'], ['select', 'select'], ['radiobuttons', 'radio'], ['multiselect', 'multiselect'], ['multicheckboxes', 'checkboxes'],
    ['cascadingselect', 'cascading'], ['userpicker', 'user'], ['multiuserpicker', 'users'],
    ['grouppicker', 'other'], ['readonlyfield', 'other'], ['toString', 'other'], ['', 'other'],
  ])('%s → %s', (short, kind) => {
    expect(kindOfType(`${SYSTEM_TYPE_PREFIX}${short}`)).toBe(kind);
  });

  it.each([['com.pyxis.greenhopper.jira:gh-sprint'], ['ari:cloud:ecosystem::extension/app/field'], ['select'], [undefined], [null]])('%s (not a Jira system type) → other', (type) => {
    expect(kindOfType(type)).toBe('other');
  });
});

describe('fromJira: what an issue read answers → the portable value', () => {
  it.each<[CustomFieldKind, unknown, JsonValue]>([
    ['text', 'CLOUD-7', 'CLOUD-7'],
    ['text', null, null],
    ['text', '', null],
    ['text', 7, null],
    ['url', 'https://example.com/x', 'https://example.com/x'],
    ['url', { href: 'x' }, null],
    ['paragraph', ADF, ADF],
    ['paragraph', null, null],
    ['paragraph', 'plain text (a v2 answer)', null],
    ['paragraph', { type: 'paragraph', content: [] }, null],
    ['number', 42.5, 42.5],
    ['number', 0, 0],
    ['number', '42', null],
    ['number', null, null],
    ['date', '2026-12-02', '2026-12-02'],
    ['date', '2026-12-02T10:00:00.000+0000', null],
    ['date', null, null],
    ['datetime', '2026-12-02T21:00:00.000+1100', '2026-12-02T10:00:00.000Z'],
    ['datetime', '2026-12-02T10:00:00.000+0000', '2026-12-02T10:00:00.000Z'],
    ['datetime', 'not a time', null],
    ['datetime', 1767261600000, null],
    ['datetime', null, null],
    ['labels', ['b', 'a', 'C'], ['C', 'a', 'b']],
    ['labels', null, []],
    ['labels', [1], null],
    ['select', option('High'), 'High'],
    ['select', null, null],
    ['select', 'High', null],
    ['radio', option('Yes'), 'Yes'],
    ['radio', { id: '10100' }, null],
    ['multiselect', [option('b', '2'), option('a', '1')], ['a', 'b']],
    ['multiselect', null, []],
    ['multiselect', [], []],
    ['multiselect', option('a'), null],
    ['checkboxes', [option('Mac'), option('Linux')], ['Linux', 'Mac']],
    ['checkboxes', [{ id: '1' }], null],
    ['cascading', { ...option('Europe'), child: option('France', '10201') }, { value: 'Europe', child: 'France' }],
    ['cascading', option('Europe'), { value: 'Europe', child: null }],
    ['cascading', null, null],
    ['cascading', 'Europe', null],
    ['user', ADA, ADA_REF],
    ['user', BOB, BOB_REF],
    ['user', { displayName: 'Nobody' }, null],
    ['user', null, null],
    ['users', [BOB, ADA], [ADA_REF, BOB_REF]],
    ['users', null, []],
    ['users', [ADA, { accountId: '' }], null],
    ['other', { id: 10, name: 'Sprint 1' }, { id: 10, name: 'Sprint 1' }],
    ['other', [1, 'two'], [1, 'two']],
    ['other', null, null],
    ['other', undefined, null],
  ])('%s: %j → %j', (kind, raw, portable) => {
    expect(fromJira(kind, raw)).toEqual(portable);
  });

  it.each<CustomFieldKind>(['labels', 'multiselect', 'checkboxes', 'users'])('%s: an absent field is []', (kind) => {
    expect(fromJira(kind, undefined)).toEqual([]);
  });
});

describe('toJira: a portable value → what an edit sends', () => {
  it.each<[CustomFieldKind, JsonValue, unknown]>([
    ['text', 'CLOUD-7', 'CLOUD-7'],
    ['text', '', null],
    ['url', 'https://example.com/x', 'https://example.com/x'],
    ['paragraph', ADF, ADF],
    ['number', 42.5, 42.5],
    ['number', 0, 0],
    ['date', '2026-12-02', '2026-12-02'],
    ['datetime', '2026-12-02T10:00:00.000Z', '2026-12-02T10:00:00.000+0000'],
    ['datetime', '2026-12-02T21:00:00.000+11:00', '2026-12-02T10:00:00.000+0000'],
    ['labels', ['a', 'b'], ['a', 'b']],
    ['labels', [], []],
    ['select', 'High', { value: 'High' }],
    ['radio', 'Yes', { value: 'Yes' }],
    ['multiselect', ['a', 'b'], [{ value: 'a' }, { value: 'b' }]],
    ['checkboxes', [], []],
    ['cascading', { value: 'Europe', child: 'France' }, { value: 'Europe', child: { value: 'France' } }],
    ['cascading', { value: 'Europe', child: null }, { value: 'Europe' }],
    ['user', 'acc-ada', { accountId: 'acc-ada' }],
    ['user', ADA_REF, { accountId: 'acc-ada' }],
    ['users', ['acc-ada', BOB_REF], [{ accountId: 'acc-ada' }, { accountId: 'acc-bob' }]],
    ['users', [], []],
    ['other', { id: 10 }, { id: 10 }],
  ])('%s: %j → %j', (kind, value, body) => {
    expect(toJira(kind, value)).toEqual(body);
  });

  it.each<CustomFieldKind>(['text', 'paragraph', 'url', 'number', 'date', 'datetime', 'labels', 'select', 'radio', 'multiselect', 'checkboxes', 'cascading', 'user', 'users', 'other'])(
    '%s: null clears',
    (kind) => {
      expect(toJira(kind, null)).toBeNull();
    },
  );

  it.each<[CustomFieldKind, JsonValue]>([
    ['text', 7],
    ['url', ['x']],
    ['paragraph', 'plain text'],
    ['number', '42'],
    ['date', '02/12/2026'],
    ['datetime', 'tomorrow'],
    ['labels', 'a'],
    ['select', { value: 'High' }],
    ['radio', ['Yes']],
    ['multiselect', 'a'],
    ['checkboxes', [1]],
    ['cascading', 'Europe'],
    ['cascading', { value: 'Europe' }],
    ['user', ''],
    ['user', { displayName: 'Ada' }],
    ['users', 'acc-ada'],
    ['users', [7]],
  ])('%s: %j is refused with a CustomFieldValueError', (kind, value) => {
    expect(() => toJira(kind, value)).toThrow(CustomFieldValueError);
    expect(() => toJira(kind, value)).toThrow(`not a value of a ${kind} field`);
  });
});

describe('a value read and written back is the value Jira had', () => {
  it.each<[CustomFieldKind, unknown, unknown]>([
    ['select', option('High'), { value: 'High' }],
    ['multiselect', [option('b'), option('a')], [{ value: 'a' }, { value: 'b' }]],
    ['cascading', { ...option('Europe'), child: option('France') }, { value: 'Europe', child: { value: 'France' } }],
    ['user', ADA, { accountId: 'acc-ada' }],
    ['users', [BOB, ADA], [{ accountId: 'acc-ada' }, { accountId: 'acc-bob' }]],
    ['datetime', '2026-12-02T21:00:00.000+1100', '2026-12-02T10:00:00.000+0000'],
    ['labels', ['b', 'a'], ['a', 'b']],
  ])('%s', (kind, raw, written) => {
    expect(toJira(kind, fromJira(kind, raw))).toEqual(written);
  });
});
