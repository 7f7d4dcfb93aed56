import type { Database } from 'better-sqlite3';

/** The id of a folder files are recorded under, recording the folder the first time. */
export function scanRootId(db: Database, path: string): number {
  return (
    db.prepare('INSERT INTO scan_roots (path) VALUES (?) ON CONFLICT (path) DO UPDATE SET path = path RETURNING id').get(path) as {
      id: number;
    }
  ).id;
}
