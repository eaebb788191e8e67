import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateManifest } from '../../sandbox/forge/manifest';
import { ForgePlatform } from '../../sandbox/forge/platform';
import { FIXTURE_APP } from './fixture';

// loading the emulated site and the app under ts-jest takes seconds on a shared machine
jest.setTimeout(60_000);

const REPO = path.resolve(__dirname, '../..');

/** a copy of the fixture app whose manifest.yml is changed by `edit` */
function fixtureWith(edit: (manifest: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-fixture-'));
  cpSync(FIXTURE_APP, dir, { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'manifest.yml'), edit(readFileSync(path.join(dir, 'manifest.yml'), 'utf8')));
  return dir;
}

describe('manifest validation with @forge/manifest, offline', () => {
  it('the fixture manifest is valid', async () => {
    expect(await validateManifest(FIXTURE_APP)).toEqual({ errors: [], warnings: [] });
  });

  it("the app's manifest.yml is valid once its Custom UI is built, and names each unbuilt resource otherwise", async () => {
    // a copy of the app's manifest and handlers, so the answer depends on neither the UI build nor its absence here
    const dir = mkdtempSync(path.join(os.tmpdir(), 'app-manifest-'));
    try {
      const manifest = readFileSync(path.join(REPO, 'manifest.yml'), 'utf8');
      writeFileSync(path.join(dir, 'manifest.yml'), manifest);
      cpSync(path.join(REPO, 'src'), path.join(dir, 'src'), { recursive: true });
      symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const resources = [...manifest.matchAll(/^ {2}- key: (\w+)\n {4}path: (static\/\w+\/build)$/gm)].map((m) => ({ key: m[1], folder: m[2] }));
      expect(resources.map((r) => r.key)).toEqual(['admin', 'panel']);
      const lineOf = (folder: string): number => manifest.split('\n').findIndex((l) => l === `    path: ${folder}`) + 1;
      const missing = resources.map(({ key, folder }) => `missing resource '${folder ?? ''}' is being referenced by '${key ?? ''}' in resources (manifest.yml:${String(lineOf(folder ?? ''))}:10)`);
      expect(await validateManifest(dir)).toEqual({ errors: missing, warnings: [] });
      expect(await validateManifest(dir, { allowMissingResources: true })).toEqual({ errors: [], warnings: missing });
      for (const { folder } of resources) {
        mkdirSync(path.join(dir, folder ?? ''), { recursive: true });
        writeFileSync(path.join(dir, folder ?? '', 'index.html'), '<!doctype html><title>built</title>');
      }
      writeFileSync(path.join(dir, 'static/panel/build/icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
      expect(await validateManifest(dir)).toEqual({ errors: [], warnings: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a resource folder that does not exist', (m: string) => m.replace('path: static/page', 'path: static/not-built'), /missing resource 'static\/not-built'/, true],
    ['a handler export file that does not exist', (m: string) => m.replace('handler: index.hook', 'handler: nowhere.hook'), /nowhere\.hook/, false],
  ])('refuses to start with %s, naming the validator message', async (_what, edit, message, onlyStrict) => {
    const dir = fixtureWith(edit);
    try {
      await expect(new ForgePlatform({ appRoot: dir }).start()).rejects.toThrow(message);
      const lenient = new ForgePlatform({ appRoot: dir, allowMissingResources: true }).start();
      if (onlyStrict) await expect(lenient).resolves.toEqual({ warnings: [expect.stringMatching(message)] });
      else await expect(lenient).rejects.toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an unsupported filter.expression at start-up', async () => {
    const dir = fixtureWith((m) => m.replace('ignoreSelf: true', "ignoreSelf: true\n        expression: event.issue.fields.summary.match('x')"));
    try {
      await expect(new ForgePlatform({ appRoot: dir }).start()).rejects.toThrow(/trigger 'fixture-events': filter.expression .*function calls are not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
