import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { KineticsError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';

export interface Migration {
  id: number;
  name: string;
  sql: string;
  sha256: string;
}

export const migrationsDir = join(packageRoot, 'migrations');

/** Reads `NNN_name.sql` files in id order. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: /^(\d+)_(.+)\.sql$/.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return { id: Number(match[1]), name: match[2]!, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.id - b.id);
}

/** Whether this catalog lacks any of these migrations (an older build made it). */
export function hasPendingMigrations(db: Database, migrations: Migration[]): boolean {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return migrations.length > 0;
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  return migrations.some((migration) => !applied.has(migration.id));
}

/** Applies every migration not yet recorded, each in its own transaction; returns the ids applied. */
export function migrate(db: Database, migrations: Migration[] = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Map(
    (db.prepare('SELECT id, sha256 FROM schema_migrations').all() as { id: number; sha256: string }[]).map((row) => [
      row.id,
      row.sha256,
    ]),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    const recordedSha = applied.get(migration.id);
    if (recordedSha !== undefined) {
      if (recordedSha !== migration.sha256) {
        throw new KineticsError(
          `migration ${migration.id}_${migration.name}.sql was edited after this catalog applied it; ` +
            'schema changes belong in a new migration file',
          70,
        );
      }
      continue;
    }
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, migration.name, migration.sha256, new Date().toISOString());
    }).immediate();
    newlyApplied.push(migration.id);
  }
  return newlyApplied;
}
