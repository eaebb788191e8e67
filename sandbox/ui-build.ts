import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const PAGES = ['admin', 'panel'] as const;
const SOURCES = ['admin/src', 'admin/index.html', 'panel/src', 'panel/index.html', 'panel/public', 'shared/src'];

function newestIn(p: string): number {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestIn(path.join(p, entry)));
  return newest;
}

/** the Custom UI pages of `repoRoot` whose build is missing or older than their sources */
export function staleUiPages(repoRoot: string): string[] {
  const sources = Math.max(...SOURCES.map((d) => newestIn(path.join(repoRoot, 'static', d))), newestIn(path.join(repoRoot, 'src', 'contracts')));
  return PAGES.filter((page) => {
    const index = path.join(repoRoot, 'static', page, 'build', 'index.html');
    return !existsSync(index) || statSync(index).mtimeMs < sources;
  });
}

/**
 * Builds the Custom UI pages (`npm run build:ui`) when a build is missing or older than its sources,
 * telling `log` why. Answers whether it built.
 */
export function ensureUiBuilt(repoRoot: string, log: (line: string) => void = () => undefined): boolean {
  const stale = staleUiPages(repoRoot);
  if (stale.length === 0) return false;
  log(`The Custom UI (${stale.join(', ')}) is not built or older than its sources: building it now with npm run build:ui ...`);
  const started = Date.now();
  execFileSync('npm', ['run', 'build:ui'], { cwd: repoRoot, stdio: 'pipe' });
  log(`Custom UI built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}
