import { CUSTOM_FIELD_TYPES, customFieldType, optionKind, takesOptions } from './custom-field-types';
import { isValidUrl, parseJiraDateTime } from './custom-field-values';
import { fieldConfigIdBase } from './storage/field-config-store';

/** The pure parts of custom fields: the type table, date times, URLs, the per-site id base. */

describe('the custom field type table', () => {
  it.each<[string, { type: string; items?: string }, string[], boolean]>([
    ['textfield', { type: 'string' }, ['textsearcher'], false],
    ['textarea', { type: 'string' }, ['textsearcher'], false],
    ['url', { type: 'string' }, ['exacttextsearcher'], false],
    ['float', { type: 'number' }, ['exactnumber', 'numberrange'], false],
    ['datepicker', { type: 'date' }, ['daterange'], false],
    ['datetime', { type: 'datetime' }, ['datetimerange'], false],
    ['labels', { type: 'array', items: 'string' }, ['labelsearcher'], false],
    ['userpicker', { type: 'user' }, ['userpickergroupsearcher'], false],
    ['multiuserpicker', { type: 'array', items: 'user' }, ['userpickergroupsearcher'], false],
    ['select', { type: 'option' }, ['multiselectsearcher'], true],
    ['radiobuttons', { type: 'option' }, ['multiselectsearcher'], true],
    ['multiselect', { type: 'array', items: 'option' }, ['multiselectsearcher'], true],
    ['multicheckboxes', { type: 'array', items: 'option' }, ['multiselectsearcher'], true],
    ['cascadingselect', { type: 'option-with-child' }, ['cascadingselectsearcher'], true],
  ])('%s: schema %j, searchers %j, options %s', (short, schema, searchers, options) => {
    const key = `com.atlassian.jira.plugin.system.customfieldtypes:${short}`;
    const t = customFieldType(key);
    expect(t).toMatchObject({ short, key, schema, searchers: searchers.map((x) => `com.atlassian.jira.plugin.system.customfieldtypes:${x}`) });
    expect(takesOptions(key)).toBe(options);
  });

  it('has the fourteen types and nothing else', () => {
    expect(CUSTOM_FIELD_TYPES).toHaveLength(14);
    expect(customFieldType('com.atlassian.jira.plugin.system.customfieldtypes:grouppicker')).toBeUndefined();
    expect(optionKind(undefined)).toBe('none');
  });
});

describe('parseJiraDateTime', () => {
  it.each<[string, string | null]>([
    ['2026-12-02T10:00:00.000+0000', '2026-12-02T10:00:00.000Z'],
    ['2026-12-02T10:00:00Z', '2026-12-02T10:00:00.000Z'],
    ['2026-12-02T21:00:00.000+1100', '2026-12-02T10:00:00.000Z'],
    ['2026-12-02T05:30+05:30', '2026-12-02T00:00:00.000Z'],
    ['2026-12-02T10:00:45.999-0100', '2026-12-02T11:00:00.000Z'], // cut to whole minutes
    ['2026-12-02T10:00:00', null], // no zone
    ['2026-12-02', null],
    ['2026-02-30T10:00:00Z', null],
    ['2026-12-02T24:00:00Z', null],
    ['2026-12-02T10:60:00Z', null],
    ['2026-12-02T10:00:61Z', null],
    ['2026-12-02T10:00:00+1500', null],
    ['yesterday', null],
  ])('%s → %s', (text, iso) => {
    const at = parseJiraDateTime(text);
    expect(at === null ? null : new Date(at).toISOString()).toBe(iso);
  });
});

describe('isValidUrl', () => {
  it.each<[string, boolean]>([
    ['https://example.com/a?b=c', true],
    ['http://localhost:8080', true],
    ['ftp://files.example.com/x', true],
    ['mailto:someone@example.com', false],
    ['javascript:alert(1)', false],
    ['example.com', false],
    ['https://exa mple.com', false],
    [' https://example.com', false],
    [`https://example.com/${'a'.repeat(240)}`, false],
    ['', false],
  ])('%s → %s', (url, ok) => {
    expect(isValidUrl(url)).toBe(ok);
  });
});

describe('fieldConfigIdBase', () => {
  it('is 10000 plus a multiple of ten below 19000, the same for the same name, different for internal and external', () => {
    for (const name of ['internal', 'external', 'staging', '']) {
      const base = fieldConfigIdBase(name);
      expect(base % 10).toBe(0);
      expect(base).toBeGreaterThanOrEqual(10000);
      expect(base).toBeLessThan(19000);
      expect(fieldConfigIdBase(name)).toBe(base);
    }
    expect(fieldConfigIdBase('internal')).not.toBe(fieldConfigIdBase('external'));
  });
});
