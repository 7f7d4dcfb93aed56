import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { shardNameOf } from '../scan/shard-archives.js';
import type { Catalog } from '../catalog/catalog.js';
import { ABSENT, type PlannableShard, recordShardSize, setShardState, shardsOfVersions } from '../catalog/shards.js';
import { REPLACEMENT_SPLIT } from '../sources/bucket-layout.js';
import { USABLE_STATUSES } from '../subset/definition.js';
import { type SubsetClip, findSubset, subsetClips, subsetShardMembers } from '../catalog/subsets.js';
import { eachLimited } from '../util/each-limited.js';
import { shardSize } from './shard-size.js';

export interface PlannedShard {
  version: string;
  split: string;
  name: string;
  url: string;
  /** Bucket-relative, decoded: `400/train/part_0.tar.gz`. */
  path: string;
  label: string | null;
  bytes: number | null;
  etag: string | null;
  state: string;
  membersKnown: boolean;
  /** A whole archive on disk (kept by `--keep-archives`, or downloaded by another engine), read instead of the source. */
  archive: string | null;
  /** An archive of it that `scan` found cut off (a `wget -c` that stopped): a download resumes from its bytes. */
  partialArchive: string | null;
  /** Wanted clips this shard is known (or, per class, expected) to hold. */
  clips: SubsetClip[];
  /** Streamed to find wanted clips whose shard is not known yet (random shards never streamed). */
  discovery: boolean;
  /** The source answered that it has no such file (its path list names it all the same): fetching it will fail. */
  absentFromSource: boolean;
}

export interface Plan {
  subset: string;
  clips: number;
  onDisk: number;
  wanted: number;
  shards: PlannedShard[];
  /** Wanted clips whose shard is among the discovery shards, not yet known which. */
  undiscovered: SubsetClip[];
  /** Wanted clips that no shard holds (every candidate shard's members are known). */
  notInAnyShard: SubsetClip[];
  /** Wanted clips every shard holding them sent damaged: not sought again until `--retry-damaged`. */
  damagedAtSource: SubsetClip[];
  bytesToDownload: number;
  shardsWithUnknownSize: number;
  shardsAbsentFromSource: number;
}

export function archivePath(home: string, shard: { version: string; split: string; name: string }): string {
  return join(archivesRoot(home), shard.version, shard.split, shard.name);
}

export function archivesRoot(home: string): string {
  return join(home, 'archives');
}

/**
 * A shard's archive in `dir`, laid out by version and split (as `fetch --keep-archives` and the engine lists of
 * `plan --format` put it) or as in the bucket (as `rclone --files-from` does), when it is whole: not still being
 * written by aria2c (its `.aria2` control file beside it) and of the source's size when that is known. Flat in `dir`
 * (as `wget -i` and `xargs curl -O` leave the `urls` list's files, named as decoded or as in the URL) only when the
 * size is known and matches: names repeat across splits (K600's per-class shards), and another split's archive
 * must not pass for this one.
 */
export function archiveOnDisk(dir: string, shard: { version: string; split: string; name: string; path: string; bytes: number | null }): string | null {
  const flat = shard.bytes === null ? [] : [...new Set([shard.name, encodeURIComponent(shard.name)])].map((name) => join(dir, name));
  const candidates = [join(dir, shard.version, shard.split, shard.name), join(dir, shard.path), ...flat];
  for (const candidate of candidates) {
    const info = statSync(candidate, { throwIfNoEntry: false });
    if (!info?.isFile() || existsSync(`${candidate}.aria2`)) continue;
    if (shard.bytes === null || info.size === shard.bytes) return candidate;
  }
  return null;
}

/** The archive `scan` recorded on the shard, if it is still there: whole (of the source's size, when known) or not. */
function scannedArchive(row: PlannableShard): { whole: string | null; partial: string | null } {
  const size = row.archive_path === null ? undefined : statSync(row.archive_path, { throwIfNoEntry: false })?.size;
  // aria2c preallocates: a file with its control file beside it is still being written, whatever its size.
  if (size === undefined || existsSync(`${row.archive_path}.aria2`)) return { whole: null, partial: null };
  const whole = !shardNameOf(basename(row.archive_path!))?.partialByName && (row.bytes === null || size === row.bytes);
  return whole ? { whole: row.archive_path, partial: null } : { whole: null, partial: row.bytes !== null && size < row.bytes ? row.archive_path : null };
}

