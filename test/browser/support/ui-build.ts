import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PAGES = ['admin', 'panel'] as const;

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the Custom UI pages (`npm run build:ui`) unless every build is newer than its sources. */
export function ensureUiBuilt(): void {
  const sources = Math.max(...['admin/src', 'panel/src', 'shared/src'].map((d) => newestIn(path.join(REPO, 'static', d))));
  const stale = PAGES.some((page) => {
    const index = path.join(REPO, 'static', page, 'build', 'index.html');
    return !existsSync(index) || statSync(index).mtimeMs < sources;
  });
  if (stale) execFileSync('npm', ['run', 'build:ui'], { cwd: REPO, stdio: 'pipe' });
}
