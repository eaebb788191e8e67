import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { ARTIFACTS_DIR } from './chromium';

const FILE = path.join(ARTIFACTS_DIR, 'ui-timings.json');
const Timings = z.record(z.string(), z.object({ firstRenderMs: z.number().nullable(), contentMs: z.number() }));

/**
 * Time to first render of a Custom UI page in the sandbox: the page's own
 * `performance.mark('twin-sync:first-render')` (ms from the frame's navigation start), and the
 * test's wall-clock time from navigation to the first content it waited for. Kept in
 * test-artifacts/ui-timings.json for the report.
 */
export async function recordTiming(page: Page, frameUrlPart: string, name: string, contentMs: number): Promise<void> {
  const frame = page.frames().find((f) => f.url().includes(frameUrlPart));
  if (frame === undefined) throw new Error(`no frame with ${frameUrlPart} in its URL`);
  const mark: unknown = await frame.evaluate(() => performance.getEntriesByName('twin-sync:first-render')[0]?.startTime ?? null);
  const firstRenderMs = typeof mark === 'number' ? Math.round(mark) : null;
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const all = existsSync(FILE) ? Timings.parse(JSON.parse(readFileSync(FILE, 'utf8'))) : {};
  all[name] = { firstRenderMs, contentMs: Math.round(contentMs) };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
