import { JqlError } from './types';

/**
 * Jira's text search (the right-hand side of `~`), applied to the texts of one field.
 *
 * Supported, as in Jira's "Search syntax for text fields": terms (case-insensitive whole words, light
 * English plural stemming: `bug` finds `bugs`), terms joined by AND unless `OR`/`||` separates them,
 * `"exact phrases"` (inside a JQL string: `summary ~ "\"full screen\""`), trailing or inner wildcards
 * `win*` / `te?t`, exclusion with `-term` or `NOT term`, `AND`/`&&`/`+term` as no-ops.
 * English stop words (`the`, `a`, ...) are ignored as terms. Terms may match in different texts
 * (e.g. different comments); a phrase must match within one text.
 * Not supported (answers 'unsupported'): grouping with parentheses, fuzzy `~`, field-qualified `f:x`.
 */
export type TextMatcher = (texts: readonly string[]) => boolean;

const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

const WORD = '[\\p{L}\\p{N}]';
const BEFORE = `(?<!${WORD})`;
const AFTER = `(?!${WORD})`;

interface Term {
  test: TextMatcher;
  negated: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hasWildcard(word: string): boolean {
  return word.includes('*') || word.includes('?');
}

/** `?` anywhere and one trailing `*` keep a regular expression linear; other `*` placements do not. */
function regexSafe(word: string): boolean {
  const star = word.indexOf('*');
  return star === -1 || star === word.length - 1;
}

/** A regular-expression fragment for one query word: wildcards as word characters, else plural forms. */
function wordFragment(word: string): string {
  if (!hasWildcard(word)) return wordPattern(word);
  return [...word.toLowerCase()].map((c) => (c === '*' ? `${WORD}*` : c === '?' ? WORD : escapeRegExp(c))).join('');
}

/** A regular-expression fragment matching one (wildcard-free) query word and its plural forms. */
function wordPattern(word: string): string {
  const w = word.toLowerCase();
  let base = w;
  if (w.length > 4 && w.endsWith('ies')) base = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && /(?:s|x|z|ch|sh)es$/.test(w)) base = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) base = w.slice(0, -1);
  if (base.length > 2 && /[^aeiou]y$/.test(base)) return `${escapeRegExp(base.slice(0, -1))}(?:y|ies)(?:'s)?`;
  if (/(?:s|x|z|ch|sh)$/.test(base)) return `${escapeRegExp(base)}(?:es)?(?:'s)?`;
  return `${escapeRegExp(base)}s?(?:'s)?`;
}

/**
 * Glob match of one lower-cased word: `*` any run, `?` one character. Greedy with a single
 * backtrack point, so at worst proportional to word length × pattern length (no regex backtracking).
 */
function globMatch(pattern: string, word: string): boolean {
  let p = 0;
  let w = 0;
  let star = -1;
  let mark = 0;
  while (w < word.length) {
    const pc = pattern[p];
    if (pc !== undefined && pc !== '*' && (pc === '?' || pc === word[w])) {
      p++;
      w++;
    } else if (pc === '*') {
      star = p++;
      mark = w;
    } else if (star !== -1) {
      p = star + 1;
      w = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Splits query text into words (letters, digits, wildcards). */
function wordsOf(text: string): string[] {
  return text.split(/[^\p{L}\p{N}*?]+/u).filter((w) => w.length > 0);
}

/** The lower-cased words of a text, for wildcard terms. */
function textWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A term (one word, or the words of a phrase in order). Usually one linear regular expression
 * (`win*`, `te?t` included); a `*` inside a word splits the text into words and glob-matches each,
 * so a query such as `a*a*a*b` cannot make the regex engine backtrack catastrophically.
 */
function compileTerm(words: readonly string[], field: string, original: string): TextMatcher {
  if (words.some((w) => w.startsWith('*') || w.startsWith('?'))) {
    throw new JqlError(`The text query '${original}' for field '${field}' is not allowed to start with '*' or '?'.`, 'invalid-value');
  }
  if (words.every(regexSafe)) {
    const re = new RegExp(`${BEFORE}${words.map(wordFragment).join('[^\\p{L}\\p{N}]+')}${AFTER}`, 'iu');
    return (texts) => texts.some((t) => re.test(t));
  }
  const tests = words.map((w): ((word: string) => boolean) => {
    if (hasWildcard(w)) {
      const glob = w.toLowerCase();
      return (word) => globMatch(glob, word);
    }
    const re = new RegExp(`^${wordPattern(w)}$`, 'u');
    return (word) => re.test(word);
  });
  return (texts) =>
    texts.some((text) => {
      const list = textWords(text);
      for (let i = 0; i + tests.length <= list.length; i++) {
        if (tests.every((test, j) => test(list[i + j] ?? ''))) return true;
      }
      return false;
    });
}

interface Token {
  text: string;
  phrase: boolean;
}

function tokenize(query: string, field: string): Token[] {
  const tokens: Token[] = [];
  const re = /([-+]?)"([^"]*)"|(\S+)/g;
  for (let m = re.exec(query); m !== null; m = re.exec(query)) {
    if (m[2] !== undefined) {
      if (m[1] === '-') tokens.push({ text: 'NOT', phrase: false });
      tokens.push({ text: m[2], phrase: true });
      continue;
    }
    const raw = m[3] ?? '';
    if (/[()]/.test(raw) || /^[^"]*[~^]\d*$/.test(raw) || /^\w+:/.test(raw)) {
      throw new JqlError(
        `The text query '${query}' for field '${field}' uses grouping, fuzzy, boost or field syntax that the emulated Jira site does not support.`,
        'unsupported',
      );
    }
    tokens.push({ text: raw, phrase: false });
  }
  return tokens;
}

/** Compiles a text query; throws JqlError for queries Jira would reject or we cannot honour. */
export function compileTextQuery(query: string, field: string): TextMatcher {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const token of tokenize(query, field)) {
    const current = groups[groups.length - 1];
    if (!current) break;
    if (!token.phrase) {
      const upper = token.text.toUpperCase();
      if (upper === 'OR' || upper === '||') {
        groups.push([]);
        continue;
      }
      if (upper === 'AND' || upper === '&&' || token.text === '+') continue;
      if (upper === 'NOT' || token.text === '!' || token.text === '-') {
        negateNext = true;
        continue;
      }
    }
    let text = token.text;
    let negated = negateNext;
    negateNext = false;
    if (!token.phrase && (text.startsWith('-') || text.startsWith('!'))) {
      negated = true;
      text = text.slice(1);
    } else if (!token.phrase && text.startsWith('+')) {
      text = text.slice(1);
    }
    const words = wordsOf(text);
    if (words.length === 0) continue;
    const first = words[0];
    if (!token.phrase && words.length === 1 && first !== undefined && STOP_WORDS.has(first.toLowerCase())) continue;
    current.push({ test: compileTerm(words, field, query), negated });
  }
  const usable = groups.filter((g) => g.some((t) => !t.negated));
  if (usable.length === 0) return () => false;
  return (texts) => usable.some((group) => group.every((term) => term.test(texts) !== term.negated));
}
