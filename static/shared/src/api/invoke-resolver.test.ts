import * as z from 'zod/mini';
import { fakeBridge } from '../testing/fake-invoke';
import { invokeResolver } from './invoke-resolver';
import { ResolverError } from './resolver-error';

const schema = z.object({ n: z.number() });

describe('invokeResolver', () => {
  it('returns the parsed answer', async () => {
    const bridge = fakeBridge({ f: () => ({ n: 1 }) });
    await expect(invokeResolver(bridge.invoke, 'f', { a: 1 }, schema)).resolves.toEqual({ n: 1 });
    expect(bridge.calls).toEqual([{ functionKey: 'f', payload: { a: 1 } }]);
  });

  it.each([
    ['a thrown error, without the Forge prefix', () => { throw new Error('There was an error invoking the function - Code expired'); }, 'Code expired', 'INVOKE_FAILED'],
    ['a failure answer', () => ({ error: { code: 'expired', message: 'The invitation expired.' } }), 'The invitation expired.', 'expired'],
    ['a failure answer naming its field', () => ({ error: { code: 'invalid-payload', message: 'a: expected number', field: 'a' } }), 'a: expected number', 'invalid-payload'],
    ['an {error} answer that is no failure answer (no code)', () => ({ error: { message: 'No.' } }), 'The app answered f in an unexpected shape at n: Invalid input (expected number).', 'BAD_REPLY'],
    ['an answer of the wrong shape', () => ({ n: 'one' }), 'The app answered f in an unexpected shape at n: Invalid input (expected number).', 'BAD_REPLY'],
    ['a thrown error with no message', () => { throw new Error(''); }, 'The request failed without a message.', 'INVOKE_FAILED'],
  ])('turns %s into a ResolverError', async (_name, handler, message, code) => {
    const bridge = fakeBridge({ f: handler });
    const failure = await invokeResolver(bridge.invoke, 'f', {}, schema).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResolverError);
    expect(failure).toMatchObject({ message, code });
  });
});
