import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The TUI's SQL prompt history, one query a line in --home, the latest last; kept across sessions. */
export function historyFile(home: string): string {
  return join(home, 'tui-sql-history');
}

/** The queries run before, the latest first; none when the file is not there or cannot be read. */
export function readHistory(home: string): string[] {
  try {
    return readFileSync(historyFile(home), 'utf8').split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
}

/** Adds a query (one line: the prompt takes no newline); a home that cannot be written only loses the history. */
export function appendHistory(home: string, sql: string): void {
  try {
    appendFileSync(historyFile(home), `${sql.replace(/\s*\n\s*/g, ' ').trim()}\n`);
  } catch {
    // The history is a convenience: the query ran all the same.
  }
}
