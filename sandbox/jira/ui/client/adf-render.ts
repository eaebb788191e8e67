import { arr, isRecord, num, rec, str } from './guards';

/**
 * Atlassian Document Format → a render model: a small tree of allow-listed tags, attribute names
 * and text. The DOM is built from it with `createElement`/`textContent` only (see `dom.ts`), so no
 * document content can become markup. Unknown nodes are kept visible as their text.
 */

export type RenderTag =
  | 'p' | 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6'
  | 'ul' | 'ol' | 'li' | 'pre' | 'code' | 'blockquote' | 'hr' | 'br'
  | 'strong' | 'em' | 'u' | 's' | 'sub' | 'sup' | 'a' | 'span' | 'div'
  | 'table' | 'tbody' | 'tr' | 'th' | 'td';

export interface RenderAttrs {
  href?: string;
  class?: string;
  start?: string;
  'data-adf-type'?: string;
}

export type RenderNode =
  | { kind: 'text'; text: string }
  | { kind: 'element'; tag: RenderTag; attrs: RenderAttrs; children: RenderNode[] };

const MAX_DEPTH = 64;

export function textNode(text: string): RenderNode {
  return { kind: 'text', text };
}

export function element(tag: RenderTag, children: RenderNode[] = [], attrs: RenderAttrs = {}): RenderNode {
  return { kind: 'element', tag, attrs, children };
}

/** An href the page may link to: http(s), mailto, or a same-origin path; otherwise null. */
export function safeHref(href: string | undefined): string | null {
  if (href === undefined) return null;
  const trimmed = href.trim();
  if (trimmed.startsWith('/') && !trimmed.startsWith('//')) return trimmed;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  return scheme === 'http' || scheme === 'https' || scheme === 'mailto' ? trimmed : null;
}

/** All text inside an ADF node (used to show unknown nodes). */
export function adfNodeText(node: unknown, depth = 0): string {
  if (!isRecord(node) || depth > MAX_DEPTH) return '';
  const own = str(node, 'text') ?? str(rec(node, 'attrs'), 'text') ?? '';
  return own + arr(node, 'content').map((child) => adfNodeText(child, depth + 1)).join('');
}

function wrapMarks(text: string, marks: unknown[]): RenderNode {
  let node: RenderNode = textNode(text);
  for (const mark of marks) {
    const type = str(mark, 'type');
    const attrs = rec(mark, 'attrs');
    switch (type) {
      case 'strong': node = element('strong', [node]); break;
      case 'em': node = element('em', [node]); break;
      case 'underline': node = element('u', [node]); break;
      case 'strike': node = element('s', [node]); break;
      case 'code': node = element('code', [node]); break;
      case 'subsup': node = element(str(attrs, 'type') === 'sup' ? 'sup' : 'sub', [node]); break;
      case 'link': {
        const href = safeHref(str(attrs, 'href'));
        node = href === null ? element('span', [node], { class: 'adf-link-blocked' }) : element('a', [node], { href });
        break;
      }
      default: break; // textColor, backgroundColor, annotations…: content stays, decoration is dropped
    }
  }
  return node;
}

function unknownNode(type: string, node: unknown): RenderNode {
  const text = adfNodeText(node);
  return element('span', [textNode(text === '' ? `[${type}]` : text)], { class: 'adf-unknown', 'data-adf-type': type });
}

function formatAdfDate(timestamp: string | undefined): string {
  const ms = Number(timestamp);
  if (timestamp === undefined || !Number.isFinite(ms)) return '[date]';
  return new Date(ms).toISOString().slice(0, 10);
}

function renderChildren(node: unknown, depth: number): RenderNode[] {
  return arr(node, 'content').map((child) => renderNode(child, depth + 1));
}

function renderNode(node: unknown, depth: number): RenderNode {
  const type = str(node, 'type') ?? 'unknown';
  if (depth > MAX_DEPTH) return unknownNode(type, node);
  const attrs = rec(node, 'attrs');
  const children = (): RenderNode[] => renderChildren(node, depth);
  switch (type) {
    case 'paragraph': return element('p', children());
    case 'heading': {
      const level = Math.min(6, Math.max(1, Math.trunc(num(attrs, 'level') ?? 1)));
      const tags = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;
      return element(tags[level - 1] ?? 'h1', children());
    }
    case 'text': return wrapMarks(str(node, 'text') ?? '', arr(node, 'marks'));
    case 'hardBreak': return element('br');
    case 'rule': return element('hr');
    case 'bulletList': return element('ul', children());
    case 'orderedList': {
      const order = num(attrs, 'order');
      return element('ol', children(), order !== undefined && order !== 1 ? { start: String(Math.trunc(order)) } : {});
    }
    case 'listItem': return element('li', children());
    case 'blockquote': return element('blockquote', children());
    case 'codeBlock': {
      const language = str(attrs, 'language');
      const codeAttrs: RenderAttrs = language !== undefined && /^[a-zA-Z0-9+#-]{1,32}$/.test(language) ? { class: `language-${language}` } : {};
      return element('pre', [element('code', [textNode(adfNodeText(node))], codeAttrs)]);
    }
    case 'panel': {
      const panelType = str(attrs, 'panelType');
      const cls = panelType !== undefined && /^[a-z]{1,16}$/.test(panelType) ? `adf-panel adf-panel-${panelType}` : 'adf-panel';
      return element('div', children(), { class: cls });
    }
    case 'expand':
    case 'nestedExpand': {
      const title = str(attrs, 'title');
      const head = title === undefined ? [] : [element('strong', [textNode(title)])];
      return element('div', [...head, ...children()], { class: 'adf-expand' });
    }
    case 'mention': return element('span', [textNode(str(attrs, 'text') ?? `@${str(attrs, 'id') ?? 'unknown'}`)], { class: 'adf-mention' });
    case 'emoji': return element('span', [textNode(str(attrs, 'text') ?? str(attrs, 'shortName') ?? '')], { class: 'adf-emoji' });
    case 'status': return element('span', [textNode(str(attrs, 'text') ?? '')], { class: 'adf-status' });
    case 'date': return element('span', [textNode(formatAdfDate(str(attrs, 'timestamp')))], { class: 'adf-date' });
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard': {
      const url = str(attrs, 'url');
      const href = safeHref(url);
      return href === null ? unknownNode(type, node) : element('a', [textNode(url ?? href)], { href });
    }
    case 'table': return element('table', [element('tbody', children())]);
    case 'tableRow': return element('tr', children());
    case 'tableHeader': return element('th', children());
    case 'tableCell': return element('td', children());
    default: return unknownNode(type, node);
  }
}

/**
 * Renders an ADF document (or a plain string, as some fields carry) into the render model.
 * null/undefined yield an empty list; anything that is not a document is shown as unknown.
 */
export function adfToRenderModel(doc: unknown): RenderNode[] {
  if (doc === null || doc === undefined) return [];
  if (typeof doc === 'string') return doc === '' ? [] : [element('p', [textNode(doc)])];
  if (str(doc, 'type') !== 'doc') return [renderNode(doc, 0)];
  return renderChildren(doc, 0);
}

/** True when the document is an ADF doc (`{type: 'doc', ...}`). */
export function isAdfDoc(value: unknown): boolean {
  return str(value, 'type') === 'doc' && Array.isArray(isRecord(value) ? value['content'] : undefined);
}
