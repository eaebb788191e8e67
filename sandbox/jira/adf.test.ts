import { adfFromText, adfHtml, adfProblem, adfText } from './adf';

const para = (...content: unknown[]): unknown => ({ type: 'paragraph', content });
const text = (t: string, marks?: unknown[]): unknown => ({ type: 'text', text: t, ...(marks ? { marks } : {}) });
const doc = (...content: unknown[]): unknown => ({ type: 'doc', version: 1, content });

describe('adfProblem', () => {
  it.each([
    ['an empty document', doc()],
    ['a paragraph of text', doc(para(text('hi')))],
    ['marks, mentions, lists and headings', doc(
      { type: 'heading', attrs: { level: 2 }, content: [text('Title')] },
      para(text('bold', [{ type: 'strong' }]), { type: 'mention', attrs: { id: 'abc', text: '@Ann' } }),
      { type: 'bulletList', content: [{ type: 'listItem', content: [para(text('one'))] }] },
    )],
  ])('accepts %s', (_name, value) => {
    expect(adfProblem(value)).toBeNull();
  });

  it.each([
    ['a string', 'plain', 'expected an ADF document object'],
    ['null', null, 'expected an ADF document object'],
    ['an unknown node', doc({ type: 'paragraf', content: [] }), '/content/0/type: "paragraf" is not a node or mark type allowed here'],
    ['text at the top level', doc(text('x')), '/content/0/type: "text" is not a node or mark type allowed here'],
    ['an unknown mark', doc(para(text('a', [{ type: 'bold' }]))), '/content/0/content/0/marks/0/type: "bold"'],
    ['a wrong version', { type: 'doc', version: 2, content: [] }, '/version: 2 is not an allowed value'],
    ['no version', { type: 'doc', content: [] }, "must have required property 'version'"],
    ['empty text', doc(para(text(''))), '/content/0/content/0/text must NOT have fewer than 1 characters'],
    ['a heading level out of range', doc({ type: 'heading', attrs: { level: 9 }, content: [] }), '/content/0/attrs/level must be <= 6'],
  ])('refuses %s with a message naming the place', (_name, value, message) => {
    expect(adfProblem(value)).toContain(message);
  });
});

describe('adfText and adfHtml', () => {
  it.each([
    ['text of several paragraphs', doc(para(text('one '), text('two')), para(text('three'))), 'one two\nthree'],
    ['mentions, emoji and hard breaks', doc(para({ type: 'mention', attrs: { id: '1', text: '@Ann' } }, { type: 'hardBreak' }, { type: 'emoji', attrs: { shortName: ':smile:' } })), '@Ann\n:smile:'],
    ['an empty document', doc(), ''],
    ['not a document', 42, ''],
  ])('extracts %s', (_name, value, expected) => {
    expect(adfText(value)).toBe(expected);
  });

  it('round-trips plain text and escapes HTML', () => {
    expect(adfText(adfFromText('a < b'))).toBe('a < b');
    expect(adfHtml(adfFromText('a < b'))).toBe('<p>a &#60; b</p>');
    expect(adfProblem(adfFromText(''))).toBeNull();
  });
});
