import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KineticsError } from '../errors.js';

/**
 * One process at a time streams shards into a home: two would append to the same part files and download the
 * same shards twice. The lock names its process; one left by a process that died (kill -9) is taken over. Returns
 * the release.
 */
export function lockHome(home: string): () => void {
  mkdirSync(home, { recursive: true });
  const lock = join(home, 'fetch.lock');
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        linkSync(mine, lock); // atomic: the lock appears with its content, or not at all
        return () => rmSync(lock, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number(readFileSync(lock, 'utf8'));
      if (isRunning(holder)) {
        throw new KineticsError(
          `another fetch (process ${holder}) is streaming shards into ${home}; wait for it to end, or stop it (remove ${lock} if no such process runs)`,
          75,
        );
      }
      rmSync(lock, { force: true });
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
