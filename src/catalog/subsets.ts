import type { Catalog } from './catalog.js';
import { KineticsError, UsageError } from '../errors.js';
import type { SubsetDefinition } from '../subset/definition.js';
import { USABLE_STATUS_LIST } from './clips.js';
import { runSelection, selectionSql } from './clip-selection.js';

export interface StoredSubset {
  name: string;
  definition: SubsetDefinition;
  created_at: string;
  clips: number;
}

const checkName = (name: string) => {
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`a subset name is letters, digits, ".", "-" or "_": "${name}"`);
};

/** Stores a subset row (replacing one of that name only when asked), then its members by `fill`; in the caller's transaction. */
function storeSubset(catalog: Catalog, name: string, definition: SubsetDefinition, replace: boolean, fill: () => number): number {
  const { sqlite } = catalog;
  if (sqlite.prepare('SELECT 1 FROM subsets WHERE name = ?').get(name)) {
    if (!replace) throw new UsageError(`subset ${name} exists; drop it first or pass --replace`);
    sqlite.prepare('DELETE FROM subset_members WHERE subset = ?').run(name);
    sqlite.prepare('DELETE FROM subsets WHERE name = ?').run(name);
  }
  sqlite.prepare('INSERT INTO subsets (name, definition, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(definition), new Date().toISOString());
  const clips = fill();
  if (clips === 0) throw new KineticsError(`subset ${name} would hold no clips; nothing was stored`, 1);
  return clips;
}

/** Selects the clips and stores the subset with its definition, in one transaction; returns how many clips it holds. */
export function createSubset(catalog: Catalog, name: string, definition: SubsetDefinition, replace = false): number {
  checkName(name);
  const { sqlite } = catalog;
  const selection = selectionSql(sqlite, definition);
  // The clips are chosen before the old subset goes: a --replace --sql may read the subset it replaces.
  return sqlite.transaction(() => {
    runSelection(selection, (params) => {
      sqlite.exec('DROP TABLE IF EXISTS temp.chosen_clips');
      sqlite.prepare(`CREATE TEMP TABLE chosen_clips AS ${selection.sql}`).run(params);
      return Number(sqlite.prepare('SELECT count(*) FROM temp.chosen_clips').pluck().get());
    });
    try {
      return storeSubset(catalog, name, definition, replace, () =>
        sqlite.prepare('INSERT INTO subset_members (subset, version, split, clip_key) SELECT ?, version, split, clip_key FROM temp.chosen_clips').run(name).changes,
      );
    } finally {
      sqlite.exec('DROP TABLE temp.chosen_clips');
    }
  }).immediate();
}

/** Stores several subsets whose clips are given (the parts of a split), all or none. */
export function storeSubsets(catalog: Catalog, subsets: { name: string; definition: SubsetDefinition; clips: SubsetClip[] }[], replace = false): void {
  for (const subset of subsets) checkName(subset.name);
  const add = catalog.sqlite.prepare('INSERT INTO subset_members (subset, version, split, clip_key) VALUES (?, ?, ?, ?)');
  catalog.sqlite
    .transaction(() => {
      for (const { name, definition, clips } of subsets) {
        storeSubset(catalog, name, definition, replace, () => {
          for (const clip of clips) add.run(name, clip.version, clip.split, clip.clip_key);
          return clips.length;
        });
      }
    })
    .immediate();
}

export function listSubsets(catalog: Catalog): StoredSubset[] {
  return (
    catalog.sqlite
      .prepare(
        `SELECT s.name, s.definition, s.created_at, (SELECT count(*) FROM subset_members m WHERE m.subset = s.name) AS clips
         FROM subsets s ORDER BY s.name`,
      )
      .all() as (Omit<StoredSubset, 'definition'> & { definition: string })[]
  ).map((row) => ({ ...row, definition: JSON.parse(row.definition) as SubsetDefinition }));
}

/** The names of the subsets stored. */
export function subsetNames(catalog: Catalog): Set<string> {
  return new Set(catalog.sqlite.prepare('SELECT name FROM subsets').pluck().all() as string[]);
}

export function findSubset(catalog: Catalog, name: string): StoredSubset {
  const subset = listSubsets(catalog).find((candidate) => candidate.name === name);
  if (!subset) {
    const names = listSubsets(catalog).map((candidate) => candidate.name);
    throw new UsageError(`no subset "${name}"${names.length > 0 ? `; subsets: ${names.join(', ')}` : '; make one with `kinetics subset create`'}`);
  }
  return subset;
}

/**
 * The part each clip of `parent` is in, among the parts `subset split` made of it (by version, split and clip key),
 * or undefined when it was never split.
 */
export function partOfClips(
  catalog: Catalog,
  parent: string,
): { clips: Map<string, string>; splitting: Omit<NonNullable<SubsetDefinition['partOf']>, 'part'> } | undefined {
  const parts = listSubsets(catalog).filter((subset) => subset.definition.partOf?.subset === parent);
  if (parts.length === 0) return undefined;
  const splittings = new Set(parts.map(({ definition }) => Object.keys(definition.partOf!.parts).sort().join(', ')));
  if (new Set(parts.map(({ definition }) => JSON.stringify({ ...definition.partOf, part: undefined }))).size > 1) {
    throw new UsageError(
      `${parent} was split more than once (into ${[...splittings].join('; into ')}), and a clip is in a part of each: drop the parts of all but one (kinetics subset drop NAME)`,
    );
  }
  const members = catalog.sqlite.prepare('SELECT version, split, clip_key FROM subset_members WHERE subset = ?').raw(true);
  const partOf = new Map<string, string>();
  for (const part of parts) {
    for (const [version, split, clipKey] of members.iterate(part.name) as IterableIterator<[string, string, string]>) {
      partOf.set(`${version}\0${split}\0${clipKey}`, part.definition.partOf!.part);
    }
  }
  const { part: _part, ...splitting } = parts[0]!.definition.partOf!;
  return { clips: partOf, splitting };
}

/** The subsets `subset split` made of `parent`, by name. */
export function partsOf(catalog: Catalog, parent: string): string[] {
  return listSubsets(catalog).filter((subset) => subset.definition.partOf?.subset === parent).map((subset) => subset.name);
}

export function dropSubset(catalog: Catalog, name: string): void {
  findSubset(catalog, name);
  catalog.sqlite.transaction(() => {
    catalog.sqlite.prepare('DELETE FROM subset_members WHERE subset = ?').run(name);
    catalog.sqlite.prepare('DELETE FROM subsets WHERE name = ?').run(name);
  }).immediate();
}

/** A subset's clip as planning reads it: its key, class and on-disk status. */
export interface SubsetClip {
  version: string;
  split: string;
  clip_key: string;
  label: string | null;
  status: string;
}

export function subsetClips(catalog: Catalog, name: string): SubsetClip[] {
  return catalog.sqlite
    .prepare(
      `SELECT c.version, c.split, c.clip_key, c.label, c.status
       FROM subset_members s JOIN clips c ON c.clip_key = s.clip_key AND c.version = s.version AND c.split = s.split
       WHERE s.subset = ?`,
    )
    .all(name) as SubsetClip[];
}

/** Which known shard members are clips of the subset: (version, split, shard, clip_key), each once. */
/** A shard known to hold a clip; `damaged` is the status the clip had as that shard sent it, null when usable. */
export interface ShardMember {
  version: string;
  split: string;
  shard: string;
  clip_key: string;
  damaged: string | null;
}

export function subsetShardMembers(catalog: Catalog, name: string): ShardMember[] {
  return catalog.sqlite
    .prepare(
      `SELECT DISTINCT m.version, m.split, m.shard, m.clip_key, m.damaged
       FROM subset_members s JOIN shard_member_files m ON m.clip_key = s.clip_key AND m.version = s.version
       WHERE s.subset = ?`,
    )
    .all(name) as ShardMember[];
}

/** The shard each of a subset's clips came from, by version and clip key (its own split's shard first). */
export function subsetSourceShards(catalog: Catalog, name: string): Map<string, string> {
  const rows = catalog.sqlite
    .prepare(
      `SELECT s.version, s.clip_key, m.shard
       FROM subset_members s JOIN shard_member_files m ON m.version = s.version AND m.clip_key = s.clip_key
       WHERE s.subset = ? ORDER BY m.split = s.split DESC, m.shard`,
    )
    .raw(true)
    .all(name) as [string, string, string][];
  const shards = new Map<string, string>();
  for (const [version, clipKey, shard] of rows) {
    const key = `${version}\0${clipKey}`;
    if (!shards.has(key)) shards.set(key, shard);
  }
  return shards;
}

/** The labels a subset's clips of these versions carry, in code-point order. */
export function subsetLabels(catalog: Catalog, name: string, versions: string[]): string[] {
  const labels = catalog.sqlite
    .prepare(
      `SELECT DISTINCT a.label FROM subset_members s JOIN clip_annotations a ON a.clip_key = s.clip_key AND a.version = s.version AND a.split = s.split
       WHERE s.subset = ? AND s.version IN (SELECT value FROM json_each(?)) AND a.label IS NOT NULL`,
    )
    .pluck()
    .all(name, JSON.stringify(versions)) as string[];
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A subset's clip as an export lists it. */
export interface ExportableClip extends SubsetClip {
  youtube_id: string;
  time_start: number;
  time_end: number;
  path: string | null;
}

/**
 * The subset's clips of these versions and splits, in the order exports list them (version, split, label, key), as
 * they come. Read a split at a time as arrays: version and split are not read 536k times, nor rows made by the driver.
 */
export function* exportableClips(catalog: Catalog, name: string, splits: { version: string; split: string }[]): IterableIterator<ExportableClip> {
  const statement = catalog.sqlite
    .prepare(
      `SELECT c.clip_key, c.youtube_id, c.time_start, c.time_end, c.label, c.disk_status, (SELECT f.path FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key)
       FROM subset_members s JOIN clip_annotations c ON c.clip_key = s.clip_key AND c.version = s.version AND c.split = s.split
       WHERE s.subset = ? AND s.version = ? AND s.split = ?
       ORDER BY c.label, c.clip_key`,
    )
    .raw(true);
  for (const { version, split } of splits) {
    for (const [clip_key, youtube_id, time_start, time_end, label, status, path] of statement.iterate(name, version, split) as IterableIterator<
      [string, string, number, number, string | null, string, string | null]
    >) {
      yield { version, split, clip_key, youtube_id, time_start, time_end, label, status, path };
    }
  }
}

/** The versions and splits a subset has clips of. */
export function subsetSplits(catalog: Catalog, name: string): { version: string; split: string }[] {
  return catalog.sqlite.prepare('SELECT DISTINCT version, split FROM subset_members WHERE subset = ? ORDER BY 1, 2').all(name) as { version: string; split: string }[];
}

/** Per version, split and class: the subset's clips, and how many of them are on disk and usable. */
export function subsetClassCounts(catalog: Catalog, name: string): unknown[][] {
  return catalog.sqlite
    .prepare(
      `SELECT c.version, c.split, c.label, count(*) AS clips,
              count(*) FILTER (WHERE c.status IN ${USABLE_STATUS_LIST}) AS on_disk
       FROM subset_clips s JOIN clips c USING (version, split, clip_key)
       WHERE s.subset = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .raw(true)
    .all(name) as unknown[][];
}

/** Whether any clip of the subset is on disk with status ok: what an export lists (unless asked for the others too). */
export function hasClipOnDisk(catalog: Catalog, name: string): boolean {
  return (
    catalog.sqlite
      .prepare("SELECT 1 FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = ? AND c.status = 'ok' LIMIT 1")
      .get(name) !== undefined
  );
}
