import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The browser script of the site's web UI, built in-process without a build step: every module in
 * `./client/` is transpiled to CommonJS with TypeScript's `transpileModule` (or taken as is when
 * only compiled `.js` files exist, e.g. under `dist/`), wrapped in a function, and joined behind a
 * tiny `require` that resolves the client's flat `./name` imports. The entry module is `./main`.
 * Built once per process and cached.
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

function readClientSources(dir: string): ClientSource[] {
  const files = readdirSync(dir);
  const tsFiles = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  if (tsFiles.length > 0) {
    // typescript is loaded lazily: it is large and only needed the first time the script is asked for
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    return tsFiles.map((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
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
  return files
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .map((file) => ({ id: file.slice(0, -'.js'.length), code: readFileSync(join(dir, file), 'utf8') }));
}

/** Builds the bundle from the modules in `dir` (pure apart from reading the folder). */
export function buildClientBundle(dir: string): ClientBundle {
  const sources = readClientSources(dir);
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
  cached ??= buildClientBundle(join(__dirname, 'client'));
  return cached;
}
