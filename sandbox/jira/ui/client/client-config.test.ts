import { parseClientConfig } from './client-config';

describe('parseClientConfig', () => {
  const base = { siteName: 'internal', authorization: 'Basic x' };
  it.each([
    [{ ...base, page: { kind: 'issues', jql: 'a' } }, { ...base, page: { kind: 'issues', jql: 'a' } }],
    [{ ...base, page: { kind: 'issues' } }, { ...base, page: { kind: 'issues', jql: '' } }],
    [{ ...base, page: { kind: 'issue', key: 'INT-1', panelTitle: 'Twin' } }, { ...base, page: { kind: 'issue', key: 'INT-1', panelTitle: 'Twin' } }],
    [{ ...base, page: { kind: 'issue', key: 'INT-1', panelTitle: null } }, { ...base, page: { kind: 'issue', key: 'INT-1', panelTitle: null } }],
    [{ ...base, page: { kind: 'admin' } }, { ...base, page: { kind: 'admin' } }],
  ])('parses %j', (raw, expected) => {
    expect(parseClientConfig(raw)).toEqual(expected);
  });

  it.each<[unknown, string]>([
    [null, 'siteName and authorization are required'],
    [{ siteName: 'a' }, 'siteName and authorization are required'],
    [{ ...base, page: { kind: 'issue' } }, 'page.key is missing'],
    [{ ...base, page: { kind: 'other' } }, 'unknown page kind other'],
    [{ ...base }, 'unknown page kind undefined'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseClientConfig(raw)).toThrow(message);
  });
});
