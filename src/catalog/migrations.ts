import { createHash } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { KineticsError } from '../errors.js';
import { catalogNotice } from './catalog-notice.js';
import { refreshAnnotationStatistics } from './statistics.js';
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

/**
 * Refuses a catalog a newer build upgraded (it applied migrations this build does not know): this build would read
 * tables it does not know of, and write rows without what the newer schema keeps.
 */
export function refuseNewerSchema(db: Database, migrations: Migration[], file: string): void {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()) return;
  const known = new Set(migrations.map((migration) => migration.id));
  const unknown = (db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as { id: number; name: string }[]).filter((row) => !known.has(row.id));
  if (unknown.length === 0) return;
  const newest = migrations.at(-1);
  throw new KineticsError(
    `${file} was upgraded by a newer build of kinetics (migration ${String(unknown.at(-1)!.id).padStart(3, '0')}_${unknown.at(-1)!.name}; ` +
      `this build knows up to ${newest ? `${String(newest.id).padStart(3, '0')}_${newest.name}` : 'none'}): run it with that build`,
    65,
  );
}

/** Whether this process may write the file: not on a read-only mount, nor without permission. */
function mayWrite(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies every migration not yet recorded, each in its own transaction; returns the ids applied. Whether a migration
 * is recorded is asked again inside its write transaction, so processes opening a new catalog at once apply it once.
 */
export function migrate(db: Database, migrations: Migration[] = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const recordedSha = db.prepare('SELECT sha256 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  const refuseEdited = (migration: Migration, sha: string): void => {
    if (sha === migration.sha256) return;
    throw new KineticsError(
      `migration ${migration.id}_${migration.name}.sql was edited after this catalog applied it; ` +
        'schema changes belong in a new migration file',
      70,
    );
  };
  // A catalog an older build made is told of once its upgrade begins (it can rebuild indexes over every clip: seconds
  // on a full catalog); a new one is not, nor one this process cannot write (a reader then reads it as it is).
  const pending = migrations.filter((migration) => recordedSha.get(migration.id) === undefined);
  const olderCatalog = db.prepare('SELECT 1 FROM schema_migrations LIMIT 1').get() !== undefined && mayWrite(db.name);
  const announce = () =>
    catalogNotice(`upgrading ${db.name} to this build's schema (${pending.map((migration) => `${String(migration.id).padStart(3, '0')}_${migration.name}`).join(', ')}): once, seconds on a full catalog`);
  const applyUnlessRecorded = db.transaction((migration: Migration): boolean => {
    const sha = recordedSha.get(migration.id) as string | undefined;
    if (sha !== undefined) {
      refuseEdited(migration, sha);
      return false;
    }
    if (olderCatalog) announce();
    db.exec(migration.sql);
    record.run(migration.id, migration.name, migration.sha256, new Date().toISOString());
    return true;
  });
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    const sha = recordedSha.get(migration.id) as string | undefined;
    if (sha !== undefined) refuseEdited(migration, sha);
    else if (applyUnlessRecorded.immediate(migration)) newlyApplied.push(migration.id);
  }
  // A table made again takes its statistics with it, and written ones are planned with from the next connection on.
  if (newlyApplied.length > 0) refreshAnnotationStatistics(db);
  return newlyApplied;
}
