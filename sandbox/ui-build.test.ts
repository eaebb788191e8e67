import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUiBuilt, staleUiPages } from './ui-build';

/** a repository whose `npm run build:ui` writes both pages' index.html and counts its runs */
function fakeRepo(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ui-build-'));
  const script = "const fs=require('fs');for(const p of ['admin','panel']){fs.mkdirSync('static/'+p+'/build',{recursive:true});fs.writeFileSync('static/'+p+'/build/index.html','built')}fs.appendFileSync('runs','x')";
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { 'build:ui': `node -e "${script}"` } }));
  for (const d of ['admin/src', 'panel/src', 'shared/src']) {
    mkdirSync(path.join(root, 'static', d), { recursive: true });
    writeFileSync(path.join(root, 'static', d, 'main.tsx'), 'export {};');
  }
  return root;
}

describe('ensureUiBuilt (what npm start does on a fresh clone)', () => {
  let root: string;
  beforeEach(() => { root = fakeRepo(); });
  afterEach(() => { rmSync(root, { recursive: true, force: true }); });

  it('builds the pages when missing, says so, and not again while the build is newer than its sources', () => {
    const lines: string[] = [];
    expect(staleUiPages(root)).toEqual(['admin', 'panel']);
    expect(ensureUiBuilt(root, (l) => lines.push(l))).toBe(true);
    expect(lines[0]).toContain('is not built or older than its sources: building it now with npm run build:ui');
    expect(staleUiPages(root)).toEqual([]);
    expect(ensureUiBuilt(root)).toBe(false);
    expect(readFileSync(path.join(root, 'runs'), 'utf8')).toBe('x');
  }, 60_000);

  it('rebuilds when a source is newer than the build', () => {
    ensureUiBuilt(root);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'static/shared/src/main.tsx'), later, later);
    expect(staleUiPages(root)).toEqual(['admin', 'panel']);
    expect(ensureUiBuilt(root)).toBe(true);
    expect(readFileSync(path.join(root, 'runs'), 'utf8')).toBe('xx');
  }, 60_000);
});
