import { toResolverCall } from './forge-resolver';

describe('toResolverCall', () => {
  it('keeps the context fields the handlers use and the payload', () => {
    expect(toResolverCall({ payload: { a: 1 }, context: { accountId: 'acc', cloudId: 'cloud', extension: { issue: { id: '1' } }, localId: 'x' } })).toEqual({
      payload: { a: 1 }, context: { accountId: 'acc', cloudId: 'cloud', extension: { issue: { id: '1' } } },
    });
  });

  it('turns absent fields into null and an absent payload into {}', () => {
    expect(toResolverCall({ payload: undefined, context: undefined })).toEqual({ payload: {}, context: { accountId: null, cloudId: null, extension: {} } });
  });

  it.each([
    [{ accountId: 42 }, /context\.accountId/],
    [{ cloudId: '' }, /context\.cloudId/],
    [{ extension: 'panel' }, /context\.extension/],
    ['not an object', /context/],
  ])('answers invalid-context for %j', (context, message) => {
    expect(toResolverCall({ payload: {}, context })).toEqual({ error: { code: 'invalid-context', message: expect.stringMatching(message) } });
  });
});
