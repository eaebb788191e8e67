import { deriveConnectionSecret, directionKey, signBody, verifySignature, verifySignedAt } from './signing';

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

describe('direction keys and the receiver\'s check', () => {
  const now = 1_700_000_000_000;
  const skew = 5 * 60_000;
  const aToB = directionKey('s3cret', 'cloud-a', 'cloud-b');
  const body = '{"a":1}';
  it.each<[string, string, string, boolean]>([
    ['signed a → b, checked as a → b', aToB, String(now), true],
    ['signed b → a (a reflection), checked as a → b', directionKey('s3cret', 'cloud-b', 'cloud-a'), String(now), false],
    ['signed with the connection secret itself', 's3cret', String(now), false],
    ['4 min 59 s old', aToB, String(now - skew + 1000), true],
    ['5 min 1 s old', aToB, String(now - skew - 1000), false],
    ['5 min 1 s ahead', aToB, String(now + skew + 1000), false],
    ['a timestamp that is not digits', aToB, '1e12', false],
  ])('%s → %s', (_name, signingKey, timestamp, ok) => {
    expect(verifySignedAt(aToB, timestamp, body, signBody(signingKey, timestamp, body), now, skew)).toBe(ok);
  });
});
