import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { KineticsError } from '../errors.js';
import { Catalog } from './catalog.js';
import { fromDatabaseError } from './catalog-errors.js';
import { FILE_COLUMNS, cannotWriteFilesNow, mayWriteFiles, waitToWriteFiles } from './disk-files.js';
import { refreshFileStatistics } from './statistics.js';

const WORKER_SINCE = 'worker_since';
const WORKER_OF = 'worker_of';
/** The main catalog's identity (when its first migration ran): the same wherever its folder is mounted or moved. */
const WORKER_OF_ID = 'worker_of_id';

function catalogIdentity(catalog: Catalog): string {
  return String(catalog.sqlite.prepare('SELECT applied_at FROM main.schema_migrations ORDER BY id LIMIT 1').pluck().get());
}

/**
 * Whether a worker's catalog was copied from the catalog at `path` (`catalog`, or the main catalog a worker's fresh
 * copy copies): its identity, and the path it recorded either the same file or gone, so that a home mounted at
 * another path on another node, or moved, keeps its workers, while a copy of the catalog (the same identity, another
 * file) does not take them. A worker catalog of an earlier build recorded no identity: by path alone.
 */
function isWorkerOf(marks: Map<string, string>, catalog: Catalog, path: string): boolean {
  const recorded = marks.get(WORKER_OF);
  if (!marks.has(WORKER_OF_ID)) return recorded === path;
  if (marks.get(WORKER_OF_ID) !== catalogIdentity(catalog)) return false;
  if (recorded === path || recorded === undefined) return true;
  const [there, here] = [statSync(recorded, { throwIfNoEntry: false }), statSync(path, { throwIfNoEntry: false })];
  return there === undefined || (here !== undefined && there.ino === here.ino && there.dev === here.dev);
}

/** Copies the catalog as it stands into `file`, whole or not at all; the handle may be a reader's. */
function copyCatalog(catalog: Catalog, file: string): void {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const queryOnly = catalog.sqlite.pragma('query_only', { simple: true });
  catalog.sqlite.pragma('query_only = OFF'); // VACUUM INTO writes only the new file; a read-only handle still reads
  try {
    catalog.sqlite.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true }); // a copy cut short by a full disk does not keep it full
    throw error;
  } finally {
    catalog.sqlite.pragma(`query_only = ${queryOnly ? 'ON' : 'OFF'}`);
  }
  renameSync(partial, file);
}

/**
 * Makes `file` the catalog of a worker run of `main`: a copy of the main catalog as it stands now (the subsets as
 * they are, what merges brought in), marked as a worker's of `main`, with what an earlier run of this worker
 * recorded and no merge has brought into the main catalog yet carried over, so that a later merge brings it all the
 * same. The catalog an earlier run left stays as it was until the fresh one replaces it; a file there that is no
 * worker's of `main` (another home's catalog at a mistyped --worker-db) is refused, never replaced. The caller holds
 * the worker's lock.
 */
