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

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');
