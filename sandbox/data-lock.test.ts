import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder } from './data-lock';

describe('lockDataFolder', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'data-lock-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('writes its pid, refuses a second holder while held, and frees the folder on release', () => {
    const release = lockDataFolder(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockDataFolder(dir)).toThrow(DataFolderInUseError);
    release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataFolder(dir)();
  });

  it('refuses while another live process holds it, naming that process', () => {
    writeFileSync(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataFolder(dir)).toThrow(`Another sandbox (pid ${process.ppid}) is using the data folder ${dir}`);
  });

  it.each([
    ['a process that is gone (a SIGKILLed sandbox)', () => String(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout)],
    ['an unreadable pid', () => 'garbage'],
  ])('takes over a lock left by %s', (_what, pid) => {
    writeFileSync(path.join(dir, LOCK_FILE), `${pid()}\n`);
    const release = lockDataFolder(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });
});
