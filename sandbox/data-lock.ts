import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The lock file a sandbox holds in its data folder while it runs. */
export const LOCK_FILE = 'sandbox.lock';

export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string, readonly ownerPid: number) {
    super(
      `Another sandbox (pid ${ownerPid}) is using the data folder ${dataDir}. Two sandboxes on one folder would share ` +
        `(and corrupt) each other's sites and app storage, so this one does not start. Stop the other one, or start ` +
        `this one with --data OTHER_DIR, or with --memory for a throw-away sandbox.`,
    );
  }
}

/** the errno code of a Node system error (not `instanceof Error` across jest's realms) */
function errnoCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return errnoCode(e) === 'EPERM';
  }
}

function ownerOf(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Takes the data folder's lock (`sandbox.lock`, holding this process's pid), created atomically.
 * A lock left by a process that no longer runs (a SIGKILLed sandbox) is taken over; one held by a
 * live process refuses with DataFolderInUseError. Returns the release function.
 */
export function lockDataFolder(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
      const owner = ownerOf(file);
      if (owner !== null && owner !== process.pid && alive(owner)) throw new DataFolderInUseError(dataDir, owner);
      if (owner === process.pid) throw new DataFolderInUseError(dataDir, owner);
      rmSync(file, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (ownerOf(file) === process.pid) rmSync(file, { force: true });
    };
  }
  throw new Error(`could not take the lock ${file}: it keeps reappearing`);
}
