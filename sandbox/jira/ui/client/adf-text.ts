import { arr, isRecord, num, rec, str } from './guards';

/** Plain text ↔ Atlassian Document Format, for the UI's plain-text editors. */

export type AdfInline = { type: 'text'; text: string } | { type: 'hardBreak' };
export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfParagraph[];
}

/**
 * Converts plain text to an ADF document: blank lines separate paragraphs, single newlines become
 * hard breaks, other whitespace is kept. Text with no visible character yields null (no document).
 */
export function textToAdf(text: string): AdfDoc | null {
  const normalized = text.replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return null;
  const paragraphs = normalized
    .split(/\n[ \t]*(?:\n[ \t]*)*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p): AdfParagraph => {
      const content: AdfInline[] = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line !== '') content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    });
  return { type: 'doc', version: 1, content: paragraphs };
}

const MAX_DEPTH = 64;

function inlineText(node: unknown, depth: number): string {
  if (depth > MAX_DEPTH) return '';
  const type = str(node, 'type');
  const attrs = rec(node, 'attrs');
  switch (type) {
    case 'text': return str(node, 'text') ?? '';
    case 'hardBreak': return '\n';
    case 'mention': return str(attrs, 'text') ?? `@${str(attrs, 'id') ?? ''}`;
    case 'emoji': return str(attrs, 'text') ?? str(attrs, 'shortName') ?? '';
    case 'status': return str(attrs, 'text') ?? '';
    case 'inlineCard': return str(attrs, 'url') ?? '';
    case 'date': {
      const ms = Number(str(attrs, 'timestamp'));
      return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
    }
    default: return arr(node, 'content').map((c) => inlineText(c, depth + 1)).join('');
  }
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => (line === '' ? line : prefix + line)).join('\n');
}

function blockText(node: unknown, depth: number): string {
  if (depth > MAX_DEPTH) return '';
  const type = str(node, 'type');
  const children = arr(node, 'content');
  const blocks = (): string => children.map((c) => blockText(c, depth + 1)).filter((t) => t !== '').join('\n\n');
  switch (type) {
    case 'paragraph':
    case 'heading':
      return children.map((c) => inlineText(c, depth + 1)).join('');
    case 'codeBlock':
      return children.map((c) => inlineText(c, depth + 1)).join('');
    case 'rule':
      return '---';
    case 'bulletList':
    case 'orderedList': {
      const start = Math.trunc(num(rec(node, 'attrs'), 'order') ?? 1);
      return children
        .map((item, i) => {
          const marker = type === 'bulletList' ? '- ' : `${start + i}. `;
          const body = arr(item, 'content').map((c) => blockText(c, depth + 2)).filter((t) => t !== '').join('\n');
          return marker + indent(body, ' '.repeat(marker.length)).slice(marker.length);
        })
        .join('\n');
    }
    case 'text':
    case 'hardBreak':
    case 'mention':
    case 'emoji':
    case 'status':
    case 'inlineCard':
    case 'date':
      return inlineText(node, depth);
    default:
      return blocks();
  }
}

/** Plain text of an ADF document: blocks separated by blank lines, hard breaks as newlines. */
export function adfToPlainText(doc: unknown): string {
  if (doc === null || doc === undefined) return '';
  if (typeof doc === 'string') return doc;
  if (!isRecord(doc)) return '';
  if (str(doc, 'type') !== 'doc') return blockText(doc, 0);
  return arr(doc, 'content').map((c) => blockText(c, 1)).filter((t) => t !== '').join('\n\n');
}

/**
 * True when the document holds only what the plain-text editor can represent (paragraphs of
 * unmarked text and hard breaks), i.e. editing it as text loses nothing.
 */
export function isPlainTextAdf(doc: unknown): boolean {
  if (doc === null || doc === undefined) return true;
  if (str(doc, 'type') !== 'doc') return false;
  return arr(doc, 'content').every(
    (block) =>
      str(block, 'type') === 'paragraph' &&
      arr(block, 'content').every((inline) => {
        const type = str(inline, 'type');
        return type === 'hardBreak' || (type === 'text' && arr(inline, 'marks').length === 0);
      }),
  );
}
