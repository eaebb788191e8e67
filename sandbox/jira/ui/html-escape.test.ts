import { escapeHtml, jsonForScript, safeUrl } from './html-escape';

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    ['<script>', '&lt;script&gt;'],
    [`a & "b" 'c'`, 'a &amp; &quot;b&quot; &#39;c&#39;'],
    ['&amp;', '&amp;amp;'],
  ])('%s → %s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('jsonForScript', () => {
  it.each<[unknown]>([['</script><script>alert(1)</script>'], [{ a: '<!-- x -->', b: 'a&b', c: '\u2028\u2029' }], [null]])('round-trips %j without markup characters', (value) => {
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });
});

describe('safeUrl', () => {
  it.each<[string, string | null]>([
    ['/_sandbox/ui/admin/index.html?a=1', '/_sandbox/ui/admin/index.html?a=1'],
    ['http://127.0.0.1:7300/x', 'http://127.0.0.1:7300/x'],
    ['https://a.test', 'https://a.test/'],
    ['javascript:alert(1)', null],
    ['data:text/html,x', null],
    ['//evil.test/', null],
    ['not a url', null],
  ])('%s → %s', (input, expected) => {
    expect(safeUrl(input)).toBe(expected);
  });
});
