import { accessSync, constants, statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** The folder SQLite writes its temporary files to: the first of these that is a writable folder (see os_unix.c). */
export function sqliteTemporaryFolder(): string | undefined {
  return [process.env.SQLITE_TMPDIR, process.env.TMPDIR, '/var/tmp', '/usr/tmp', '/tmp', '.'].find((folder) => {
    try {
      if (!folder || !statSync(folder).isDirectory()) return false;
      accessSync(folder, constants.W_OK | constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Below this, a disk is taken for the one that filled: SQLite removes its temporary files when it fails, not the catalog's pages. */
const NEARLY_FULL_BYTES = 16 << 20;

/**
 * Which disk SQLITE_FULL was about, in words: the catalog's, when it has (nearly) no room left or SQLite's
 * temporary files go to the same disk; else the temporary folder's, whose files SQLite has removed by now.
 */
export function fullDiskInWords(catalog: string, file: string | undefined): string {
  const temporary = sqliteTemporaryFolder();
  const generic = `the disk that holds ${catalog}, or SQLite's temporary files (SQLITE_TMPDIR, else TMPDIR or /var/tmp)`;
  if (file === undefined || temporary === undefined) return generic;
  try {
    const folder = dirname(file);
    if (statSync(folder).dev === statSync(temporary).dev) return `the disk that holds ${catalog} (and SQLite's temporary files, in ${temporary})`;
    const { bavail, bsize } = statfsSync(folder);
    if (bavail * bsize < NEARLY_FULL_BYTES) return `the disk that holds ${catalog}`;
    return `the disk of SQLite's temporary files (${temporary}: SQLITE_TMPDIR, else TMPDIR, moves them)`;
  } catch {
    return generic;
  }
}
