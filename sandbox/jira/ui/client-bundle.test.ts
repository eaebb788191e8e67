import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildClientBundle, clientBundle } from './client-bundle';

describe('buildClientBundle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ui-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(code: string): Record<string, unknown> {
    const sandbox: Record<string, unknown> = {};
    runInNewContext(code, { out: sandbox });
    return sandbox;
  }

  it('transpiles TypeScript modules and links their ./imports, entry first', () => {
    writeFileSync(join(dir, 'main.ts'), "import { twice } from './math-util';\ndeclare const out: Record<string, unknown>;\nout['value'] = twice(21);\n");
    writeFileSync(join(dir, 'math-util.ts'), 'export function twice(n: number): number { return n * 2; }\n');
    writeFileSync(join(dir, 'math-util.test.ts'), 'throw new Error("tests are not bundled");\n');
    const bundle = buildClientBundle(dir);
    expect(run(bundle.code)).toEqual({ value: 42 });
    expect(bundle.code).not.toContain('tests are not bundled');
    expect(bundle.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('uses compiled .js modules when there is no TypeScript (a dist build)', () => {
    writeFileSync(join(dir, 'main.js'), "'use strict';\nconst dep = require('./dep.js');\nout.value = dep.name;\n");
    writeFileSync(join(dir, 'dep.js'), "'use strict';\nexports.name = 'dep';\n");
    expect(run(buildClientBundle(dir).code)).toEqual({ value: 'dep' });
  });

  it('reports an import of a module that does not exist when run', () => {
    writeFileSync(join(dir, 'main.ts'), "import { x } from './missing';\nconsole.log(x);\n");
    expect(() => run(buildClientBundle(dir).code)).toThrow('web UI client: unknown module ./missing');
  });

  it.each([
    ['no entry module', { 'other.ts': 'export const a = 1;\n' }, 'no main module'],
    ['a module name that is not kebab-case', { 'main.ts': 'export {};\n', 'Bad_Name.ts': 'export {};\n' }, 'must be kebab-case'],
  ])('refuses %s', (_name, files, message) => {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    expect(() => buildClientBundle(dir)).toThrow(message);
  });

  it('keeps transpiled modules in the cache folder and reuses them while the sources are unchanged', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ui-bundle-cache-'));
    try {
      writeFileSync(join(dir, 'main.ts'), "declare const out: Record<string, unknown>;\nout['value'] = 'fresh';\n");
      expect(run(buildClientBundle(dir, cacheDir).code)).toEqual({ value: 'fresh' });
      const [cacheFile, ...others] = readdirSync(cacheDir);
      expect(others).toEqual([]);
      const cachePath = join(cacheDir, cacheFile ?? '');
      // a hit is served from the file: prove it by altering the cached code
      writeFileSync(cachePath, readFileSync(cachePath, 'utf8').replace('fresh', 'from cache'));
      expect(run(buildClientBundle(dir, cacheDir).code)).toEqual({ value: 'from cache' });
      // a cache file that does not hold the expected shape is rebuilt
      writeFileSync(cachePath, JSON.stringify({ not: 'sources' }));
      expect(run(buildClientBundle(dir, cacheDir).code)).toEqual({ value: 'fresh' });
      // changed sources use a new entry
      writeFileSync(join(dir, 'main.ts'), "declare const out: Record<string, unknown>;\nout['value'] = 'changed';\n");
      expect(run(buildClientBundle(dir, cacheDir).code)).toEqual({ value: 'changed' });
      expect(readdirSync(cacheDir)).toHaveLength(2);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('builds the real client once and caches it', () => {
    const first = clientBundle();
    expect(first.code).toContain('"issue-view": function');
    expect(clientBundle()).toBe(first);
  });
});
