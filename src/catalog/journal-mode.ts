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
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/**
 * A first load (or a first scan into a catalog with no annotations) writes every page of the catalog once. Under a rollback journal each goes straight into the file;
 * under WAL it goes into the -wal file, checksummed, and is copied again at each checkpoint: the full bucket's first
 * ingest took 1.3–1.7 s longer in WAL (14.1–15.5 s against 12.7–13.9 s, alternated). So a first load runs under a
 * rollback journal, when no other connection has the catalog open (the switch needs the file alone; else it stays
 * in WAL), and WAL comes back after it, unless a reader holds the catalog then. Both survive a killed process; a power cut during it could cost the catalog, which holds no annotations
 * yet. Returns what puts WAL back.
 */
export function rollbackJournalWhileAlone(sqlite: Database): (() => void) | undefined {
  try {
    if (sqlite.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return undefined;
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
    throw error;
  }
  return () => {
    try {
      setJournalMode(sqlite, 'WAL', BACK_TO_WAL_WAIT_MS);
    } catch (error) {
      // A reader came meanwhile: this command's last writes run under the rollback journal, as after it closes.
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw error;
    }
  };
}

const BACK_TO_WAL_WAIT_MS = 1000;
