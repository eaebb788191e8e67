import { compileTextQuery } from './text-query';
import { JqlError } from './types';

describe('compileTextQuery', () => {
  it.each<[string, readonly string[], boolean]>([
    // words: case-insensitive, whole words only
    ['login', ['Login fails'], true],
    ['log', ['Login fails'], false],
    ['LOGIN', ['user login'], true],
    // light plural stemming both ways
    ['invoice', ['Invoices are wrong'], true],
    ['invoices', ['One invoice'], true],
    ['query', ['Search queries'], true],
    ['queries', ['A query'], true],
    ['class', ['Two classes'], true],
    ['status', ['Status page'], true],
    ['customer', ["The customer's order"], true],
    // all terms must match (AND), possibly in different texts
    ['full screen', ['Full screen mode'], true],
    ['full screen', ['screen is full'], true],
    ['full screen', ['full', 'screen'], true],
    ['full screen', ['full only'], false],
    // phrases must match within one text, in order
    ['"full screen"', ['Full screen mode'], true],
    ['"full screen"', ['screen is full'], false],
    ['"full screen"', ['full', 'screen'], false],
    ['"https://atlassian.com"', ['see https://atlassian.com now'], true],
    // wildcards
    ['win*', ['Windows hangs'], true],
    ['win*', ['Win95'], true],
    ['wi?dows', ['Windows'], true],
    ['wi?dows', ['Wiindows'], false],
    // OR, AND, NOT, exclusion
    ['login OR crash', ['App crash'], true],
    ['login || crash', ['nothing'], false],
    ['login AND crash', ['login crash'], true],
    ['login && crash', ['login'], false],
    ['+login crash', ['login crash'], true],
    ['screen -mode', ['screen is full'], true],
    ['screen -mode', ['Full screen mode'], false],
    ['screen NOT mode', ['Full screen mode'], false],
    ['screen -"screen mode"', ['Full screen mode'], false],
    // stop words are ignored; a query of stop words only matches nothing
    ['the screen', ['Screen'], true],
    ['the', ['the end'], false],
    ['-screen', ['anything'], false],
    // words are split on punctuation: CLOUD-1 is the adjacent words cloud, 1
    ['CLOUD-1', ['Twin of cloud-1'], true],
    ['CLOUD-1', ['cloud 12'], false],
    ['42', ['build 42'], true],
    // unicode letters
    ['größe', ['Die Größe stimmt'], true],
    ['', ['anything'], false],
    // wildcard phrases match word by word
    ['"full scr*"', ['Full screen mode'], true],
    ['"full scr*"', ['screen full'], false],
    ['"the scr?en"', ['on the screen'], true],
    ['fu*l*', ['fulfil'], true],
    ['f*x', ['fix the bug'], true],
    ['f*x', ['fixes'], false],
  ])('%s in %j → %s', (query, texts, expected) => {
    expect(compileTextQuery(query, 'summary')(texts)).toBe(expected);
  });

  it('answers an adversarial wildcard query on a long word (glob matching, no regex backtracking)', () => {
    // the glob matcher is O(word × pattern); a backtracking regex would need exponential steps here
    const match = compileTextQuery('a*a*a*a*a*a*a*a*a*a*a*a*b', 'summary');
    expect(match(['a'.repeat(5000)])).toBe(false);
    expect(match([`${'a'.repeat(50)}b`])).toBe(true);
  });

  it.each<[string, JqlError['kind']]>([
    ['*ash', 'invalid-value'],
    ['?ash', 'invalid-value'],
    ['(a OR b) c', 'unsupported'],
    ['roam~', 'unsupported'],
    ['jakarta^4', 'unsupported'],
    ['title:foo', 'unsupported'],
  ])('rejects %s (%s)', (query, kind) => {
    expect(() => compileTextQuery(query, 'summary')).toThrow(JqlError);
    try {
      compileTextQuery(query, 'summary');
    } catch (e) {
      expect(e instanceof JqlError && e.kind).toBe(kind);
    }
  });
});
