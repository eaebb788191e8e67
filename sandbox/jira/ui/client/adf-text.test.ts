import fc from 'fast-check';
import { adfToPlainText, isPlainTextAdf, textToAdf } from './adf-text';

const para = (...content: unknown[]): unknown => ({ type: 'paragraph', content });
const text = (t: string): unknown => ({ type: 'text', text: t });
const br = { type: 'hardBreak' };

describe('textToAdf', () => {
  it.each<[string, string, unknown]>([
    ['empty text', '', null],
    ['only whitespace', ' \n\t\n ', null],
    ['one line', 'Hello', { type: 'doc', version: 1, content: [para(text('Hello'))] }],
    ['two paragraphs', 'One\n\nTwo', { type: 'doc', version: 1, content: [para(text('One')), para(text('Two'))] }],
    ['a single newline as hard break', 'a\nb', { type: 'doc', version: 1, content: [para(text('a'), br, text('b'))] }],
    ['Windows newlines', 'a\r\nb\r\n\r\nc', { type: 'doc', version: 1, content: [para(text('a'), br, text('b')), para(text('c'))] }],
    ['several blank lines with spaces', 'a\n  \n\n \nb', { type: 'doc', version: 1, content: [para(text('a')), para(text('b'))] }],
    ['leading and trailing blank lines', '\n\nx\n\n', { type: 'doc', version: 1, content: [para(text('x'))] }],
    ['inner spaces kept', '  indented  ', { type: 'doc', version: 1, content: [para(text('  indented  '))] }],
    ['markup-like text kept as text', '<b>x</b>', { type: 'doc', version: 1, content: [para(text('<b>x</b>'))] }],
  ])('converts %s', (_name, input, expected) => {
    expect(textToAdf(input)).toEqual(expected);
  });

  it('never produces an empty text node (ADF forbids them)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', '\t', 'é') }), (s) => {
        const adf = textToAdf(s);
        if (adf === null) return;
        for (const p of adf.content) for (const n of p.content) if (n.type === 'text') expect(n.text).not.toBe('');
      }),
    );
  });

  it('is stable through plain text: textToAdf(adfToPlainText(textToAdf(s))) equals textToAdf(s)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\t', '<', '&') }), (s) => {
        const once = textToAdf(s);
        expect(textToAdf(adfToPlainText(once))).toEqual(once);
      }),
    );
  });
});

describe('adfToPlainText', () => {
  const doc = (...content: unknown[]): unknown => ({ type: 'doc', version: 1, content });
  it.each<[string, unknown, string]>([
    ['null', null, ''],
    ['a string', 'as is', 'as is'],
    ['paragraphs', doc(para(text('a')), para(text('b'))), 'a\n\nb'],
    ['hard breaks', doc(para(text('a'), br, text('b'))), 'a\nb'],
    ['a heading and a rule', doc({ type: 'heading', attrs: { level: 1 }, content: [text('T')] }, { type: 'rule' }), 'T\n\n---'],
    ['a bullet list', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [para(text('x'))] }, { type: 'listItem', content: [para(text('y'))] }] }), '- x\n- y'],
    ['an ordered list from 2', doc({ type: 'orderedList', attrs: { order: 2 }, content: [{ type: 'listItem', content: [para(text('x'))] }, { type: 'listItem', content: [para(text('y'))] }] }), '2. x\n3. y'],
    ['a nested list', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [para(text('x')), { type: 'bulletList', content: [{ type: 'listItem', content: [para(text('y'))] }] }] }] }), '- x\n  - y'],
    ['a code block', doc({ type: 'codeBlock', content: [text('a\nb')] }), 'a\nb'],
    ['a mention and an emoji', doc(para({ type: 'mention', attrs: { text: '@Ann' } }, text(' '), { type: 'emoji', attrs: { shortName: ':x:' } })), '@Ann :x:'],
    ['an unknown block with text', doc({ type: 'widget', content: [para(text('w'))] }), 'w'],
  ])('gives %s', (_name, input, expected) => {
    expect(adfToPlainText(input)).toBe(expected);
  });
});

describe('isPlainTextAdf', () => {
  const doc = (...content: unknown[]): unknown => ({ type: 'doc', version: 1, content });
  it.each<[string, unknown, boolean]>([
    ['no description', null, true],
    ['plain paragraphs and breaks', doc(para(text('a'), br, text('b')), para()), true],
    ['a marked text', doc(para({ type: 'text', text: 'b', marks: [{ type: 'strong' }] })), false],
    ['a list', doc({ type: 'bulletList', content: [] }), false],
    ['a mention', doc(para({ type: 'mention', attrs: { text: '@a' } })), false],
    ['not a document', 'text', false],
  ])('%s → %s', (_name, input, expected) => {
    expect(isPlainTextAdf(input)).toBe(expected);
  });
});
