import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The platform clock of a data folder, so that it never runs backwards across a restart: Forge's
 * clock is the wall clock, which a restart of the sandbox does not turn back, but the sandbox's
 * clock is `base + offset` and `advance(ms)` moves only the offset. `forge-clock.json` holds the
 * time advanced (the sum of `advance` calls) and the platform time at the last advance, install and
 * close. A platform started on the folder keeps the time advanced on top of its base clock, and when
 * that would still be before the stored platform time (a base clock set back, or a test's frozen
 * base) moves further, to exactly the stored time: it starts at or after the last platform time it
 * wrote. That extra correction is not time advanced: it is not written back as such.
 *
 * Written whole to a temporary file then renamed over the old one: a kill leaves the old or the new
 * file, never half of one.
 */
export const CLOCK_FILE = 'forge-clock.json';

const ClockSchema = z.strictObject({ advancedMs: z.number().finite().min(0), now: z.number().finite() });
export type StoredClock = z.infer<typeof ClockSchema>;

/** the stored clock of a data folder; undefined when there is none (or it cannot be read: then a fresh clock) */
export function readClock(dataDir: string): StoredClock | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, CLOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = ClockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeClock(dataDir: string, clock: StoredClock): void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, CLOCK_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(clock)}\n`);
  renameSync(tmp, file);
}

/**
 * the offset a restarted clock needs on `baseNow`: the time advanced before, plus the correction
 * (≥ 0) that brings it to the stored platform time when the base clock is behind
 */
export function restoredOffset(stored: StoredClock | undefined, baseNow: number): { advancedMs: number; correctionMs: number } {
  if (!stored) return { advancedMs: 0, correctionMs: 0 };
  return { advancedMs: stored.advancedMs, correctionMs: Math.max(0, stored.now - (baseNow + stored.advancedMs)) };
}
