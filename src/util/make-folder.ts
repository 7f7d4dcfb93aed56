import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdirSync(path, { recursive: true })` (returns the first folder made), whose failure says why: Node reports a
 * folder it could not make on a read-only file system as ENOENT; the first missing folder made alone gives the
 * real error (EROFS, EACCES).
 */
export function makeFolder(path: string): string | undefined {
  try {
    return mkdirSync(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing);
    // Made after all (another process removed a folder in between): the rest of the path too.
    return mkdirSync(path, { recursive: true }) ?? missing;
  }
}
