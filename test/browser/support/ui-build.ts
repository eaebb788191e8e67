import path from 'node:path';
import { ensureUiBuilt as ensureBuilt } from '../../../sandbox/ui-build';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Builds the Custom UI pages (`npm run build:ui`) unless every build is newer than its sources. */
export function ensureUiBuilt(): void {
  ensureBuilt(REPO);
}