export async function refreshWorkerCatalog(main: Catalog, file: string): Promise<void> {
  const fresh = `${file}.fresh`;
  mkdirSync(dirname(file), { recursive: true });
  // Asked before the earlier catalog is opened: opening it changes its file.
  const merged = existsSync(file) && mergedAsItStands(main, file);
  const earlier = existsSync(file) ? await marksOf(file) : undefined;
  if (earlier !== undefined && !earlier.has(WORKER_SINCE)) {
    throw new KineticsError(`${file} is no worker's catalog (another home's catalog?): it is left as it is; give this worker another --worker-db`, 73);
  }
  if (earlier !== undefined && !isWorkerOf(earlier, main, main.file)) {
    throw new KineticsError(
      `${file} holds the work of a worker of the catalog ${earlier.get(WORKER_OF)}, not of ${main.file}: ` +
        `merge it there (kinetics merge ${file} --db ${earlier.get(WORKER_OF)}) and remove it, or give this worker another --worker-db`,
      65,
    );
  }
  const removeFresh = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${fresh}${suffix}`, { force: true });
  };
  removeFresh();
  try {
    copyCatalog(main, fresh);
    const copy = Catalog.open(fresh);
    try {
      if (earlier !== undefined && !merged) mergeWorkerCatalog(copy, file, main.file);
      // Carried over, the earlier runs' work counts from when they began.
      const mark = copy.sqlite.prepare('INSERT OR REPLACE INTO catalog_settings (key, value) VALUES (?, ?)');
      mark.run(WORKER_SINCE, earlier?.get(WORKER_SINCE) ?? new Date().toISOString());
      mark.run(WORKER_OF, main.file);
      mark.run(WORKER_OF_ID, catalogIdentity(main));
    } finally {
      await copy.close();
    }
    renameSync(fresh, file);
  } catch (error) {
    removeFresh();
    // Named after the worker's catalog, where the copy was being written (a full disk there), not the main one.
    throw fromDatabaseError(error, file) ?? error;
  }
}

/** A catalog's worker marks, read (what a killed run left in its write-ahead log brought back first). */
async function marksOf(file: string): Promise<Map<string, string>> {
  const catalog = Catalog.open(file, { readonly: true });
  try {
    return workerMarks(catalog);
  } finally {
    await catalog.close();
  }
}

function workerMarks(catalog: Catalog, schema = 'main'): Map<string, string> {
  const db = catalog.sqlite;
  if (!db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'catalog_settings'`).get()) return new Map();
  const keys = [WORKER_SINCE, WORKER_OF, WORKER_OF_ID];
  return new Map(db.prepare(`SELECT key, value FROM ${schema}.catalog_settings WHERE key IN (?, ?, ?)`).raw().all(...keys) as [string, string][]);
}

const MERGED = 'merged_worker:';

/** A file's size and time of change: a worker's catalog that was written to since has another. */
const fileStamp = (file: string) => {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.size}:${stats.mtimeMs}` : '';
};

/**
 * Whether the worker's catalog is unchanged since it was last merged into this one (merging it again changes
 * nothing). One with a write-ahead log (a run killed before it closed the catalog) may hold commits its file's
 * stamp does not show: it is never taken as unchanged.
 */
export function mergedAsItStands(catalog: Catalog, workerFile: string): boolean {
  if ((statSync(`${workerFile}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) return false;
  const recorded = catalog.sqlite.prepare('SELECT value FROM catalog_settings WHERE key = ?').pluck().get(`${MERGED}${workerFile}`);
  return recorded !== undefined && recorded === fileStamp(workerFile);
}

export interface MergeSummary {
  /** Files the worker recorded (new or changed) now in the catalog. */
  files: number;
  /** Shards whose state the worker advanced (extracted, failed, absent …). */
  shards: number;
  /** Shards whose members the worker learned. */
  learnedShards: number;
}

/** How far a shard got: a worker's state replaces the catalog's only when it went further. */
const STATE_RANK = `CASE %s WHEN 'remote' THEN 0 WHEN 'downloading' THEN 1 WHEN 'downloaded' THEN 2 WHEN 'failed' THEN 2
  WHEN 'absent' THEN 3 WHEN 'extracted' THEN 4 ELSE 0 END`;
const rank = (column: string) => STATE_RANK.replace('%s', column);

const MERGED_COLUMNS = [...FILE_COLUMNS, 'gone_at'];
const COMPARED = ['bytes', 'mtime_ms', 'status', 'detail', 'duration', 'verified', 'serve_rank', 'gone_at', 'sha256'];

/**
 * Folds what a worker recorded (files written, shard states, members learned) into the catalog, in one transaction,
 * set-based. A file's record replaces the catalog's only when the worker saw it later (so merging a worker again
 * never undoes a later scan of the catalog, and the rows it copied change nothing); a shard's state only when the
 * worker took it further. Merging the same worker twice changes nothing. The worker's catalog must have been copied
 * from `copiedFrom`: the catalog itself, or the main catalog of a worker's fresh copy. A merge into the catalog it was
 * copied from records the file as it stood, so that `mergedAsItStands` can tell a merge again would change nothing.
 */
