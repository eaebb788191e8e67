import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file at `relative` inside `root`, or null when there is none. A path that would leave
 * `root` (`..`, absolute, encoded separators, NUL) is refused as null too.
 */
export async function readFileInside(root: string, relative: string): Promise<Buffer | null> {
  if (relative.includes('\0') || relative.includes('\\')) return null;
  const resolved = path.resolve(root, `.${path.posix.sep}${relative}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return null;
  try {
    const info = await stat(resolved);
    if (!info.isFile()) return null;
    return await readFile(resolved);
  } catch (e) {
    // (duck-typed: errors from fs may come from another realm, e.g. under jest)
    const code: unknown = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}
