import type { ResolverCall } from '../adapters/forge/forge-resolver';
import { UserError } from '../sync/errors';
import { callerOf, contextIssueId } from './resolver-context';

const call = (context: Partial<ResolverCall['context']>): ResolverCall => ({ payload: {}, context: { accountId: 'acc-1', cloudId: 'cloud-1', extension: {}, ...context } });

describe('resolver context', () => {
  it('gives the caller, or a UserError invalid-context naming what is missing', () => {
    expect(callerOf(call({}))).toEqual({ accountId: 'acc-1', cloudId: 'cloud-1' });
    expect(() => callerOf(call({ accountId: null }))).toThrow(expect.objectContaining({ code: 'invalid-context', message: expect.stringContaining('accountId') }));
    expect(() => callerOf(call({ cloudId: null }))).toThrow(expect.objectContaining({ code: 'invalid-context', message: expect.stringContaining('cloudId') }));
  });

  it.each([
    [{ issue: { id: '10001', key: 'INT-1' } }, '10001'],
    [{ issue: { id: 10001 } }, '10001'],
  ])('reads the panel issue from %j', (extension, id) => {
    expect(contextIssueId(call({ extension }))).toBe(id);
  });

  it.each([[{}], [{ issue: null }], [{ issue: { id: '' } }], [{ issue: { id: 'INT-1' } }], [{ issue: { id: -1 } }]])('refuses the extension %j as no-issue', (extension) => {
    expect(() => contextIssueId(call({ extension }))).toThrow(UserError);
    expect(() => contextIssueId(call({ extension }))).toThrow(/without an issue/);
  });
});
