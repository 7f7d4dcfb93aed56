import type { Catalog } from './catalog.js';
import { pathRange, underRoots } from './disk-files.js';
import type { ShardRow } from './schema.js';

export interface ShardId {
  version: string;
  split: string;
  name: string;
}

/** What planning and fetching read of a shard: a row of the `shards` view, with its bucket path. */
export type PlannableShard = Pick<ShardRow, 'version' | 'split' | 'name' | 'url' | 'label' | 'bytes' | 'etag' | 'state' | 'members_known' | 'archive_path'> & {
  /** Bucket-relative, decoded: `400/train/part_0.tar.gz`. */
  path: string;
};

const PLANNABLE_SHARDS = `SELECT s.version, s.split, s.name, s.url, s.label, s.bytes, s.etag, s.state, s.members_known, s.archive_path, f.path
  FROM shards s JOIN shard_files f USING (version, split, name)`;

/** Every shard of these versions. */
export function shardsOfVersions(catalog: Catalog, versions: string[]): PlannableShard[] {
  return catalog.sqlite
    .prepare(`${PLANNABLE_SHARDS} WHERE s.version IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(versions)) as PlannableShard[];
}

/** The shards whose members are not known yet, of one version and split, or all. */
export function shardsWithUnknownMembers(catalog: Catalog, only: { version: string | null; split: string | null }): PlannableShard[] {
  return catalog.sqlite
    .prepare(
      `${PLANNABLE_SHARDS} WHERE s.members_known = 0
         AND (@version IS NULL OR s.version = @version) AND (@split IS NULL OR s.split = @split)
       ORDER BY s.version, s.split, s.name`,
    )
    .all(only) as PlannableShard[];
}

/** A shard the source said it does not have: not asked for again until `--retry-absent`, or a new source. */
export const ABSENT = 'absent';

/** Where a shard stands: only listed, being downloaded (its part file may stay), read whole, its clips out, or not. */
export const SHARD_STATES = ['remote', 'downloading', 'downloaded', 'extracted', 'failed', ABSENT] as const;

export function setShardState(catalog: Catalog, shard: ShardId, state: string, error: string | null): void {
  catalog.sqlite
    .prepare('UPDATE shard_files SET state = ?, error = ? WHERE version = ? AND split = ? AND name = ?')
    .run(state, error, shard.version, shard.split, shard.name);
}

export function recordShardSize(catalog: Catalog, shard: ShardId, bytes: number, etag: string | null): void {
  catalog.sqlite
    .prepare('UPDATE shard_files SET bytes = ?, etag = ? WHERE version = ? AND split = ? AND name = ?')
    .run(bytes, etag, shard.version, shard.split, shard.name);
}

/** The class a per-class shard's members show, when they all carry one label in that version and split. */
function learnedLabel(catalog: Catalog, shard: ShardId, clipKeys: string[]): string | null {
  const labels = catalog.sqlite
    .prepare(
      `SELECT DISTINCT label FROM clip_annotations WHERE version = ? AND split = ? AND label IS NOT NULL
         AND clip_key IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .all(shard.version, shard.split, JSON.stringify(clipKeys)) as string[];
  return labels.length === 1 ? labels[0]! : null;
}

interface KnownSum {
  clip_key: string;
  bytes: number;
  sha256: string;
  damaged: string | null;
}

const UNDECODABLE = 'undecodable';

/**
 * The members of a shard whose bytes (by sha256) are known undecodable: what fetch writes of them is undecodable
 * at once, with no need to decode it again.
 */
export function undecodableMembers(catalog: Catalog, shard: ShardId): Map<string, string> {
  const rows = catalog.sqlite
    .prepare("SELECT clip_key, sha256 FROM shard_member_files WHERE version = ? AND split = ? AND shard = ? AND damaged = 'undecodable' AND sha256 IS NOT NULL")
    .all(shard.version, shard.split, shard.name) as { clip_key: string; sha256: string }[];
  return new Map(rows.map((row) => [row.clip_key, row.sha256]));
}

/**
 * Shard members of the same bytes (sha256) as a file under these roots that ffmpeg could not decode are undecodable
 * at the source: plan passes them over (as it does members sent damaged) until --retry-damaged. Members of the same
 * bytes as a file that decoded are not (a mark left by a decode that failed for want of a decoder goes).
 */
export function settleMembersByDecoding(catalog: Catalog, roots: string[]): void {
  const settle = (decoded: 0 | 1, from: string | null, to: string | null) =>
    catalog.sqlite
      .prepare(
        `UPDATE shard_member_files AS m SET damaged = @to
         FROM disk_files f
         WHERE f.decoded = @decoded AND f.sha256 IS NOT NULL AND f.clip_key = m.clip_key AND f.sha256 = m.sha256
           AND m.damaged IS @from AND (${underRoots(roots, 'f.path')})`,
      )
      .run({ decoded, from, to }, ...roots.flatMap(pathRange));
  catalog.sqlite.transaction(() => {
    settle(0, null, UNDECODABLE);
    settle(1, UNDECODABLE, null);
  }).immediate();
}

/** What one streaming of a shard showed: each member's bytes, and the status of those found damaged at the source. */
export interface StreamedShard extends ShardId {
  members: Map<string, number>;
  damaged?: Map<string, string>;
  /** The sha256 of the members whose bytes were hashed (those written), by clip key. */
  sha256?: Map<string, string>;
}

/**
 * Replaces what is known of each shard's members (clip key → bytes, damaged at the source, sha256), marks them known, and
 * learns each per-class shard's class from them (which corrects a numbered shard whose sorted-position label was
 * wrong); with `extracted`, marks the shards extracted: all in one transaction, so that a shard is never extracted
 * with its members unknown.
 */
export function recordShardMembers(catalog: Catalog, shards: Iterable<StreamedShard>, options: { extracted?: boolean } = {}): void {
  const { sqlite } = catalog;
  const forget = sqlite.prepare('DELETE FROM shard_member_files WHERE version = ? AND split = ? AND shard = ?');
  const knownSums = sqlite.prepare('SELECT clip_key, bytes, sha256, damaged FROM shard_member_files WHERE version = ? AND split = ? AND shard = ? AND sha256 IS NOT NULL');
  const add = sqlite.prepare('INSERT INTO shard_member_files (version, split, shard, clip_key, bytes, damaged, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // Only a per-class shard (named or numbered by class) has a class to learn; random shards never do (migration 008).
  const markKnown = sqlite.prepare(
    `UPDATE shard_files SET members_known = 1, learned_label = CASE WHEN label IS NOT NULL OR class_number IS NOT NULL THEN ? END
     WHERE version = ? AND split = ? AND name = ?`,
  );
  const markExtracted = sqlite.prepare("UPDATE shard_files SET state = 'extracted', error = NULL WHERE version = ? AND split = ? AND name = ?");
  sqlite.transaction(() => {
    for (const shard of shards) {
      if (options.extracted) markExtracted.run(shard.version, shard.split, shard.name);
      // A streaming hashes only the members it writes: the sums known of the others stay, while their sizes do. A
      // member `scan --decode` found undecodable stays so while its bytes do (fetch checks structure, not decoding).
      const sums = new Map((knownSums.all(shard.version, shard.split, shard.name) as KnownSum[]).map((row) => [row.clip_key, row]));
      forget.run(shard.version, shard.split, shard.name);
      for (const [clipKey, bytes] of shard.members) {
        const known = sums.get(clipKey);
        const sha256 = shard.sha256?.get(clipKey) ?? (known?.bytes === bytes ? known.sha256 : null);
        const stillUndecodable = known?.damaged === UNDECODABLE && known.sha256 === sha256;
        add.run(shard.version, shard.split, shard.name, clipKey, bytes, shard.damaged?.get(clipKey) ?? (stillUndecodable ? UNDECODABLE : null), sha256);
      }
      markKnown.run(learnedLabel(catalog, shard, [...shard.members.keys()]), shard.version, shard.split, shard.name);
    }
  }).immediate();
}

/**
 * Whether a shard's members are already known as given: the same clip keys and sizes, and each given sha256 the one
 * kept (a member given none keeps its own, as `recordShardMembers` does).
 */
export function knownAsGiven(catalog: Catalog): (shard: StreamedShard) => boolean {
  const select = catalog.sqlite.prepare('SELECT clip_key, bytes, sha256 FROM shard_member_files WHERE version = ? AND split = ? AND shard = ?');
  return (shard) => {
    const known = select.all(shard.version, shard.split, shard.name) as { clip_key: string; bytes: number; sha256: string | null }[];
    return (
      known.length === shard.members.size &&
      known.every((row) => shard.members.get(row.clip_key) === row.bytes && (shard.sha256?.get(row.clip_key) ?? row.sha256) === row.sha256)
    );
  };
}

/** Every learned shard member as rows (version, split, shard, clip_key, bytes, sha256), in that order. */
export function shardMemberRows(catalog: Catalog, only: { version: string | null; split: string | null }): IterableIterator<unknown[]> {
  return catalog.sqlite
    .prepare(
      `SELECT version, split, shard, clip_key, bytes, sha256 FROM shard_members
       WHERE (@version IS NULL OR version = @version) AND (@split IS NULL OR split = @split)
       ORDER BY version, split, shard, clip_key`,
    )
    .raw(true)
    .iterate(only) as IterableIterator<unknown[]>;
}

export function shardExists(catalog: Catalog): (shard: ShardId) => boolean {
  const select = catalog.sqlite.prepare('SELECT 1 FROM shard_files WHERE version = ? AND split = ? AND name = ?');
  return (shard) => select.get(shard.version, shard.split, shard.name) !== undefined;
}

/** A path list's shard as a loader reads it. */
export interface ListedShard {
  name: string;
  path: string;
  url: string;
  label: string | null;
  classNumber: number | null;
}

/**
 * Every shard of a path list becomes a shard row. Rows are upserted, not replaced, so what later work learned
 * about a shard (state, bytes) survives a re-ingest; shards no longer listed are removed by `finish`.
 */
export function pathListWriter(catalog: Catalog, file: { sourceId: number; version: string; split: string }) {
  const upsert = catalog.sqlite.prepare(
    `INSERT INTO shard_files (version, split, name, source_id, path, url, label, class_number)
     VALUES (@version, @split, @name, @sourceId, @path, @url, @label, @classNumber)
     ON CONFLICT (version, split, name) DO UPDATE SET
       source_id = excluded.source_id, path = excluded.path, url = excluded.url,
       label = excluded.label, class_number = excluded.class_number`,
  );
  const names: string[] = [];
  return {
    add(shard: ListedShard): void {
      upsert.run({ ...file, ...shard });
      names.push(shard.name);
    },
    finish(): void {
      catalog.sqlite
        .prepare('DELETE FROM shard_files WHERE source_id = ? AND name NOT IN (SELECT value FROM json_each(?))')
        .run(file.sourceId, JSON.stringify(names));
    },
  };
}

/**
 * Shard URLs point into the source last ingested from, including shards whose path list did not change, and the
 * shards that stand in no path list (K400's replacement archive) get their row.
 */
export function relocateShards(
  catalog: Catalog,
  extras: (ShardId & { path: string })[],
  locate: (path: string) => string,
): void {
  const { sqlite } = catalog;
  sqlite.transaction(() => {
    const addExtra = sqlite.prepare(
      `INSERT INTO shard_files (version, split, name, source_id, path, url) VALUES (?, ?, ?, NULL, ?, ?)
       ON CONFLICT (version, split, name) DO NOTHING`,
    );
    for (const extra of extras) addExtra.run(extra.version, extra.split, extra.name, extra.path, extra.path);
    // Another source may have what the last one lacked.
    const setUrl = sqlite.prepare(
      `UPDATE shard_files SET url = ?, state = CASE state WHEN '${ABSENT}' THEN 'remote' ELSE state END
       WHERE version = ? AND split = ? AND name = ? AND url <> ?`,
    );
    const shards = sqlite.prepare('SELECT version, split, name, path FROM shard_files').all() as (ShardId & { path: string })[];
    for (const shard of shards) {
      const url = locate(shard.path);
      setUrl.run(url, shard.version, shard.split, shard.name, url);
    }
  }).immediate();
}

/** A shard an archive on disk may be, by its name. */
export interface ShardCandidate extends ShardId {
  /** The source's size, when known. */
  bytes: number | null;
}

/** Every shard by file name: what an archive on disk named so may be. */
export function shardsByName(catalog: Catalog): Map<string, ShardCandidate[]> {
  const byName = new Map<string, ShardCandidate[]>();
  for (const shard of catalog.sqlite.prepare('SELECT version, split, name, bytes FROM shard_files').all() as ShardCandidate[]) {
    const same = byName.get(shard.name);
    if (same) same.push(shard);
    else byName.set(shard.name, [shard]);
  }
  return byName;
}

const rootsClause = (roots: string[], column: string) => roots.map(() => `(${column} > ? AND ${column} < ?)`).join(' OR ');

/** The files under `roots` whose names are an archive's (`.tar.gz`, `.tgz`, `.tar`, and those ending `.part`). */
export function archiveFilesUnder(catalog: Catalog, roots: string[]): { path: string; bytes: number }[] {
  return catalog.sqlite
    .prepare(
      `SELECT path, bytes FROM disk_files WHERE status <> 'gone' AND clip_key IS NULL
         AND (path LIKE '%.tar.gz' OR path LIKE '%.tgz' OR path LIKE '%.tar' OR path LIKE '%.tar.gz.part' OR path LIKE '%.tgz.part' OR path LIKE '%.tar.part')
         AND (${rootsClause(roots, 'path')})`,
    )
    .all(roots.flatMap(pathRange)) as { path: string; bytes: number }[];
}

/**
 * Records the archives found under `roots` on their shards (a shard found twice keeps its largest copy), and forgets
 * the archives recorded under them that are no longer there; in one transaction.
 */
export function recordShardArchives(catalog: Catalog, roots: string[], found: (ShardId & { path: string; bytes: number })[]): void {
  const largest = new Map<string, ShardId & { path: string; bytes: number }>();
  for (const archive of found) {
    const key = `${archive.version}\0${archive.split}\0${archive.name}`;
    if ((largest.get(key)?.bytes ?? -1) < archive.bytes) largest.set(key, archive);
  }
  const forget = catalog.sqlite.prepare(`UPDATE shard_files SET archive_path = NULL, archive_bytes = NULL WHERE ${rootsClause(roots, 'archive_path')}`);
  // An archive recorded from another folder stays when it is at least as big: a cut-off copy never replaces a whole one.
  const record = catalog.sqlite.prepare(
    `UPDATE shard_files SET archive_path = @path, archive_bytes = @bytes
     WHERE version = @version AND split = @split AND name = @name AND (archive_path IS NULL OR coalesce(archive_bytes, 0) < @bytes)`,
  );
  catalog.sqlite
    .transaction(() => {
      forget.run(roots.flatMap(pathRange));
      for (const { path, bytes, version, split, name } of largest.values()) record.run({ path, bytes, version, split, name });
    })
    .immediate();
}
