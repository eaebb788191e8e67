import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The browser script of the site's web UI, built in-process without a build step: every module in
 * `./client/` is transpiled to CommonJS with TypeScript's `transpileModule` (or taken as is when
 * only compiled `.js` files exist, e.g. under `dist/`), wrapped in a function, and joined behind a
 * tiny `require` that resolves the client's flat `./name` imports. The entry module is `./main`.
 * Built once per process; the transpiled modules are also cached on disk between processes.
 */

export interface ClientBundle {
  readonly code: string;
  readonly etag: string;
}

const ENTRY = 'main';
const MODULE_NAME = /^[a-z0-9-]+$/;

interface ClientSource {
  id: string;
  /** CommonJS code */
  code: string;
}

const CACHE_FORMAT = 1;
const cachedSources = z.array(z.strictObject({ id: z.string(), code: z.string() }));

function transpile(files: { file: string; source: string }[]): ClientSource[] {
  // typescript is loaded lazily: it is large and only needed when the cache misses
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  return files.map(({ file, source }) => {
    const out = ts.transpileModule(source, {
      fileName: file,
      reportDiagnostics: false,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        isolatedModules: true,
        sourceMap: false,
        inlineSourceMap: false,
        removeComments: true,
      },
    });
    return { id: file.slice(0, -'.ts'.length), code: out.outputText };
  });
}

/**
 * Transpiled sources, cached on disk (in the OS temp folder, keyed by a hash of the sources and
 * the TypeScript version) so that only the first process after a change pays for loading TypeScript.
 */
function transpileCached(files: { file: string; source: string }[], cacheDir: string | null): ClientSource[] {
  if (cacheDir === null) return transpile(files);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsVersion = z.object({ version: z.string() }).parse(require('typescript/package.json')).version;
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${tsVersion}`);
  for (const { file, source } of files) hash.update(`\0${file}\0${source}`);
  const cacheFile = join(cacheDir, `twin-sync-ui-client-${hash.digest('hex').slice(0, 32)}.json`);
  if (existsSync(cacheFile)) {
    const parsed = cachedSources.safeParse(JSON.parse(readFileSync(cacheFile, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  const sources = transpile(files);
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(sources));
  renameSync(tmp, cacheFile);
  return sources;
}

function readClientSources(dir: string, cacheDir: string | null): ClientSource[] {
  const files = readdirSync(dir).sort();
  const tsFiles = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  if (tsFiles.length > 0) {
    return transpileCached(tsFiles.map((file) => ({ file, source: readFileSync(join(dir, file), 'utf8') })), cacheDir);
  }
  return files
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .map((file) => ({ id: file.slice(0, -'.js'.length), code: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Builds the bundle from the modules in `dir`. `cacheDir` holds transpiled sources between
 * processes (null: no cache).
 */
export function buildClientBundle(dir: string, cacheDir: string | null = null): ClientBundle {
  const sources = readClientSources(dir, cacheDir);
  if (!sources.some((s) => s.id === ENTRY)) throw new Error(`web UI client: no ${ENTRY} module in ${dir}`);
  const defs = sources.map((s) => {
    if (!MODULE_NAME.test(s.id)) throw new Error(`web UI client: module name "${s.id}" must be kebab-case`);
    return `${JSON.stringify(s.id)}: function (require, module, exports) {\n${s.code.replace(/\/\/# sourceMappingURL=.*$/m, '')}\n}`;
  });
  const code = [
    '(function () {',
    '"use strict";',
    `var defs = {\n${defs.join(',\n')}\n};`,
    'var cache = {};',
    'function load(name) {',
    '  var id = String(name).replace(/^\\.\\//, "").replace(/\\.js$/, "");',
    '  var cached = cache[id];',
    '  if (cached) return cached.exports;',
    '  var def = defs[id];',
    '  if (!def) throw new Error("web UI client: unknown module " + name);',
    '  var mod = { exports: {} };',
    '  cache[id] = mod;',
    '  def(load, mod, mod.exports);',
    '  return mod.exports;',
    '}',
    `load(${JSON.stringify(ENTRY)});`,
    '})();',
    '',
  ].join('\n');
  const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`;
  return { code, etag };
}

let cached: ClientBundle | undefined;

/** The bundle of this folder's `client/` modules, built on first use. */
export function clientBundle(): ClientBundle {
  cached ??= buildClientBundle(join(__dirname, 'client'), tmpdir());
  return cached;
}
