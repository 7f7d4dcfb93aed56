import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The path with every symbolic link resolved, so that a file reached through a linked --home and through its real
 * folder is one file. What does not exist yet (a home a first ingest will make, a dangling link) keeps its name
 * under its nearest existing, resolved ancestor.
 */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(canonicalPath(parent), basename(absolute));
  }
}
