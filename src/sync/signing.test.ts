import { deriveConnectionSecret, signBody, verifySignature } from './signing';

describe('signing', () => {
  const secret = 's3cret';
  const sig = signBody(secret, '1700000000000', '{"a":1}');

  it.each([
    ['the right signature', secret, '1700000000000', '{"a":1}', sig, true],
    ['another body', secret, '1700000000000', '{"a":2}', sig, false],
    ['another timestamp', secret, '1700000000001', '{"a":1}', sig, false],
    ['another secret', 'other', '1700000000000', '{"a":1}', sig, false],
    ['a truncated signature', secret, '1700000000000', '{"a":1}', sig.slice(0, 10), false],
    ['a non-hex signature', secret, '1700000000000', '{"a":1}', 'z'.repeat(64), false],
    ['an empty signature', secret, '1700000000000', '{"a":1}', '', false],
  ])('%s → %s', (_name, key, ts, body, signature, ok) => {
    expect(verifySignature(key, ts, body, signature)).toBe(ok);
  });

  it('derives the same secret from the same token and nonce, another from another nonce', () => {
    expect(deriveConnectionSecret('t', 'c', 'n')).toBe(deriveConnectionSecret('t', 'c', 'n'));
    expect(deriveConnectionSecret('t', 'c', 'n')).not.toBe(deriveConnectionSecret('t', 'c', 'm'));
  });
});