export function plannedShardOf(row: PlannableShard, archives: string): PlannedShard {
  const scanned = scannedArchive(row);
  return {
    version: row.version,
    split: row.split,
    name: row.name,
    url: row.url,
    path: row.path,
    label: row.label,
    bytes: row.bytes,
    etag: row.etag,
    state: row.state,
    membersKnown: row.members_known === 1,
    archive: archiveOnDisk(archives, row) ?? scanned.whole,
    partialArchive: scanned.partial,
    clips: [],
    discovery: false,
    absentFromSource: row.state === ABSENT,
  };
}

/**
 * Whether a shard whose members are not known may hold a clip: a shard of the clip's split, or K400's replacement
 * archive, which holds good copies of damaged K400 clips of any split.
 */
export function mayHold(shard: { version: string; split: string }, clip: { version: string; split: string }): boolean {
  return shard.version === clip.version && (shard.split === clip.split || shard.split === REPLACEMENT_SPLIT);
}

const DAMAGED_STATUSES = new Set(['damaged', 'undecodable', 'short', 'empty']);

/** A shard known to hold a clip, and the status the clip had as it sent it (null or absent: usable). */
export interface Holder {
  split: string;
  shard: string;
  damaged?: string | null;
}

/** Prefer a clip's own split; a damaged K400 original prefers the replacement archive. */
function pickMember(clip: SubsetClip, holders: Holder[]): Holder | undefined {
  return (
    (DAMAGED_STATUSES.has(clip.status) ? holders.find((holder) => holder.split === REPLACEMENT_SPLIT) : undefined) ??
    holders.find((holder) => holder.split === clip.split) ??
    holders[0]
  );
}

export interface ShardAssignment {
  /** The shards to stream, each with the wanted clips it holds and whether it is streamed to discover clips. */
  shards: Map<PlannableShard, { clips: SubsetClip[]; discovery: boolean }>;
  undiscovered: SubsetClip[];
  notInAnyShard: SubsetClip[];
  damagedAtSource: SubsetClip[];
}

const shardKey = (version: string, split: string, name: string) => `${version}\0${split}\0${name}`;

/**
 * Where each wanted clip is sought: in a shard known to hold it, else in its class's shard, else among the random
 * shards of its split (and K400's replacement archive) not streamed yet. `members` lists, by version and clip key,
 * the shards known to hold each clip; one that sent the clip damaged is passed over unless `retryDamaged`. Every
 * look-up is a map probe: the work grows with the clips, not clips × shards.
 */
export function assignShards(
  wanted: SubsetClip[],
  shardRows: PlannableShard[],
  members: Map<string, Holder[]>,
  options: { retryDamaged?: boolean } = {},
): ShardAssignment {
  const byKey = new Map(shardRows.map((row) => [shardKey(row.version, row.split, row.name), row]));
  const classShards = new Map<string, PlannableShard>();
  for (const row of shardRows) {
    const key = `${row.version}\0${row.split}\0${row.label}`;
    if (row.label !== null && !classShards.has(key)) classShards.set(key, row);
  }
  const unexploredReplacement = new Map(
    shardRows.filter((row) => row.split === REPLACEMENT_SPLIT && !row.members_known).map((row) => [row.version, row]),
  );
  // The shards a clip of (version, split, label) may hide in, computed once per such group.
  const unexploredByGroup = new Map<string, PlannableShard[]>();
  const unexploredFor = (clip: SubsetClip) => {
    const group = `${clip.version}\0${clip.split}\0${clip.label}`;
    let rows = unexploredByGroup.get(group);
    if (!rows) {
      rows = shardRows.filter((row) => mayHold(row, clip) && !row.members_known && (row.label === null || row.label === clip.label));
      unexploredByGroup.set(group, rows);
    }
    return rows;
  };

  const shards: ShardAssignment['shards'] = new Map();
  const assign = (row: PlannableShard) => {
    let entry = shards.get(row);
    if (!entry) {
      entry = { clips: [], discovery: false };
      shards.set(row, entry);
    }
    return entry;
  };
  const undiscovered: SubsetClip[] = [];
  const notInAnyShard: SubsetClip[] = [];
  const damagedAtSource: SubsetClip[] = [];
  const discoveryGroups = new Set<PlannableShard[]>();
  for (const clip of wanted) {
    const known = members.get(`${clip.version}\0${clip.clip_key}`) ?? [];
    const holders = options.retryDamaged ? known : known.filter((holder) => !holder.damaged);
    // A damaged K400 file's good copy may be in the replacement archive, not streamed yet: it is sought there as
    // well as wherever the clip is found otherwise (fetch extracts the archive into a folder of its own).
    const replacement = unexploredReplacement.get(clip.version);
    const soughtInReplacement = DAMAGED_STATUSES.has(clip.status) && replacement !== undefined && mayHold(replacement, clip);
    if (soughtInReplacement) {
      const entry = assign(replacement);
      entry.discovery = true;
      entry.clips.push(clip);
    }
    const holder = pickMember(clip, holders);
    if (holder) {
      assign(byKey.get(shardKey(clip.version, holder.split, holder.shard))!).clips.push(clip);
      continue;
    }
    if (known.length > 0) {
      if (!soughtInReplacement) damagedAtSource.push(clip);
      continue;
    }
    const classShard = clip.label === null ? undefined : classShards.get(`${clip.version}\0${clip.split}\0${clip.label}`);
    if (classShard && !classShard.members_known) {
      assign(classShard).clips.push(clip);
      continue;
    }
    const unexplored = unexploredFor(clip);
    if (!classShard && unexplored.length > 0) {
      if (!discoveryGroups.has(unexplored)) {
        discoveryGroups.add(unexplored);
        for (const row of unexplored) assign(row).discovery = true;
      }
      undiscovered.push(clip);
      continue;
    }
    if (!soughtInReplacement) notInAnyShard.push(clip);
  }
  return { shards, undiscovered, notInAnyShard, damagedAtSource };
}

