import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manifestHandlers, runNode, runTool, type ToolRun } from './run-tool';

/** Loads a bundled module in a fresh Node with no Forge runtime and lists its exports with their types. */
const LIST_EXPORTS = `
for (const name of ['__forge_fetch__', '__forge_runtime__']) {
  if (name in globalThis) throw new Error(name + ' is defined: this check must run without the Forge runtime');
}
const exported = require(process.argv[1]);
process.stdout.write(JSON.stringify(Object.fromEntries(Object.keys(exported).map((k) => [k, typeof exported[k]]))));
`;

describe('npm run forge:bundle: forge deploy\'s bundler, offline', () => {
  let out: string;
  let run: ToolRun;

  beforeAll(async () => {
    out = path.join(mkdtempSync(path.join(os.tmpdir(), 'twin-sync-bundle-')), 'build');
    run = await runTool('bundle', ['--out', out]);
  }, 300_000);

  afterAll(() => {
    rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('builds with no error and no webpack warning, and prints the size of every file', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^\s+index\.cjs\s+\d+ bytes$/m);
    expect(run.stdout).toMatch(/^\s+total\s+\d+ bytes$/m);
  });

  it('writes what a deploy archives: the bundled code, the runtime wrapper (a stub offline), runtime.json, the manifest and package files', () => {
    for (const file of ['index.cjs', 'index.cjs.map', '__forge__.cjs', 'runtime.json', 'manifest.yml', 'package.json']) expect(existsSync(path.join(out, file))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'runtime.json'), 'utf8'))).toEqual({ version: 'offline-stub' });
  });

  it('loads without the Forge runtime and exports exactly the handlers manifest.yml names', async () => {
    const handlers = manifestHandlers();
    expect(handlers.length).toBeGreaterThan(0);
    const byModule = new Map<string, string[]>();
    for (const handler of handlers) {
      const [module, name] = handler.split('.');
      if (module === undefined || name === undefined) throw new Error(`handler ${handler} is not module.export`);
      byModule.set(module, [...(byModule.get(module) ?? []), name]);
    }
    for (const [module, names] of byModule) {
      // a bare environment: no NODE_OPTIONS or NODE_PATH, and a temp dir with no node_modules above it
      const loaded = await runNode(['-e', LIST_EXPORTS, path.join(out, `${module}.cjs`)], { cwd: out, env: { PATH: process.env['PATH'] ?? '' } });
      expect({ code: loaded.code, stderr: loaded.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(loaded.stdout)).toEqual(Object.fromEntries([...names].sort().map((n) => [n, 'function'])));
    }
  });

  it('refuses to empty an output directory that holds something other than a build', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-sync-not-a-build-'));
    try {
      writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
      const refused = await runTool('bundle', ['--out', dir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/is not empty and holds no previous build/);
      expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
