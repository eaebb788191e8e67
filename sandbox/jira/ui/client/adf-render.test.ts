import { adfNodeText, adfToRenderModel, element, isAdfDoc, safeHref, textNode, type RenderNode } from './adf-render';

const doc = (...content: unknown[]): unknown => ({ type: 'doc', version: 1, content });
const p = (...content: unknown[]): unknown => ({ type: 'paragraph', content });
const t = (text: string, ...marks: unknown[]): unknown => (marks.length === 0 ? { type: 'text', text } : { type: 'text', text, marks });

describe('adfToRenderModel', () => {
  it.each<[string, unknown, RenderNode[]]>([
    ['null', null, []],
    ['undefined', undefined, []],
    ['an empty document', doc(), []],
    ['a plain string (v2-style field)', 'hello', [element('p', [textNode('hello')])]],
    ['a paragraph', doc(p(t('Hello'))), [element('p', [textNode('Hello')])]],
    ['an empty paragraph', doc({ type: 'paragraph' }), [element('p')]],
    ['bold and italic marks, nested in order', doc(p(t('x', { type: 'strong' }, { type: 'em' }))), [element('p', [element('em', [element('strong', [textNode('x')])])])]],
    ['underline, strike, code', doc(p(t('u', { type: 'underline' }), t('s', { type: 'strike' }), t('c', { type: 'code' }))), [element('p', [element('u', [textNode('u')]), element('s', [textNode('s')]), element('code', [textNode('c')])])]],
    ['sub and sup', doc(p(t('2', { type: 'subsup', attrs: { type: 'sub' } }), t('3', { type: 'subsup', attrs: { type: 'sup' } }))), [element('p', [element('sub', [textNode('2')]), element('sup', [textNode('3')])])]],
    ['an http link', doc(p(t('site', { type: 'link', attrs: { href: 'https://example.com/a?b=1' } }))), [element('p', [element('a', [textNode('site')], { href: 'https://example.com/a?b=1' })])]],
    ['a javascript: link (blocked, text kept)', doc(p(t('bad', { type: 'link', attrs: { href: 'javascript:alert(1)' } }))), [element('p', [element('span', [textNode('bad')], { class: 'adf-link-blocked' })])]],
    ['a colour mark (dropped, text kept)', doc(p(t('red', { type: 'textColor', attrs: { color: '#ff0000' } }))), [element('p', [textNode('red')])]],
    ['headings with level clamped', doc({ type: 'heading', attrs: { level: 2 }, content: [t('H')] }, { type: 'heading', attrs: { level: 9 }, content: [t('X')] }), [element('h2', [textNode('H')]), element('h6', [textNode('X')])]],
    ['a heading without level', doc({ type: 'heading', content: [t('H')] }), [element('h1', [textNode('H')])]],
    ['a bullet list', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [p(t('a'))] }] }), [element('ul', [element('li', [element('p', [textNode('a')])])])]],
    ['an ordered list starting at 3', doc({ type: 'orderedList', attrs: { order: 3 }, content: [{ type: 'listItem', content: [p(t('c'))] }] }), [element('ol', [element('li', [element('p', [textNode('c')])])], { start: '3' })]],
    ['a code block with language', doc({ type: 'codeBlock', attrs: { language: 'js' }, content: [t('let a = "<b>";')] }), [element('pre', [element('code', [textNode('let a = "<b>";')], { class: 'language-js' })])]],
    ['a code block with a hostile language', doc({ type: 'codeBlock', attrs: { language: '"><x' }, content: [t('x')] }), [element('pre', [element('code', [textNode('x')])])]],
    ['a blockquote and a rule', doc({ type: 'blockquote', content: [p(t('q'))] }, { type: 'rule' }), [element('blockquote', [element('p', [textNode('q')])]), element('hr')]],
    ['a hard break', doc(p(t('a'), { type: 'hardBreak' }, t('b'))), [element('p', [textNode('a'), element('br'), textNode('b')])]],
    ['a mention', doc(p({ type: 'mention', attrs: { id: 'abc', text: '@Ann' } })), [element('p', [element('span', [textNode('@Ann')], { class: 'adf-mention' })])]],
    ['an emoji', doc(p({ type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } })), [element('p', [element('span', [textNode('😄')], { class: 'adf-emoji' })])]],
    ['a date', doc(p({ type: 'date', attrs: { timestamp: '1767225600000' } })), [element('p', [element('span', [textNode('2026-01-01')], { class: 'adf-date' })])]],
    ['an inline card', doc(p({ type: 'inlineCard', attrs: { url: 'https://x.test/y' } })), [element('p', [element('a', [textNode('https://x.test/y')], { href: 'https://x.test/y' })])]],
    ['an info panel', doc({ type: 'panel', attrs: { panelType: 'info' }, content: [p(t('i'))] }), [element('div', [element('p', [textNode('i')])], { class: 'adf-panel adf-panel-info' })]],
    ['a table', doc({ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableHeader', content: [p(t('h'))] }, { type: 'tableCell', content: [p(t('c'))] }] }] }),
      [element('table', [element('tbody', [element('tr', [element('th', [element('p', [textNode('h')])]), element('td', [element('p', [textNode('c')])])])])])]],
    ['an unknown block node, shown as its text', doc({ type: 'fancyWidget', content: [p(t('inside'))] }), [element('span', [textNode('inside')], { class: 'adf-unknown', 'data-adf-type': 'fancyWidget' })]],
    ['an unknown node without text, shown as its type', doc({ type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'x' } }] }), [element('span', [textNode('[mediaSingle]')], { class: 'adf-unknown', 'data-adf-type': 'mediaSingle' })]],
    ['a node without type', doc({ content: [t('loose')] }), [element('span', [textNode('loose')], { class: 'adf-unknown', 'data-adf-type': 'unknown' })]],
    ['a non-document value', { type: 'paragraph', content: [t('bare')] }, [element('p', [textNode('bare')])]],
    ['text that looks like markup stays text', doc(p(t('<img src=x onerror=alert(1)>'))), [element('p', [textNode('<img src=x onerror=alert(1)>')])]],
  ])('renders %s', (_name, input, expected) => {
    expect(adfToRenderModel(input)).toEqual(expected);
  });

  it('stops at a very deep document instead of overflowing the stack', () => {
    let node: unknown = t('deep');
    for (let i = 0; i < 5000; i++) node = { type: 'blockquote', content: [node] };
    const model = adfToRenderModel(doc(node));
    expect(model).toHaveLength(1);
    expect(JSON.stringify(model)).toContain('adf-unknown');
  });
});

describe('safeHref', () => {
  it.each<[string | undefined, string | null]>([
    ['https://a.test/x', 'https://a.test/x'],
    ['http://a.test', 'http://a.test'],
    ['MAILTO:a@b.test', 'MAILTO:a@b.test'],
    ['/browse/INT-1', '/browse/INT-1'],
    ['  https://a.test ', 'https://a.test'],
    ['javascript:alert(1)', null],
    ['JavaScript:alert(1)', null],
    ['data:text/html,<b>', null],
    ['//evil.test/x', null],
    ['relative/path', null],
    [undefined, null],
  ])('%s → %s', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });
});

describe('adfNodeText and isAdfDoc', () => {
  it('collects the text of a node and its descendants, including attrs.text', () => {
    expect(adfNodeText(p(t('a'), { type: 'mention', attrs: { text: '@b' } }, t('c')))).toBe('a@bc');
  });

  it.each<[unknown, boolean]>([
    [doc(), true],
    [{ type: 'doc' }, false],
    ['doc', false],
    [null, false],
  ])('isAdfDoc(%j) is %s', (value, expected) => {
    expect(isAdfDoc(value)).toBe(expected);
  });
});