/**
 * Which shards a subset needs: the clips not already usable on disk, located by known members, else by their
 * class's shard, else among the split's random shards not streamed yet (discovery). Sizes come from the source
 * (HEAD or stat) once and are cached in `shards.bytes`. The subset is read with joins on its keys.
 */
export async function planSubset(
  catalog: Catalog,
  subsetName: string,
  home: string,
  options: { lookupSizes?: boolean; retryAbsent?: boolean; retryDamaged?: boolean; archives?: string } = {},
): Promise<Plan> {
  findSubset(catalog, subsetName);
  const clips = subsetClips(catalog, subsetName);
  const usable = new Set<string>(USABLE_STATUSES);
  const wanted = clips.filter((clip) => !usable.has(clip.status));

  const shardRows = shardsOfVersions(catalog, [...new Set(wanted.map((clip) => clip.version))]);
  const members = new Map<string, Holder[]>();
  for (const row of subsetShardMembers(catalog, subsetName)) {
    const key = `${row.version}\0${row.clip_key}`;
    const holder = { split: row.split, shard: row.shard, damaged: row.damaged };
    const holders = members.get(key);
    if (holders) holders.push(holder);
    else members.set(key, [holder]);
  }
  const assignment = assignShards(wanted, shardRows, members, { retryDamaged: options.retryDamaged });
  const planned = [...assignment.shards].map(([row, { clips: held, discovery }]) => {
    const shard = { ...plannedShardOf(row, options.archives ?? archivesRoot(home)), clips: held, discovery };
    return options.retryAbsent ? { ...shard, absentFromSource: false } : shard;
  });
  const { undiscovered, notInAnyShard, damagedAtSource } = assignment;

  const shards = planned.sort((a, b) => a.version.localeCompare(b.version) || a.split.localeCompare(b.split) || a.name.localeCompare(b.name, 'en', { numeric: true }));
  if (options.lookupSizes !== false) {
    await eachLimited(
      shards.filter((shard) => (shard.bytes === null || (options.retryAbsent && shard.state === ABSENT)) && shard.archive === null && !shard.absentFromSource),
      8,
      async (shard) => {
        const size = await shardSize(shard.url).catch(() => undefined);
        if (size === 'absent') {
          shard.absentFromSource = true;
          shard.state = ABSENT;
          setShardState(catalog, shard, ABSENT, 'not in the source');
        }
        if (size === 'absent' || size === undefined) return;
        if (shard.state === ABSENT) {
          shard.state = 'remote';
          setShardState(catalog, shard, 'remote', null);
        }
        shard.bytes = size.bytes;
        shard.etag = size.etag;
        recordShardSize(catalog, shard, size.bytes, size.etag);
      },
    );
  }
  return {
    subset: subsetName,
    clips: clips.length,
    onDisk: clips.length - wanted.length,
    wanted: wanted.length,
    shards,
    undiscovered,
    notInAnyShard,
    damagedAtSource,
    bytesToDownload: shards.reduce((sum, shard) => sum + (shard.archive === null ? (shard.bytes ?? 0) : 0), 0),
    shardsWithUnknownSize: shards.filter((shard) => shard.archive === null && shard.bytes === null && !shard.absentFromSource).length,
    shardsAbsentFromSource: shards.filter((shard) => shard.absentFromSource).length,
  };
}
