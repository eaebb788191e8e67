import { isMultipartFormData, MultipartError, multipartBoundary, parseMultipart } from './multipart';

const part = (headers: string, data: string | Buffer): Buffer => Buffer.concat([Buffer.from(`--B\r\n${headers}\r\n\r\n`), Buffer.from(data), Buffer.from('\r\n')]);
const body = (...parts: Buffer[]): Buffer => Buffer.concat([...parts, Buffer.from('--B--\r\n')]);

describe('multipartBoundary', () => {
  it.each([
    ['multipart/form-data; boundary=abc', 'abc'],
    ['Multipart/Form-Data; charset=utf-8; BOUNDARY="a b;c"', 'a b;c'],
    ['multipart/form-data', null],
    ['multipart/mixed; boundary=abc', null],
    ['application/json', null],
    [`multipart/form-data; boundary=${'x'.repeat(71)}`, null],
  ])('%s → %s', (header, expected) => {
    expect(multipartBoundary(header)).toBe(expected);
  });

  it('tells multipart/form-data from other types', () => {
    expect([isMultipartFormData('multipart/form-data; boundary=x'), isMultipartFormData('text/plain'), isMultipartFormData(undefined)]).toEqual([true, false, false]);
  });
});

describe('parseMultipart', () => {
  it.each([
    ['a plain file', body(part('Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain', 'abc')), [{ name: 'file', filename: 'a.txt', contentType: 'text/plain', data: 'abc' }]],
    ['empty data', body(part('Content-Disposition: form-data; name="file"; filename="e"', '')), [{ name: 'file', filename: 'e', contentType: null, data: '' }]],
    ['filename* over filename', body(part('Content-Disposition: form-data; name="file"; filename="fallback"; filename*=UTF-8\'\'na%C3%AFve.txt', 'x')), [{ name: 'file', filename: 'naïve.txt', contentType: null, data: 'x' }]],
    ['a quoted name with a semicolon and an escaped quote', body(part('Content-Disposition: form-data; name="file"; filename="a;b\\"c.txt"', 'x')), [{ name: 'file', filename: 'a;b"c.txt', contentType: null, data: 'x' }]],
    ['a UTF-8 file name', body(part('Content-Disposition: form-data; name="file"; filename="résumé.pdf"', 'x')), [{ name: 'file', filename: 'résumé.pdf', contentType: null, data: 'x' }]],
    ['a field without a file name', body(part('Content-Disposition: form-data; name="note"', 'hi')), [{ name: 'note', filename: null, contentType: null, data: 'hi' }]],
    ['a preamble and transport padding', Buffer.concat([Buffer.from('ignored\r\n'), Buffer.from('--B  \r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--B--')]), [{ name: 'f', filename: null, contentType: null, data: 'v' }]],
    ['no parts', Buffer.from('--B--\r\n'), []],
  ])('reads %s', (_name, raw, expected) => {
    expect(parseMultipart(raw, 'B').map((p) => ({ ...p, data: p.data.toString('utf8') }))).toEqual(expected);
  });

  it('keeps binary data exactly, CRLFs and dashes included', () => {
    const data = Buffer.from([0, 13, 10, 45, 45, 67, 255, 13, 10, 45]); // "\r\n--C": not this body's delimiter
    const [p] = parseMultipart(body(part('Content-Disposition: form-data; name="file"; filename="b"', data)), 'B');
    expect(p?.data.equals(data)).toBe(true);
  });

  it.each([
    ['no delimiter at all', Buffer.from('nothing here')],
    ['no closing delimiter', Buffer.from('--B\r\nContent-Disposition: form-data; name="f"\r\n\r\nv')],
    ['headers that never end', Buffer.from('--B\r\nContent-Disposition: form-data; name="f"')],
    ['no Content-Disposition', body(part('Content-Type: text/plain', 'x'))],
    ['a disposition other than form-data', body(part('Content-Disposition: attachment; name="f"', 'x'))],
    ['a disposition without a name', body(part('Content-Disposition: form-data; filename="x"', 'x'))],
    ['a malformed header line', body(part('Content-Disposition: form-data; name="f"\r\nbroken', 'x'))],
    ['a delimiter followed by junk', Buffer.from('--Bjunk\r\n')],
  ])('refuses %s', (_name, raw) => {
    expect(() => parseMultipart(raw, 'B')).toThrow(MultipartError);
  });
});
