import type { AdfDoc, UserRef } from '../model/replica';
import { mapPerson, mentionsIn, rewriteMentions, type MappedPerson } from './people';

const here: UserRef[] = [
  { accountId: 'shared-1', displayName: 'Sam Shared', email: null },
  { accountId: 'local-dana', displayName: 'Dana Quill', email: 'dana@internal.test' },
  { accountId: 'local-bot', displayName: 'Fallback Bot', email: null },
];
const remote = (accountId: string, email: string | null = null): UserRef => ({ accountId, displayName: `R ${accountId}`, email });

describe('mapPerson: table, same account, visible email, fallback', () => {
  const cases: [string, UserRef, { userMappings: { remote: string; local: string }[]; fallbackAccountId: string | null }, MappedPerson['how'], string | null][] = [
    ['the table comes first', remote('shared-1'), { userMappings: [{ remote: 'shared-1', local: 'local-dana' }], fallbackAccountId: null }, 'table', 'local-dana'],
    ['the same account id', remote('shared-1'), { userMappings: [], fallbackAccountId: null }, 'same account', 'shared-1'],
    ['a table row naming nobody here falls through', remote('shared-1'), { userMappings: [{ remote: 'shared-1', local: 'gone' }], fallbackAccountId: null }, 'same account', 'shared-1'],
    ['the email where visible, any case', remote('ext-dana', 'DANA@internal.test'), { userMappings: [], fallbackAccountId: null }, 'email', 'local-dana'],
    ['the fallback', remote('ext-zed'), { userMappings: [], fallbackAccountId: 'local-bot' }, 'fallback', 'local-bot'],
    ['nobody', remote('ext-zed'), { userMappings: [], fallbackAccountId: null }, 'none', null],
  ];
  it.each(cases)('%s', (_name, person, settings, how, local) => {
    const mapped = mapPerson(person, here, settings);
    expect(mapped.how).toBe(how);
    expect(mapped.local?.accountId ?? null).toBe(local);
  });
});

const doc = (...nodes: unknown[]): AdfDoc => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: nodes }] });
const mention = (id: string, text: string) => ({ type: 'mention', attrs: { id, text, accessLevel: '' } });

describe('rewriteMentions', () => {
  const mapped: Record<string, MappedPerson> = {
    'shared-1': { local: here[0] ?? null, how: 'same account' },
    'ext-dana': { local: here[1] ?? null, how: 'table' },
    'ext-zed': { local: null, how: 'none' },
    'ext-yan': { local: here[2] ?? null, how: 'fallback' },
  };
  it.each([
    ['the same account stays mentioned', doc(mention('shared-1', '@Sam Shared')), doc(mention('shared-1', '@Sam Shared'))],
    ['a mapped person is mentioned here', doc({ type: 'text', text: 'hi ' }, mention('ext-dana', '@Dana')), doc({ type: 'text', text: 'hi ' }, mention('local-dana', '@Dana'))],
    ['someone unmapped becomes plain text', doc(mention('ext-zed', '@Zed')), doc({ type: 'text', text: '@Zed' })],
    ['the fallback is never mentioned in anyone\'s place', doc(mention('ext-yan', '@Yan')), doc({ type: 'text', text: '@Yan' })],
    ['a mention of someone the replica did not name (a local one) is left as it is', doc(mention('local-dana', '@Dana')), doc(mention('local-dana', '@Dana'))],
  ])('%s', (_name, input, expected) => {
    expect(rewriteMentions(input, mapped)).toEqual(expected);
  });

  it('finds mentions nested in lists and tables', () => {
    const nested: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [mention('ext-zed', '@Zed')] }] }] }] };
    expect(mentionsIn(nested)).toEqual([{ id: 'ext-zed', text: '@Zed' }]);
    expect(mentionsIn(rewriteMentions(nested, mapped))).toEqual([]);
  });
});
