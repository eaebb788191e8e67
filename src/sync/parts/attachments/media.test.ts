import type { AdfDoc } from '../../../model/replica';
import { keepMedia, mediaIdsOf, remapMedia } from './media';

const image = (id: string, alt = 'pic.png') => ({ type: 'mediaSingle', attrs: { layout: 'center' }, content: [{ type: 'media', attrs: { type: 'file', id, collection: 'jira-1', alt } }] });
const para = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
const doc = (...content: unknown[]): AdfDoc => ({ type: 'doc', version: 1, content });

describe('media nodes in ADF', () => {
  it.each([
    ['no document', null, []],
    ['text only', doc(para('a')), []],
    ['a block image', doc(para('a'), image('m1')), ['m1']],
    ['a group and an inline chip, repeats once', doc({ type: 'mediaGroup', content: [{ type: 'media', attrs: { type: 'file', id: 'm2', collection: '' } }, { type: 'media', attrs: { type: 'file', id: 'm1', collection: '' } }] }, { type: 'paragraph', content: [{ type: 'mediaInline', attrs: { id: 'm1', collection: '' } }] }), ['m2', 'm1']],
    ['a link media is no file', doc({ type: 'mediaSingle', content: [{ type: 'media', attrs: { type: 'link', id: 'l1', collection: '' } }] }), []],
    ['nested in a table cell', doc({ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [image('m9')] }] }] }), ['m9']],
  ])('%s', (_name, input, ids) => {
    expect(mediaIdsOf(input)).toEqual(ids);
  });

  it('remaps the ids it knows, leaves others and the input unchanged', () => {
    const input = doc(image('m1'), image('other'), para('x'));
    const out = remapMedia(input, new Map([['m1', 'local-1']]));
    expect(mediaIdsOf(out)).toEqual(['local-1', 'other']);
    expect(mediaIdsOf(input)).toEqual(['m1', 'other']);
    // the collection of the other site's file means nothing here
    expect(JSON.stringify(out)).toContain('"collection":""');
  });

  it('keeps own images a new description lost, and only those', () => {
    const current = doc(para('mine'), image('own'), image('theirs-copy'));
    const next = doc(para('from there'));
    const kept = keepMedia(current, next, new Set(['own']));
    expect(mediaIdsOf(kept)).toEqual(['own']);
    expect(kept?.content[0]).toEqual(para('from there'));
    // already there: not twice
    expect(mediaIdsOf(keepMedia(current, doc(image('own')), new Set(['own'])))).toEqual(['own']);
    // a description cleared there keeps the image
    expect(mediaIdsOf(keepMedia(current, null, new Set(['own'])))).toEqual(['own']);
    expect(keepMedia(current, next, new Set())).toBe(next);
  });
});
