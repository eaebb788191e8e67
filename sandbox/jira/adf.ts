import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  if (validator) return validator;
  // The shipped schema declares draft-04; its keywords are all ones Ajv's default draft understands.
  const file = require.resolve('@atlaskit/adf-schema/dist/json-schema/v1/full.json');
  const { $schema: _ignored, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: false });
  validator = ajv.compile(schema);
  return validator;
}

/** the value at a JSON pointer such as `/content/0/type` */
function at(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = Object.entries(node).find(([k]) => k === part)?.[1];
  }
  return node;
}

function describe(doc: unknown, errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'the document does not match the ADF schema';
  // the deepest failing location is the most useful to a caller
  const deepest = errors.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  const where = deepest.instancePath || '/';
  if (deepest.keyword === 'enum') {
    const value = at(doc, deepest.instancePath);
    const what = deepest.instancePath.endsWith('/type') ? 'is not a node or mark type allowed here' : 'is not an allowed value';
    return `${where}: ${JSON.stringify(value)} ${what}`;
  }
  return `${where} ${deepest.message ?? 'is invalid'}`;
}

/** Validates an Atlassian Document Format document; returns null when valid, else a message. */
export function adfProblem(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'expected an ADF document object ({"type":"doc","version":1,"content":[...]})';
  const validate = compile();
  if (validate(doc)) return null;
  return describe(doc, validate.errors);
}

const BLOCKS = new Set(['paragraph', 'heading', 'blockquote', 'codeBlock', 'listItem', 'tableCell', 'tableHeader', 'panel', 'rule', 'mediaSingle', 'decisionItem', 'taskItem', 'expand', 'nestedExpand']);

/** Plain text of an ADF document (text, mentions, emoji, dates, cards), blocks separated by newlines. */
export function adfText(doc: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const n: { type?: unknown; text?: unknown; attrs?: unknown; content?: unknown } = node;
    if (n.type === 'text' && typeof n.text === 'string') parts.push(n.text);
    else if (n.type === 'hardBreak') parts.push('\n');
    else if (typeof n.attrs === 'object' && n.attrs !== null) {
      const attrs: { text?: unknown; shortName?: unknown; url?: unknown } = n.attrs;
      if ((n.type === 'mention' || n.type === 'status') && typeof attrs.text === 'string') parts.push(attrs.text);
      else if (n.type === 'emoji' && typeof attrs.shortName === 'string') parts.push(attrs.shortName);
      else if (n.type === 'inlineCard' && typeof attrs.url === 'string') parts.push(attrs.url);
    }
    if (Array.isArray(n.content)) n.content.forEach(walk);
    if (typeof n.type === 'string' && BLOCKS.has(n.type)) parts.push('\n');
  };
  walk(doc);
  return parts.join('').replace(/\n{2,}/g, '\n').trim();
}

/** A one-paragraph ADF document holding `text` (for places that accept plain text). */
export function adfFromText(text: string): unknown {
  return { type: 'doc', version: 1, content: text === '' ? [] : [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A simple HTML rendering (paragraph per line) for `expand=renderedFields`. */
export function adfHtml(doc: unknown): string {
  return adfText(doc).split('\n').filter((l) => l !== '').map((l) => `<p>${escapeHtml(l)}</p>`).join('');
}
