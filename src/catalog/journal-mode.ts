import type { Database } from 'better-sqlite3';

/**
 * Sets the journal mode, waiting up to `waitMs` for other connections to let go: SQLite answers this pragma busy at
 * once, without the busy handler that makes every other statement wait.
 */
export function setJournalMode(sqlite: Database, mode: 'WAL' | 'DELETE', waitMs: number): void {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      sqlite.pragma(`journal_mode = ${mode}`);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/**
 * A first load (or a first scan into a catalog with no annotations) writes every page of the catalog once. Under
 * a rollback journal each goes straight into the file; under WAL it goes into the -wal file, checksummed, and is
 * copied again at each checkpoint (1.3–1.7 s of the full bucket's first ingest, measured 2026-12-07). So such a
 * load runs under the rollback journal when no other connection has the catalog open (the switch needs the file
 * alone; else it stays in WAL), and WAL comes back after it unless a reader holds the catalog then. Both journals
 * survive a killed process. Returns what puts WAL back.
 */
export function rollbackJournalWhileAlone(sqlite: Database): (() => void) | undefined {
  try {
    if (sqlite.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return undefined;
  } catch (error) {
    if (isBusy(error)) return undefined;
    throw error;
  }
  return () => {
    try {
      setJournalMode(sqlite, 'WAL', BACK_TO_WAL_WAIT_MS);
    } catch {
      // A reader came meanwhile, or the disk has no room for the -wal file: this command's last writes run under
      // the rollback journal, as every command leaves the catalog. Never in the way of the load's own error.
    }
  };
}

const BACK_TO_WAL_WAIT_MS = 1000;

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');
