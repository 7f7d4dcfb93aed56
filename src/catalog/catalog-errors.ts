import { KineticsError } from '../errors.js';
import { secondsFromEnv } from '../util/env-seconds.js';
import { fullDiskInWords } from './temporary-folder.js';

/** How long a writer waits for another connection to let go of the catalog before it says so (KINETICS_BUSY_WAIT). */
export const BUSY_WAIT_SECONDS = secondsFromEnv('KINETICS_BUSY_WAIT');

/**
 * The driver's errors for expected conditions, as one line each with a documented exit code: a catalog another
 * process holds (75, try again), one this process may not write (77), a full disk or an I/O failure (74), a file
 * that is no catalog (65). Undefined for anything else. `file` names the catalog when it is known.
 */
export function fromDatabaseError(error: unknown, file?: string): KineticsError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const catalog = file === undefined ? 'the catalog' : `the catalog ${file}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new KineticsError(
      `${catalog} is busy: another process (a query, an export, the TUI, or another ingest, scan, subset or fetch) held it ` +
        `for more than ${BUSY_WAIT_SECONDS} s; let it finish or stop it, then run this again`,
      75,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH' || code.startsWith('SQLITE_CANTOPEN')) {
    return new KineticsError(`cannot write ${catalog}: the file or its folder is read-only or not yours; check its permissions, or point --db at another file`, 77);
  }
  if (code === 'SQLITE_FULL') {
    return new KineticsError(`${fullDiskInWords(catalog, file)} is full; free some space and run this again (what was finished before stands)`, 74);
  }
  if (code.startsWith('SQLITE_IOERR')) return new KineticsError(`I/O error on ${catalog} (${(error as Error).message})`, 74);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new KineticsError(`${catalog} is not a kinetics catalog, or is damaged (${(error as Error).message})`, 65);
  }
  return undefined;
}