export function mergeWorkerCatalog(catalog: Catalog, workerFile: string, copiedFrom = catalog.file): MergeSummary {
  const db = catalog.sqlite;
  if (statSync(workerFile, { throwIfNoEntry: false })?.isDirectory()) throw new KineticsError(`${workerFile} is a folder, not a worker's catalog`, 66);
  const stamp = fileStamp(workerFile);
  const notWorkers = `${workerFile} is not a worker's catalog (\`kinetics fetch NAME --worker I/N\` makes one)`;
  try {
    db.prepare('ATTACH DATABASE ? AS worker').run(`file:${encodeURI(workerFile)}?mode=ro`);
  } catch {
    throw new KineticsError(notWorkers, 65); // no SQLite database at all
  }
  try {
    let marks: Map<string, string>;
    try {
      marks = workerMarks(catalog, 'worker');
    } catch {
      throw new KineticsError(notWorkers, 65);
    }
    if (!marks.get(WORKER_SINCE)) throw new KineticsError(notWorkers, 65);
    if (!isWorkerOf(marks, catalog, copiedFrom)) {
      throw new KineticsError(`${workerFile} was copied from the catalog ${marks.get(WORKER_OF)}, not from ${copiedFrom}: merge it into that one`, 65);
    }
    waitToWriteFiles(catalog); // the merge upserts files
    const summary = db
      .transaction((): MergeSummary => {
        if (!mayWriteFiles(db)) throw cannotWriteFilesNow(db);
        db.exec('INSERT OR IGNORE INTO scan_roots (path) SELECT path FROM worker.scan_roots');
        const files = db
          .prepare(
            `INSERT INTO disk_files (${MERGED_COLUMNS.join(', ')})
             SELECT ${MERGED_COLUMNS.map((column) => (column === 'root_id' ? 'root.id' : `f.${column}`)).join(', ')}
             FROM worker.disk_files f
             JOIN worker.scan_roots worker_root ON worker_root.id = f.root_id
             JOIN scan_roots root ON root.path = worker_root.path
             LEFT JOIN disk_files known ON known.path = f.path
             WHERE known.id IS NULL
                OR (f.scanned_at > known.scanned_at
                    AND (${COMPARED.map((c) => `known.${c}`).join(', ')}) IS NOT (${COMPARED.map((c) => `f.${c}`).join(', ')}))
             ON CONFLICT (path) DO UPDATE SET ${MERGED_COLUMNS.filter((column) => column !== 'path')
               .map((column) => `${column} = excluded.${column}`)
               .join(', ')}`,
          )
          .run().changes;
        db.exec(`DROP TABLE IF EXISTS temp.learned; CREATE TEMP TABLE learned AS
          SELECT w.version, w.split, w.name, w.learned_label FROM worker.shard_files w
          JOIN shard_files s USING (version, split, name) WHERE w.members_known = 1 AND s.members_known = 0`);
        db.exec(`DELETE FROM shard_member_files WHERE (version, split, shard) IN (SELECT version, split, name FROM learned);
          INSERT INTO shard_member_files (version, split, shard, clip_key, bytes, damaged, sha256)
          SELECT m.version, m.split, m.shard, m.clip_key, m.bytes, m.damaged, m.sha256
          FROM worker.shard_member_files m JOIN learned l ON (l.version, l.split, l.name) = (m.version, m.split, m.shard);
          UPDATE shard_files AS s SET members_known = 1, learned_label = l.learned_label
          FROM learned l WHERE (l.version, l.split, l.name) = (s.version, s.split, s.name)`);
        const learnedShards = Number(db.prepare('SELECT count(*) FROM learned').pluck().get());
        db.exec('DROP TABLE learned');
        const shards = db
          .prepare(
            `UPDATE shard_files AS s SET state = w.state, error = w.error, bytes = coalesce(w.bytes, s.bytes), etag = coalesce(w.etag, s.etag)
             FROM worker.shard_files w
             WHERE (w.version, w.split, w.name) = (s.version, s.split, s.name) AND ${rank('w.state')} > ${rank('s.state')}`,
          )
          .run().changes;
        if (copiedFrom === catalog.file) db.prepare('INSERT OR REPLACE INTO catalog_settings (key, value) VALUES (?, ?)').run(`${MERGED}${workerFile}`, stamp);
        return { files, shards, learnedShards };
      })
      .immediate();
    refreshFileStatistics(db, summary.files);
    return summary;
  } finally {
    db.exec('DETACH DATABASE worker');
  }
}
